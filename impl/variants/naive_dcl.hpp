// The naive double-checked lock: the global is a plain pointer, read outside the lock "to skip the
// lock once initialised". That first read races with the write under the lock: undefined
// behaviour in C++, and the reader may see the pointer before the object it points to.
#pragma once

#include "impl/emitter_store.hpp"
#include "impl/scoped_lock.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class NaiveDcl {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load()) return *ready;  // unlocked read: the race
    const ScopedLock guard(mutex_);
    if (instance_.load() == nullptr) instance_.store(store.adopt(make()));
    return *instance_.load();
  }

  Emitter* get() { return instance_.load(); }  // unlocked read: the same race

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  // Cannot be GUARDED_BY(mutex_): the fast path reads it without the lock, which is the bug.
  typename Sync::template Shared<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
