// Helpers shared by the emitter's unit tests (tests/impl/) and the race tests (tests/race/):
// a private temporary directory, reading a JSONL file back, fixed clocks, and gtest printers.
#pragma once

#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp, not in <cstdlib>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "impl/telemetry_emitter.hpp"

namespace doublecheck {

// gtest prints a Metrics as its five fields, so a failed EXPECT_EQ says what came instead.
inline void PrintTo(const Metrics& m, std::ostream* os) {
  *os << "{tool_calls=" << m.tool_calls << ", total_bytes_in=" << m.total_bytes_in
      << ", total_bytes_out=" << m.total_bytes_out << ", total_duration_ms=" << m.total_duration_ms
      << ", errors=" << m.errors << "}";
}

namespace testing_support {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope exit.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "dc-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// The lines of a text file, without their '\n'. A missing file reads as no lines.
inline std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file, std::ios::binary);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line of a JSONL file parsed (strictly: invalid UTF-8 is an error). Throws
// nlohmann::json::parse_error naming nothing but the offset, so callers that want to say which
// line failed parse line by line themselves.
inline std::vector<Json> read_events(const std::filesystem::path& file) {
  std::vector<Json> events;
  for (const auto& line : read_lines(file)) events.push_back(Json::parse(line));
  return events;
}

// The events of one kind, in file order.
inline std::vector<Json> events_named(const std::vector<Json>& events, std::string_view name) {
  std::vector<Json> out;
  for (const auto& event : events) {
    if (event.value("event", "") == name) out.push_back(event);
  }
  return out;
}

// The only file in `dir` (the daily telemetry file); empty when there is none.
inline std::filesystem::path only_file_in(const std::filesystem::path& dir) {
  std::filesystem::path found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!found.empty()) throw std::runtime_error("more than one file in " + dir.string());
    found = entry.path();
  }
  return found;
}

// A point in time given as UTC calendar fields.
inline std::chrono::system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi,
                                                 int s, int micros = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} +
         microseconds{micros};
}

// An environment whose clock always says `now` and whose diagnostics are kept in memory.
class RecordingEnvironment {
 public:
  explicit RecordingEnvironment(std::chrono::system_clock::time_point now) : now_(now) {}

  [[nodiscard]] EmitterEnvironment env() {
    EmitterEnvironment env;
    env.clock = [this] {
      const std::lock_guard lock(mutex_);
      return now_;
    };
    env.diagnostics = [this](std::string_view message) {
      const std::lock_guard lock(mutex_);
      messages_.emplace_back(message);
    };
    return env;
  }

  void set_now(std::chrono::system_clock::time_point now) {
    const std::lock_guard lock(mutex_);
    now_ = now;
  }
  [[nodiscard]] std::vector<std::string> messages() {
    const std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::chrono::system_clock::time_point now_;
  std::vector<std::string> messages_;
};

// A write() whose answers the test scripts, for the faults a disk gives: each call asks `plan`
// what to do with the bytes it is given. Thread-safe (the plan is asked under a lock).
class ScriptedWrite {
 public:
  struct Step {
    std::size_t limit = SIZE_MAX;  // write at most this many bytes (fewer: a short write)
    int error = 0;                 // or fail with this errno, writing nothing
  };
  // `call` counts from 0 over every write() the sink makes; `size` is what it asked to write.
  using Plan = std::function<Step(std::size_t call, std::size_t size)>;

  explicit ScriptedWrite(Plan plan) : plan_(std::move(plan)) {}

  // The function to put in EmitterEnvironment::write. It refers to this object.
  [[nodiscard]] EmitterEnvironment::Write function() {
    return [this](int fd, const char* data, std::size_t size) -> std::ptrdiff_t {
      Step step;
      {
        const std::lock_guard lock(mutex_);
        step = plan_(calls_++, size);
      }
      if (step.error != 0) {
        errno = step.error;
        return -1;
      }
      return ::write(fd, data, std::min(size, step.limit));
    };
  }
  [[nodiscard]] std::size_t calls() {
    const std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  Plan plan_;
  std::size_t calls_ = 0;
};

}  // namespace testing_support
}  // namespace doublecheck
