// BasicTelemetryEmitter<Sync>: the MCP server's telemetry emitter, written once against the Sync
// seam (DESIGN.md). TelemetryEmitter (impl/telemetry.hpp) is the production instance; the
// explorer runs the very same code as BasicTelemetryEmitter<ModelSync>.
//
// The RC-002 fix is the metrics mutex: every update of the five counters and every copy of them is
// made under it (see record_call() and snapshot()). Everything else here is I/O and formatting
// (impl/event_format.hpp) that shares no mutable state between threads.
//
// Bounded input (README.md, "The emitter's input"): caller JSON nested deeper than
// kMaxJsonDepth is refused, and a call that would overflow any of the five totals is refused with
// std::overflow_error, all five left as they were. Refused rather than saturated: a saturated
// total is a wrong number that looks like a measurement, while a refused call leaves every total
// the exact sum of the calls it counted (P1), and the caller learns of it the way it learns of a
// negative duration.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "impl/environment.hpp"
#include "impl/event_format.hpp"
#include "impl/event_sink.hpp"
#include "impl/file_sink.hpp"
#include "impl/json_limits.hpp"
#include "impl/metrics_locking.hpp"
#include "seam/source_loc.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

struct SessionSummary {
  std::string session_id;
  Metrics metrics;                                      // one consistent copy (P2)
  std::optional<std::filesystem::path> telemetry_file;  // none when disabled
  bool enabled = false;
  std::uint64_t write_errors = 0;  // events whose write failed
  std::uint64_t events_lost = 0;   // events in no file: failed, or written to a deleted file
};

// `total` + `delta`, or std::overflow_error naming `metric` (and both numbers) when the sum does
// not fit an int64_t: record_call()'s check, before any counter changes.
std::int64_t total_after(std::int64_t total, std::int64_t delta, std::string_view metric);

// The original's JSON for a summary: {session_id, metrics, telemetry_file, enabled, write_errors},
// and doublecheck's events_lost.
Json to_json(const SessionSummary& summary);
Json to_json(const Metrics& metrics);

template <class Sync, class Locking = LockedMetrics>
class BasicTelemetryEmitter {
 public:
  using Mutex = typename Sync::Mutex;

  // Writes to the daily file in `output_dir` (created with its parents). Throws
  // std::invalid_argument for an empty `output_dir` (the original's ValueError) and
  // std::system_error naming the path when it cannot be created or written. A disabled emitter
  // touches no file and counts nothing.
  BasicTelemetryEmitter(bool enabled, const std::filesystem::path& output_dir,
                        EmitterEnvironment env = {})
      : BasicTelemetryEmitter(enabled, std::move(env).with_defaults(), output_dir) {}

  // Writes to `sink` (models, tests). `output_dir` is kept as configuration only.
  BasicTelemetryEmitter(bool enabled, std::shared_ptr<EventSink> sink, EmitterEnvironment env = {},
                        std::filesystem::path output_dir = {})
      : env_(std::move(env).with_defaults()),
        session_id_(make_session_id(env_), "emitter.session_id"),
        enabled_(enabled, "emitter.enabled"),
        output_dir_(std::move(output_dir), "emitter.output_dir"),
        sink_(enabled ? std::move(sink) : nullptr) {}

  BasicTelemetryEmitter(const BasicTelemetryEmitter&) = delete;
  BasicTelemetryEmitter& operator=(const BasicTelemetryEmitter&) = delete;

  // Counts the call (P1) and writes a tool_call event; `error` and `metadata` are left out of the
  // event when empty. Throws std::invalid_argument for a negative duration or byte count, or
  // metadata that is not a JSON object or nests deeper than kMaxJsonDepth (impl/json_limits.hpp),
  // and std::overflow_error when a total would pass INT64_MAX (record_call()), before anything
  // changes: the call is then neither counted nor written.
  void emit_tool_call(std::string_view tool, std::string_view status, std::int64_t duration_ms,
                      std::int64_t bytes_in, std::int64_t bytes_out, std::string_view error = {},
                      const Json& metadata = Json()) {
    const ToolCall call{tool, status, duration_ms, bytes_in, bytes_out, error, &metadata};
    validate(call);
    if (!enabled_.load()) return;
    record_call(call);
    if (!sink_->wants_events()) return;
    const EventHeader head = header();
    write(head, format_tool_call(head, call));
  }

  void emit_server_start(std::string_view version, std::string_view protocol_version) {
    if (!enabled_.load() || !sink_->wants_events()) return;
    const EventHeader head = header();
    write(head, format_server_start(head, version, protocol_version));
  }

  // The stop event carries one consistent snapshot of the metrics, copied under the lock (P3).
  void emit_server_stop(std::string_view reason = "normal") {
    if (!enabled_.load()) return;
    const Metrics metrics = snapshot();
    if (!sink_->wants_events()) return;
    const EventHeader head = header();
    write(head,
          format_server_stop(head, reason.empty() ? std::string_view("normal") : reason, metrics));
  }

  // Writes a handshake event. Throws std::invalid_argument, before anything is written, for a
  // negative duration or client_info that is not a JSON object or nests deeper than kMaxJsonDepth.
  void emit_handshake(std::int64_t duration_ms, bool success, const Json& client_info = Json()) {
    if (duration_ms < 0) throw std::invalid_argument("emit_handshake: duration_ms must be >= 0");
    validate_object("emit_handshake", "client_info", client_info);
    if (!enabled_.load() || !sink_->wants_events()) return;
    const EventHeader head = header();
    write(head, format_handshake(head, duration_ms, success, client_info));
  }

  // A copy of the state; the metrics are one snapshot taken under the lock (P2).
  [[nodiscard]] SessionSummary get_session_summary() {
    SessionSummary summary;
    summary.session_id = session_id_.load();
    summary.metrics = snapshot();
    summary.enabled = enabled_.load();
    if (sink_) {
      summary.telemetry_file = sink_->path();
      summary.write_errors = sink_->write_errors();
      summary.events_lost = sink_->events_lost();
    }
    return summary;
  }

  [[nodiscard]] const std::string& session_id() const { return session_id_.load(); }
  [[nodiscard]] bool enabled() const { return enabled_.load(); }
  [[nodiscard]] const std::filesystem::path& output_dir() const { return output_dir_.load(); }

 private:
  template <class T>
  using Shared = typename Sync::template Shared<T>;

  BasicTelemetryEmitter(bool enabled, EmitterEnvironment env, const std::filesystem::path& dir)
      : BasicTelemetryEmitter(enabled, open_sink(enabled, dir, env), env, dir) {}

  static std::shared_ptr<EventSink> open_sink(bool enabled, const std::filesystem::path& dir,
                                              const EmitterEnvironment& env) {
    if (dir.empty()) throw std::invalid_argument("telemetry: output_dir is required");
    if (!enabled) return nullptr;
    return std::make_shared<FileSink>(dir, env.clock(), env.diagnostics, env.write);
  }

  static std::string make_session_id(const EmitterEnvironment& env);
  static void validate(const ToolCall& call);
  static void validate_object(std::string_view function, std::string_view argument,
                              const Json& value);

  // RC-002: the five counters change together, under the metrics mutex. Every new total is
  // computed, and checked, before any is stored: a call that would overflow one of them throws
  // std::overflow_error and changes none. The check and the stores are one critical section;
  // checked under an earlier hold of the lock, the headroom could be taken by another call before
  // the stores.
  void record_call(const ToolCall& call) {
    const typename Locking::template UpdateGuard<Mutex> guard(metrics_mutex_);
    const bool error = call.status == "error";
    const std::int64_t tool_calls = checked_total(tool_calls_, 1, "tool_calls");
    const std::int64_t bytes_in = checked_total(total_bytes_in_, call.bytes_in, "total_bytes_in");
    const std::int64_t bytes_out =
        checked_total(total_bytes_out_, call.bytes_out, "total_bytes_out");
    const std::int64_t duration_ms =
        checked_total(total_duration_ms_, call.duration_ms, "total_duration_ms");
    const std::int64_t errors = error ? checked_total(errors_, 1, "errors") : 0;
    tool_calls_.store(tool_calls);
    total_bytes_in_.store(bytes_in);
    total_bytes_out_.store(bytes_out);
    total_duration_ms_.store(duration_ms);
    if (error) errors_.store(errors);
  }

  // The counter's value plus `delta` (total_after), read at the caller's line `loc`, so the
  // explorer's reports and mutation sites name record_call()'s line for each counter.
  static std::int64_t checked_total(const Shared<std::int64_t>& counter, std::int64_t delta,
                                    std::string_view metric, SourceLoc loc = SourceLoc::current()) {
    return total_after(counter.load(loc), delta, metric);
  }

  // RC-002: the five counters are copied together, under the same mutex.
  Metrics snapshot() {
    const typename Locking::template ReadGuard<Mutex> guard(metrics_mutex_);
    return Metrics{tool_calls_.load(), total_bytes_in_.load(), total_bytes_out_.load(),
                   total_duration_ms_.load(), errors_.load()};
  }

  // The session and the time every event starts with.
  EventHeader header() const {
    const auto now = env_.clock();
    return EventHeader{session_id_.load(), now};
  }

  // One line, stored whole (or as one visibly bad line: FileSink) in the file of its event's date.
  // The formatting replaces ill-formed UTF-8 in any string with U+FFFD, so every line parses.
  void write(const EventHeader& head, const std::string& line) {
    sink_->write_line(line, head.time);
  }

  EmitterEnvironment env_;  // immutable after construction
  // Configuration: written once by the constructor, read by any thread afterwards. Shared (not
  // const) so the model sees the constructor's writes, and a reader that was handed the emitter
  // without happens-before (a broken global init, P5) is reported as a race.
  Shared<std::string> session_id_;
  Shared<bool> enabled_;
  Shared<std::filesystem::path> output_dir_;
  std::shared_ptr<EventSink> sink_;  // null when disabled; the sink is thread-safe itself

  Mutex metrics_mutex_{"metrics_mutex"};
  Shared<std::int64_t> tool_calls_ DC_GUARDED_BY(metrics_mutex_){0, "metrics.tool_calls"};
  Shared<std::int64_t> total_bytes_in_ DC_GUARDED_BY(metrics_mutex_){0, "metrics.total_bytes_in"};
  Shared<std::int64_t> total_bytes_out_ DC_GUARDED_BY(metrics_mutex_){0, "metrics.total_bytes_out"};
  Shared<std::int64_t> total_duration_ms_ DC_GUARDED_BY(metrics_mutex_){
      0, "metrics.total_duration_ms"};
  Shared<std::int64_t> errors_ DC_GUARDED_BY(metrics_mutex_){0, "metrics.errors"};
};

template <class Sync, class Locking>
std::string BasicTelemetryEmitter<Sync, Locking>::make_session_id(const EmitterEnvironment& env) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t bits = env.random_bits();
  std::string id = "tel_";
  id.resize(4 + 12);
  for (int i = 15; i >= 4; --i, bits >>= 4) id[static_cast<std::size_t>(i)] = kHex[bits & 0xF];
  return id;
}

template <class Sync, class Locking>
void BasicTelemetryEmitter<Sync, Locking>::validate(const ToolCall& call) {
  if (call.duration_ms < 0) throw std::invalid_argument("emit_tool_call: duration_ms must be >= 0");
  if (call.bytes_in < 0) throw std::invalid_argument("emit_tool_call: bytes_in must be >= 0");
  if (call.bytes_out < 0) throw std::invalid_argument("emit_tool_call: bytes_out must be >= 0");
  validate_object("emit_tool_call", "metadata", *call.metadata);
}

// A caller's JSON argument: null or an object, at most kMaxJsonDepth levels deep (deeper would
// overflow the stack in the serializer, impl/json_limits.hpp).
template <class Sync, class Locking>
void BasicTelemetryEmitter<Sync, Locking>::validate_object(std::string_view function,
                                                           std::string_view argument,
                                                           const Json& value) {
  const auto refuse = [&](std::string_view why) {
    std::string message(function);
    message.append(": ").append(argument).append(" ").append(why);
    throw std::invalid_argument(message);
  };
  if (!value.is_null() && !value.is_object()) refuse("must be a JSON object");
  if (nests_deeper_than(value, kMaxJsonDepth))
    refuse("nests deeper than " + std::to_string(kMaxJsonDepth) +
           " levels of arrays and objects (kMaxJsonDepth)");
}

}  // namespace doublecheck
