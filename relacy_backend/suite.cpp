#include "relacy_backend/suite.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <system_error>
#include <utility>

#include "relacy_backend/relacy_sync.hpp"  // last: Relacy's macros

namespace doublecheck::relacy {
namespace {

// The child's end of the pipe, its budget and the body: set in the child before the search.
struct ChildState {
  const std::function<void()>* body = nullptr;
  const rl::test_params* params = nullptr;
  std::uint64_t max_executions = 0;
  std::uint64_t executions = 0;  // begun, by the search (not by the rerun for the history)
  int out = -1;
};
ChildState& child() {
  static ChildState state;
  return state;
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: nothing left to tell
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Relacy's output, straight to the pipe. Not through a std::ostringstream: Relacy writes the
// failure's history while its simulation runs, when every allocation is its own, and a string grown
// then would be freed by the C library afterwards.
class PipeBuffer final : public std::streambuf {
 public:
  explicit PipeBuffer(int fd) : fd_(fd) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    write_all(fd_, std::string_view(&ch, 1));
    return c;
  }
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    write_all(fd_, std::string_view(text, static_cast<std::size_t>(n)));
    return n;
  }

 private:
  int fd_;
};

// The child's last line: "<marker> <end> <result> <executions>", after Relacy's own output.
constexpr std::string_view kEndMarker = "\ndc_relacy-end ";

[[noreturn]] void finish_child(Outcome::End end, int result, std::uint64_t executions) {
  write_all(child().out, std::string(kEndMarker) + std::to_string(static_cast<int>(end)) + " " +
                             std::to_string(result) + " " + std::to_string(executions) + "\n");
  ::_exit(0);
}

// The model body as Relacy's test suite: one static thread runs the body, which starts up to
// RelacySync::kMaxThreads dynamic threads of its own.
// (Relacy calls before() and thread() on its instance of the suite: they are members.)
// NOLINTBEGIN(readability-convert-member-functions-to-static)
struct BodySuite : rl::test_suite<BodySuite, 1> {
  static constexpr rl::thread_id_t dynamic_thread_count = RelacySync::kMaxThreads;

  void before() {
    ChildState& state = child();
    if (state.params->collect_history) return;  // Relacy reruns the failing execution
    if (state.executions == state.max_executions) {
      finish_child(Outcome::End::kBudget, 0, state.executions);
    }
    ++state.executions;
  }
  void thread(unsigned /*index*/) { (*child().body)(); }
};
// NOLINTEND(readability-convert-member-functions-to-static)

[[noreturn]] void run_child(const std::function<void()>& body, const SearchOptions& options,
                            int out) {
  const auto cpu = static_cast<rlim_t>(options.cpu_limit.count());
  const rlimit limit{cpu, cpu + 5};
  ::setrlimit(RLIMIT_CPU, &limit);

  rl::test_params params;
  PipeBuffer pipe(out);
  std::ostream report(&pipe);
  std::ostream progress(nullptr);  // Relacy's percentage lines: dropped (a stream with no buffer)
  params.output_stream = &report;
  params.progress_stream = &progress;
  params.search_type = options.search == Search::kFull ? rl::sched_full : rl::sched_bound;
  params.context_bound = options.context_bound;

  ChildState& state = child();
  state.body = &body;
  state.params = &params;
  state.max_executions = options.max_executions;
  state.out = out;
  rl::simulate<BodySuite>(params);
  report.flush();
  const auto result = static_cast<int>(params.test_result);
  finish_child(result == rl::test_result_success ? Outcome::End::kFinished : Outcome::End::kFailed,
               result, state.executions);
}

std::string read_all(int fd) {
  std::string text;
  std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

std::string search_name(Search search, unsigned context_bound) {
  return search == Search::kFull ? "full search" : "context bound " + std::to_string(context_bound);
}

std::string_view result_name(int result) {
  return rl::test_result_str(static_cast<rl::test_result_e>(result));
}

std::optional<int> relacy_result_for(model::FailureKind kind) {
  using model::FailureKind;
  switch (kind) {
    case FailureKind::kAssertion:
      return rl::test_result_user_assert_failed;
    case FailureKind::kDataRace:
      return rl::test_result_data_race;
    case FailureKind::kUseAfterFree:
      return rl::test_result_access_to_freed_memory;
    case FailureKind::kDeadlock:
      return rl::test_result_deadlock;
    case FailureKind::kRelock:
      return rl::test_result_recursion_on_nonrecursive_mutex;
    case FailureKind::kUnlockNotOwner:
      return rl::test_result_unlocking_mutex_wo_ownership;
    case FailureKind::kStepBoundExceeded:
    case FailureKind::kLivelock:
      return rl::test_result_livelock;
    case FailureKind::kThreadNotJoined:    // RelacySync's threads join when they go away
    case FailureKind::kUncaughtException:  // ends the child: a crash, not a result
    case FailureKind::kCrash:
    case FailureKind::kUsageError:
      break;
  }
  return std::nullopt;
}

Outcome run(const std::function<void()>& body, const SearchOptions& options) {
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "dc_relacy: pipe");
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::system_error(error, std::generic_category(), "dc_relacy: fork");
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    run_child(body, options, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  const std::string text = read_all(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }

  Outcome outcome;
  outcome.search = options.search;
  outcome.context_bound = options.search == Search::kContextBound ? options.context_bound : 0;
  outcome.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  int end = -1;
  unsigned long long executions = 0;
  const std::size_t marker = text.rfind(kEndMarker);
  const bool told = marker != std::string::npos &&
                    std::sscanf(text.c_str() + marker + kEndMarker.size(), "%d %d %llu", &end,
                                &outcome.result, &executions) == 3;
  if (!told || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    outcome.end = Outcome::End::kCrashed;
    if (WIFSIGNALED(status)) {
      const int signal = WTERMSIG(status);
      outcome.report = signal == SIGXCPU || signal == SIGKILL
                           ? "Relacy's search used up its CPU limit of " +
                                 std::to_string(options.cpu_limit.count()) +
                                 " s (a model that never ends an execution?)"
                           : "Relacy's search died of signal " + std::to_string(signal) + " (" +
                                 strsignal(signal) + ")";
    } else {
      outcome.report = "Relacy's search ended without a result (exit status " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    }
    if (!text.empty()) outcome.report += "; its output:\n" + text;
    return outcome;
  }
  outcome.end = static_cast<Outcome::End>(end);
  outcome.executions = executions;
  outcome.result_name = std::string(result_name(outcome.result));
  outcome.report = text.substr(0, marker);
  return outcome;
}

}  // namespace doublecheck::relacy
