// fence_dcl with its acquire fences left out: the release fence before the relaxed store orders
// the construction before it, but a fence synchronises only with an acquire on the reading side
// ([atomics.fences]/2). A thread whose relaxed load sees the pointer has no happens-before with
// the constructor's writes, so reading the emitter's fields races with them (P5), as in
// relaxed_dcl: half a fence pair publishes nothing.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class FenceDclMissingAcquire {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load(std::memory_order_relaxed)) return *ready;  // no fence
    const ScopedLock guard(mutex_);
    Emitter* current = instance_.load(std::memory_order_relaxed);
    if (current == nullptr) {
      current = store.adopt(make());
      Sync::fence(std::memory_order_release);  // has no acquire to pair with
      instance_.store(current, std::memory_order_relaxed);
    }
    return *current;
  }

  Emitter* get() { return instance_.load(std::memory_order_relaxed); }  // no fence

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
