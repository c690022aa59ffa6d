// StdSync::SharedMutex with SharedLock and ScopedLock on real threads (label `seam-race`):
// readers holding it shared never see a writer's update half done, writers holding it exclusively
// lose no update, and readers really do hold it together. ThreadSanitizer (tsan preset) must see
// every write ordered with every read by the lock; the misuse it must catch (writing under a
// shared lock) is a negative control of std_sync_negative_controls.cpp, and the same misuse of an
// annotated field is rejected by -Wthread-safety (tsan/static_negative/shared_lock_write.cpp).
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck::race {
namespace {

// Two counters that a whole update moves together: a reader that sees them differ saw an update
// half done.
class Pair {
 public:
  void increment() {
    const ScopedLock lock(mutex_);
    ++first_;
    ++second_;
  }

  struct Seen {
    std::int64_t first;
    std::int64_t second;
  };
  Seen read() {
    const SharedLock lock(mutex_);
    return {first_, second_};
  }

 private:
  StdSync::SharedMutex mutex_;
  std::int64_t first_ DC_GUARDED_BY(mutex_) = 0;
  std::int64_t second_ DC_GUARDED_BY(mutex_) = 0;
};

TEST(StdSyncSharedMutex, ReadersAndWritersSeeWholeUpdates) {
  constexpr int kWriters = 2;
  constexpr int kReaders = 3;
  constexpr int kIncrements = 20000;
  constexpr int kReads = 20000;
  Pair pair;
  std::vector<std::size_t> torn(kReaders, 0);       // each written by its reader only
  std::vector<std::size_t> went_back(kReaders, 0);  // likewise
  run_together(kWriters + kReaders, [&](int i) {
    if (i < kWriters) {
      for (int k = 0; k < kIncrements; ++k) pair.increment();
      return;
    }
    const auto reader = static_cast<std::size_t>(i - kWriters);
    std::int64_t previous = 0;
    for (int k = 0; k < kReads; ++k) {
      const Pair::Seen seen = pair.read();
      if (seen.first != seen.second) ++torn[reader];
      if (seen.first < previous) ++went_back[reader];
      previous = seen.first;
    }
  });
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_EQ(torn[static_cast<std::size_t>(r)], 0U)
        << "reader " << r << " saw an update half done";
    EXPECT_EQ(went_back[static_cast<std::size_t>(r)], 0U)
        << "reader " << r << " saw the counters go back";
  }
  const Pair::Seen last = pair.read();
  EXPECT_EQ(last.first, std::int64_t{kWriters} * kIncrements) << "an update was lost";
  EXPECT_EQ(last.second, std::int64_t{kWriters} * kIncrements) << "an update was lost";
}

// While one thread holds the mutex shared, another gets it shared too (try_lock_shared succeeds)
// but not exclusively (try_lock fails); once the reader is gone, try_lock succeeds. The threads
// take turns through an Atomic<int> (release/acquire, waited on): `step` is 1 while the first
// holds it shared, 2 once the second has tried, 3 once the first has let go.
TEST(StdSyncSharedMutex, ReadersShareItWhileAWriterIsKeptOut) {
  StdSync::SharedMutex mutex;
  StdSync::Atomic<int> step(0);
  bool second_shared = false;
  bool exclusive_beside_reader = false;
  bool exclusive_after_reader = false;
  run_together(2, [&](int i) {
    if (i == 0) {
      mutex.lock_shared();
      step.store(1, std::memory_order_release);
      step.notify_one();
      step.wait(1, std::memory_order_acquire);  // until the other thread has tried both modes
      mutex.unlock_shared();
      step.store(3, std::memory_order_release);
      step.notify_one();
      return;
    }
    step.wait(0, std::memory_order_acquire);
    if (mutex.try_lock_shared()) {
      second_shared = true;
      mutex.unlock_shared();
    }
    if (mutex.try_lock()) {
      exclusive_beside_reader = true;
      mutex.unlock();
    }
    step.store(2, std::memory_order_release);
    step.notify_one();
    for (int now = step.load(std::memory_order_acquire); now != 3;
         now = step.load(std::memory_order_acquire)) {
      step.wait(now, std::memory_order_acquire);
    }
    if (mutex.try_lock()) {
      exclusive_after_reader = true;
      mutex.unlock();
    }
  });
  EXPECT_TRUE(second_shared) << "a second reader could not share the mutex with the first";
  EXPECT_FALSE(exclusive_beside_reader) << "try_lock took the mutex exclusively beside a reader";
  EXPECT_TRUE(exclusive_after_reader) << "try_lock failed with no reader or writer left";
}

}  // namespace
}  // namespace doublecheck::race
