// Preemption bounding, the shortest counterexample, random and PCT search, and splitting the
// search among jobs and shards.
#include <gtest/gtest.h>

#include <set>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/small_models.hpp"

namespace doublecheck::model {
namespace {

using test_models::torn_read;

ExploreResult run_spec(const std::string& name, const ExploreOptions& options) {
  const ModelSpec* spec = emitter_models().find(name);
  EXPECT_NE(spec, nullptr) << name;
  ExploreOptions merged = spec->options;
  merged.search = options.search;
  merged.memory_model = options.memory_model;
  merged.preemption_bound = options.preemption_bound;
  merged.shard_index = options.shard_index;
  merged.shard_count = options.shard_count;
  merged.jobs = options.jobs;
  merged.symmetry = options.symmetry;
  merged.keep_going = options.keep_going || merged.keep_going;
  return Explorer(merged).run(spec->name, spec->body);
}

TEST(PreemptionBound, ABugNeedingOnePreemptionIsMissedUnderBoundZeroAndTheVerdictSaysBounded) {
  ExploreOptions options;
  options.preemption_bound = 0;
  const auto result = Explorer(options).run("torn", torn_read);
  EXPECT_TRUE(result.passed());
  EXPECT_FALSE(result.exhaustive);
  EXPECT_EQ(result.bound, "preemption bound 0");
  EXPECT_NE(format_verdict(result).find("preemption bound 0"), std::string::npos);
}

TEST(PreemptionBound, BoundOneFindsIt) {
  ExploreOptions options;
  options.preemption_bound = 1;
  const auto result = Explorer(options).run("torn", torn_read);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().preemptions, 1U);
}

TEST(ShortestCounterexample, PreFixRc002RaceNeedsNoPreemption) {
  const auto result = run_spec("increment/prefix_rc002/2x1", {});
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
  EXPECT_EQ(result.failures.front().preemptions, 0U);
}

TEST(ShortestCounterexample, PreFixRc002LostUpdateNeedsOnePreemption) {
  const auto result = run_spec("increment/prefix_rc002/2x1/symptom", {});
  bool lost_update = false;
  for (const Failure& f : result.failures) {
    if (f.kind != FailureKind::kAssertion) continue;
    lost_update = true;
    EXPECT_EQ(f.preemptions, 1U) << f.trace;
  }
  EXPECT_TRUE(lost_update) << format_report(result);
}

TEST(ShortestCounterexample, NaiveDclRaceNeedsNoPreemption) {
  const auto result = run_spec("init/naive_dcl/2", {});
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().preemptions, 0U);
}

TEST(ShortestCounterexample, IterativeDeepeningReplacesALongerCounterexample) {
  // Depth-first order first meets this failure with two preemptions (T1 runs, then T2 in the
  // middle of T1's critical work, then back); one preemption suffices.
  auto model = [] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    thread a([&] {
      x.store(1);
      y.store(1);
      x.store(0);
    });
    thread b([&] { check(!(x.load() == 1 && y.load() == 1), "saw x=1 and y=1"); });
    a.join();
    b.join();
  };
  // Preemptions count the interleaving's switches: under sequential consistency. (Under RC11 the
  // same failure needs none: T2 may read T1's x = 1 after T1 stored x = 0 — a stale read.)
  ExploreOptions first_found;
  first_found.memory_model = MemoryModel::kSc;
  first_found.minimize_preemptions = false;
  ExploreOptions minimizing;
  minimizing.memory_model = MemoryModel::kSc;
  const auto unminimized = Explorer(first_found).run("xy", model);
  const auto minimized = Explorer(minimizing).run("xy", model);
  ASSERT_FALSE(unminimized.passed());
  ASSERT_FALSE(minimized.passed());
  EXPECT_LE(minimized.failures.front().preemptions, unminimized.failures.front().preemptions);
  EXPECT_EQ(minimized.failures.front().preemptions, 1U) << minimized.failures.front().trace;
}

TEST(RandomSearch, FindsTheRaceAndItsTokenReplaysIt) {
  for (const Search search : {Search::kRandom, Search::kPct}) {
    ExploreOptions options;
    options.search = search;
    options.iterations = 500;
    options.seed = 7;
    const auto found = Explorer(options).run("torn", torn_read);
    ASSERT_FALSE(found.passed()) << search_name(search);
    EXPECT_FALSE(found.exhaustive);
    EXPECT_NE(found.failures.front().found_by.find("seed 7"), std::string::npos);
    ExploreOptions replay;
    replay.replay_token = found.failures.front().replay_token;
    const auto again = Explorer(replay).run("torn", torn_read);
    ASSERT_FALSE(again.passed());
    EXPECT_EQ(again.failures.front().signature(), found.failures.front().signature());
  }
}

TEST(RandomSearch, TheSameSeedGivesTheSameRun) {
  ExploreOptions options;
  options.search = Search::kPct;
  options.iterations = 50;
  options.seed = 3;
  options.minimize_preemptions = false;
  const auto a = Explorer(options).run("torn", torn_read);
  const auto b = Explorer(options).run("torn", torn_read);
  ASSERT_EQ(a.passed(), b.passed());
  if (!a.passed()) {
    EXPECT_EQ(a.failures.front().replay_token, b.failures.front().replay_token);
  }
  EXPECT_EQ(a.executions, b.executions);
}

class Sharding : public testing::TestWithParam<Search> {};

TEST_P(Sharding, TheShardsExecutionCountsAddUpToTheSingleRun) {
  // Under sequential consistency each execution is explored in one shard. (Under RC11 one graph
  // can be reached from interleavings in two shards, which cannot tell each other: their counts
  // add up to at least the single run's; jobs share what they explored and match it exactly.)
  // The model's callers are symmetric: with the reduction on, some executions end with every
  // step after the split forced (threads waiting in lockstep), which the split once counted in
  // every shard (one execution more per extra shard).
  for (const bool symmetry : {false, true}) {
    ExploreOptions whole;
    whole.memory_model = MemoryModel::kSc;
    whole.search = GetParam();
    whole.symmetry = symmetry;
    whole.shard_index = 0;
    whole.shard_count = 1;
    const auto single = run_spec("init/acq_rel_dcl/4", whole);
    ASSERT_TRUE(single.passed());
    for (const std::uint32_t n : {2U, 3U, 5U}) {
      std::uint64_t sum = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        ExploreOptions part = whole;
        part.shard_index = i;
        part.shard_count = n;
        const auto result = run_spec("init/acq_rel_dcl/4", part);
        EXPECT_TRUE(result.passed());
        EXPECT_EQ(result.stopped_by, "exhausted");
        sum += result.executions;
      }
      EXPECT_EQ(sum, single.executions) << n << " shards, symmetry " << symmetry;
    }
    if (GetParam() == Search::kPlain) {
      ExploreOptions unsplit;
      unsplit.memory_model = MemoryModel::kSc;
      unsplit.search = Search::kPlain;
      unsplit.symmetry = symmetry;
      EXPECT_EQ(run_spec("init/acq_rel_dcl/4", unsplit).executions, single.executions)
          << "symmetry " << symmetry;
    }
  }
}

TEST_P(Sharding, TwoJobsExploreTheSameExecutionsAsOne) {
  ExploreOptions one;
  one.search = GetParam();
  one.shard_count = 1;
  ExploreOptions two = one;
  two.jobs = 2;
  EXPECT_EQ(run_spec("init/acq_rel_dcl/4", two).executions,
            run_spec("init/acq_rel_dcl/4", one).executions);
}

TEST_P(Sharding, AFailureFoundInAnyShardIsTheSameFailure) {
  ExploreOptions whole;
  whole.search = GetParam();
  whole.keep_going = true;
  whole.shard_count = 1;
  std::set<std::string> expected;
  for (const Failure& f : run_spec("snapshot/unlocked_snapshot/2w1+1r", whole).failures) {
    expected.insert(f.signature());
  }
  ASSERT_FALSE(expected.empty());
  std::set<std::string> from_shards;
  for (std::uint32_t i = 0; i < 3; ++i) {
    ExploreOptions part = whole;
    part.shard_index = i;
    part.shard_count = 3;
    for (const Failure& f : run_spec("snapshot/unlocked_snapshot/2w1+1r", part).failures) {
      EXPECT_EQ(expected.count(f.signature()), 1U) << "shard " << i << " found " << f.signature();
      from_shards.insert(f.signature());
    }
  }
  EXPECT_EQ(from_shards, expected);
}

INSTANTIATE_TEST_SUITE_P(Search, Sharding, testing::Values(Search::kPlain, Search::kDpor),
                         [](const auto& info) { return std::string(search_name(info.param)); });

}  // namespace
}  // namespace doublecheck::model
