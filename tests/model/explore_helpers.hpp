// What the explorer's tests share: one search of a body, the check of the failure it finds, and a
// runner's command line run in this process.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/catalogue/cli.hpp"
#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"

namespace doublecheck::model::test_support {

// The model name the searches below report under.
inline constexpr std::string_view kTestModel = "test model";

inline ExploreResult explore(const std::function<void()>& body, ExploreOptions options = {}) {
  Explorer explorer(std::move(options));
  return explorer.run(kTestModel, body);
}

// The search failed first with `kind`, a message holding `in_message`, and what a counterexample
// carries: its replay token, its interleaving, and the kind's name in the report.
inline void expect_failure(const ExploreResult& result, FailureKind kind,
                           std::string_view in_message) {
  ASSERT_FALSE(result.passed()) << "expected " << kind_name(kind) << ", but the model passed";
  const Failure& failure = result.failures.front();
  EXPECT_EQ(failure.kind, kind) << format_report(result);
  EXPECT_NE(failure.message.find(in_message), std::string::npos) << failure.message;
  EXPECT_FALSE(failure.replay_token.empty()) << "a counterexample has a replay token";
  EXPECT_FALSE(failure.trace.empty()) << "a counterexample has its interleaving";
  EXPECT_NE(format_report(result).find(kind_name(kind)), std::string::npos);
}

// What a runner (run_catalogue over `registry`, in this process) printed and returned for
// `arguments` (after "--no-progress").
struct Ran {
  int status = 0;
  std::string out;
  std::string errors;
};

inline Ran run_runner(const Registry& registry, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"dc_test_runner", "--no-progress"});
  std::vector<char*> argv;
  argv.reserve(arguments.size());
  for (std::string& a : arguments) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  Ran ran;
  ran.status = run_catalogue(registry, RunnerInfo{"dc_test_runner", "a test", {}},
                             static_cast<int>(argv.size()), argv.data());
  ran.out = ::testing::internal::GetCapturedStdout();
  ran.errors = ::testing::internal::GetCapturedStderr();
  return ran;
}

}  // namespace doublecheck::model::test_support
