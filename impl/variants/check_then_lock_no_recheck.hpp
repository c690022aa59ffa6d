// Check, then lock, then create, without checking again under the lock: the half of double-checked
// locking that looks redundant. The pointer is published correctly (release/acquire), so nothing
// races; but two callers can both see null before either takes the lock, and each then builds
// and stores its own emitter in turn: two instances, two session ids, the first caller's
// configuration lost (P4). A logic error, not a data race: only a check of P4 catches it.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class CheckThenLockNoRecheck {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load(std::memory_order_acquire)) return *ready;
    const ScopedLock guard(mutex_);
    // The bug: the pointer may have been set while this caller waited for the lock.
    Emitter* current = store.adopt(make());
    instance_.store(current, std::memory_order_release);
    return *current;
  }

  Emitter* get() { return instance_.load(std::memory_order_acquire); }

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
