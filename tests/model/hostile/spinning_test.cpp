// Fair spinning (model/engine/spin_watch.hpp): exhaustive searches of spin-waits end without
// hand-written bounds, and a spin nobody can end is a livelock with its cycle shown.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::explore;

ExploreOptions with(Search search, MemoryModel memory_model = MemoryModel::kRc11) {
  ExploreOptions options;
  options.search = search;
  options.memory_model = memory_model;
  options.max_steps = 2'000;  // a spin that is not cut short would hit this at once
  return options;
}

// The same, for spin loops that do not yield (ExploreOptions::unmarked_spins).
ExploreOptions unmarked(Search search, MemoryModel memory_model = MemoryModel::kRc11) {
  ExploreOptions options = with(search, memory_model);
  options.unmarked_spins = true;
  return options;
}

// Peterson's lock, seq_cst, with its spin as written: `while (flag[other] && turn == other) {}`.
void peterson(std::memory_order store, std::memory_order load) {
  ModelSync::Atomic<int> flag0(0, "flag0");
  ModelSync::Atomic<int> flag1(0, "flag1");
  ModelSync::Atomic<int> turn(0, "turn");
  ModelSync::Shared<int> inside(0, "inside");
  auto enter = [&](int self) {
    ModelSync::Atomic<int>& mine = self == 0 ? flag0 : flag1;
    ModelSync::Atomic<int>& theirs = self == 0 ? flag1 : flag0;
    mine.store(1, store);
    turn.store(1 - self, store);
    while (theirs.load(load) == 1 && turn.load(load) == 1 - self) {
    }
    inside.add(1);  // races unless the lock excludes
    mine.store(0, store);
  };
  thread t([&] { enter(1); });
  enter(0);
  t.join();
}

TEST(FairSpinning, PetersonsSpinEndsAndPassesExhaustivelyUnderBothMemoryModels) {
  for (const MemoryModel model : {MemoryModel::kRc11, MemoryModel::kSc}) {
    const auto result =
        explore([] { peterson(std::memory_order_seq_cst, std::memory_order_seq_cst); },
                unmarked(Search::kDpor, model));
    EXPECT_TRUE(result.passed()) << format_report(result);
    EXPECT_TRUE(result.exhaustive) << format_verdict(result);
    EXPECT_GT(result.executions, 10U);
    std::cout << format_verdict(result) << "\n";
  }
}

TEST(FairSpinning, PetersonWithAcquireReleaseIsCaughtAsARaceNotALivelock) {
  // With release stores and acquire loads both threads can read the other's flag as 0 (store
  // buffering): both enter.
  const auto result =
      explore([] { peterson(std::memory_order_release, std::memory_order_acquire); },
              unmarked(Search::kDpor));
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace) << format_report(result);
}

// A test-and-set spinlock whose acquire spins on the exchange itself (no yield, no inner load).
void tas_spinlock() {
  ModelSync::Atomic<bool> locked(false, "locked");
  ModelSync::Shared<int> counter(0, "counter");
  auto critical = [&] {
    while (locked.exchange(true, std::memory_order_acquire)) {
    }
    counter.add(1);
    locked.store(false, std::memory_order_release);
  };
  thread t(critical);
  critical();
  t.join();
  check(counter.load() == 2, "both increments");
}

TEST(FairSpinning, ATestAndSetSpinlockEndsAndPassesExhaustively) {
  for (const Search search : {Search::kDpor, Search::kPlain}) {
    const auto result = explore(tas_spinlock, unmarked(search));
    EXPECT_TRUE(result.passed()) << format_report(result);
    EXPECT_TRUE(result.exhaustive) << search_name(search);
  }
}

TEST(FairSpinning, ASpinlockWhoseUnlockIsRelaxedIsCaught) {
  const auto result = explore(
      [] {
        ModelSync::Atomic<bool> locked(false, "locked");
        ModelSync::Shared<int> counter(0, "counter");
        auto critical = [&] {
          while (locked.exchange(true, std::memory_order_acquire)) {
          }
          counter.add(1);
          locked.store(false, std::memory_order_relaxed);  // no release: the next owner races
        };
        thread t(critical);
        critical();
        t.join();
      },
      unmarked(Search::kDpor));
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace) << format_report(result);
}

// A one-slot ring buffer whose producer and consumer spin-wait (with yield) for room and data.
TEST(FairSpinning, ASpinWaitingRingBufferEndsAndPassesExhaustively) {
  const auto ring = [] {
    ModelSync::Atomic<int> head(0, "head");  // items taken
    ModelSync::Atomic<int> tail(0, "tail");  // items put
    ModelSync::Shared<int> slot(0, "slot");
    thread producer([&] {
      for (int item = 1; item <= 3; ++item) {
        while (tail.load(std::memory_order_relaxed) - head.load(std::memory_order_acquire) == 1) {
          yield();
        }
        slot.store(item);
        tail.store(tail.load(std::memory_order_relaxed) + 1, std::memory_order_release);
      }
    });
    int sum = 0;
    for (int taken = 0; taken < 3; ++taken) {
      while (tail.load(std::memory_order_acquire) == head.load(std::memory_order_relaxed)) {
        yield();
      }
      sum += slot.load();
      head.store(head.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    producer.join();
    check(sum == 6, "every item taken once");
  };
  ExploreOptions options = with(Search::kDpor);
  options.time_limit_seconds = 20;
  const auto result = explore(ring, options);
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive) << format_verdict(result);
}

// Both threads wait for the other: no execution ends.
void mutual_wait() {
  ModelSync::Atomic<int> a(0, "a");
  ModelSync::Atomic<int> b(0, "b");
  thread t([&] {
    while (a.load() == 0) {
    }
    b.store(1);
  });
  while (b.load() == 0) {
  }
  a.store(1);
  t.join();
}

TEST(FairSpinning, TwoThreadsWaitingForEachOtherAreALivelockWithBothSpinsShown) {
  const auto result = explore(mutual_wait, unmarked(Search::kDpor));
  ASSERT_FALSE(result.passed());
  const Failure& livelock = result.failures.front();
  EXPECT_EQ(livelock.kind, FailureKind::kLivelock) << format_report(result);
  EXPECT_NE(livelock.message.find("T0 spins at"), std::string::npos) << livelock.message;
  EXPECT_NE(livelock.message.find("T1 spins at"), std::string::npos) << livelock.message;
  EXPECT_EQ(livelock.accesses.size(), 2U);
  EXPECT_NE(livelock.trace.find("b"), std::string::npos) << livelock.trace;
  EXPECT_FALSE(livelock.replay_token.empty());
}

TEST(FairSpinning, AThreadThatReadsTwiceBeforeItWritesIsNotTakenForASpin) {
  const auto result = explore(
      [] {
        ModelSync::Atomic<int> n(0, "n");
        thread t([&] {
          while (n.load() == 0) {
          }
        });
        const int first = n.load();
        n.store(first + n.load() + 1);  // reads n twice with nothing written between
        t.join();
      },
      unmarked(Search::kDpor));
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
}

TEST(FairSpinning, ASpinThatCouldStillSeeANewerStoreIsNotALivelock) {
  // T0 may read the initial 0 again and again (relaxed, nothing orders the store before it), but
  // the store becomes visible in a fair execution: no livelock, and the spin ends.
  const auto result = explore(
      [] {
        ModelSync::Atomic<int> x(0, "x");
        thread t([&] { x.store(1, std::memory_order_relaxed); });
        while (x.load(std::memory_order_relaxed) == 0) {
        }
        t.join();
      },
      unmarked(Search::kDpor));
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
}

TEST(FairSpinning, AYieldingWaiterGivesWayAndEnds) {
  for (const Search search : {Search::kDpor, Search::kPlain}) {
    const auto result = explore(
        [] {
          ModelSync::Atomic<bool> ready(false, "ready");
          ModelSync::Shared<int> data(0, "data");
          thread t([&] {
            data.store(42);
            ready.store(true, std::memory_order_release);
          });
          while (!ready.load(std::memory_order_acquire)) yield();
          check(data.load() == 42, "the data is published");
          t.join();
        },
        with(search));
    EXPECT_TRUE(result.passed()) << format_report(result);
    EXPECT_TRUE(result.exhaustive) << search_name(search);
  }
}

TEST(FairSpinning, ASpinWithoutYieldIsNotTakenForOneUnlessUnmarkedSpinsAreOn) {
  ExploreOptions options = with(Search::kDpor);
  options.max_steps = 300;
  const auto result = explore(mutual_wait, options);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kStepBoundExceeded) << format_report(result);
}

TEST(FairSpinning, TurnedOffASpinRunsIntoTheStepBound) {
  ExploreOptions options = unmarked(Search::kDpor);
  options.fair_spinning = false;
  options.max_steps = 300;
  const auto result = explore(mutual_wait, options);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kStepBoundExceeded) << format_report(result);
}

}  // namespace
}  // namespace doublecheck::model
