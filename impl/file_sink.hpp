// The production sink: the daily JSONL file, appended to by group commit.
#pragma once

#include <sys/stat.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impl/environment.hpp"
#include "impl/event_sink.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

// Appends each event to `<dir>/mcp_telemetry_<YYYYMMDD>.jsonl`, the file of the event's UTC date
// (mode 0600; the directory is created with its parents, mode 0700).
//
// Whole lines. Calls queue their line; one of them (the writer) takes every queued line and
// appends them with one write() to the file opened O_APPEND, and every call returns once its own
// line was written or counted as failed (group commit). A write() of a regular file is placed
// whole at the end of the file, under the inode's lock, so another process's lines (each batch
// of them one write() too) land between batches, never inside a line. A short write (a signal,
// a nearly full disk) is continued by the same writer before any other line of this process.
// When a write fails part-way, the cut line is counted lost and the next write starts with '\n',
// so the fragment stays one visibly bad line and the next event is intact. (Across processes, a
// line cut by a short write can have another process's batch between its parts: no appender can
// prevent that; the cut happens only when the disk is full or a signal interrupts a large write.)
//
// The file follows its path and its date. Before writing, the writer moves to the new day's file
// when the events' date has passed the file's; and at most once per `kRecheckEvents` events or
// `kRecheckInterval` of event time it checks (one fstat, one stat) that the file is still the one
// at its path. A file deleted (with its directory, which is recreated) or moved away or replaced
// is reopened at the path and reported once with the reason; events written to a deleted file
// since the last check are counted in events_lost().
//
// No symlinks: the file is opened O_NOFOLLOW and must be a regular file. A link at the path is a
// std::system_error at construction and a counted, reported write failure later. A directory
// writable by group or others, or a file with a mode wider than 0600 (tightened when this process
// owns it), is reported once.
class FileSink final : public EventSink {
 public:
  // Checks at most this often that the file is still at its path (DESIGN.md: the cost measured).
  static constexpr std::uint64_t kRecheckEvents = 1024;
  static constexpr std::chrono::milliseconds kRecheckInterval{100};
  // A writer writes at most this many batches in a row before its own call returns.
  static constexpr int kMaxBatchesPerWriter = 16;

  // Throws std::system_error naming the path when the directory cannot be created or the file
  // cannot be opened for appending (a symlink at its path included).
  FileSink(std::filesystem::path dir, std::chrono::system_clock::time_point now,
           EmitterEnvironment::Diagnostics diagnostics, EmitterEnvironment::Write write);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  void write_line(std::string_view line,
                  std::chrono::system_clock::time_point time) noexcept override;
  // The file the last line went to.
  [[nodiscard]] std::optional<std::filesystem::path> path() const override;
  [[nodiscard]] std::uint64_t write_errors() const noexcept override {
    return write_errors_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t events_lost() const noexcept override {
    return write_errors() + deleted_lines_.load(std::memory_order_relaxed);
  }

  // The file name for a given day: mcp_telemetry_<YYYYMMDD>.jsonl, UTC.
  static std::string file_name_for(std::chrono::system_clock::time_point day);

 private:
  using Time = std::chrono::system_clock::time_point;

  // One queued line: where it ends in the batch's bytes, and its event's day and time.
  struct Line {
    std::size_t end = 0;
    std::int64_t day = 0;  // days since the epoch, UTC
    Time time;
  };
  struct Batch {
    std::string bytes;
    std::vector<Line> lines;
    void clear() {
      bytes.clear();
      lines.clear();
    }
  };

  // The right to use the file: taken by the one thread that set writing_ (under queue_mutex_),
  // given back before it clears writing_. A capability for Clang's analysis only, so that the
  // file's fields are checked as GUARDED_BY it: the exclusion itself is writing_'s, and the
  // happens-before between one writer and the next is queue_mutex_'s.
  class DC_CAPABILITY("writer role") WriterRole {
   public:
    void take() DC_ACQUIRE() {}
    void give_back() DC_RELEASE() {}
  };

  // Writes the lines (the writer's part). `bytes` holds exactly `lines`.
  void write_batch(std::string_view bytes, std::span<const Line> lines) DC_REQUIRES(writer_);
  // Appends lines of one day to the file: the count of whole lines written (the rest failed,
  // `error` says why).
  std::size_t append(std::string_view bytes, std::span<const Line> lines, int& error)
      DC_REQUIRES(writer_);
  // Writes all of `text`, continuing after short writes and EINTR: the bytes written before a
  // failure (`error` says which).
  std::size_t write_all(std::string_view text, int& error) DC_REQUIRES(writer_);
  void prepare_file(std::int64_t day, Time time) DC_REQUIRES(writer_);
  bool still_at_path() DC_REQUIRES(writer_);
  // Opens the file of `day`, creating the directory when it is gone (and saying so when
  // `report_created`). False when it cannot: open_error_ and open_failure_ say why.
  bool open_file(std::int64_t day, bool report_created) DC_REQUIRES(writer_);
  bool opening_failed(int error_number, const std::string& what) DC_REQUIRES(writer_);
  void close_file() DC_REQUIRES(writer_);
  void check_mode(const struct stat& file) DC_REQUIRES(writer_);
  // Counts `lines` lost events; reports on reaching 1, 10, 100, ... with the path and why (the
  // open failure when there is no file, else the write's errno).
  void count_failed(std::uint64_t lines, int error_number) noexcept DC_REQUIRES(writer_);

  // Takes the whole queue and writes it, as the writer, and again while lines were queued
  // meanwhile (at most kMaxBatchesPerWriter times); returns with queue_mutex_ held again.
  void lead() DC_REQUIRES(queue_mutex_);

  void report(const std::string& message) const noexcept;

  const std::filesystem::path dir_;
  const EmitterEnvironment::Diagnostics diagnostics_;
  const EmitterEnvironment::Write write_;

  // The queue: lines waiting for the writer. Tickets number the lines in queue order; every
  // ticket up to completed_ was written or counted failed. A caller whose line is queued sleeps
  // (a futex: C++20 atomic wait) on the counter of its batch's parity, batches_done_[n % 2] for
  // the n-th batch taken, which the writer bumps when that batch is written: one notify wakes the
  // batch's callers and no one else (the callers queued meanwhile wait on the other counter).
  StdSync::Mutex queue_mutex_;
  Batch queue_ DC_GUARDED_BY(queue_mutex_);
  Batch spare_ DC_GUARDED_BY(queue_mutex_);  // the writer's last batch, kept for its capacity
  std::uint64_t enqueued_ DC_GUARDED_BY(queue_mutex_) = 0;
  bool writing_ DC_GUARDED_BY(queue_mutex_) = false;  // a thread is the writer
  std::atomic<std::uint64_t> completed_{0};
  std::uint64_t batches_taken_ DC_GUARDED_BY(queue_mutex_) = 0;
  std::array<std::atomic<std::uint64_t>, 2> batches_done_{};

  // The file: only the writer uses it.
  WriterRole writer_;
  std::filesystem::path path_ DC_GUARDED_BY(writer_);
  int fd_ DC_GUARDED_BY(writer_) = -1;
  std::int64_t day_ DC_GUARDED_BY(writer_) = 0;
  dev_t device_ DC_GUARDED_BY(writer_) = 0;    // the open file's identity, to compare with
  ino_t inode_ DC_GUARDED_BY(writer_) = 0;     // what the path names now
  int open_error_ DC_GUARDED_BY(writer_) = 0;  // why fd_ is -1: the errno and the words
  std::string open_failure_ DC_GUARDED_BY(writer_);
  bool torn_ DC_GUARDED_BY(writer_) = false;  // the file ends inside a cut line
  std::uint64_t lines_since_check_ DC_GUARDED_BY(writer_) = 0;
  Time last_check_ DC_GUARDED_BY(writer_);
  bool directory_mode_reported_ DC_GUARDED_BY(writer_) = false;

  // The path for path(), a copy the writer updates when it opens a file.
  mutable StdSync::Mutex path_mutex_;
  std::filesystem::path current_path_ DC_GUARDED_BY(path_mutex_);

  // Failed events, reported on the 1st, 10th, 100th, ... so a full disk does not flood the log.
  std::atomic<std::uint64_t> write_errors_{0};
  // Events written to a file that was deleted before the writer noticed.
  std::atomic<std::uint64_t> deleted_lines_{0};
};

}  // namespace doublecheck
