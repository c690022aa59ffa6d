// Double-checked locking done right: the release store publishes the constructed emitter and the
// acquire load that sees the pointer sees everything written before it (P5). Correct, and lock-free
// once initialised.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class AcqRelDcl {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load(std::memory_order_acquire)) return *ready;
    const ScopedLock guard(mutex_);
    Emitter* current = instance_.load(std::memory_order_relaxed);  // ordered by the mutex
    if (current == nullptr) {
      current = store.adopt(make());
      instance_.store(current, std::memory_order_release);
    }
    return *current;
  }

  Emitter* get() { return instance_.load(std::memory_order_acquire); }

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
