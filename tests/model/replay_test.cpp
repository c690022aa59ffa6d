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

}  // namespace
}  // namespace doublecheck::model
