#include "relacy_backend/child_process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <system_error>

namespace doublecheck::relacy {
namespace {

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

void set_limit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  ::setrlimit(resource, &limit);  // best effort: a limit the kernel refuses leaves the default
}

// The child's output, its first part and its last kept whole (the end holds the verdict line).
std::string read_capped(int fd, std::size_t cap, bool& truncated) {
  std::string head;
  std::string tail;
  std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const auto got = static_cast<std::size_t>(n);
    const std::size_t to_head = head.size() < cap / 2 ? std::min(got, cap / 2 - head.size()) : 0;
    head.append(buffer.data(), to_head);
    tail.append(buffer.data() + to_head, got - to_head);
    if (tail.size() > cap) {
      truncated = true;
      tail.erase(0, tail.size() - cap / 2);
    }
  }
  if (!truncated) return head + tail;
  return head + "\n[... output cut: it was longer than " + std::to_string(cap) + " bytes ...]\n" +
         tail;
}

}  // namespace

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone: nothing left to tell
    done += static_cast<std::size_t>(n);
  }
}

std::string signal_text(int signal) {
  const char* name = sigdescr_np(signal);
  return "signal " + std::to_string(signal) +
         (name != nullptr ? std::string(" (") + name + ")" : "");
}

ChildExit run_in_child(const std::function<void(int out)>& child, const ChildLimits& limits) {
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
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    const auto cpu = static_cast<rlim_t>(limits.cpu.count());
    set_limit(RLIMIT_CPU, cpu, cpu + 5);
    set_limit(RLIMIT_AS, limits.memory_bytes, limits.memory_bytes);
    set_limit(RLIMIT_CORE, 0, 0);  // a search that dies leaves no core file behind
    child(pipe_fds[1]);
    ::_exit(70);
  }
  ::close(pipe_fds[1]);
  ChildExit exit;
  exit.output = read_capped(pipe_fds[0], limits.output_bytes, exit.truncated);
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  exit.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  exit.exited = WIFEXITED(status);
  exit.status = exit.exited ? WEXITSTATUS(status) : 0;
  exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  // SIGXCPU at the soft limit, SIGKILL at the hard one (or the OOM killer: then the time says).
  exit.cpu_limit =
      exit.signal == SIGXCPU ||
      (exit.signal == SIGKILL && exit.cpu_seconds + 0.5 >= static_cast<double>(limits.cpu.count()));
  return exit;
}

}  // namespace doublecheck::relacy
