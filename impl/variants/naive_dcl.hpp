// The naive double-checked lock: the global is a plain pointer, read outside the lock "to skip the
// lock once initialised". That first read races with the write under the lock: undefined
// behaviour in C++, and the reader may see the pointer before the object it points to.
#pragma once

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class NaiveDcl {
 public:
  // DC_VARIANT_UNCHECKED (the lie): the analysis would reject the unlocked reads below, which are
  // the bug; without it the variant could not be compiled, and so not run. Compiled with
  // DC_HONEST_VARIANTS, tsan/static_negative/ shows the analysis rejecting them.
  template <class Make>
  DC_VARIANT_UNCHECKED Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    if (Emitter* ready = instance_.load()) return *ready;  // unlocked read: the race
    const ScopedLock guard(mutex_);
    if (instance_.load() == nullptr) instance_.store(store.adopt(make()));
    return *instance_.load();
  }

  DC_VARIANT_UNCHECKED Emitter* get() { return instance_.load(); }  // unlocked read: the same race

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  // Guarded by mutex_ as in the fix (MutexInit): the fast path reads it without the lock, which is
  // the bug the analysis reports once nothing lies to it.
  typename Sync::template Shared<Emitter*> instance_ DC_GUARDED_BY(mutex_){nullptr,
                                                                           "global.instance"};
};

}  // namespace doublecheck::variants
