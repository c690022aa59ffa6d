// A replay token runs exactly the reported interleaving again, from an option or DC_REPLAY.
#include <gtest/gtest.h>

#include <cstdlib>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/small_models.hpp"

namespace doublecheck::model {
namespace {

using test_models::torn_read;

TEST(Replay, TheTokenOfAFailureReproducesIt) {
  Explorer search;
  const auto found = search.run("torn", torn_read);
  ASSERT_EQ(found.failures.size(), 1U);
  const Failure& original = found.failures.front();
  EXPECT_EQ(original.preemptions, 1U);

  ExploreOptions replay;
  replay.replay_token = original.replay_token;
  Explorer replayer(replay);
  const auto again = replayer.run("torn", torn_read);
  EXPECT_EQ(again.executions, 1U);
  EXPECT_EQ(again.search, "replay");
  ASSERT_EQ(again.failures.size(), 1U);
  EXPECT_EQ(again.failures.front().signature(), original.signature());
  EXPECT_EQ(again.failures.front().trace, original.trace) << "the same interleaving, step by step";
}

TEST(Replay, DcReplayFromTheEnvironmentSelectsTheModelByName) {
  Explorer search;
  const auto found = search.run("torn", torn_read);
  ASSERT_FALSE(found.passed());
  const std::string token = found.failures.front().replay_token;

  ::setenv("DC_REPLAY", ("torn=" + token).c_str(), 1);
  Explorer replayer;
  const auto replayed = replayer.run("torn", torn_read);
  const auto other = replayer.run("another model", torn_read);
  ::unsetenv("DC_REPLAY");
  EXPECT_EQ(replayed.search, "replay");
  EXPECT_EQ(replayed.executions, 1U);
  EXPECT_FALSE(replayed.passed());
  EXPECT_EQ(other.search, "dpor") << "DC_REPLAY names one model";
}

TEST(Replay, ATokenThatDoesNotFitTheModelIsAClearUsageError) {
  ExploreOptions replay;
  replay.replay_token = "dc1:7";
  Explorer replayer(replay);
  const auto result = replayer.run("torn", torn_read);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError);
  EXPECT_NE(result.failures.front().message.find("does not belong to this model"),
            std::string::npos);
}

TEST(Replay, GarbageIsNotAToken) {
  ExploreOptions replay;
  replay.replay_token = "hello";
  Explorer replayer(replay);
  const auto result = replayer.run("torn", torn_read);
  ASSERT_FALSE(result.passed());
  EXPECT_NE(result.failures.front().message.find("not a replay token"), std::string::npos);
}

// Message passing with a relaxed flag: the reader may see the flag and still read the old data —
// a failure only the C++ memory model has (a stale read), not any interleaving.
void relaxed_message_passing() {
  ModelSync::Atomic<int> data(0, "data");
  ModelSync::Atomic<int> flag(0, "flag");
  thread writer([&] {
    data.store(42, std::memory_order_relaxed);
    flag.store(1, std::memory_order_relaxed);
  });
  if (flag.load(std::memory_order_relaxed) == 1) {
    check(data.load(std::memory_order_relaxed) == 42, "the flag implies the data");
  }
  writer.join();
}

TEST(Replay, ATokenRecordsWhatEachLoadReadAndReproducesAStaleRead) {
  const auto found = Explorer().run("mp", relaxed_message_passing);
  ASSERT_EQ(found.failures.size(), 1U);
  const Failure& original = found.failures.front();
  EXPECT_EQ(original.replay_token.rfind("rc11:", 0), 0U) << original.replay_token;
  EXPECT_NE(original.replay_token.find('-'), std::string::npos) << "a value choice in the token";
  // The report marks the load that read an older value than one already written, and names the
  // store it read (the initial value: no row).
  bool marked = false;
  for (const TraceEvent& event : original.events) {
    if (event.object != "data" || event.kind != OpKind::kLoad) continue;
    marked = event.stale && event.reads_from == 0 &&
             event.detail.find("STALE") != std::string::npos &&
             event.detail.find("was not visible") != std::string::npos;
  }
  EXPECT_TRUE(marked) << original.trace;

  ExploreOptions replay;
  replay.replay_token = original.replay_token;
  const auto again = Explorer(replay).run("mp", relaxed_message_passing);
  ASSERT_EQ(again.failures.size(), 1U);
  EXPECT_EQ(again.failures.front().signature(), original.signature());
  EXPECT_EQ(again.failures.front().trace, original.trace);

  // Under sequential consistency the program is correct; a dc1: token replays under SC whatever
  // the explorer's memory model.
  ExploreOptions sc;
  sc.memory_model = MemoryModel::kSc;
  EXPECT_TRUE(Explorer(sc).run("mp", relaxed_message_passing).passed());
  ExploreOptions sc_token;
  sc_token.replay_token = "dc1:";
  const auto under_sc = Explorer(sc_token).run("mp", relaxed_message_passing);
  EXPECT_EQ(under_sc.memory_model, MemoryModel::kSc);
  EXPECT_TRUE(under_sc.passed());
}

TEST(Replay, MalformedValueChoicesInATokenAreRejected) {
  for (const char* bad : {"rc11:0-", "rc11:0-.", "rc11:0-zz.", "rc11:0-1", "rc12:01", "dc1:0g"}) {
    ExploreOptions replay;
    replay.replay_token = bad;
    const auto result = Explorer(replay).run("mp", relaxed_message_passing);
    ASSERT_FALSE(result.passed()) << bad;
    EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError) << bad;
    EXPECT_NE(result.failures.front().message.find("not a replay token"), std::string::npos) << bad;
  }
}

TEST(RandomSearch, SamplesWhatLoadsReadAndFindsTheStaleRead) {
  for (const Search search : {Search::kRandom, Search::kPct}) {
    ExploreOptions options;
    options.search = search;
    options.iterations = 2000;
    const auto result = Explorer(options).run("mp", relaxed_message_passing);
    ASSERT_FALSE(result.passed()) << search_name(search);
    EXPECT_EQ(result.failures.front().message, "the flag implies the data");
  }
}

}  // namespace
}  // namespace doublecheck::model
