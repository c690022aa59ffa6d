// Models as GoogleTest tests (doublecheck::gtest, <doublecheck/gtest.hpp>): a model is an ordinary
// TEST whose assertion explores its body.
//
//   TEST(HitCounter, LockedHitsAreNeverLost) {
//     EXPECT_TRUE(doublecheck::model::gtest::proves(two_hits<Locked>));
//   }
//   TEST(HitCounter, UnlockedHitsRace) {  // the negative control
//     EXPECT_TRUE(doublecheck::model::gtest::refutes(two_hits<Unlocked>, FailureKind::kDataRace,
//                                                    {SourceLines::containing(file,
//                                                    "count_.add(")}));
//   }
//
// proves() succeeds when the search passes exhaustively; refutes() when it fails with the kind
// (and, when lines are given, an access on one of them) — the same judgement as a catalogue's
// expectation (registry.hpp's mismatch()). Otherwise the assertion's message is why, then the
// failure report: kind, accesses, the interleaving as a swimlane, and the replay token.
//
// The model's name is the running test's ("HitCounter.UnlockedHitsRace"), so
// DC_REPLAY='HitCounter.UnlockedHitsRace=<token>' runs that counterexample once, with its trace.
// Search options come from the environment — DC_SEARCH, DC_MEMORY_MODEL, DC_JOBS, DC_MAX_STEPS,
// DC_ITERATIONS, DC_SEED, DC_PCT_DEPTH, DC_PREEMPTION_BOUND, DC_MAX_EXECUTIONS,
// DC_MAX_SHARED_ACCESSES, DC_STACK_SIZE, DC_TIME_LIMIT: an option's command-line name in upper case
// — or from gtest-style flags (--dc_search=pct) that init() takes out of argv; they override what
// the test passes, and a malformed one fails the assertion naming it. DC_SOURCE_ROOT (or
// --dc_source_root) is the directory that reports and SourceLines name files relative to.
//
// Functions, not macros: an AssertionResult already carries the message into gtest's output, and
// EXPECT_TRUE/ASSERT_TRUE give the file and line of the test. A macro would buy nothing but
// hiding which of the two the test means.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/catalogue/cli.hpp"
#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/source_path.hpp"

namespace doublecheck::model::gtest {

namespace detail {

// The search options a model test can be given, by their command-line names.
inline constexpr std::string_view kOptionNames[] = {"search",         "memory-model",
                                                    "jobs",           "max-steps",
                                                    "iterations",     "seed",
                                                    "pct-depth",      "preemption-bound",
                                                    "max-executions", "max-shared-accesses",
                                                    "stack-size",     "time-limit",
                                                    "source-root"};

// "max-steps" -> "DC_MAX_STEPS".
inline std::string environment_name(std::string_view option) {
  std::string name = "DC_";
  for (const char c : option) name += c == '-' ? '_' : static_cast<char>(c - 'a' + 'A');
  return name;
}

// The running test's full name, or `fallback` outside a test.
inline std::string test_name(std::string_view fallback) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return std::string(fallback);
  return std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace detail

// Takes the gtest-style flags of this header (--dc_search=pct, --dc_max_steps=1000, ...) out of
// argv, for a main() of one's own (after ::testing::InitGoogleTest). They act as the environment
// variables of the same names do (and win over them).
inline void init(int* argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string_view argument(argv[i]);
    bool taken = false;
    for (const std::string_view option : detail::kOptionNames) {
      std::string flag = "--dc_";
      for (const char c : option) flag += c == '-' ? '_' : c;
      flag += '=';
      if (argument.substr(0, flag.size()) == flag) {
        const std::string value(argument.substr(flag.size()));
        ::setenv(detail::environment_name(option).c_str(), value.c_str(), 1);
        taken = true;
      }
    }
    if (!taken) argv[kept++] = argv[i];
  }
  *argc = kept;
}

// `options` under the environment's search options; why not, naming the variable, when one is
// malformed.
inline std::optional<std::string> apply_environment(ExploreOptions& options) {
  for (const std::string_view option : detail::kOptionNames) {
    const std::string variable = detail::environment_name(option);
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') continue;
    if (option == "source-root") {
      if (source_root().empty()) set_source_root(value);
      continue;
    }
    if (auto error = set_search_option(options, option, value)) return variable + " " + *error;
  }
  return std::nullopt;
}

// Explores `body` as the running test's model and judges the result against `expected`.
inline ::testing::AssertionResult reaches(const Expectation& expected,
                                          const std::function<void()>& body,
                                          ExploreOptions options = {}) {
  if (auto error = apply_environment(options)) {
    return ::testing::AssertionFailure() << "doublecheck: " << *error;
  }
  const std::string name = detail::test_name("model");
  const ExploreResult result = Explorer(std::move(options)).run(name, body);
  const std::string why = mismatch(expected, result);
  // A replay, and a failure a negative control expects, show their interleaving in the test's
  // output: what was caught, and how.
  if (result.search == "replay" || (why.empty() && !result.passed())) {
    std::cout << format_report(result) << "\n";
  }
  if (why.empty()) {
    ::testing::AssertionResult success = ::testing::AssertionSuccess();
    success << format_verdict(result);
    if (result.passed() && sampled(result)) success << " (sampled, not a proof)";
    return success;
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << name << ": " << why << "\n" << format_report(result);
  if (!result.failures.empty() && !result.failures.front().replay_token.empty()) {
    failure << "\nreplay it: DC_REPLAY='" << name << "=" << result.failures.front().replay_token
            << "'";
  }
  return failure;
}

// A fix: `body` passes, exhaustively.
inline ::testing::AssertionResult proves(const std::function<void()>& body,
                                         ExploreOptions options = {}) {
  return reaches(Expectation::passes(), body, std::move(options));
}

// A negative control: `body` fails with `kind` — with an access on one of `at`'s lines when given.
inline ::testing::AssertionResult refutes(const std::function<void()>& body, FailureKind kind,
                                          std::vector<SourceLines> at = {},
                                          ExploreOptions options = {}) {
  return reaches(Expectation::fails(kind, std::move(at)), body, std::move(options));
}

}  // namespace doublecheck::model::gtest
