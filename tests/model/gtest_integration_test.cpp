// Models as GoogleTest tests (model/gtest/model_test.hpp): proves() and refutes() judge a search as
// a catalogue's expectation does, carry the report and a replay command into gtest's output, and
// take their search options from the environment and from --dc_* flags — a bad one fails, naming
// it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "model/engine/model_sync.hpp"
#include "model/gtest/model_test.hpp"
#include "tests/model/small_models.hpp"

namespace doublecheck::model {
namespace {

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

void two_stores() {
  ModelSync::Atomic<int> x(0, "x");
  thread t([&] { x.store(1); });
  x.store(2);
  t.join();
}

void racy_counter() {
  ModelSync::Shared<int> counter(0, "counter");
  thread t([&] { counter.add(1); });  // the racing line
  counter.add(1);
  t.join();
}

std::string text_of(const ::testing::AssertionResult& result) { return result.message(); }

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ModelTests, AProofOfACorrectModelSucceedsWithItsVerdict) {
  const auto result = gtest::proves(two_stores);
  EXPECT_TRUE(result);
  EXPECT_TRUE(has(text_of(result), "exhaustive")) << text_of(result);
}

TEST(ModelTests, AProofOfABrokenModelFailsWithTheReportAndAReplayCommand) {
  const auto result = gtest::proves(test_models::torn_read);
  ASSERT_FALSE(result);
  const std::string text = text_of(result);
  EXPECT_TRUE(has(text, "expected to pass, but found assertion")) << text;
  EXPECT_TRUE(has(text, "x changed between two loads")) << text;
  EXPECT_TRUE(has(text,
                  "replay it: DC_REPLAY='ModelTests."
                  "AProofOfABrokenModelFailsWithTheReportAndAReplayCommand="))
      << text;
  EXPECT_TRUE(has(text, "T1")) << "the swimlane: " << text;
}

TEST(ModelTests, ARefutationWithTheRightKindOnTheRightLineSucceeds) {
  testing::internal::CaptureStdout();
  const auto result =
      gtest::refutes(racy_counter, FailureKind::kDataRace,
                     {SourceLines{__FILE__, "counter[.]add[(]1[)]; [}][)];  // the racing line$"}});
  const std::string shown = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(result) << text_of(result);
  EXPECT_TRUE(has(shown, "data race on counter")) << "a caught failure is shown: " << shown;
}

TEST(ModelTests, ARefutationThatFindsAnotherKindOrNothingFails) {
  const auto wrong_kind = gtest::refutes(racy_counter, FailureKind::kDeadlock);
  ASSERT_FALSE(wrong_kind);
  EXPECT_TRUE(has(text_of(wrong_kind), "but found data race")) << text_of(wrong_kind);
  const auto nothing = gtest::refutes(two_stores, FailureKind::kAssertion);
  ASSERT_FALSE(nothing);
  EXPECT_TRUE(has(text_of(nothing), "but found no failure")) << text_of(nothing);
}

TEST(ModelTests, ARefutationOnAnotherLineFails) {
  const auto result = gtest::refutes(racy_counter, FailureKind::kDataRace,
                                     {SourceLines::containing(__FILE__, "void two_stores() {")});
  ASSERT_FALSE(result);
  EXPECT_TRUE(has(text_of(result), "expected fails: data race at")) << text_of(result);
}

TEST(ModelTests, TheEnvironmentChoosesTheSearchAndASampleIsSaidToBeNoProof) {
  const ScopedEnv search("DC_SEARCH", "random");
  const ScopedEnv iterations("DC_ITERATIONS", "7");
  const auto result = gtest::proves(two_stores);
  EXPECT_TRUE(result);
  EXPECT_TRUE(has(text_of(result), "random (7 iterations")) << text_of(result);
  EXPECT_TRUE(has(text_of(result), "not a proof")) << text_of(result);
}

TEST(ModelTests, AMalformedOrOutOfRangeOptionFailsNamingTheVariable) {
  {
    const ScopedEnv steps("DC_MAX_STEPS", "many");
    const auto result = gtest::proves(two_stores);
    ASSERT_FALSE(result);
    EXPECT_TRUE(has(text_of(result), "DC_MAX_STEPS must be a whole number, not 'many'"))
        << text_of(result);
  }
  {
    const ScopedEnv jobs("DC_JOBS", "0");
    const auto result = gtest::proves(two_stores);
    ASSERT_FALSE(result);
    EXPECT_TRUE(has(text_of(result), "DC_JOBS must be from 1 to 256, not 0")) << text_of(result);
  }
  {
    const ScopedEnv search("DC_SEARCH", "bfs");
    EXPECT_TRUE(has(text_of(gtest::proves(two_stores)), "DC_SEARCH must be dpor, plain"));
  }
}

TEST(ModelTests, DcReplayRunsTheTestsCounterexampleOnceWithItsTrace) {
  const std::string failure = text_of(gtest::proves(test_models::torn_read));
  std::smatch found;
  ASSERT_TRUE(std::regex_search(failure, found, std::regex("DC_REPLAY='([^']+)'"))) << failure;
  const std::string replay = found[1];
  const ScopedEnv env("DC_REPLAY", replay.c_str());
  testing::internal::CaptureStdout();
  const auto result = gtest::refutes(test_models::torn_read, FailureKind::kAssertion);
  const std::string shown = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(result) << text_of(result);
  EXPECT_TRUE(has(text_of(result), "replay")) << text_of(result);
  EXPECT_TRUE(has(shown, "x changed between two loads")) << shown;
}

TEST(ModelTests, InitTakesTheDcFlagsOutOfArgvAndTheyActAsTheEnvironment) {
  std::vector<std::string> words{"prog", "--dc_search=plain", "--gtest_brief=1",
                                 "--dc_max_steps=1"};
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  int argc = static_cast<int>(argv.size());
  gtest::init(&argc, argv.data());
  ASSERT_EQ(argc, 2);
  EXPECT_EQ(std::string(argv[1]), "--gtest_brief=1");
  const auto result = gtest::proves(two_stores);
  ::unsetenv("DC_SEARCH");
  ::unsetenv("DC_MAX_STEPS");
  ASSERT_FALSE(result) << "one step is too few for two threads";
  EXPECT_TRUE(has(text_of(result), "step bound exceeded: 1 steps")) << text_of(result);
}

}  // namespace
}  // namespace doublecheck::model
