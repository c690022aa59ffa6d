#include "impl/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <system_error>
#include <utility>

#include "seam/scoped_lock.hpp"

namespace doublecheck {
namespace {

using Time = std::chrono::system_clock::time_point;

// Days since the epoch of `time`, UTC (floored: the day of a time before 1970 is negative).
std::int64_t utc_day(Time time) {
  return std::chrono::floor<std::chrono::days>(time).time_since_epoch().count();
}

Time start_of(std::int64_t day) { return Time(std::chrono::days(day)); }

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "0%03o", static_cast<unsigned>(mode & 07777U));
  return text;
}

// Why a file or directory could not be used: the errno (for std::system_error) and the words.
struct Failure {
  int error_number = 0;
  std::string what;  // names the path
  explicit operator bool() const { return error_number != 0; }
};

struct Created {
  Failure failed;
  bool created = false;  // some directory had to be made
};

Failure failure(int error_number, const std::string& what, const std::filesystem::path& path) {
  std::string text = what + " '" + path.string() + "'";
  if (error_number == ELOOP) text += ": it is a symbolic link, and telemetry never follows one";
  return {error_number, std::move(text)};
}

// Creates `dir` and its missing parents with mode 0700 (the original's mkdir(parents=True)).
Created create_directories_private(const std::filesystem::path& dir) {
  Created result;
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      result.created = true;
    } else if (errno != EEXIST) {
      result.failed = failure(errno, "cannot create output directory", partial);
      return result;
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    result.failed = failure(errno, "cannot stat output directory", dir);
  } else if (!S_ISDIR(info.st_mode)) {
    result.failed = failure(ENOTDIR, "output path is not a directory", dir);
  }
  return result;
}

}  // namespace

std::string FileSink::file_name_for(Time day) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(day);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char name[40];
  std::strftime(name, sizeof name, "mcp_telemetry_%Y%m%d.jsonl", &utc);
  return name;
}

FileSink::FileSink(std::filesystem::path dir, Time now, EmitterEnvironment::Diagnostics diagnostics,
                   EmitterEnvironment::Write write)
    : dir_(std::move(dir)),
      diagnostics_(std::move(diagnostics)),
      write_(std::move(write)),
      last_check_(now) {
  writer_.take();  // no other thread has the sink yet
  const bool opened = open_file(utc_day(now), /*report_created=*/false);
  writer_.give_back();
  if (!opened) {
    throw std::system_error(open_error_, std::generic_category(), "telemetry: " + open_failure_);
  }
}

FileSink::~FileSink() {
  writer_.take();  // the last user: every call has returned
  close_file();
  writer_.give_back();
}

std::optional<std::filesystem::path> FileSink::path() const {
  const ScopedLock lock(path_mutex_);
  return current_path_;
}

void FileSink::write_line(std::string_view line, Time time) noexcept {
  const Line only{line.size(), utc_day(time), time};
  queue_mutex_.lock();
  if (!writing_ && queue_.lines.empty()) {
    // Nobody writes and nobody waits: this call is the writer, straight from the caller's buffer.
    writing_ = true;
    const std::uint64_t ticket = ++enqueued_;
    queue_mutex_.unlock();
    writer_.take();
    write_batch(line, std::span(&only, 1));
    writer_.give_back();
    queue_mutex_.lock();
    writing_ = false;
    completed_.store(ticket, std::memory_order_release);  // every earlier ticket was complete
    // Lines queued meanwhile wait for a writer: this thread is one, already running.
    if (!queue_.lines.empty()) lead();
    queue_mutex_.unlock();
    return;
  }
  const std::size_t size_before = queue_.bytes.size();
  try {
    queue_.bytes.append(line);
    queue_.lines.push_back({queue_.bytes.size(), only.day, time});
  } catch (...) {  // out of memory: this event is lost, the queue stays whole lines
    queue_.bytes.resize(size_before);
    queue_mutex_.unlock();
    write_errors_.fetch_add(1, std::memory_order_relaxed);
    report("cannot queue a telemetry event: out of memory (counted in write_errors)");
    return;
  }
  const std::uint64_t ticket = ++enqueued_;
  // The next batch taken holds the whole queue, this line included.
  const std::atomic<std::uint64_t>& done = batches_done_[(batches_taken_ + 1) % 2];
  while (completed_.load(std::memory_order_acquire) < ticket) {
    if (!writing_) {
      lead();
      continue;
    }
    // Sleep until our batch is written. Its counter is the one of its parity, which the batch in
    // flight (the one before ours) does not touch: a writer wakes its own batch's callers only.
    const std::uint64_t seen = done.load(std::memory_order_acquire);
    queue_mutex_.unlock();
    done.wait(seen, std::memory_order_acquire);
    queue_mutex_.lock();
  }
  queue_mutex_.unlock();
}

void FileSink::lead() {
  // Batches queued while one is written are written next by the same thread: handing the queue
  // to a sleeping caller would leave the file idle until that caller is scheduled. Bounded, so
  // the writer's own call returns.
  for (int batches = 0; batches < kMaxBatchesPerWriter && !queue_.lines.empty(); ++batches) {
    writing_ = true;
    Batch batch = std::move(queue_);
    queue_ = std::move(spare_);  // empty, with the capacity of an earlier batch
    const std::uint64_t last = enqueued_;
    std::atomic<std::uint64_t>& done = batches_done_[++batches_taken_ % 2];
    queue_mutex_.unlock();
    writer_.take();
    write_batch(batch.bytes, batch.lines);
    writer_.give_back();
    batch.clear();
    queue_mutex_.lock();
    spare_ = std::move(batch);
    writing_ = false;
    completed_.store(last, std::memory_order_release);
    done.fetch_add(1, std::memory_order_release);
    done.notify_all();
  }
}

void FileSink::write_batch(std::string_view bytes, std::span<const Line> lines) {
  // Runs of lines that go to one file: a line goes to the file of its day, or to the open file
  // when that one is newer (threads take their timestamps before they queue, so a batch that
  // spans midnight can hold yesterday's line after today's; it never makes the file go back).
  std::size_t first = 0;
  std::size_t begin = 0;
  while (first < lines.size()) {
    const std::int64_t day = std::max(day_, lines[first].day);
    std::size_t last = first + 1;
    while (last < lines.size() && lines[last].day <= day) ++last;
    const std::size_t end = lines[last - 1].end;
    prepare_file(day, lines[last - 1].time);
    int error = 0;
    const std::size_t run = last - first;
    const std::size_t stored =
        append(bytes.substr(begin, end - begin), lines.subspan(first, run), error);
    if (stored < run) count_failed(run - stored, error);
    first = last;
    begin = end;
  }
}

std::size_t FileSink::append(std::string_view bytes, std::span<const Line> lines, int& error) {
  if (fd_ < 0) {
    error = open_error_;
    return 0;
  }
  const std::size_t base = lines.back().end - bytes.size();  // where `bytes` starts in the batch
  // The last failed write cut a line: end that fragment first, so it stays one bad line.
  if (torn_) {
    if (write_all("\n", error) != 1) return 0;
    torn_ = false;
  }
  const std::size_t written = write_all(bytes, error);
  std::size_t stored = 0;
  while (stored < lines.size() && lines[stored].end - base <= written) ++stored;
  lines_since_check_ += stored;
  const std::size_t whole = stored == 0 ? 0 : lines[stored - 1].end - base;
  if (written != whole) torn_ = true;
  return stored;
}

std::size_t FileSink::write_all(std::string_view text, int& error) {
  std::size_t done = 0;
  while (done < text.size()) {
    const std::ptrdiff_t written = write_(fd_, text.data() + done, text.size() - done);
    if (written > 0) {
      done += static_cast<std::size_t>(written);
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else {
      error = written < 0 ? errno : EIO;  // a write of 0 bytes would loop forever: a failure
      break;
    }
  }
  return done;
}

void FileSink::prepare_file(std::int64_t day, Time time) {
  if (fd_ < 0 || day != day_) {
    // A new day, or the file could not be opened before (the next event tries again).
    close_file();
    open_file(day, /*report_created=*/true);  // a failure is reported with the lost events
    last_check_ = time;
    return;
  }
  const bool due = lines_since_check_ >= kRecheckEvents || time < last_check_ ||
                   time - last_check_ >= kRecheckInterval;
  if (!due) return;
  last_check_ = time;
  if (still_at_path()) return;
  close_file();
  open_file(day, /*report_created=*/true);
}

bool FileSink::still_at_path() {
  struct stat open {};
  if (::fstat(fd_, &open) == 0 && open.st_nlink == 0) {
    const std::uint64_t lost = lines_since_check_;
    deleted_lines_.fetch_add(lost, std::memory_order_relaxed);
    report("'" + path_.string() + "' was deleted while in use: " + std::to_string(lost) +
           " event(s) written to it since the last check are lost (counted in events_lost); "
           "reopening it at its path");
    return false;
  }
  lines_since_check_ = 0;
  struct stat named {};
  if (::lstat(path_.c_str(), &named) != 0 || named.st_dev != device_ || named.st_ino != inode_) {
    report("'" + path_.string() +
           "' was moved away or replaced: the events so far are in the old file; reopening the "
           "path");
    return false;
  }
  return true;
}

bool FileSink::open_file(std::int64_t day, bool report_created) {
  path_ = dir_ / file_name_for(start_of(day));
  {
    const ScopedLock lock(path_mutex_);
    current_path_ = path_;
  }
  day_ = day;
  lines_since_check_ = 0;
  const Created directory_made = create_directories_private(dir_);
  if (directory_made.failed)
    return opening_failed(directory_made.failed.error_number, directory_made.failed.what);
  if (directory_made.created && report_created) {
    report("output directory '" + dir_.string() + "' was gone: created it again (mode 0700)");
  }
  struct stat directory {};
  if (!directory_mode_reported_ && ::stat(dir_.c_str(), &directory) == 0 &&
      (directory.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    directory_mode_reported_ = true;
    report("output directory '" + dir_.string() + "' is writable by group or others (mode " +
           octal(directory.st_mode) + "): another user can replace the telemetry file there");
  }
  // O_NOFOLLOW: a symlink at the path fails (ELOOP) instead of appending to whatever it names.
  // O_NONBLOCK: a FIFO planted there fails or is refused below instead of blocking the open.
  const int fd = ::open(path_.c_str(),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0) {
    const Failure failed = failure(errno, "cannot open telemetry file for appending", path_);
    return opening_failed(failed.error_number, failed.what);
  }
  struct stat file {};
  if (::fstat(fd, &file) != 0 || !S_ISREG(file.st_mode)) {
    const int error_number = S_ISREG(file.st_mode) ? errno : EINVAL;
    ::close(fd);
    const Failure failed = failure(error_number, "telemetry file is not a regular file", path_);
    return opening_failed(failed.error_number, failed.what);
  }
  fd_ = fd;
  device_ = file.st_dev;
  inode_ = file.st_ino;
  open_error_ = 0;
  open_failure_.clear();
  check_mode(file);
  return true;
}

bool FileSink::opening_failed(int error_number, const std::string& what) {
  open_error_ = error_number;
  open_failure_ = what;
  return false;
}

void FileSink::close_file() {
  if (fd_ < 0) return;
  // A file left inside a cut line gets its newline before it is left (a new day, a reopen, the
  // end): the fragment stays one bad line there, and the next file does not start with one.
  int ignored = 0;
  if (torn_) write_all("\n", ignored);
  torn_ = false;
  ::close(fd_);
  fd_ = -1;
}

void FileSink::check_mode(const struct stat& file) {
  const mode_t mode = file.st_mode & 07777U;
  if ((mode & ~mode_t{0600}) == 0) return;
  if (file.st_uid == ::geteuid() && ::fchmod(fd_, 0600) == 0) {
    report("'" + path_.string() + "' had mode " + octal(mode) +
           ", wider than 0600: tightened to 0600");
  } else {
    report("'" + path_.string() + "' has mode " + octal(mode) +
           ", wider than 0600, and belongs to uid " + std::to_string(file.st_uid) +
           ": left as it is");
  }
}

void FileSink::count_failed(std::uint64_t lines, int error_number) noexcept {
  const std::uint64_t before = write_errors_.fetch_add(lines, std::memory_order_relaxed);
  const std::uint64_t count = before + lines;
  // Report when the count reaches 1, 10, 100, ...: the smallest power of ten above `before`.
  std::uint64_t power = 1;
  while (power <= before && power <= UINT64_MAX / 10) power *= 10;
  if (power > count) return;
  try {
    const std::string why = fd_ < 0 && error_number == open_error_
                                ? open_failure_ + ": " + std::strerror(error_number)
                                : "cannot write telemetry event to '" + path_.string() +
                                      "': " + std::strerror(error_number);
    report(why + " (" + std::to_string(count) +
           (count == 1 ? " event lost so far; further failures are counted in the session "
                         "summary's write_errors and reported at 10, 100, ...)"
                       : " events lost so far)"));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a failing report must not throw out of emit_*
  }
}

void FileSink::report(const std::string& message) const noexcept {
  if (!diagnostics_) return;
  try {
    diagnostics_(message);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a failing report must not throw out of emit_*
  }
}

}  // namespace doublecheck
