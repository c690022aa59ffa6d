// The entry point: runs a model body once per interleaving until the search is exhausted or a
// failure is found, and reports what it saw.
//
//   doublecheck::model::Explorer explorer;
//   auto result = explorer.run("increment 2x1", [] {
//     Counter c;                                   // model objects live inside the body
//     model::thread t([&] { c.add(); });
//     c.add();
//     t.join();
//     model::check(c.value() == 2, "both increments counted");
//   });
//   if (!result.passed()) std::cout << format_report(result);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/failure.hpp"
#include "model/fiber.hpp"

namespace doublecheck::model {

struct ExploreOptions {
  bool symptom_mode = false;        // Shared accesses are decision points too (shows lost updates)
  bool continue_past_race = false;  // a data race is recorded and the execution goes on
  bool keep_going = false;          // collect every distinct failure instead of stopping
  std::uint64_t max_steps = 100'000;  // per execution; more is a livelock / infinite loop
  std::uint64_t max_executions = 0;   // 0: no limit (a limit makes the search bounded)
  double time_limit_seconds = 0;      // 0: no limit (a limit makes the search bounded)
  // Run exactly this interleaving once (a token from a report). Also read from the environment
  // variable DC_REPLAY, as "<model name>=<token>" (or just "<token>" for every model).
  std::optional<std::string> replay_token;
};

struct ExploreResult {
  std::string model;
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;  // decision steps over all executions
  double seconds = 0;
  bool exhaustive = false;  // every interleaving was explored
  std::string search;       // "exhaustive", "replay", ...
  std::string stopped_by;   // "exhausted", "failure", "execution limit", "time limit", "replay"
  std::vector<Failure> failures;  // distinct failures; each with its counterexample

  [[nodiscard]] bool passed() const { return failures.empty(); }
};

class Explorer {
 public:
  explicit Explorer(ExploreOptions options = {}) : options_(std::move(options)) {}

  ExploreResult run(std::string_view model_name, const std::function<void()>& body);

  [[nodiscard]] const ExploreOptions& options() const { return options_; }

 private:
  void add_counterexample(ExploreResult& result, Failure failure, std::uint64_t execution,
                          const std::vector<std::uint32_t>& choices,
                          const std::function<void()>& body);

  ExploreOptions options_;
  StackPool stacks_;  // fiber stacks, reused by every execution
};

// The verdict line: "PASS  increment/fixed  exhaustive  1,234 executions  5,678 steps  0.012 s".
std::string format_verdict(const ExploreResult& result);
// The verdict line, then for each failure: kind, message, accesses, preemptions, replay token and
// the interleaving.
std::string format_report(const ExploreResult& result);

}  // namespace doublecheck::model
