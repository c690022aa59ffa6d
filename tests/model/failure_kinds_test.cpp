// Every kind of failure the explorer finds has a model that provokes it, and the report names it.
#include <gtest/gtest.h>

#include <stdexcept>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::explore;
using test_support::kTestModel;

void expect_kind(const ExploreResult& result, FailureKind kind, std::string_view in_message) {
  ASSERT_FALSE(result.passed()) << "expected " << kind_name(kind) << ", but the model passed";
  EXPECT_EQ(result.failures.front().kind, kind) << format_report(result);
  EXPECT_NE(result.failures.front().message.find(in_message), std::string::npos)
      << "message: " << result.failures.front().message;
  EXPECT_NE(format_report(result).find(kind_name(kind)), std::string::npos);
}

TEST(FailureKinds, AFalseCheckIsAnAssertionFailureWithItsMessage) {
  expect_kind(explore([] { check(false, "the invariant broke"); }), FailureKind::kAssertion,
              "the invariant broke");
}

TEST(FailureKinds, LockOrderInversionIsADeadlockWithBothThreadsBlocked) {
  const auto result = explore([] {
    ModelSync::Mutex a("A");
    ModelSync::Mutex b("B");
    thread t([&] {
      a.lock();
      b.lock();
      b.unlock();
      a.unlock();
    });
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
    t.join();
  });
  expect_kind(result, FailureKind::kDeadlock, "every live thread is blocked");
  const Failure& deadlock = result.failures.front();
  EXPECT_NE(deadlock.message.find("T0 waits to lock A (held by T1)"), std::string::npos);
  EXPECT_NE(deadlock.message.find("T1 waits to lock B (held by T0)"), std::string::npos);
  EXPECT_EQ(deadlock.accesses.size(), 2U);
  // The trace shows both threads blocked, each in its own column.
  std::size_t blocked = 0;
  for (std::size_t at = deadlock.trace.find("blocked"); at != std::string::npos;
       at = deadlock.trace.find("blocked", at + 1)) {
    ++blocked;
  }
  EXPECT_EQ(blocked, 2U) << deadlock.trace;
}

TEST(FailureKinds, RelockingANonRecursiveMutexIsReported) {
  expect_kind(explore([] {
                ModelSync::Mutex m("m");
                m.lock();
                m.lock();
              }),
              FailureKind::kRelock, "already holds");
}

TEST(FailureKinds, UnlockByANonOwnerIsReported) {
  expect_kind(explore([] {
                ModelSync::Mutex m("m");
                thread t([&] { m.lock(); });
                t.join();
                m.unlock();
              }),
              FailureKind::kUnlockNotOwner, "unlocks m, held by T1");
}

TEST(FailureKinds, AThreadNeverJoinedIsReported) {
  expect_kind(explore([] { thread t([] {}); }), FailureKind::kThreadNotJoined, "never joined");
}

TEST(FailureKinds, AnExceptionEscapingAModelThreadIsReported) {
  expect_kind(explore([] {
                thread t([] { throw std::runtime_error("boom"); });
                t.join();
              }),
              FailureKind::kUncaughtException, "boom");
}

TEST(FailureKinds, ASpinLoopThatNobodyEndsIsALivelock) {
  const auto result = explore([] {
    ModelSync::Atomic<bool> flag(false, "flag");
    while (!flag.load()) yield();  // nobody ever sets it
  });
  expect_kind(result, FailureKind::kLivelock, "T0 spins at");
}

TEST(FailureKinds, ASpinLoopWithoutFairSpinningExceedsTheStepBoundInsteadOfHanging) {
  ExploreOptions options;
  options.max_steps = 500;
  options.fair_spinning = false;
  const auto result = explore(
      [] {
        ModelSync::Atomic<bool> flag(false, "flag");
        while (!flag.load()) yield();  // nobody ever sets it
      },
      options);
  expect_kind(result, FailureKind::kStepBoundExceeded, "livelock or an infinite loop");
}

TEST(FailureKinds, ALoopThatKeepsWritingExceedsTheStepBound) {
  ExploreOptions options;
  options.max_steps = 500;
  const auto result = explore(
      [] {
        ModelSync::Atomic<int> counter(0, "counter");
        while (counter.load() >= 0) counter.fetch_add(1);  // progress every time, no end
      },
      options);
  expect_kind(result, FailureKind::kStepBoundExceeded, "livelock or an infinite loop");
}

TEST(FailureKinds, ALoopOnPlainDataOnlyIsBoundedToo) {
  const auto result = explore([] {
    ModelSync::Shared<int> x(0, "x");
    while (x.load() == 0) {
    }
  });
  expect_kind(result, FailureKind::kStepBoundExceeded, "infinite loop on plain data");
  EXPECT_NE(result.failures.front().message.find("--max-shared-accesses"), std::string::npos)
      << "the message names the option that raises the cap";
}

TEST(FailureKinds, ALongModelOnPlainDataPassesWhenTheAccessCapIsRaised) {
  // 1.5 million plain accesses in one execution: past the default cap, within a raised one.
  const auto body = [] {
    ModelSync::Shared<int> x(0, "x");
    for (int i = 0; i < 1'500'000; ++i) x.store(i);
  };
  EXPECT_FALSE(explore(body).passed());
  ExploreOptions raised;
  raised.max_shared_accesses = 2'000'000;
  EXPECT_TRUE(Explorer(raised).run("long", body).passed());
}

TEST(FailureKinds, TooManyThreadsIsAUsageError) {
  expect_kind(explore([] {
                std::vector<thread> threads;
                for (std::size_t i = 0; i < kMaxThreads; ++i) {
                  // NOLINTNEXTLINE(modernize-use-emplace): spawn here, not in <vector>
                  threads.push_back(thread([] {}));
                }
                for (thread& t : threads) t.join();
              }),
              FailureKind::kUsageError, "too many model threads");
}

TEST(FailureKinds, AModelObjectOutsideARunIsAClearError) {
  EXPECT_THROW(ModelSync::Mutex("outside"), std::logic_error);
}

TEST(FailureKinds, ContinuePastRaceGoesOnToTheLostUpdate) {
  ExploreOptions options;
  options.symptom_mode = true;
  options.continue_past_race = true;
  const auto result = explore(
      [] {
        ModelSync::Shared<int> counter(0, "counter");
        thread t([&] { counter.add(1); });
        counter.add(1);
        t.join();
        check(counter.load() == 2, "lost update");
      },
      options);
  ASSERT_GE(result.failures.size(), 2U) << format_report(result);
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
  bool lost = false;
  for (const Failure& f : result.failures) lost |= f.kind == FailureKind::kAssertion;
  EXPECT_TRUE(lost) << format_report(result);
}

TEST(FailureKinds, WithoutSymptomModeTheRaceStopsTheSearch) {
  const auto result = explore([] {
    ModelSync::Shared<int> counter(0, "counter");
    thread t([&] { counter.add(1); });
    counter.add(1);
    t.join();
    check(counter.load() == 2, "lost update");
  });
  ASSERT_EQ(result.failures.size(), 1U);
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
  EXPECT_EQ(result.failures.front().preemptions, 0U) << "happens-before needs no switch";
}

TEST(FailureKinds, KeepGoingCollectsDistinctFailures) {
  ExploreOptions options;
  options.keep_going = true;
  const auto result = explore(
      [] {
        ModelSync::Atomic<int> x(0, "x");
        thread t([&] { x.store(1); });
        const int seen = x.load();
        t.join();
        check(seen != 0, "saw zero");
        check(seen != 1, "saw one");
      },
      options);
  ASSERT_EQ(result.failures.size(), 2U) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_EQ(result.failures[0].message, "saw zero") << "the first path runs main on";
  EXPECT_EQ(result.failures[1].message, "saw one");
}

TEST(FailureKinds, TheReportNamesObjectsAndThreadsNeverAddresses) {
  const auto result = explore([] {
    ModelSync::Shared<int*> pointer(nullptr, "global.instance");
    int target = 0;
    thread t([&] { pointer.store(&target); });
    (void)pointer.load();
    t.join();
  });
  const std::string report = format_report(result);
  EXPECT_NE(report.find("global.instance"), std::string::npos) << report;
  EXPECT_NE(report.find("T0 (main)"), std::string::npos);
  EXPECT_NE(report.find("non-null"), std::string::npos);
  EXPECT_EQ(report.find("0x"), std::string::npos) << "no raw address in " << report;
  EXPECT_NE(report.find(kTestModel), std::string::npos) << "the model's own name";
}

}  // namespace
}  // namespace doublecheck::model
