// The consumer's class: counts hits and remembers the largest value seen. Its fix takes the lock
// around the read-modify-write of both fields; the negative control is the same source without it.
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
  void hit(std::int64_t value) {
    const typename Locking::template Guard<Mutex> guard(mutex_);
    count_.add(1);
    if (value > largest_.load()) largest_.store(value);
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
  Shared<std::int64_t> largest_ DC_GUARDED_BY(mutex_){0, "hits.largest"};
};

using HitCounter = BasicHitCounter<doublecheck::StdSync>;

}  // namespace hits
