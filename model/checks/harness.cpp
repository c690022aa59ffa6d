#include "model/checks/harness.hpp"

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

void RecordingSink::write_line(std::string_view line) noexcept {
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

void check_whole_calls(std::string_view what, const Metrics& m, SourceLoc loc) {
  if (m.total_bytes_in == 10 * m.tool_calls && m.total_bytes_out == 20 * m.tool_calls &&
      m.total_duration_ms == m.tool_calls) {
    return;
  }
  check(false,
        std::string(what) + " is torn: tool_calls=" + std::to_string(m.tool_calls) +
            " but bytes_in=" + std::to_string(m.total_bytes_in) +
            ", bytes_out=" + std::to_string(m.total_bytes_out) +
            ", duration_ms=" + std::to_string(m.total_duration_ms) + " (each call adds 10, 20, 1)",
        loc);
}

ExploreOptions symptom_options() {
  ExploreOptions options;
  options.symptom_mode = true;
  options.continue_past_race = true;
  return options;
}

}  // namespace doublecheck::model::checks
