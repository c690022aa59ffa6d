#include "model/emitter/harness.hpp"

#include <chrono>
#include <deque>
#include <mutex>

namespace doublecheck::model::checks {

EmitterEnvironment deterministic_environment(std::atomic<std::uint64_t>& next_id) {
  EmitterEnvironment env;
  env.clock = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1795702379));
  };
  env.random_bits = [&next_id] {
    return 0xA11CE0000000ULL + next_id.fetch_add(1, std::memory_order_relaxed) + 1;
  };
  env.diagnostics = [](std::string_view) {};
  return env;
}

const properties::CallPlan& plan_of(int writers, int calls, bool symmetric) {
  // Models are registered, and benchmarks make their bodies, on any thread; a deque keeps every
  // plan where it was made.
  static std::mutex mutex;
  static std::deque<properties::CallPlan> plans;
  const std::scoped_lock lock(mutex);
  for (const properties::CallPlan& plan : plans) {
    if (plan.writers() == writers && plan.calls() == calls && plan.symmetric() == symmetric) {
      return plan;
    }
  }
  return plans.emplace_back(symmetric ? properties::CallPlan::symmetric(writers, calls)
                                      : properties::CallPlan(writers, calls));
}

std::shared_ptr<EventSink> discarding_sink() {
  // Not owned (the aliasing constructor over no owner): nothing is allocated, here or when a
  // model's first execution asks for it. Under Relacy (relacy_backend/) a heap block first made
  // inside a test's iteration is collected at its end (RL_GC), and a process-wide sink made there
  // was used after that in the next iteration.
  static DiscardingSink sink;
  return {std::shared_ptr<EventSink>(), &sink};
}

void RecordingSink::write_line(std::string_view line,
                               std::chrono::system_clock::time_point /*time*/) noexcept {
  try {
    const ScopedLock lock(mutex_);
    lines_.emplace_back(line);
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory in a model: the line is lost
  }
}

std::vector<std::string> RecordingSink::lines() const {
  const ScopedLock lock(mutex_);
  return lines_;
}

ExploreOptions symptom_options() {
  ExploreOptions options;
  options.symptom_mode = true;
  options.continue_past_race = true;
  return options;
}

}  // namespace doublecheck::model::checks
