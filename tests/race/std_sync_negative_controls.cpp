// Misuses of StdSync's primitives that ThreadSanitizer must catch: the negative controls of the
// positive tests std_sync_*_test.cpp. Built in the tsan build only; not run by ctest directly:
// tsan/std_sync_checks.cmake registers each test as `TsanCatches<suite>.<test>` (label
// `seam-tsan-negative`), run by tsan/run_negative_control.py, which passes only when TSan reports
// a data race whose access stacks name the misused line here.
//
// Each misuse races by happens-before, not by timing: the two accesses are unordered however the
// threads are scheduled, so TSan reports it on every run. The shared data is plain and not
// annotated, so that these compile under -Wthread-safety -Werror: with DC_GUARDED_BY the analysis
// would reject the misuse before TSan could run it (for the shared lock,
// tsan/static_negative/shared_lock_write.cpp shows it does).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck::race {
namespace {

// ---- SharedMutex: a shared lock orders its holder after the last exclusive holder, not after the
// other shared holders, so two threads that write under it race.

TEST(StdSyncSharedMutexMisuse, TwoWritersHoldingASharedLockWriteTheSameField) {
  StdSync::SharedMutex mutex;
  std::int64_t shared_total = 0;
  run_together(2, [&](int) {
    for (int k = 0; k < 100; ++k) {
      const SharedLock lock(mutex);
      shared_total += 1;  // a write under a shared lock
    }
  });
  EXPECT_EQ(shared_total, 200);
}

// ---- ConditionVariable: the wait and the notify order only what the mutex covers.

// The producer sets the flag under the mutex and notifies, then fills the item with no lock: the
// consumer wakes (or finds the flag already set) and reads an item that nothing orders after the
// write.
TEST(StdSyncConditionVariableMisuse, ProducerFillsTheItemAfterSignallingIt) {
  StdSync::Mutex mutex;
  StdSync::ConditionVariable ready_cv;
  bool ready = false;
  int late_item = 0;
  int received = 0;
  run_together(2, [&](int i) {
    if (i == 0) {
      {
        const ScopedLock lock(mutex);
        ready = true;
      }
      ready_cv.notify_one();
      late_item = 42;  // written outside the mutex, after the signal
      return;
    }
    const ScopedLock lock(mutex);
    ready_cv.wait(mutex, [&] { return ready; });
    received = late_item;  // read under the mutex, but the write was not
  });
  EXPECT_EQ(received, 42);
}

// A one-slot mailbox whose producer refills it as soon as it is empty, both items written under the
// mutex, and whose consumer empties it under the mutex but reads the item it took only after
// letting go: the refill is ordered after the consumer's unlock, not after its read, so the read
// may even see the second item. The consumer takes one item and releases nothing after its read
// (any later release of the mutex, e.g. waiting for a next item, would order the read before a
// refill the producer had not written yet, and hide the race in those runs), and it notifies with
// the mutex held for the same reason: a notify after the unlock locks condition_variable_any's
// internal mutex, which the producer's refill may have released.
TEST(StdSyncConditionVariableMisuse, ConsumerReadsTheItemAfterReleasingTheMutex) {
  StdSync::Mutex mutex;
  StdSync::ConditionVariable changed;  // two threads: a notify_one always wakes the other side
  bool full = false;
  int mailbox_item = 0;
  int received = 0;
  run_together(2, [&](int i) {
    if (i == 0) {
      for (int item = 1; item <= 2; ++item) {
        const ScopedLock lock(mutex);
        changed.wait(mutex, [&] { return !full; });
        mailbox_item = item;  // the producer's write, under the mutex
        full = true;
        changed.notify_one();
      }
      return;
    }
    {
      const ScopedLock lock(mutex);
      changed.wait(mutex, [&] { return full; });
      full = false;
      changed.notify_one();
    }
    received = mailbox_item;  // read after the unlock
  });
  EXPECT_EQ(received, 1);
}

// ---- Atomic wait/notify: wait() returning tells the waiter that the value changed, but orders
// nothing unless the store releases and the wait acquires. The flag is an Atomic<int>, which
// libstdc++ waits on directly (a futex on its own address): for other types it waits on a proxy
// counter whose seq_cst increments in notify would order the hand-over by accident.

template <std::memory_order kStore, std::memory_order kWait>
void PublishThroughWait() {
  StdSync::Atomic<int> ready(0);
  std::int64_t published = 0;
  std::int64_t seen = 0;
  run_together(2, [&](int i) {
    if (i == 0) {
      published = 42;  // the data the store is meant to publish
      ready.store(1, kStore);
      ready.notify_one();
      return;
    }
    ready.wait(0, kWait);
    seen = published;  // read once the wait has seen the store
  });
  EXPECT_EQ(seen, 42);
}

TEST(StdSyncAtomicWaitMisuse, ARelaxedStorePublishesNothingToAnAcquireWait) {
  PublishThroughWait<std::memory_order_relaxed, std::memory_order_acquire>();
}

TEST(StdSyncAtomicWaitMisuse, ARelaxedWaitAcquiresNothingFromAReleaseStore) {
  PublishThroughWait<std::memory_order_release, std::memory_order_relaxed>();
}

}  // namespace
}  // namespace doublecheck::race
