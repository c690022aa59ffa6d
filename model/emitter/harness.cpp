#include "model/emitter/harness.hpp"

#include <chrono>

namespace doublecheck::model::checks {

EmitterEnvironment deterministic_environment(std::uint64_t& next_id) {
  EmitterEnvironment env;
  env.clock = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1795702379));
  };
  env.random_bits = [&next_id] { return 0xA11CE0000000ULL + ++next_id; };
  env.diagnostics = [](std::string_view) {};
  return env;
}

void RecordingSink::write_line(std::string_view line,
                               std::chrono::system_clock::time_point /*time*/) noexcept {
  try {
    lines_.emplace_back(line);
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory in a model: the line is lost
  }
}

void check_equal(std::string_view what, std::int64_t actual, std::int64_t expected, SourceLoc loc) {
  if (actual == expected) return;
  check(false,
        std::string(what) + ": expected " + std::to_string(expected) + ", got " +
            std::to_string(actual),
        loc);
}

void require(const properties::Verdict& verdict, SourceLoc loc) {
  if (verdict) check(false, verdict->text(), loc);
}

ExploreOptions symptom_options() {
  ExploreOptions options;
  options.symptom_mode = true;
  options.continue_past_race = true;
  return options;
}

}  // namespace doublecheck::model::checks
