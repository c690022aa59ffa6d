// Where events go: one complete JSON line per event. The emitter formats, the sink stores.
// Models use an in-memory or discarding sink; production uses FileSink (impl/file_sink.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace doublecheck {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Stores one event line (ends with '\n') of an event that happened at `time` (its timestamp:
  // a daily file is chosen by it). Must be safe to call from many threads at once and must not
  // throw: a sink that cannot store counts the failure in write_errors().
  virtual void write_line(std::string_view line,
                          std::chrono::system_clock::time_point time) noexcept = 0;

  // False for a sink that drops everything, so the emitter skips formatting (models that only
  // look at the metrics stay cheap).
  [[nodiscard]] virtual bool wants_events() const noexcept { return true; }
  // The file behind the sink, if any (the summary's telemetry_file).
  [[nodiscard]] virtual std::optional<std::filesystem::path> path() const { return std::nullopt; }
  // Events whose write failed (in whole or in part).
  [[nodiscard]] virtual std::uint64_t write_errors() const noexcept { return 0; }
  // Events that are in no file: the failed writes, and the events written to a file that was
  // deleted before the sink noticed. Never less than write_errors().
  [[nodiscard]] virtual std::uint64_t events_lost() const noexcept { return write_errors(); }

 protected:
  EventSink() = default;
  EventSink(const EventSink&) = default;
  EventSink& operator=(const EventSink&) = default;
};

// Drops every event. For models whose only shared state is the metrics.
class DiscardingSink final : public EventSink {
 public:
  void write_line(std::string_view /*line*/,
                  std::chrono::system_clock::time_point /*time*/) noexcept override {}
  [[nodiscard]] bool wants_events() const noexcept override { return false; }
};

}  // namespace doublecheck
