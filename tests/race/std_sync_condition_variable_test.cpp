// StdSync::ConditionVariable on real threads (label `seam-race`): data handed over under the
// mutex the waits release is delivered whole and exactly once, and ThreadSanitizer (tsan preset)
// sees every hand-over ordered by that mutex. The misuses it must catch are the negative controls
// of std_sync_negative_controls.cpp.
//
// The shared state is annotated (DC_GUARDED_BY), so in Clang builds -Wthread-safety checks that
// every access here holds the mutex; waits loop over their condition, as a wait may wake
// spuriously.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <vector>

#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck::race {
namespace {

// A bounded FIFO of ints with the two classic conditions: producers wait while it is full,
// consumers while it is empty. It knows how many items will ever be put, so that a consumer can
// tell "empty for now" from "empty for good" and every consumer returns.
class BoundedQueue {
 public:
  BoundedQueue(std::size_t capacity, int total) : capacity_(capacity), total_(total) {}

  void put(int item) {
    const ScopedLock lock(mutex_);
    while (items_.size() == capacity_) not_full_.wait(mutex_);
    items_.push_back(item);
    not_empty_.notify_one();
  }

  // False once all `total` items have been taken (by this consumer or another).
  bool take(int& item) {
    const ScopedLock lock(mutex_);
    while (items_.empty() && taken_ < total_) not_empty_.wait(mutex_);
    if (items_.empty()) return false;
    item = items_.front();
    items_.pop_front();
    ++taken_;
    not_full_.notify_one();
    // The last item: the consumers still waiting would wait for good without this.
    if (taken_ == total_) not_empty_.notify_all();
    return true;
  }

 private:
  StdSync::Mutex mutex_;
  StdSync::ConditionVariable not_full_;
  StdSync::ConditionVariable not_empty_;
  const std::size_t capacity_;
  const int total_;
  std::deque<int> items_ DC_GUARDED_BY(mutex_);
  int taken_ DC_GUARDED_BY(mutex_) = 0;
};

// Producer p puts p * kPerProducer + k for k = 0, 1, ...: an item names its producer and its place.
constexpr int kProducers = 2;
constexpr int kConsumers = 2;
constexpr int kPerProducer = 2000;

TEST(StdSyncConditionVariable, ProducerConsumerHandsOffEveryItem) {
  // A capacity of 2 keeps the queue full or empty most of the time: every wait and notify runs.
  BoundedQueue queue(2, kProducers * kPerProducer);
  std::vector<std::vector<int>> received(kConsumers);  // each written by its consumer only
  run_together(kProducers + kConsumers, [&](int i) {
    if (i < kProducers) {
      for (int k = 0; k < kPerProducer; ++k) queue.put(i * kPerProducer + k);
    } else {
      auto& mine = received[static_cast<std::size_t>(i - kProducers)];
      for (int item = 0; queue.take(item);) mine.push_back(item);
    }
  });

  // The queue is FIFO and a producer puts in order, so each consumer sees each producer's items in
  // increasing order: a reordered or re-read slot shows here, a lost or doubled item below.
  std::vector<int> all;
  for (int c = 0; c < kConsumers; ++c) {
    std::vector<int> last(kProducers, -1);
    for (const int item : received[static_cast<std::size_t>(c)]) {
      const auto producer = static_cast<std::size_t>(item / kPerProducer);
      ASSERT_LT(producer, last.size()) << "consumer " << c << " received " << item;
      EXPECT_GT(item, last[producer])
          << "consumer " << c << " received producer " << producer << "'s items out of order";
      last[producer] = item;
    }
    all.insert(all.end(), received[static_cast<std::size_t>(c)].begin(),
               received[static_cast<std::size_t>(c)].end());
  }
  std::sort(all.begin(), all.end());
  std::vector<int> expected(static_cast<std::size_t>(kProducers * kPerProducer));
  for (std::size_t n = 0; n < expected.size(); ++n) expected[n] = static_cast<int>(n);
  EXPECT_EQ(all, expected) << "not every item was delivered exactly once";
}

// What an opener publishes to the waiters of a Gate: three fields written one by one, so that a
// waiter that could read them before the opener is done would see them disagree.
struct Payload {
  int first = 0;
  int second = 0;
  int third = 0;
};

// A gate that opens once: waiters wait (with the predicate overload) until it is open, then copy
// what the opener published with it.
class Gate {
 public:
  void open(int value) {
    {
      const ScopedLock lock(mutex_);
      payload_.first = value;
      payload_.second = value + 1;
      payload_.third = value + 2;
      open_ = true;
    }
    // After the unlock, so that the woken waiters do not all block on the mutex still held.
    opened_.notify_all();
  }

  Payload wait_open() {
    const ScopedLock lock(mutex_);
    opened_.wait(mutex_, [this]() DC_REQUIRES(mutex_) { return open_; });
    return payload_;
  }

 private:
  StdSync::Mutex mutex_;
  StdSync::ConditionVariable opened_;
  bool open_ DC_GUARDED_BY(mutex_) = false;
  Payload payload_ DC_GUARDED_BY(mutex_);
};

TEST(StdSyncConditionVariable, NotifyAllWakesEveryWaiterThatThenSeesThePayload) {
  constexpr int kWaiters = 4;
  constexpr int kRounds = 50;  // a fresh gate each round: waiters both before and after the open
  for (int round = 0; round < kRounds; ++round) {
    Gate gate;
    std::vector<Payload> seen(kWaiters);  // each written by its waiter only
    run_together(kWaiters + 1, [&](int i) {
      if (i == kWaiters) {
        gate.open(round * 10);
      } else {
        seen[static_cast<std::size_t>(i)] = gate.wait_open();
      }
    });
    for (int w = 0; w < kWaiters; ++w) {
      const Payload& p = seen[static_cast<std::size_t>(w)];
      EXPECT_EQ(p.first, round * 10) << "waiter " << w << ", round " << round;
      EXPECT_EQ(p.second, round * 10 + 1) << "waiter " << w << ", round " << round;
      EXPECT_EQ(p.third, round * 10 + 2) << "waiter " << w << ", round " << round;
    }
  }
}

}  // namespace
}  // namespace doublecheck::race
