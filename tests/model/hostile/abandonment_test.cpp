// A failure anywhere in model code is reported like any other: in a destructor, in a noexcept
// function, during an unwinding, inside a catch clause. The explorer never turns the end of an
// execution into std::terminate (which would kill the test binary: these tests would not report
// at all), and threads it cannot run to their ends do not stop the next search.
#include <gtest/gtest.h>

#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::expect_failure;
using test_support::explore;

// A refcount-like handle whose destructor touches shared state: the failure is found inside it.
struct Dropper {
  ModelSync::Shared<int>& last;
  ~Dropper() { last.store(1); }  // implicitly noexcept
};

TEST(FailuresAnywhere, ARaceFoundInADestructorIsReportedNotTerminated) {
  const auto result = explore([] {
    ModelSync::Shared<int> last(0, "last");
    thread t([&] { const Dropper drop{last}; });
    { const Dropper drop{last}; }
    t.join();
  });
  expect_failure(result, FailureKind::kDataRace, "data race on last");
  EXPECT_NE(result.failures.front().message.find("abandonment_test.cpp"), std::string::npos);
}

struct CheckingDestructor {
  ModelSync::Atomic<int>& x;
  ~CheckingDestructor() { check(x.fetch_sub(1) != 1, "the last reference went away in a dtor"); }
};

TEST(FailuresAnywhere, AFailedCheckInADestructorIsReportedWithItsMessage) {
  const auto result = explore([] {
    ModelSync::Atomic<int> refs(2, "refs");
    thread t([&] { const CheckingDestructor d{refs}; });
    { const CheckingDestructor d{refs}; }
    t.join();
  });
  expect_failure(result, FailureKind::kAssertion, "the last reference went away in a dtor");
}

void bump_noexcept(ModelSync::Shared<int>& counter) noexcept { counter.add(1); }

TEST(FailuresAnywhere, ARaceInANoexceptFunctionIsReported) {
  const auto result = explore([] {
    ModelSync::Shared<int> counter(0, "counter");
    thread t([&] { bump_noexcept(counter); });
    bump_noexcept(counter);
    t.join();
  });
  expect_failure(result, FailureKind::kDataRace, "data race on counter");
}

TEST(FailuresAnywhere, ARaceFoundWhileAnExceptionUnwindsTheThreadIsReported) {
  const auto result = explore([] {
    ModelSync::Shared<int> last(0, "last");
    thread t([&] {
      try {
        const Dropper drop{last};  // runs during the unwinding of the throw below
        throw std::runtime_error("model's own exception");
      } catch (const std::runtime_error&) {
      }
    });
    { const Dropper drop{last}; }
    t.join();
  });
  expect_failure(result, FailureKind::kDataRace, "data race on last");
}

TEST(FailuresAnywhere, AThreadStoppedInsideACatchAllClauseDoesNotSwallowTheReport) {
  const auto result = explore([] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Shared<int> data(0, "data");
    thread t([&] {
      try {
        throw 1;
      } catch (...) {
        x.store(1);
        x.store(2);  // parked here, inside the catch clause, when the other thread fails
        data.store(2);
      }
    });
    check(x.load() == 0, "main saw the store made in a catch clause");
    t.join();
  });
  expect_failure(result, FailureKind::kAssertion, "main saw the store made in a catch clause");
}

// Each model thread keeps its own exception state: a `throw;` rethrows its own exception even
// when another thread threw and caught one while it was inside its catch clause.
TEST(FailuresAnywhere, EachModelThreadRethrowsItsOwnException) {
  const auto result = explore([] {
    ModelSync::Atomic<int> x(0, "x");
    thread t([&] {
      try {
        throw std::string("second");
      } catch (const std::string&) {
        x.store(1);
      }
    });
    int seen = 0;
    try {
      try {
        throw 1;
      } catch (int) {
        (void)x.load();  // the other thread may throw and catch here
        throw;
      }
    } catch (int value) {
      seen = value;
    }
    check(seen == 1, "the rethrown exception is the thread's own");
    check(std::uncaught_exceptions() == 0, "no exception of another thread counts as in flight");
    t.join();
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_GE(result.executions, 2U);
}

// A stopped execution's code past the stop does not run where the thread can be unwound: a
// discarded or failed execution leaves no trace in what the body records.
TEST(FailuresAnywhere, CodePastTheFailureDoesNotRunWhenTheThreadCanBeUnwound) {
  bool ran_past_the_failure = false;
  const auto result = explore([&] {
    ModelSync::Atomic<int> x(0, "x");
    thread t([&] { x.store(1); });
    const bool unchanged = x.load() == 0;
    check(unchanged, "saw the store");
    if (!unchanged) ran_past_the_failure = true;
    t.join();
  });
  expect_failure(result, FailureKind::kAssertion, "saw the store");
  EXPECT_FALSE(ran_past_the_failure) << "the failing execution ran on past its failed check";
}

TEST(FailuresAnywhere, DeadlockedThreadsAreLeftSuspendedAndTheNextSearchRuns) {
  const auto deadlock = explore([] {
    ModelSync::Mutex a("A");
    ModelSync::Mutex b("B");
    thread t([&] {
      const std::lock_guard first(a);
      const std::lock_guard second(b);
    });
    {
      const std::lock_guard first(b);
      const std::lock_guard second(a);
    }
    t.join();
  });
  expect_failure(deadlock, FailureKind::kDeadlock, "every live thread is blocked");
  const auto next = explore([] {
    ModelSync::Atomic<int> n(0, "n");
    thread t([&] { n.fetch_add(1); });
    n.fetch_add(1);
    t.join();
    check(n.load() == 2, "both increments");
  });
  EXPECT_TRUE(next.passed()) << format_report(next);
}

}  // namespace
}  // namespace doublecheck::model
