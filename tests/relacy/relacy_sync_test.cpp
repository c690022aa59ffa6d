// RelacySync (relacy_backend/relacy_sync.hpp) under Relacy's own search: each primitive of the
// seam keeps the contract it has in production, and Relacy catches the classic misuse of each —
// every passing check here has its negative control beside it, in the same shape, with one
// synchronisation removed. Built and registered only with -DDC_RELACY_DIR (label relacy).
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "model/engine/source_path.hpp"
#include "relacy_backend/suite.hpp"
#include "relacy_backend/verdict.hpp"
// clang-format off: last, after every other header (Relacy's macros), whatever its name says
#include "relacy_backend/relacy_sync.hpp"
// clang-format on

namespace doublecheck::relacy {
namespace {

using S = RelacySync;
using End = Outcome::End;

// The places of Relacy's reports are named relative to the sources, as dc_relacy names them.
const bool kSourceRootSet = [] {
  model::set_source_root(DC_SOURCE_DIR);
  return true;
}();

Outcome full(const std::function<void()>& body, std::uint64_t budget = 2'000'000) {
  SearchOptions options;
  options.max_executions = budget;
  return run(body, options);
}

void expect_pass(const Outcome& o) {
  EXPECT_EQ(o.end, End::kFinished) << o.report;
  EXPECT_TRUE(o.passed()) << o.result_name << "\n" << o.report;
  EXPECT_GT(o.executions, 1U);
}

void expect_finished_once(const Outcome& o) {
  EXPECT_EQ(o.end, End::kFinished) << o.report;
  EXPECT_TRUE(o.passed()) << o.result_name << "\n" << o.report;
  EXPECT_EQ(o.executions, 1U);
}

void expect_failure(const Outcome& o, std::string_view result) {
  EXPECT_EQ(o.end, End::kFailed) << o.report;
  EXPECT_EQ(o.result_name, result) << o.report;
}

// Two threads add to a plain counter; `locked` puts each add under one mutex.
void two_adders(bool locked) {
  S::Mutex mutex;
  S::Shared<long> counter(0);
  auto add = [&] {
    if (locked) mutex.lock();
    counter.add(1);
    if (locked) mutex.unlock();
  };
  {
    S::Thread a(add);
    S::Thread b(add);
  }
  S::check(counter.load() == 2, "both adds counted");
}

TEST(RelacySyncMutex, LockedAddsPassEveryInterleaving) {
  expect_pass(full([] { two_adders(true); }));
}
TEST(RelacySyncMutex, UnlockedAddsAreADataRace) {
  const Outcome o = full([] { two_adders(false); });
  expect_failure(o, "DATA RACE");
  // Both sides of the race: the report's access and the other thread's earlier one, both in the
  // add of this file (a place in Relacy's headers would be none).
  const std::vector<Place> places = failure_places(o);
  ASSERT_EQ(places.size(), 2U) << o.report;
  for (const Place& place : places) {
    EXPECT_EQ(place.file, "tests/relacy/relacy_sync_test.cpp");
  }
}

TEST(RelacySuite, TheSearchRunsTheModelsOwnThreadsOnly) {
  // Relacy runs every dynamic thread it is given: spare ones would multiply the search (8 spare
  // threads make an empty body 40,320 executions).
  const Outcome empty = full([] {});
  expect_finished_once(empty);
  const Outcome two = full([] { two_adders(true); });
  expect_pass(two);
  EXPECT_EQ(two.threads, 2U);
  EXPECT_LT(two.executions, 100U) << "a search of two threads with a lock each";
}

TEST(RelacySuite, AModelStartingMoreThreadsThanRelacySyncHasIsAUsageError) {
  const Outcome o = full([] {
    std::vector<S::Thread> threads;
    for (std::size_t i = 0; i <= S::kMaxThreads; ++i) threads.emplace_back([] {});
  });
  expect_failure(o, "INCONSISTENT TEST SUITE");
  EXPECT_NE(o.report.find("more than 8 threads"), std::string::npos) << o.report;
}

TEST(RelacySuite, AModelsOwnOutputIsCollectedNotPrinted) {
  const Outcome o = full([] { std::printf("a line of the model\n"); });
  EXPECT_NE(o.report.find("a line of the model"), std::string::npos) << o.report;
}

TEST(RelacySuite, ALongExecutionIsNoLivelock) {
  // 3,000 visible operations in one execution: past Relacy's own default depth (2,000), within
  // the model's step bound that dc_relacy passes.
  const Outcome o = full([] {
    S::Atomic<int> flag(0);
    for (int i = 0; i < 3000; ++i) static_cast<void>(flag.load(std::memory_order_relaxed));
  });
  EXPECT_EQ(o.end, End::kFinished) << o.result_name << "\n" << o.report.substr(0, 2000);
}

// Message passing: plain data, then a flag; the reader reads the data once it sees the flag.
void message_passing(std::memory_order store, std::memory_order load) {
  S::Shared<int> data(0);
  S::Atomic<int> flag(0);
  S::Thread writer([&] {
    data.store(42);
    flag.store(1, store);
  });
  S::Thread reader([&] {
    if (flag.load(load) == 1) S::check(data.load() == 42, "the data published with the flag");
  });
}

TEST(RelacySyncAtomic, ReleaseAcquirePublicationPasses) {
  expect_pass(full([] { message_passing(std::memory_order_release, std::memory_order_acquire); }));
}
TEST(RelacySyncAtomic, RelaxedPublicationIsADataRace) {
  expect_failure(
      full([] { message_passing(std::memory_order_release, std::memory_order_relaxed); }),
      "DATA RACE");
}

// A waiter on an atomic and a store of the value it waits for; `notify` off loses the wake-up.
void wait_and_store(bool notify) {
  S::Atomic<int> flag(0);
  S::Thread waiter([&] { flag.wait(0, std::memory_order_acquire); });
  S::Thread storer([&] {
    flag.store(1, std::memory_order_release);
    if (notify) flag.notify_one();
  });
}

TEST(RelacySyncAtomic, AWaiterWakesForTheNotifiedStore) {
  expect_pass(full([] { wait_and_store(true); }));
}
TEST(RelacySyncAtomic, AStoreWithoutANotifyLeavesTheWaiterDeadlocked) {
  expect_failure(full([] { wait_and_store(false); }), "DEADLOCK");
}

// compare_exchange with a pair of orders: C++11's pairs run; a failure order stronger than the
// success order's load part (C++17's) is outside Relacy's model and said so.
void exchange_with(std::memory_order success, std::memory_order failure) {
  S::Atomic<int> value(0);
  int expected = 0;
  S::check(value.compare_exchange_strong(expected, 1, success, failure), "the exchange succeeds");
}

TEST(RelacySyncAtomic, ACompareExchangeWithCxx11OrdersRuns) {
  expect_finished_once(
      full([] { exchange_with(std::memory_order_acq_rel, std::memory_order_acquire); }));
}
TEST(RelacySyncAtomic, AFailureOrderStrongerThanTheSuccessOrderIsAUsageError) {
  const Outcome o =
      full([] { exchange_with(std::memory_order_acquire, std::memory_order_seq_cst); });
  expect_failure(o, "INCONSISTENT TEST SUITE");
  EXPECT_FALSE(relacy_result_for(model::FailureKind::kAssertion) == o.result);
}

// The same publication with relaxed accesses and fences; `acquire_fence` off is the DCL mistake
// (fence_dcl_missing_acquire).
void fenced_message_passing(bool acquire_fence) {
  S::Shared<int> data(0);
  S::Atomic<int> flag(0);
  S::Thread writer([&] {
    data.store(42);
    S::fence(std::memory_order_release);
    flag.store(1, std::memory_order_relaxed);
  });
  S::Thread reader([&] {
    if (flag.load(std::memory_order_relaxed) != 1) return;
    if (acquire_fence) S::fence(std::memory_order_acquire);
    S::check(data.load() == 42, "the data published with the flag");
  });
}

TEST(RelacySyncFence, ReleaseAndAcquireFencesPublish) {
  expect_pass(full([] { fenced_message_passing(true); }));
}
TEST(RelacySyncFence, AMissingAcquireFenceIsADataRace) {
  expect_failure(full([] { fenced_message_passing(false); }), "DATA RACE");
}

// Two callers of call_once: the initialiser runs once, and every caller reads what it wrote.
// `once` off: each caller checks a plain flag and initialises itself (check-then-act).
void once_callers(bool once) {
  S::OnceFlag flag;
  S::Shared<int> runs(0);
  S::Shared<bool> done(false);
  auto init = [&] { runs.add(1); };
  auto call = [&] {
    if (once) {
      S::call_once(flag, init);
    } else if (!done.load()) {
      init();
      done.store(true);
    }
    S::check(runs.load() == 1, "initialised exactly once, before any caller returns");
  };
  S::Thread a(call);
  S::Thread b(call);
}

TEST(RelacySyncCallOnce, RunsTheInitialiserOnceAndPublishesIt) {
  expect_pass(full([] { once_callers(true); }));
}
TEST(RelacySyncCallOnce, CheckThenActInsteadIsADataRace) {
  expect_failure(full([] { once_callers(false); }), "DATA RACE");
}

// Readers under lock_shared and a writer under lock; `writer_shared` makes the writer take the
// shared mode, which excludes nothing from the readers.
void readers_and_writer(bool writer_shared) {
  S::SharedMutex mutex;
  S::Shared<int> value(0);
  S::Thread writer([&] {
    if (writer_shared) {
      mutex.lock_shared();
      value.store(1);
      mutex.unlock_shared();
    } else {
      mutex.lock();
      value.store(1);
      mutex.unlock();
    }
  });
  auto read = [&] {
    mutex.lock_shared();
    static_cast<void>(value.load());
    mutex.unlock_shared();
  };
  S::Thread r1(read);
  S::Thread r2(read);
}

TEST(RelacySyncSharedMutex, ReadersShareAndTheWriterExcludesThem) {
  expect_pass(full([] { readers_and_writer(false); }));
}
TEST(RelacySyncSharedMutex, AWriterUnderTheSharedModeIsADataRace) {
  expect_failure(full([] { readers_and_writer(true); }), "DATA RACE");
}

// A consumer waits for a producer's item; `notify` off leaves it waiting forever.
void producer_consumer(bool notify) {
  S::Mutex mutex;
  S::ConditionVariable ready;
  S::Shared<bool> item(false);
  S::Thread consumer([&] {
    mutex.lock();
    ready.wait(mutex, [&] { return item.load(); });
    mutex.unlock();
  });
  S::Thread producer([&] {
    mutex.lock();
    item.store(true);
    mutex.unlock();
    if (notify) ready.notify_one();
  });
}

TEST(RelacySyncConditionVariable, AWaiterWakesForTheNotifiedItem) {
  expect_pass(full([] { producer_consumer(true); }));
}
TEST(RelacySyncConditionVariable, AWaitWithNoNotifyIsADeadlock) {
  expect_failure(full([] { producer_consumer(false); }), "DEADLOCK");
}

TEST(RelacySyncCheck, AFalseCheckIsAUserAssertWithItsMessage) {
  const Outcome o = full([] { S::check(false, "P1 the totals are exact"); });
  expect_failure(o, "USER ASSERT FAILED");
  EXPECT_NE(o.report.find("P1 the totals are exact"), std::string::npos) << o.report;
  EXPECT_EQ(relacy_result_for(model::FailureKind::kAssertion), o.result);
}

TEST(RelacySuite, ASearchBeyondItsBudgetHasNoVerdict) {
  const Outcome o = full([] { two_adders(true); }, 10);
  EXPECT_EQ(o.end, End::kBudget) << o.report;
  EXPECT_EQ(o.executions, 10U);
  EXPECT_FALSE(o.passed());
  const Verdict verdict = judge(model::Expectation::passes(), {o});
  EXPECT_FALSE(verdict.as_expected);
  EXPECT_NE(verdict.text.find("no verdict"), std::string::npos) << verdict.text;
}

TEST(RelacySuite, AModelThatCrashesIsReportedNotFatal) {
  const Outcome o = full([] { S::Thread t([] { std::abort(); }); });
  EXPECT_EQ(o.end, End::kCrashed);
  EXPECT_NE(o.report.find("signal 6"), std::string::npos) << o.report;
  EXPECT_FALSE(judge(model::Expectation::passes(), {o}).as_expected);
}

TEST(RelacySuite, AModelThatNeverEndsAnExecutionIsStoppedByItsCpuLimit) {
  SearchOptions options;
  options.cpu_limit = std::chrono::seconds(1);
  const Outcome o = run(
      [] {
        volatile bool forever = true;
        while (forever) {
        }
      },
      options);
  EXPECT_EQ(o.end, End::kCrashed);
  EXPECT_NE(o.report.find("CPU limit of 1 s"), std::string::npos) << o.report;
}

TEST(RelacySuite, ASpinOnAnAtomicNothingWritesIsALivelock) {
  const Outcome o = full([] {
    S::Atomic<int> flag(0);
    S::Thread waiter([&] {
      while (flag.load(std::memory_order_acquire) == 0) S::yield();
    });
  });
  expect_failure(o, "LIVELOCK");
  EXPECT_EQ(relacy_result_for(model::FailureKind::kLivelock), o.result);
}

TEST(RelacySuite, TheContextBoundSearchIsSmallerThanTheFullOne) {
  SearchOptions bound;
  bound.search = Search::kContextBound;
  bound.context_bound = 1;
  const Outcome bounded = run([] { two_adders(true); }, bound);
  const Outcome exhaustive = full([] { two_adders(true); });
  expect_pass(bounded);
  EXPECT_FALSE(bounded.exhaustive());
  EXPECT_TRUE(exhaustive.exhaustive());
  EXPECT_LT(bounded.executions, exhaustive.executions);
}

TEST(RelacyVerdict, AFailureOfAnotherKindIsNotTheExpectedOne) {
  const Outcome race = full([] { two_adders(false); });
  EXPECT_TRUE(judge(model::Expectation::fails(model::FailureKind::kDataRace), {race}).as_expected);
  EXPECT_FALSE(judge(model::Expectation::fails(model::FailureKind::kDeadlock), {race}).as_expected);
  EXPECT_FALSE(judge(model::Expectation::passes(), {race}).as_expected);
}

}  // namespace
}  // namespace doublecheck::relacy
