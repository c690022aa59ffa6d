// Crashes: a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) or a stack overflow in a model
// thread is a failure of its execution like any other (FailureKind::kCrash), not the death of the
// runner with no model name and no replay token.
//
// How. While a search runs, a handler for those signals is installed process-wide (counted: the
// first search installs it, the last restores what was there), and every OS thread that runs
// executions has an alternate signal stack of its own, so the handler runs even when the fault is
// a stack overflow. On a signal in a model thread (Execution::in_model_thread() on the crashing OS
// thread) the handler records the signal in the execution without allocating, puts back the
// signal mask the thread ran with (no sigreturn will happen) and switches from the signal stack to
// whoever resumed the thread, its caller or the step loop (Execution::crash_out): the crashed fiber
// is buried, never resumed and never destroyed (destroying it would unwind it by force through the
// signal frame), and the execution stops as for any stopping failure. The report goes the usual
// way: the search stops, the counterexample is replayed with tracing (crashing again at the same
// step, caught again), and the trace and the replay token print as for any failure.
//
// Anywhere else (the explorer's own code, another thread, or a crash that heap corruption caused
// later) the handler writes what it knows to standard error with write(2) — the model's name, the
// choices of the current execution so far — puts back the previous handler and raises the signal
// again: the process dies of it, and the exit status says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "model/engine/failure.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

// What the handler saw in a model thread: kept by the execution without allocating, made into a
// failure later, on an ordinary stack (crash_failure).
struct CrashSignal {
  int signal = 0;
  int code = 0;                 // siginfo's si_code: the kind of fault, or how it was sent
  std::uintptr_t address = 0;   // siginfo's si_addr: the address (SIGSEGV, SIGBUS), the instruction
                                // (SIGFPE, SIGILL); meaningless for a signal that was sent
  bool stack_overflow = false;  // the address is in the guard pages below the thread's stack
};

// "SIGSEGV", "SIGABRT", ...
std::string_view signal_name(int signal);

// The failure of model thread `thread` after `crash`. `last` is the place of its last visible
// operation (line 0: it had none), `row` the trace row of the crash, `stack_size` the bytes of a
// model thread's stack (for the hint of a stack overflow).
Failure crash_failure(const CrashSignal& crash, ThreadId thread, const SourceLoc& last,
                      std::uint32_t row, std::size_t stack_size);

class SignalStack;  // crash.cpp: one OS thread's alternate signal stack

// The text of a crash for the trace: "SIGSEGV at address 0x0 (null pointer)".
std::string crash_cell(const CrashSignal& crash);

// While one exists on an OS thread, a fatal signal in a model thread run there is a failure of the
// execution, and one elsewhere names `model_name` before the process dies. Nests (an explorer run
// inside a model) and works on several OS threads at once (the jobs of a search). The name must
// outlive the scope.
class CrashScope {
 public:
  explicit CrashScope(std::string_view model_name);
  CrashScope(const CrashScope&) = delete;
  CrashScope& operator=(const CrashScope&) = delete;
  ~CrashScope();

 private:
  std::string_view previous_model_;  // the enclosing scope's on this thread, restored at the end
  std::unique_ptr<SignalStack> signal_stack_;  // the outermost scope's on this thread only
};

}  // namespace doublecheck::model
