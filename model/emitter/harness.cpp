#include "model/emitter/harness.hpp"

#include <chrono>

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
