// ModelSync::ConditionVariable: a wait in a loop over its predicate passes exhaustively; a lost
// wake-up is a deadlock, a wait without a loop is caught by a spurious wake-up, notify_one instead
// of notify_all strands a waiter, which waiter notify_one wakes is explored, and misuse (waiting
// without the lock, destroying a waited-on condition variable) is reported. DPOR and the plain
// search agree on every model. StdSync's runs on real threads.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "seam/std_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::expect_failure;
using test_support::explore;

ExploreOptions with(Search search, bool spurious = true) {
  ExploreOptions options;
  options.search = search;
  options.spurious_wakeups = spurious;
  return options;
}

// One item handed over under the lock, the consumer waiting in a loop (`looped`) or with a bare
// `if`; the producer sets the flag under the lock (`locked_flag`) or not.
void handoff(bool looped, bool locked_flag) {
  ModelSync::Mutex mutex("m");
  ModelSync::ConditionVariable ready_cv("ready_cv");
  ModelSync::Atomic<bool> ready(false, "ready");
  ModelSync::Shared<int> data(0, "data");
  thread producer([&] {
    if (locked_flag) mutex.lock();
    data.store(42);
    ready.store(true);
    if (locked_flag) mutex.unlock();
    ready_cv.notify_one();
  });
  mutex.lock();
  if (looped) {
    ready_cv.wait(mutex, [&] { return ready.load(); });
  } else if (!ready.load()) {
    ready_cv.wait(mutex);
  }
  check(ready.load(), "woke before the item was ready");
  if (locked_flag) check(data.load() == 42, "the item is not there");
  mutex.unlock();
  producer.join();
}

class ConditionVariables : public ::testing::TestWithParam<Search> {};

TEST_P(ConditionVariables, AWaitInALoopOverItsPredicatePassesExhaustively) {
  const auto result = explore([] { handoff(true, true); }, with(GetParam()));
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_GT(result.executions, 1U);
}

TEST_P(ConditionVariables, AFlagSetWithoutTheLockLosesTheWakeUpAndIsADeadlock) {
  // The consumer reads false, the producer stores and notifies before the consumer waits: no one
  // is left to wake it.
  const auto result = explore([] { handoff(true, false); }, with(GetParam(), false));
  expect_failure(result, FailureKind::kDeadlock, "a lost wake-up");
}

TEST_P(ConditionVariables, AWaitWithoutALoopIsCaughtByASpuriousWakeUp) {
  const auto caught = explore([] { handoff(false, true); }, with(GetParam()));
  expect_failure(caught, FailureKind::kAssertion, "woke before the item was ready");
  EXPECT_NE(format_report(caught).find("woke spuriously"), std::string::npos)
      << format_report(caught);
  const auto without = explore([] { handoff(false, true); }, with(GetParam(), false));
  EXPECT_TRUE(without.passed()) << "only notifies wake: " << format_report(without);
}

// Two consumers of one item each; the producer adds two items and notifies once (`all` or not).
void two_consumers(bool all) {
  ModelSync::Mutex mutex("m");
  ModelSync::ConditionVariable items_cv("items_cv");
  ModelSync::Shared<int> items(0, "items");
  const auto consume = [&] {
    mutex.lock();
    items_cv.wait(mutex, [&] { return items.load() > 0; });
    items.store(items.load() - 1);
    mutex.unlock();
  };
  thread first(consume);
  thread second(consume);
  mutex.lock();
  items.store(2);
  mutex.unlock();
  if (all) {
    items_cv.notify_all();
  } else {
    items_cv.notify_one();
  }
  first.join();
  second.join();
}

TEST_P(ConditionVariables, NotifyOneForTwoWaitersStrandsOneAndNotifyAllDoesNot) {
  expect_failure(explore([] { two_consumers(false); }, with(GetParam(), false)),
                 FailureKind::kDeadlock, "items_cv");
  const auto all = explore([] { two_consumers(true); }, with(GetParam(), false));
  EXPECT_TRUE(all.passed()) << format_report(all);
  EXPECT_TRUE(all.exhaustive);
}

// Two waiters, one notify_one: whichever wakes first records itself. The main thread waits for
// both to wait, and for the winner, on a second condition variable.
void first_woken(int forbidden) {
  ModelSync::Mutex mutex("m");
  ModelSync::ConditionVariable cv("cv");
  ModelSync::ConditionVariable progress("progress");
  ModelSync::Shared<int> waiting(0, "waiting");
  ModelSync::Shared<int> tickets(0, "tickets");
  ModelSync::Shared<int> winner(0, "winner");
  const auto waiter = [&](int id) {
    mutex.lock();
    waiting.store(waiting.load() + 1);
    progress.notify_all();
    cv.wait(mutex, [&] { return tickets.load() > 0; });
    tickets.store(tickets.load() - 1);
    if (winner.load() == 0) winner.store(id);
    progress.notify_all();
    mutex.unlock();
  };
  thread one([&] { waiter(1); });
  thread two([&] { waiter(2); });
  mutex.lock();
  progress.wait(mutex, [&] { return waiting.load() == 2; });  // both wait on cv now
  tickets.store(1);
  mutex.unlock();
  cv.notify_one();
  mutex.lock();
  progress.wait(mutex, [&] { return winner.load() != 0; });
  check(winner.load() != forbidden, "this waiter woke first");
  tickets.store(1);
  mutex.unlock();
  cv.notify_one();
  one.join();
  two.join();
}

TEST_P(ConditionVariables, EitherWaiterMayBeTheOneNotifyOneWakes) {
  expect_failure(explore([] { first_woken(1); }, with(GetParam(), false)), FailureKind::kAssertion,
                 "this waiter woke first");
  expect_failure(explore([] { first_woken(2); }, with(GetParam(), false)), FailureKind::kAssertion,
                 "this waiter woke first");
}

TEST_P(ConditionVariables, WaitingWithoutHoldingTheMutexIsAUsageError) {
  const auto result = explore(
      [] {
        ModelSync::Mutex mutex("m");
        ModelSync::ConditionVariable cv("cv");
        cv.wait(mutex);  // NOLINT: the misuse under test (the analysis would reject it)
      },
      with(GetParam()));
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError) << format_report(result);
  EXPECT_NE(result.failures.front().message.find("without holding m"), std::string::npos)
      << result.failures.front().message;
}

TEST_P(ConditionVariables, DestroyingAConditionVariableAThreadWaitsOnIsAUseAfterFree) {
  const auto result = explore(
      [] {
        ModelSync::Mutex mutex("m");
        auto cv = std::make_unique<ModelSync::ConditionVariable>("doomed");
        ModelSync::Atomic<bool> waiting(false, "waiting");
        thread sleeper([&] {
          mutex.lock();
          waiting.store(true);
          cv->wait(mutex);
          mutex.unlock();
        });
        while (!waiting.load()) yield();
        mutex.lock();  // the sleeper holds it until its wait releases it
        mutex.unlock();
        cv.reset();
        sleeper.join();
      },
      with(GetParam(), false));
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kUseAfterFree) << format_report(result);
}

INSTANTIATE_TEST_SUITE_P(Searches, ConditionVariables,
                         ::testing::Values(Search::kDpor, Search::kPlain), [](const auto& info) {
                           return std::string(info.param == Search::kDpor ? "Dpor" : "Plain");
                         });

TEST(ConditionVariablesDpor, ExploresNoMoreThanThePlainSearchAndReachesTheSameVerdicts) {
  for (const bool all : {false, true}) {
    const auto dpor = explore([all] { two_consumers(all); }, with(Search::kDpor, false));
    const auto plain = explore([all] { two_consumers(all); }, with(Search::kPlain, false));
    EXPECT_EQ(dpor.passed(), plain.passed()) << format_report(dpor) << format_report(plain);
  }
  ExploreOptions keep = with(Search::kDpor);
  keep.keep_going = true;
  const auto dpor = explore([] { handoff(true, true); }, keep);
  keep.search = Search::kPlain;
  const auto plain = explore([] { handoff(true, true); }, keep);
  EXPECT_TRUE(dpor.passed() && plain.passed());
  EXPECT_LE(dpor.executions, plain.executions);
}

TEST(ConditionVariablesInProduction, StdSyncHandsAnItemOverOnRealThreads) {
  StdSync::Mutex mutex;
  StdSync::ConditionVariable cv;
  bool ready = false;  // guarded by mutex
  int data = 0;
  std::thread producer([&] {
    mutex.lock();
    data = 42;
    ready = true;
    mutex.unlock();
    cv.notify_one();
  });
  mutex.lock();
  cv.wait(mutex, [&] { return ready; });
  const int seen = data;
  mutex.unlock();
  producer.join();
  EXPECT_EQ(seen, 42);
}

}  // namespace
}  // namespace doublecheck::model
