// Double-checked locking with fences: the pointer is loaded and stored relaxed, and standalone
// fences do the publishing. The release fence before the store and the acquire fence after a load
// that saw the pointer synchronise ([atomics.fences]/2: the store is sequenced after the release
// fence, the load reads it and is sequenced before the acquire fence), so the constructor's writes
// happen-before every read through the pointer (P5). Correct, and what acq_rel_dcl does with the
// orders folded into the accesses; the form to know when one fence serves several atomics.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class FenceDcl {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load(std::memory_order_relaxed)) {
      Sync::fence(std::memory_order_acquire);  // pairs with the release fence below
      return *ready;
    }
    const ScopedLock guard(mutex_);
    Emitter* current = instance_.load(std::memory_order_relaxed);  // ordered by the mutex
    if (current == nullptr) {
      current = store.adopt(make());
      // Orders the construction before the store, for any thread whose acquire fence follows a
      // load of this value (the lock does not: the fast path never takes it).
      Sync::fence(std::memory_order_release);
      instance_.store(current, std::memory_order_relaxed);
    }
    return *current;
  }

  Emitter* get() {
    Emitter* ready = instance_.load(std::memory_order_relaxed);
    Sync::fence(std::memory_order_acquire);  // the caller reads the emitter's fields next
    return ready;
  }

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
