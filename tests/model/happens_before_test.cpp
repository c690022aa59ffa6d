// Happens-before: what orders plain accesses, and what does not.
#include "model/engine/happens_before.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "model/engine/explorer.hpp"
#include "model/engine/memory_graph.hpp"
#include "model/engine/model_sync.hpp"

namespace doublecheck::model {
namespace {

const Failure* first_of(const ExploreResult& result, FailureKind kind) {
  for (const Failure& f : result.failures) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

TEST(HappensBefore, TwoThreadsIncrementingASharedIntRace) {
  Explorer explorer;
  int race_line = 0;
  const auto result = explorer.run("shared increment", [&race_line] {
    ModelSync::Shared<int> counter(0, "counter");
    thread other([&counter] { counter.add(1); });
    race_line = __LINE__ + 1;
    counter.add(1);
    other.join();
  });
  const Failure* race = first_of(result, FailureKind::kDataRace);
  ASSERT_NE(race, nullptr) << format_report(result);
  EXPECT_EQ(race->object, "counter");
  ASSERT_EQ(race->accesses.size(), 2U);
  EXPECT_EQ(race->accesses[1].loc.line, static_cast<std::uint32_t>(race_line))
      << "the later access is main's increment";
  EXPECT_NE(race->message.find("counter"), std::string::npos);
}

TEST(HappensBefore, AtomicFetchAddHasNoRaceAndAlwaysCountsTwo) {
  Explorer explorer;
  std::set<int> finals;
  const auto result = explorer.run("atomic increment", [&finals] {
    ModelSync::Atomic<int> counter(0, "counter");
    thread other([&counter] { counter.fetch_add(1); });
    counter.fetch_add(1);
    other.join();
    finals.insert(counter.load());
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_EQ(finals, std::set<int>{2});
}

TEST(HappensBefore, MutexProtectedIncrementsGiveTheExactTotal) {
  Explorer explorer;
  const auto result = explorer.run("locked increment", [] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> counter(0, "counter");
    auto increment = [&] {
      mutex.lock();
      counter.add(1);
      mutex.unlock();
    };
    thread a(increment);
    thread b(increment);
    increment();
    a.join();
    b.join();
    check(counter.load() == 3, "three increments counted");
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_EQ(result.executions, 6U);
}

TEST(HappensBefore, SeqCstStoreBufferingNeverGivesBothZero) {
  std::set<std::pair<int, int>> outcomes;
  Explorer explorer;
  const auto result = explorer.run("store buffering", [&outcomes] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    int r2 = -1;
    thread a([&] {
      x.store(1);
      r1 = y.load();
    });
    thread b([&] {
      y.store(1);
      r2 = x.load();
    });
    a.join();
    b.join();
    outcomes.insert({r1, r2});
  });
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(outcomes.count({0, 0}), 0U);
  EXPECT_EQ(outcomes, (std::set<std::pair<int, int>>{{0, 1}, {1, 0}, {1, 1}}));
}

ExploreResult message_passing(std::memory_order store_order, std::memory_order load_order) {
  Explorer explorer;
  return explorer.run("message passing", [=] {
    ModelSync::Shared<int> payload(0, "payload");
    ModelSync::Atomic<bool> ready(false, "ready");
    thread producer([&] {
      payload.store(42);
      ready.store(true, store_order);
    });
    if (ready.load(load_order)) check(payload.load() == 42, "the payload is published");
    producer.join();
  });
}

TEST(HappensBefore, ReleaseAcquireMessagePassingPublishesThePayload) {
  const auto result = message_passing(std::memory_order_release, std::memory_order_acquire);
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
}

TEST(HappensBefore, RelaxedMessagePassingRacesOnThePayload) {
  const auto result = message_passing(std::memory_order_relaxed, std::memory_order_relaxed);
  const Failure* race = first_of(result, FailureKind::kDataRace);
  ASSERT_NE(race, nullptr) << format_report(result);
  EXPECT_EQ(race->object, "payload");
}

TEST(HappensBefore, ReleaseStoreWithRelaxedLoadStillRaces) {
  const auto result = message_passing(std::memory_order_release, std::memory_order_relaxed);
  EXPECT_NE(first_of(result, FailureKind::kDataRace), nullptr);
}

TEST(HappensBefore, ARelaxedRmwContinuesTheReleaseSequence) {
  Explorer explorer;
  const auto result = explorer.run("release sequence", [] {
    ModelSync::Shared<int> payload(0, "payload");
    ModelSync::Atomic<int> flag(0, "flag");
    thread producer([&] {
      payload.store(1);
      flag.store(1, std::memory_order_release);
    });
    thread bumper([&] { flag.fetch_add(1, std::memory_order_relaxed); });
    // 2 means the bumper's RMW came after the producer's release store (1 then +1): the RMW
    // continues the release sequence, so the acquire load synchronises with the producer.
    if (flag.load(std::memory_order_acquire) == 2) check(payload.load() == 1, "published");
    producer.join();
    bumper.join();
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
}

TEST(HappensBefore, JoinOrdersTheJoinedThreadsWrites) {
  Explorer explorer;
  const auto result = explorer.run("join", [] {
    ModelSync::Shared<int> value(0, "value");
    thread writer([&] { value.store(7); });
    writer.join();
    check(value.load() == 7, "the write is visible after join");
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
}

TEST(HappensBefore, CallOnceOrdersTheInitialiserBeforeEveryCaller) {
  Explorer explorer;
  const auto result = explorer.run("call_once", [] {
    ModelSync::OnceFlag once;
    ModelSync::Shared<int> value(0, "value");
    auto use = [&] {
      ModelSync::call_once(once, [&] { value.store(1); });
      check(value.load() == 1, "initialised before use");
    };
    thread a(use);
    thread b(use);
    a.join();
    b.join();
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
}

// --- the transfers themselves (model/engine/happens_before.hpp)
// ------------------------------------

// The atomics' transfers go through the memory graph (model/engine/memory_graph.hpp): an acquire
// takes in the release sequence of the store it read.
TEST(HappensBeforeRules, AReleaseStorePublishesAndARelaxedStoreEndsTheReleaseSequence) {
  MemoryGraph memory(MemoryModel::kSc);
  VectorClock writer;
  HappensBefore::start(writer, 0);
  VectorClock reader;
  HappensBefore::start(reader, 1);
  memory.init(1, 0, ThreadView{0, writer, 0, SourceLoc{}});
  ASSERT_TRUE(memory.store(1, 1, 1, std::memory_order_release, ThreadView{0, writer, 0, {}}));
  ASSERT_TRUE(memory.load(1, 1, std::memory_order_relaxed, ThreadView{1, reader, 0, {}}));
  EXPECT_EQ(reader[0], 0U) << "a relaxed load acquires nothing";
  ASSERT_TRUE(memory.load(1, 1, std::memory_order_acquire, ThreadView{1, reader, 0, {}}));
  EXPECT_EQ(reader[0], 1U);
  HappensBefore::end_step(writer, 0);
  ASSERT_TRUE(memory.store(1, 2, 2, std::memory_order_relaxed, ThreadView{0, writer, 0, {}}));
  EXPECT_EQ(memory.order_of(1)[2].sync[0], 0U)
      << "a relaxed store heads a sequence that publishes nothing";
}

TEST(HappensBeforeRules, AReleaseRmwAddsToTheReleaseSequenceItContinues) {
  MemoryGraph memory(MemoryModel::kSc);
  VectorClock first;
  HappensBefore::start(first, 0);
  memory.init(1, 0, ThreadView{0, first, 0, SourceLoc{}});
  ASSERT_TRUE(memory.store(1, 1, 1, std::memory_order_release, ThreadView{0, first, 0, {}}));
  VectorClock second;
  HappensBefore::start(second, 1);
  ASSERT_TRUE(memory.update(1, 1, 2, std::memory_order_release, ThreadView{1, second, 0, {}}));
  EXPECT_EQ(second[0], 0U) << "a release RMW acquires nothing";
  EXPECT_EQ(memory.order_of(1)[2].sync[0], 1U) << "the store it continues still publishes";
  EXPECT_EQ(memory.order_of(1)[2].sync[1], 1U);
}

TEST(HappensBeforeRules, AReleaseFenceLetsALaterRelaxedStorePublishAndAnAcquireFenceTakesItIn) {
  MemoryGraph memory(MemoryModel::kRc11);
  VectorClock writer;
  HappensBefore::start(writer, 0);
  VectorClock reader;
  HappensBefore::start(reader, 1);
  memory.init(1, 0, ThreadView{0, writer, 0, SourceLoc{}});
  ASSERT_TRUE(memory.fence(std::memory_order_release, ThreadView{0, writer, 0, {}}));
  HappensBefore::end_step(writer, 0);
  ASSERT_TRUE(memory.store(1, 1, 1, std::memory_order_relaxed, ThreadView{0, writer, 0, {}}));
  ASSERT_TRUE(memory.load(1, 1, std::memory_order_relaxed, ThreadView{1, reader, 0, {}}));
  EXPECT_EQ(reader[0], 0U) << "the relaxed load alone acquires nothing";
  ASSERT_TRUE(memory.fence(std::memory_order_acquire, ThreadView{1, reader, 0, {}}));
  EXPECT_EQ(reader[0], 1U) << "the acquire fence takes in the release fence's clock";
}

TEST(HappensBeforeRules, AFailedCompareExchangeLoadsWithTheDerivedFailureOrder) {
  EXPECT_EQ(HappensBefore::compare_exchange_failure_order(std::memory_order_acq_rel),
            std::memory_order_acquire);
  EXPECT_EQ(HappensBefore::compare_exchange_failure_order(std::memory_order_release),
            std::memory_order_relaxed);
  EXPECT_EQ(HappensBefore::compare_exchange_failure_order(std::memory_order_seq_cst),
            std::memory_order_seq_cst);
}

TEST(HappensBeforeRules, ForkAndJoinOrderTheParentTheChildAndTheJoiner) {
  VectorClock parent;
  HappensBefore::start(parent, 0);
  VectorClock child;
  HappensBefore::fork(parent, 0, child, 1);
  EXPECT_EQ(child[0], 1U) << "the child has seen the parent's steps before the spawn";
  EXPECT_EQ(child[1], 1U);
  EXPECT_EQ(parent[0], 2U) << "the parent goes on at a new tick";
  EXPECT_EQ(parent[1], 0U);
  HappensBefore::end_step(child, 1);
  HappensBefore::join(parent, child);
  EXPECT_EQ(parent[1], 2U);
}

}  // namespace
}  // namespace doublecheck::model
