#include "impl/telemetry_emitter.hpp"

#include <stdexcept>
#include <string>

namespace doublecheck {

std::int64_t total_after(std::int64_t total, std::int64_t delta, std::string_view metric) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(total, delta, &sum)) {
    std::string message = "emit_tool_call: ";
    message.append(metric)
        .append(" would overflow (")
        .append(std::to_string(total))
        .append(" + ")
        .append(std::to_string(delta))
        .append("); the call is not counted");
    throw std::overflow_error(message);
  }
  return sum;
}

Json to_json(const Metrics& metrics) {
  Json out;
  out["tool_calls"] = metrics.tool_calls;
  out["total_bytes_in"] = metrics.total_bytes_in;
  out["total_bytes_out"] = metrics.total_bytes_out;
  out["total_duration_ms"] = metrics.total_duration_ms;
  out["errors"] = metrics.errors;
  return out;
}

Json to_json(const SessionSummary& summary) {
  Json out;
  out["session_id"] = summary.session_id;
  out["metrics"] = to_json(summary.metrics);
  out["telemetry_file"] =
      summary.telemetry_file ? Json(summary.telemetry_file->string()) : Json(nullptr);
  out["enabled"] = summary.enabled;
  out["write_errors"] = summary.write_errors;
  out["events_lost"] = summary.events_lost;
  return out;
}

}  // namespace doublecheck
