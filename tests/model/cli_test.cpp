// The runners' command line (model/catalogue/cli.hpp): a bad argument is exit 64 with a message
// naming the option and what it accepts — never a crash, a wrapped number or a silent default.
#include "model/catalogue/cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::Ran;

// The runner over one passing model, with `arguments`.
Ran run_with(std::vector<std::string> arguments) {
  Registry registry;
  registry.add({"tiny/fixed/1", "fixed", "P6", "two stores", {}, Expectation::passes(), [] {
                  ModelSync::Atomic<int> x(0, "x");
                  thread t([&] { x.store(1); });
                  x.store(2);
                  t.join();
                }});
  return test_support::run_runner(registry, std::move(arguments));
}

TEST(CommandLine, AGoodRunPasses) { EXPECT_EQ(run_with({"--jobs", "2", "--seed", "0"}).status, 0); }

TEST(CommandLine, NumbersOutOfRangeAreUsageErrorsNamingTheOptionAndTheRange) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--jobs", "-1"}, "--jobs must be from 1 to 256, not -1"},
      {{"--jobs", "100000"}, "--jobs must be from 1 to 256, not 100000"},
      {{"--seed", "-5"}, "--seed must be from 0 to"},
      {{"--max-steps", "0"}, "--max-steps must be from 1 to"},
      {{"--max-executions", "-3"}, "--max-executions must be from 1 to"},
      {{"--iterations", "0"}, "--iterations must be from 1 to"},
      {{"--pct-depth", "0"}, "--pct-depth must be from 1 to 64"},
      {{"--preemption-bound", "-1"}, "--preemption-bound must be from 0 to"},
      {{"--time-limit", "-1"}, "--time-limit must be a number of seconds above 0"},
      {{"--time-limit", "0"}, "--time-limit must be a number of seconds above 0"},
  };
  for (const auto& [arguments, message] : cases) {
    const Ran ran = run_with(arguments);
    EXPECT_EQ(ran.status, 64) << arguments.front() << " " << arguments.back();
    EXPECT_NE(ran.errors.find(message), std::string::npos) << ran.errors;
  }
}

TEST(CommandLine, ANumberGivenReachesEachModelsSearch) {
  const Ran bounded = run_with({"--max-steps", "1", "--jobs", "1"});
  EXPECT_EQ(bounded.status, 1) << "a fix that hits the step bound is not as expected";
  EXPECT_NE(bounded.out.find("step bound exceeded: 1 steps"), std::string::npos) << bounded.out;
  const Ran sampled = run_with({"--search", "random", "--iterations", "7", "--seed", "3"});
  EXPECT_EQ(sampled.status, 0) << sampled.errors;
  EXPECT_NE(sampled.out.find("7 iterations, seed 3"), std::string::npos) << sampled.out;
}

TEST(CommandLine, AStrayWordIsAUsageErrorNotIgnored) {
  const Ran ran = run_with({"tiny/fixed/1"});
  EXPECT_EQ(ran.status, 64);
  EXPECT_NE(ran.errors.find("positional"), std::string::npos) << ran.errors;
}

TEST(CommandLine, AMalformedReplayTokenIsAUsageError) {
  for (const char* token : {"garbage", "rc11:0-", "dc1:0g"}) {
    const Ran ran = run_with({"--replay", token});
    EXPECT_EQ(ran.status, 64) << token;
    EXPECT_NE(ran.errors.find("not a replay token"), std::string::npos) << ran.errors;
  }
}

TEST(CommandLine, AReplayTokenThatDoesNotFitTheModelIsAUsageError) {
  const Ran ran = run_with({"--replay", "dc1:7777"});
  EXPECT_EQ(ran.status, 64);
  EXPECT_NE(ran.errors.find("does not fit"), std::string::npos) << ran.errors;
  EXPECT_EQ(run_with({"--replay", "rc11:"}).status, 0) << "a token that fits replays";
}

TEST(CommandLine, ASampledSearchOfAFixSaysItIsNoProofAndExitsZero) {
  Registry registry;
  registry.add({"tiny/fixed/1", "fixed", "P6", "one store", {}, Expectation::passes(), [] {
                  ModelSync::Atomic<int> x(0, "x");
                  thread t([&] { x.store(1); });
                  t.join();
                }});
  std::vector<std::string> arguments{
      "dc_test_runner", "--no-progress", "--search", "pct", "--iterations", "50"};
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  const int status = run_catalogue(registry, RunnerInfo{"dc_test_runner", "a test", {}},
                                   static_cast<int>(argv.size()), argv.data());
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("(no failure in 50 sampled executions, 1 distinct: not a proof)"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("UNEXPECTED"), std::string::npos) << out;
}

}  // namespace
}  // namespace doublecheck::model
