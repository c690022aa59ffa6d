// StdSync::Atomic's C++20 wait / notify_one / notify_all on real threads (label `seam-race`):
// plain data published with a release store and notify, and waited for with an acquire wait, is
// seen whole by the woken thread, and ThreadSanitizer (tsan preset) sees the publication ordered
// by that release/acquire pair. The same hand-over with a relaxed store or a relaxed wait is a
// negative control of std_sync_negative_controls.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "seam/std_sync.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck::race {
namespace {

// Blocks until `flag` holds `wanted`: wait() returns when the value is no longer the one it was
// given (or spuriously), which need not be the value this thread waits for.
void wait_until(const StdSync::Atomic<int>& flag, int wanted) {
  for (int now = flag.load(std::memory_order_acquire); now != wanted;
       now = flag.load(std::memory_order_acquire)) {
    flag.wait(now, std::memory_order_acquire);
  }
}

// A producer hands kRounds values, one at a time, to a consumer through one plain slot: it writes
// the slot, then publishes the round in `sequence` (release) and notifies; the consumer waits for
// that round (acquire), reads the slot, and acknowledges in `acknowledged` the same way, after
// which the producer may overwrite the slot. Both sides wait on atomics only.
TEST(StdSyncAtomicWait, NotifyWakesAWaiterThatThenSeesTheData) {
  constexpr int kRounds = 2000;
  StdSync::Atomic<int> sequence(0);
  StdSync::Atomic<int> acknowledged(0);
  std::int64_t slot = 0;  // plain data: ordered by sequence and acknowledged only
  std::vector<std::int64_t> received;
  received.reserve(kRounds);
  run_together(2, [&](int i) {
    for (int round = 1; round <= kRounds; ++round) {
      if (i == 0) {
        wait_until(acknowledged, round - 1);
        slot = std::int64_t{round} * 1000 + round;
        sequence.store(round, std::memory_order_release);
        sequence.notify_one();
      } else {
        wait_until(sequence, round);
        received.push_back(slot);
        acknowledged.store(round, std::memory_order_release);
        acknowledged.notify_one();
      }
    }
  });
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kRounds));
  for (int round = 1; round <= kRounds; ++round) {
    EXPECT_EQ(received[static_cast<std::size_t>(round - 1)], std::int64_t{round} * 1000 + round)
        << "round " << round << " read another round's slot";
  }
}

// One opener, several waiters blocked in wait() on an Atomic<bool> (a type the library waits on
// through a proxy, unlike int): notify_all must wake them all, and each then sees what was written
// before the release store.
TEST(StdSyncAtomicWait, NotifyAllWakesEveryWaiterThatThenSeesTheData) {
  constexpr int kWaiters = 4;
  constexpr int kRounds = 50;  // a fresh flag each round: waiters both before and after the store
  for (int round = 0; round < kRounds; ++round) {
    StdSync::Atomic<bool> open(false);
    std::vector<int> data(3, 0);                   // written by the opener before it opens
    std::vector<std::vector<int>> seen(kWaiters);  // each written by its waiter only
    run_together(kWaiters + 1, [&](int i) {
      if (i == kWaiters) {
        data = {round, round + 1, round + 2};
        open.store(true, std::memory_order_release);
        open.notify_all();
        return;
      }
      open.wait(false, std::memory_order_acquire);  // returns only once open is true: one store
      seen[static_cast<std::size_t>(i)] = data;
    });
    for (int w = 0; w < kWaiters; ++w) {
      EXPECT_EQ(seen[static_cast<std::size_t>(w)], (std::vector<int>{round, round + 1, round + 2}))
          << "waiter " << w << ", round " << round;
    }
  }
}

}  // namespace
}  // namespace doublecheck::race
