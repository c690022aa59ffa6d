// The production sink: the daily JSONL file, kept open for appending.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "impl/environment.hpp"
#include "impl/event_sink.hpp"

namespace doublecheck {

// Appends to `<dir>/mcp_telemetry_<YYYYMMDD>.jsonl` (the UTC date of construction, file mode
// 0600, directory created with its parents, mode 0700). The file is opened once with
// O_APPEND | O_CLOEXEC and each line goes out in one write() (continued after a short write), so
// lines of concurrent threads, or of several processes sharing the file, never interleave.
// Nothing here needs a lock: the kernel orders appends, and the error counter is atomic.
class FileSink final : public EventSink {
 public:
  // Throws std::system_error naming the path when the directory cannot be created or the file
  // cannot be opened for writing.
  FileSink(const std::filesystem::path& dir, std::chrono::system_clock::time_point now,
           EmitterEnvironment::Diagnostics diagnostics);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  void write_line(std::string_view line) noexcept override;
  [[nodiscard]] std::optional<std::filesystem::path> path() const override { return path_; }
  [[nodiscard]] std::uint64_t write_errors() const noexcept override {
    return write_errors_.load(std::memory_order_relaxed);
  }

  // The file name for a given day: mcp_telemetry_<YYYYMMDD>.jsonl, UTC.
  static std::string file_name_for(std::chrono::system_clock::time_point day);

 private:
  void report_failure(int error_number) noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
  EmitterEnvironment::Diagnostics diagnostics_;
  // Failed events. Reported on the 1st, 10th, 100th, ... failure so a full disk does not flood
  // the log with one line per event.
  std::atomic<std::uint64_t> write_errors_{0};
};

}  // namespace doublecheck
