// The static check of StdSync::SharedMutex (tsan/std_sync_checks.cmake, label seam-static): Clang's
// thread-safety analysis knows a SharedLock holds the mutex shared, so it lets the scope read what
// the mutex guards but not write it. check.cmake compiles this file twice:
//   no define                           must be accepted: reads under a SharedLock, writes under a
//                                       ScopedLock
//   DC_STATIC_WRITE_UNDER_SHARED_LOCK   adds a write under a SharedLock, which must be rejected at
//                                       its line ("writing variable 'balance_' requires holding
//                                       mutex 'mutex_' exclusively")
// The same misuse with the field not annotated compiles, and ThreadSanitizer catches it instead
// (tests/race/std_sync_negative_controls.cpp, TwoWritersHoldingASharedLockWriteTheSameField).
#include <cstdint>

#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::static_negative {

class Account {
 public:
  std::int64_t balance() {
    const SharedLock lock(mutex_);
    return balance_;
  }

  void deposit(std::int64_t amount) {
    const ScopedLock lock(mutex_);
    balance_ += amount;
  }

#if defined(DC_STATIC_WRITE_UNDER_SHARED_LOCK)
  // The misuse: a reader's lock, a writer's access.
  void clear_under_a_shared_lock() {
    const SharedLock lock(mutex_);
    balance_ = 0;
  }
#endif

 private:
  StdSync::SharedMutex mutex_;
  std::int64_t balance_ DC_GUARDED_BY(mutex_) = 0;
};

}  // namespace doublecheck::static_negative
