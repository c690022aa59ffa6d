// Hostile models: one execution that runs long (a spin loop without yield, on one atomic). The
// search must answer in the time the steps themselves take — the step bound reported, a time limit
// kept inside the execution — and the reduction (DPOR) must not keep, or look at, a record per
// step of it. Times are the benchmark's (bench/long_execution_bench.cpp): nothing here is timed.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "model/engine/execution.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "model/search/dpor.hpp"

namespace doublecheck::model {
namespace {

// T1 spins on a relaxed load of a flag; T0 stores it after `work` operations of its own on another
// atomic, or never (`stores` false: T0 only joins T1).
std::function<void()> spinning(bool stores, int work = 0) {
  return [stores, work] {
    ModelSync::Atomic<bool> flag(false, "flag");
    ModelSync::Atomic<int> busy(0, "busy");
    thread spinner([&flag] {
      while (!flag.load(std::memory_order_relaxed)) {
      }
    });
    if (stores) {
      for (int i = 0; i < work; ++i) busy.fetch_add(1, std::memory_order_relaxed);
      flag.store(true, std::memory_order_relaxed);
    }
    spinner.join();
  };
}

ExploreOptions dpor_with(std::uint64_t max_steps) {
  ExploreOptions options;
  options.search = Search::kDpor;
  options.max_steps = max_steps;
  options.minimize_preemptions = false;
  return options;
}

void expect_step_bound(const ExploreResult& result, std::uint64_t max_steps) {
  ASSERT_FALSE(result.passed()) << format_report(result);
  EXPECT_EQ(result.failures.front().kind, FailureKind::kStepBoundExceeded) << format_report(result);
  EXPECT_NE(result.failures.front().message.find(
                "step bound exceeded: " + std::to_string(max_steps) + " steps"),
            std::string::npos)
      << result.failures.front().message;
  EXPECT_FALSE(result.exhaustive);
}

TEST(LongExecution, ASpinThatNothingEndsReachesTheDefaultStepBoundUnderDpor) {
  const ExploreOptions options = dpor_with(ExploreOptions{}.max_steps);
  const auto result = Explorer(options).run("spin, never stored", spinning(false));
  expect_step_bound(result, 100'000);
}

TEST(LongExecution, ASpinBeforeALateStoreReachesTheStepBoundUnderDpor) {
  // The first execution runs T0 to its store and T1 exits at once; the race of T1's load with
  // that store is reversed, and in the second execution T1 spins before the store forever.
  ExploreOptions options = dpor_with(100'000);
  options.memory_model = MemoryModel::kSc;  // (under RC11 the spin may also read stale values)
  const auto result = Explorer(options).run("spin, stored late", spinning(true, 1000));
  expect_step_bound(result, 100'000);
  EXPECT_EQ(result.executions, 2U) << format_report(result);
}

// Runs DPOR's executions of `body` until one fails; the scheduler's index of that last one is
// then still in place.
std::size_t entries_after_the_failing_execution(const std::function<void()>& body,
                                                std::uint64_t max_steps, MemoryModel model) {
  StackPool stacks;
  DporScheduler dpor;
  ExecutionConfig config;
  config.max_steps = max_steps;
  config.memory_model = model;
  for (int executions = 0; executions < 10; ++executions) {
    Execution execution(stacks, dpor, config);
    execution.run(body);
    if (!execution.failures().empty()) {
      EXPECT_EQ(execution.failures().front().kind, FailureKind::kStepBoundExceeded);
      EXPECT_GE(execution.steps(), max_steps);
      return dpor.retained_entries();
    }
    if (!dpor.next_execution()) break;
  }
  ADD_FAILURE() << "no execution reached the step bound of " << max_steps;
  return 0;
}

TEST(LongExecution, DporKeepsAnIndexOfThreadsAndObjectsNotOfTheStepsOfALongExecution) {
  // Two threads and two atomics (and the threads' own steps): the index holds a few entries per
  // thread and object, the same number for an execution of 2,000 steps as for one of 50,000.
  for (const bool stores : {false, true}) {
    const auto body = spinning(stores, 100);
    const MemoryModel model = stores ? MemoryModel::kSc : MemoryModel::kRc11;
    const std::size_t short_run = entries_after_the_failing_execution(body, 2'000, model);
    const std::size_t long_run = entries_after_the_failing_execution(body, 50'000, model);
    EXPECT_GT(short_run, 0U);
    EXPECT_LE(long_run, 16U) << (stores ? "stored late" : "never stored");
    EXPECT_EQ(long_run, short_run) << "entries grew with the steps of the execution";
  }
}

TEST(LongExecution, ATimeLimitStopsAnExecutionThatWouldSpinForever) {
  // A step bound some 50 times further than the time limit lets an execution go here: only the
  // limit, checked inside the execution, ends it before the bound does (were it checked only
  // between executions, this would be a step bound failure, after a second or so).
  for (const Search search : {Search::kDpor, Search::kPlain}) {
    ExploreOptions options = dpor_with(1'000'000);
    options.search = search;
    options.time_limit_seconds = 0.02;
    const auto result = Explorer(options).run("spin forever", spinning(false));
    EXPECT_TRUE(result.passed()) << "running out of time is not a failure of the model\n"
                                 << format_report(result);
    EXPECT_FALSE(result.exhaustive) << "a search stopped by its time limit proves nothing";
    EXPECT_EQ(result.stopped_by, "time limit");
    EXPECT_EQ(result.executions, 0U) << "the execution cut short is not counted";
    EXPECT_NE(result.bound.find("time limit, reached inside an execution after"), std::string::npos)
        << result.bound;
    EXPECT_NE(format_verdict(result).find("(time limit"), std::string::npos)
        << format_verdict(result);
  }
}

// Two threads of `n` relaxed increments each, on atomics of their own: every interleaving (the
// plain search runs them all, C(2n, n)) is one execution graph under RC11, so one is counted and
// every other one is pruned as a repeat of it.
std::function<void()> independent_increments(int n) {
  return [n] {
    ModelSync::Atomic<int> mine(0, "mine");
    ModelSync::Atomic<int> theirs(0, "theirs");
    thread other([&theirs, n] {
      for (int i = 0; i < n; ++i) theirs.fetch_add(1, std::memory_order_relaxed);
    });
    for (int i = 0; i < n; ++i) mine.fetch_add(1, std::memory_order_relaxed);
    other.join();
  };
}

TEST(LongExecution, ATimeLimitStopsASearchWhoseExecutionsAreRepeatsOfOneCountedAlready) {
  // 200,000 short executions take a good part of a second; the limit is a millisecond. Were it
  // read only when the count of counted executions is a multiple of 256, it would never be read
  // after the first one here, and the execution limit would end the search instead.
  ExploreOptions options;
  options.search = Search::kPlain;
  options.memory_model = MemoryModel::kRc11;
  options.symmetry = false;
  options.jobs = 1;
  options.max_executions = 200'000;
  options.time_limit_seconds = 0.001;
  const auto result = Explorer(options).run("independent increments", independent_increments(12));
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_EQ(result.executions, 1U) << "every interleaving is one execution graph";
  EXPECT_GT(result.pruned, 0U);
  EXPECT_EQ(result.stopped_by, "time limit") << format_report(result);
  EXPECT_LT(result.pruned, 200'000U) << format_report(result);
}

TEST(LongExecution, ATimeLimitThatIsNotReachedLeavesALongExecutionAlone) {
  // 20,000 steps, far inside an hour: the deadline's checks every 1024 steps change nothing.
  ExploreOptions options = dpor_with(20'000);
  options.time_limit_seconds = 3600;
  const auto result = Explorer(options).run("spin, never stored", spinning(false));
  expect_step_bound(result, 20'000);
}

}  // namespace
}  // namespace doublecheck::model
