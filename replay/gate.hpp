// The gate of a scheduled replay: real threads take their visible operations in the order of a
// schedule (schedule.hpp), one step at a time, and ThreadSanitizer sees none of it.
//
// Why the gate is invisible. TSan judges an execution by happens-before, not by timing: two
// accesses race when no chain of synchronisation orders them. A gate built from a mutex, a
// condition variable or acquire/release atomics would itself order every step after the one
// before it, and TSan would see a race-free program wherever the schedule serialises the racing
// accesses — exactly the interleavings a model counterexample prescribes. So in GateMode::
// kInvisible every gate operation runs inside TSan's "ignore sync" annotation (its mutex and
// condition variable neither acquire nor release for TSan) and "ignore accesses" annotation (the
// gate's own fields are not race-checked), and what TSan sees is the program's own
// synchronisation only: the same happens-before the explorer computed for the same interleaving.
// GateMode::kVisible drops the annotations: that is the control which shows the annotations are
// what hides the gate (a racy schedule then reports nothing), used by the tests and by
// `--visible-gate`. Without TSan the annotations are empty and the modes behave alike.
//
// The protocol follows the explorer's steps (model/engine/execution.hpp): a step is one visible
// operation and the invisible code after it, up to the thread's next visible operation. A thread
// "holds" the turn from the operation it was scheduled for until it reaches its next one (or
// ends); only then may the schedule's next thread take its step. A spawned thread runs to its
// first visible operation before its parent goes on (the explorer runs it in the spawning step),
// and a thread that ends while another waits in join() hands its turn to the joiner, which goes
// on in the same step. Thread creation and join are real, and are real happens-before, as in
// the explorer.
//
// A replay that cannot follow its schedule (a thread comes to another operation than the step
// says, or nothing can move for `stall_timeout`) is not hidden: the gate records where it left the
// schedule, opens (every thread runs freely from there on) and the runner reports it.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "replay/schedule.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::replay {

enum class GateMode : std::uint8_t {
  kInvisible,  // TSan sees no synchronisation of the gate (the replay's purpose)
  kVisible,    // the gate's mutex is ordinary synchronisation: a control, hides every race
};

// What became of a replay, once its threads are joined.
struct Outcome {
  std::size_t followed = 0;  // steps taken in the schedule's order
  std::size_t total = 0;     // steps of the schedule
  std::string divergence;    // where the replay left the schedule; empty when it did not
  std::vector<std::string> failed_checks;  // the model's checks that failed on real threads

  [[nodiscard]] bool followed_all() const { return divergence.empty() && followed == total; }
};

class Gate {
 public:
  static constexpr std::uint32_t kMaxThreads = 64;
  static constexpr std::uint32_t kNoThread = ~std::uint32_t{0};

  // Installs the gate as the process's active one (at most one at a time); the constructing
  // thread is the schedule's thread 0.
  Gate(Schedule schedule, GateMode mode,
       std::chrono::milliseconds stall_timeout = std::chrono::seconds(30));
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  ~Gate();

  // The active gate, or nullptr (ScheduledSync then behaves like StdSync).
  static Gate* active() noexcept;

  [[nodiscard]] bool symptom() const { return schedule_.symptom; }

  // The calling thread is about to perform its next visible operation, `kind` at `loc`: returns
  // when the schedule says it is its turn (or the replay has left the schedule).
  void step(std::string_view kind, const SourceLoc& loc);

  // Threads. The parent calls spawn() for the child's id, starts it, then await_parked(id); the
  // child calls enter(id) first and leave() last. A joiner calls before_join(child) first.
  std::uint32_t spawn();
  static void enter(std::uint32_t id) noexcept;
  void await_parked(std::uint32_t id);
  void leave();
  void before_join(std::uint32_t child);
  // The child's last call, after leave(): keeps its OS thread alive until it is joined. TSan
  // (clang 14's runtime) hands a finished thread's slot to the next thread that needs one, which
  // then looks as if it had done the finished thread's accesses itself: a race with a thread that
  // ended before the racing access was missed (measured: the snapshot control's reader). A
  // finished model thread therefore stays, blocked in the gate, until its join.
  void linger();

  // The calling thread's end of the model body (thread 0's leave()).
  void body_done() { leave(); }

  // An operation the replay cannot schedule (a condition variable's wait, an atomic wait): the
  // replay leaves the schedule there, saying so.
  void unsupported(std::string_view what, const SourceLoc& loc);
  // A check of the model that failed on real threads.
  void check_failed(std::string_view message, const SourceLoc& loc);

  [[nodiscard]] Outcome outcome() const;

 private:
  enum class Phase : std::uint8_t { kUnused, kPrefix, kAtGate, kHolding, kRunning, kFinished };
  struct Slot {
    Phase phase = Phase::kUnused;
    std::string_view kind;  // at a gate: the operation waiting
    SourceLoc loc;
    std::uint32_t joiner = kNoThread;  // a thread blocked in join() on this one
    bool join_called = false;          // its join() has begun: it may exit
  };

  void release_locked();
  void leave_schedule_locked(std::string message);
  [[nodiscard]] std::string state_locked() const;
  [[nodiscard]] std::string wanted_locked() const;
  void wait_locked(std::unique_lock<std::mutex>& lock, auto done);

  const Schedule schedule_;
  const GateMode mode_;
  const std::chrono::milliseconds stall_timeout_;

  // Guarded by mutex_ (whose synchronisation TSan does not see in kInvisible mode: every access
  // is inside the ignore annotations, see above).
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t next_ = 0;        // the schedule's next step
  std::uint32_t holder_ = 0;    // the thread in its step (thread 0 runs first, unscheduled)
  bool open_ = false;           // the schedule is done or was left: no more waiting
  std::uint64_t progress_ = 0;  // any change of the fields above or of a slot's phase
  std::uint32_t threads_ = 1;
  std::array<Slot, kMaxThreads> slots_{};
  std::string divergence_;
  std::vector<std::string> failed_checks_;
};

}  // namespace doublecheck::replay
