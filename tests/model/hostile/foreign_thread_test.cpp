// A model object touched from a thread the explorer does not run (a std::thread the model
// started) is a usage error of the search naming the place, never a std::terminate: the foreign
// thread is ended by pthread_exit where its stack allows (so joining it returns) and parked where
// it does not, and the next search is not blamed for it (foreign_thread.hpp).
#include "model/engine/foreign_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::expect_failure;
using test_support::explore;

// The place of the caller, as a failure message spells it.
std::string here(SourceLoc loc = SourceLoc::current()) {
  return "foreign_thread_test.cpp:" + std::to_string(loc.line);
}

ExploreOptions with(Search search, std::uint32_t jobs = 1) {
  ExploreOptions options;
  options.search = search;
  options.jobs = jobs;
  return options;
}

class ForeignThreads : public ::testing::TestWithParam<Search> {};

TEST_P(ForeignThreads, AnAtomicLoadFromAStdThreadIsAUsageErrorNamingItsLine) {
  std::string line;
  const auto result = explore(
      [&line] {
        ModelSync::Atomic<int> x(0, "x");
        std::thread foreign([&] {
          const SourceLoc at = SourceLoc::current();
          line = here(at);
          (void)x.load(std::memory_order_seq_cst, at);
        });
        foreign.join();  // returns: the foreign thread was ended, not parked
        x.store(1);
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kUsageError, "from a thread the explorer does not run");
  const std::string& message = result.failures.front().message;
  EXPECT_NE(message.find(line), std::string::npos) << message;
  EXPECT_NE(message.find("doublecheck::model::thread"), std::string::npos) << message;
  EXPECT_NE(message.find("was ended"), std::string::npos) << message;
}

TEST_P(ForeignThreads, PlainSharedDataWrittenFromAStdThreadIsAUsageError) {
  const auto result = explore(
      [] {
        ModelSync::Shared<int> counter(0, "counter");
        std::thread foreign([&] { counter.store(7); });
        foreign.join();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kUsageError, "from a thread the explorer does not run");
}

TEST_P(ForeignThreads, AModelObjectMadeInAStdThreadIsAUsageErrorOfItsConstructor) {
  const auto result = explore(
      [] {
        std::thread foreign([] { const ModelSync::Mutex inside("inside"); });
        foreign.join();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kUsageError, "in a model object's constructor");
}

void lock_noexcept(ModelSync::Mutex& mutex) noexcept {
  mutex.lock();  // a foreign thread cannot be unwound out of here: it is parked
  mutex.unlock();
}

TEST_P(ForeignThreads, AThreadThatCannotBeUnwoundIsParkedAndTheSearchStillReports) {
  const auto result = explore(
      [] {
        ModelSync::Mutex mutex("m");
        std::thread(lock_noexcept, std::ref(mutex)).detach();
        // Not a join (the parked thread never ends): wait for its post, then take a step.
        while (!foreign_use_posted()) std::this_thread::yield();
        mutex.lock();
        mutex.unlock();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kUsageError, "is parked for good");
}

TEST_P(ForeignThreads, ASearchAfterAForeignUseIsNotBlamedForIt) {
  const auto bad = explore(
      [] {
        ModelSync::Atomic<int> x(0, "x");
        std::thread([&] { x.store(1); }).join();
      },
      with(GetParam()));
  ASSERT_FALSE(bad.passed());
  const auto good = explore(
      [] {
        ModelSync::Atomic<int> x(0, "x");
        thread t([&] { x.store(1); });
        (void)x.load();
        t.join();
      },
      with(GetParam()));
  EXPECT_TRUE(good.passed()) << format_report(good);
  EXPECT_TRUE(good.exhaustive);
}

TEST_P(ForeignThreads, ASearchOfTwoJobsReportsAForeignUseOnce) {
  const auto result = explore(
      [] {
        ModelSync::Atomic<int> x(0, "x");
        thread model([&] { x.store(2); });
        std::thread([&] { (void)x.load(); }).join();
        model.join();
      },
      with(GetParam(), 2));
  expect_failure(result, FailureKind::kUsageError, "from a thread the explorer does not run");
  EXPECT_EQ(result.failures.size(), 1U) << format_report(result);
}

INSTANTIATE_TEST_SUITE_P(Searches, ForeignThreads, ::testing::Values(Search::kDpor, Search::kPlain),
                         [](const auto& info) {
                           return std::string(info.param == Search::kDpor ? "Dpor" : "Plain");
                         });

TEST(ForeignThreadsOutsideASearch, AModelObjectUsedWithNoSearchRunningThrowsALogicError) {
  bool caught = false;
  std::thread([&caught] {
    try {
      const ModelSync::Atomic<int> outside(0, "outside");
    } catch (const std::logic_error& error) {
      caught = std::string(error.what()).find("outside a model run") != std::string::npos;
    }
  }).join();
  EXPECT_TRUE(caught);
  EXPECT_THROW(ModelSync::Atomic<int>(0, "outside"), std::logic_error);
}

}  // namespace
}  // namespace doublecheck::model
