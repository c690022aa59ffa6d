// Double-checked locking with an atomic pointer but relaxed loads and stores. The pointer itself no
// longer races, but a relaxed store publishes nothing: a thread that loads the pointer has no
// happens-before with the constructor's writes, so reading the emitter's fields is a data race.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class RelaxedDcl {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load(std::memory_order_relaxed)) return *ready;
    const ScopedLock guard(mutex_);
    Emitter* current = instance_.load(std::memory_order_relaxed);
    if (current == nullptr) {
      current = store.adopt(make());
      instance_.store(current, std::memory_order_relaxed);  // publishes nothing
    }
    return *current;
  }

  Emitter* get() { return instance_.load(std::memory_order_relaxed); }

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
