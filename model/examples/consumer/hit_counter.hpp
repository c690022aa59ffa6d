// The consumer's class: a hit counter read while it is being hit. Its fix takes the lock around
// the count's read-modify-write and around the read; the negative control is the same source
// without it.
#pragma once

#include <cstdint>
#include <doublecheck/sync.hpp>

namespace hits {

struct Locked {
  template <class Mutex>
  using Guard = doublecheck::ScopedLock<Mutex>;
};
struct Unlocked {  // the pre-fix code
  template <class Mutex>
  using Guard = doublecheck::NoLock<Mutex>;
};

template <class Sync, class Locking = Locked>
class BasicHitCounter {
 public:
  void hit() {
    const typename Locking::template Guard<Mutex> guard(mutex_);
    count_.store(count_.load() + 1);
  }

  std::int64_t count() {
    const typename Locking::template Guard<Mutex> guard(mutex_);
    return count_.load();
  }

 private:
  using Mutex = typename Sync::Mutex;
  template <class T>
  using Shared = typename Sync::template Shared<T>;

  Mutex mutex_{"hits.mutex"};
  Shared<std::int64_t> count_ DC_GUARDED_BY(mutex_){0, "hits.count"};
};

using HitCounter = BasicHitCounter<doublecheck::StdSync>;

}  // namespace hits
