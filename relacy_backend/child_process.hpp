// A function run in a child process, its output collected: the process plumbing of the Relacy
// backend, kept out of every file that includes Relacy (whose <relacy/relacy.hpp> redefines
// `errno` and `EINTR` as macros of its simulated errno).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace doublecheck::relacy {

struct ChildLimits {
  std::chrono::seconds cpu{120};          // RLIMIT_CPU: a search stuck in one execution
  std::size_t memory_bytes = 8ULL << 30;  // RLIMIT_AS: a search that grows without end
  std::size_t output_bytes = 1U << 20;    // kept of what the child writes; the end always is
};

struct ChildExit {
  std::string output;      // what the child wrote (to `out`, stdout and stderr), perhaps cut
  bool truncated = false;  // its middle left out: it wrote more than output_bytes
  bool exited = false;     // by exit(): `status` is its exit status, else it died of `signal`
  int status = 0;
  int signal = 0;
  bool cpu_limit = false;  // it died of its CPU limit
  double cpu_seconds = 0;  // its user and system time
};

// Runs `child(out)` in a forked child whose stdout and stderr also go to `out` (a model's output
// is collected, never mixed into the runner's), with `limits`, and waits for it. `child` must end
// the process itself (with _exit); returning from it is exit status 70. Throws std::system_error
// when the child cannot be started.
ChildExit run_in_child(const std::function<void(int out)>& child, const ChildLimits& limits);

// Writes all of `text` to `fd` (a short write or EINTR is continued; a closed reader ends it).
void write_all(int fd, const std::string& text);

// "signal 6 (Aborted)".
std::string signal_text(int signal);

}  // namespace doublecheck::relacy
