// Hostile models: a model whose threads need more stack than the default passes when the stack
// size is raised (ExploreOptions::stack_size, the runners' --stack-size), and a size out of range
// is a usage error.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/catalogue/cli.hpp"
#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"

namespace doublecheck::model {
namespace {

// Frames of 200 KiB, touched at both ends: ten of them need about 2 MiB of stack.
constexpr std::size_t kLargeFrame = std::size_t{200} << 10;
[[gnu::noinline]] std::uint64_t large_frames(std::uint64_t n) {
  volatile char frame[kLargeFrame];
  frame[0] = static_cast<char>(n);  // the lowest address of the frame: its far end
  frame[kLargeFrame - 1] = 1;
  if (n == 0) return static_cast<std::uint64_t>(frame[0]);
  return large_frames(n - 1) + static_cast<std::uint64_t>(frame[kLargeFrame - 1]);
}

ExploreResult explore(std::string_view name, const std::function<void()>& body,
                      ExploreOptions options = {}) {
  return Explorer(std::move(options)).run(name, body);
}

void expect_in(std::string_view text, std::string_view part) {
  EXPECT_NE(text.find(part), std::string_view::npos) << "no '" << part << "' in:\n" << text;
}

TEST(Crash, AModelThatNeedsMoreStackPassesWithALargerStackSize) {
  ExploreOptions larger;
  larger.stack_size = std::size_t{4} << 20;
  const auto result = explore(
      "hostile/needs-stack",
      [] {
        thread t([] { (void)large_frames(9); });
        t.join();
      },
      larger);
  EXPECT_TRUE(result.passed()) << format_report(result);
}

TEST(Crash, AStackSizeOutOfRangeIsAUsageError) {
  for (const std::size_t size : {std::size_t{4096}, std::size_t{1} << 31}) {
    ExploreOptions options;
    options.stack_size = size;
    const auto result = explore(
        "hostile/stack-size", [] {}, options);
    ASSERT_FALSE(result.passed());
    EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError);
    expect_in(result.failures.front().message,
              "ExploreOptions::stack_size must be from 64 KiB to 1048576 KiB");
  }
}

// --- the runner (model/catalogue/cli.hpp), run in this process with a registry of its own ---

struct Ran {
  int status = 0;
  std::string out;
  std::string errors;
};

Ran run_runner(const Registry& registry, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"dc_test_runner", "--no-progress"});
  std::vector<char*> argv;
  argv.reserve(arguments.size());
  for (std::string& a : arguments) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  Ran ran;
  ran.status = run_catalogue(registry, RunnerInfo{"dc_test_runner", "a test", {}},
                             static_cast<int>(argv.size()), argv.data());
  ran.out = testing::internal::GetCapturedStdout();
  ran.errors = testing::internal::GetCapturedStderr();
  return ran;
}

TEST(CrashRunner, StackSizeIsAnOptionInKibRangeChecked) {
  Registry registry;
  registry.add(
      {"hostile/needs-stack", "fixed", "P6", "2 MiB of frames", {}, Expectation::passes(), [] {
         thread t([] { (void)large_frames(9); });
         t.join();
       }});
  for (const char* bad : {"63", "0", "-1", "1048577"}) {
    const Ran ran = run_runner(registry, {"--stack-size", bad});
    EXPECT_EQ(ran.status, 64) << bad;
    expect_in(ran.errors, std::string("--stack-size must be from 64 to 1048576, not ") + bad);
  }
  const Ran large = run_runner(registry, {"--stack-size", "4096"});
  EXPECT_EQ(large.status, 0) << large.out;
}

}  // namespace
}  // namespace doublecheck::model
