#include "impl/file_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <system_error>

namespace doublecheck {
namespace {

std::system_error path_error(int error_number, const std::string& what,
                             const std::filesystem::path& path) {
  return {error_number, std::generic_category(), "telemetry: " + what + " '" + path.string() + "'"};
}

// Creates `dir` and its missing parents with mode 0700 (the original's mkdir(parents=True)).
void create_directories_private(const std::filesystem::path& dir) {
  std::filesystem::path partial;
  for (const auto& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) == 0 || errno == EEXIST) continue;
    throw path_error(errno, "cannot create output directory", partial);
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) throw path_error(errno, "cannot stat output directory", dir);
  if (!S_ISDIR(info.st_mode)) throw path_error(ENOTDIR, "output path is not a directory", dir);
}

}  // namespace

std::string FileSink::file_name_for(std::chrono::system_clock::time_point day) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(day);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char name[40];
  std::strftime(name, sizeof name, "mcp_telemetry_%Y%m%d.jsonl", &utc);
  return name;
}

FileSink::FileSink(const std::filesystem::path& dir, std::chrono::system_clock::time_point now,
                   EmitterEnvironment::Diagnostics diagnostics)
    : path_(dir / file_name_for(now)), diagnostics_(std::move(diagnostics)) {
  create_directories_private(dir);
  // Not a member initializer: the file can only be opened once its directory exists (above).
  // NOLINTNEXTLINE(cppcoreguidelines-prefer-member-initializer)
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw path_error(errno, "cannot open telemetry file for appending", path_);
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
}

void FileSink::write_line(std::string_view line) noexcept {
  // One write() per line: with O_APPEND the kernel places it whole at the end of the file.
  // A short write (a signal, a nearly full disk) is continued; anything else is a lost event.
  while (!line.empty()) {
    const ssize_t written = ::write(fd_, line.data(), line.size());
    if (written > 0) {
      line.remove_prefix(static_cast<std::size_t>(written));
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else {
      report_failure(written < 0 ? errno : EIO);
      return;
    }
  }
}

void FileSink::report_failure(int error_number) noexcept {
  const std::uint64_t count = write_errors_.fetch_add(1, std::memory_order_relaxed) + 1;
  std::uint64_t power = 1;
  while (power < count && power <= UINT64_MAX / 10) power *= 10;
  if (power != count || !diagnostics_) return;
  try {
    diagnostics_("cannot write telemetry event to '" + path_.string() +
                 "': " + std::strerror(error_number) + " (" + std::to_string(count) +
                 (count == 1 ? " event lost so far; further failures are counted in the session "
                               "summary's write_errors and reported at 10, 100, ...)"
                             : " events lost so far)"));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a failing report must not throw out of emit_*
  }
}

}  // namespace doublecheck
