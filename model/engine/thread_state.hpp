// The state of one model thread in its execution (model/engine/execution.hpp): where it is in its
// life (Phase), who resumed it while it runs (Resumer), and what became of its handle (Handle).
// It changes only through the named transitions below:
//
//   kNew --resume--> kRunning --park--> kParked --resume--> kRunning --finish--> kFinished
//   kRunning --crash--> kCrashed (a fatal signal: never runs again; crash.hpp)
//   handle: kJoinable --join (once finished)--> kJoined;  kJoinable --forget--> kForgotten
//
// An illegal transition is a bug of the engine, never of a model: model code reaches these only
// through model::thread and the step loop, which catch its own misuse first (a second join() is a
// failure in thread::join, a join of a thread still running waits). So they are caught by an
// always-on check that aborts with a message: not assert(), which the RelWithDebInfo build the
// tests run compiles out, and not a usage-error failure, which would blame the model.
#pragma once

#include <cstdint>
#include <string_view>

namespace doublecheck::model {

class ThreadState {
 public:
  enum class Phase : std::uint8_t {
    kNew,       // spawned: its fiber has not run yet
    kRunning,   // executing (the one thread of the execution that runs)
    kParked,    // stopped before a visible operation (its pending operation) until resumed
    kFinished,  // its body returned or threw
    kCrashed,   // a fatal signal stopped it mid-run: its fiber is buried, it never runs again
  };
  // Who resumed a running thread, which decides where its next park goes.
  enum class Resumer : std::uint8_t {
    kLoop,    // the step loop, or another thread's park that picked it: its next park decides
              // the next step itself
    kCaller,  // a spawn, a finished thread waking its joiner, or the run-out of a stopped
              // execution: its next park returns to that caller
  };
  enum class Handle : std::uint8_t {
    kJoinable,   // nobody has joined it yet
    kJoined,     // join() returned (and the main thread, which has no handle to join)
    kForgotten,  // its handle was destroyed while joinable (already reported as a failure)
  };

  // A spawned thread: new, joinable.
  ThreadState() = default;
  // The main thread: new, and nothing is to join it.
  static ThreadState main_thread() {
    ThreadState state;
    state.handle_ = Handle::kJoined;
    return state;
  }

  // kNew or kParked -> kRunning, resumed `by` the step loop or by a caller.
  void resume(Resumer by) {
    if (phase_ != Phase::kNew && phase_ != Phase::kParked) [[unlikely]] {
      illegal("resume");
    }
    phase_ = Phase::kRunning;
    resumer_ = by;
  }
  // kRunning -> kParked: it stops before its pending operation.
  void park() {
    if (phase_ != Phase::kRunning) [[unlikely]] {
      illegal("park");
    }
    phase_ = Phase::kParked;
  }
  // kRunning -> kFinished: its body returned or threw.
  void finish() {
    if (phase_ != Phase::kRunning) [[unlikely]] {
      illegal("finish");
    }
    phase_ = Phase::kFinished;
  }
  // kRunning -> kCrashed: a fatal signal in the thread (crash.hpp).
  void crash() {
    if (phase_ != Phase::kRunning) [[unlikely]] {
      illegal("crash");
    }
    phase_ = Phase::kCrashed;
  }
  // Handle kJoinable -> kJoined, once the thread has finished.
  void join() {
    if (handle_ != Handle::kJoinable || phase_ != Phase::kFinished) [[unlikely]] {
      illegal("join");
    }
    handle_ = Handle::kJoined;
  }
  // Handle kJoinable -> kForgotten: its handle went away unjoined.
  void forget() {
    if (handle_ != Handle::kJoinable) [[unlikely]] {
      illegal("forget");
    }
    handle_ = Handle::kForgotten;
  }

  [[nodiscard]] Phase phase() const { return phase_; }
  [[nodiscard]] Handle handle() const { return handle_; }
  [[nodiscard]] bool parked() const { return phase_ == Phase::kParked; }
  [[nodiscard]] bool finished() const { return phase_ == Phase::kFinished; }
  [[nodiscard]] bool crashed() const { return phase_ == Phase::kCrashed; }
  // Running, resumed by the step loop: its next park decides the next step.
  [[nodiscard]] bool resumed_by_loop() const {
    return phase_ == Phase::kRunning && resumer_ == Resumer::kLoop;
  }
  [[nodiscard]] bool joined() const { return handle_ == Handle::kJoined; }
  [[nodiscard]] bool forgotten() const { return handle_ == Handle::kForgotten; }

 private:
  // Prints the transition and the state it was tried from, and aborts.
  [[noreturn]] void illegal(std::string_view transition) const;

  Phase phase_ = Phase::kNew;
  Resumer resumer_ = Resumer::kCaller;  // meaningful while kRunning
  Handle handle_ = Handle::kJoinable;
};

std::string_view phase_name(ThreadState::Phase phase);     // "new", "running", ...
std::string_view handle_name(ThreadState::Handle handle);  // "joinable", "joined", "forgotten"

}  // namespace doublecheck::model
