// One execution of a model: its threads (fibers), the step loop that lets the scheduler pick who
// runs at each visible operation, happens-before bookkeeping, and the failures found on the way.
//
// Protocol. A model thread runs natively until it reaches a visible operation; it then *parks*
// with the operation pending and returns control to the step loop. The loop asks the scheduler
// which enabled thread goes next and resumes it; the thread performs its pending operation and runs
// on to its next one. So one step is one visible operation, and a failure can be pinned to it.
//
// Spawn and join are not decision points: spawning runs the new thread up to its first visible
// operation (nothing it does before that is visible), and a thread blocked in join() goes on in the
// step that finishes the thread it joins (join only acquires that thread's clock). The decision
// points are therefore exactly the atomics, the mutexes, call_once, yield, and — in symptom mode —
// the Shared accesses.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/engine/failure.hpp"
#include "model/engine/fiber.hpp"
#include "model/engine/memory_graph.hpp"
#include "model/engine/memory_model.hpp"
#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "model/engine/thread_state.hpp"
#include "model/engine/trace.hpp"
#include "model/engine/vector_clock.hpp"
#include "model/search/path.hpp"
#include "model/search/scheduler.hpp"

namespace doublecheck::model {

// How an execution behaves; set by the explorer's options.
struct ExecutionConfig {
  MemoryModel memory_model = MemoryModel::kRc11;  // what atomics may read (memory_model.hpp)
  bool symptom_mode = false;                      // Shared accesses are decision points too
  bool continue_past_race = false;                // record a data race and keep executing
  bool tracing = false;               // keep the history (only for a counterexample's replay)
  std::uint64_t max_steps = 100'000;  // decision steps; beyond: kStepBoundExceeded
  std::uint64_t max_shared_accesses = 1'000'000;  // a loop on plain data only
  // The search's time limit: decide() looks at the clock every 1024 steps and, once past it, ends
  // the execution as pruned (not counted, not a failure), so one long execution cannot overrun it.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Opt-in: sees every synchronisation operation and decides how it runs (operation_hook.hpp).
  OperationHook* hook = nullptr;
};

// Raised in a model thread whose execution is being abandoned, to unwind its stack; never seen
// by model code that does not catch everything (and the explorer rethrows it if it is caught).
struct ExecutionAbandoned {};

class Execution {
 public:
  Execution(StackPool& stacks, Scheduler& scheduler, ExecutionConfig config);
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;
  ~Execution();

  // Runs `body` as thread 0 until every thread has finished or a failure stops the execution.
  void run(const std::function<void()>& body);

  // The execution of the calling model thread; throws std::logic_error outside a model run.
  static Execution& current();
  static Execution* current_or_null();

  // --- used by the Sync policy (model_sync.hpp) ---
  [[nodiscard]] bool symptom_mode() const { return config_.symptom_mode; }
  [[nodiscard]] bool tracing() const { return config_.tracing; }
  // True while threads are being unwound after a failure: operations must do nothing.
  [[nodiscard]] bool abandoning() const { return abandoning_; }

  // The interception point (operation_hook.hpp). Only when intercepting() — a hook is attached —
  // does the policy call intercept(), so an ordinary run pays one test of a pointer per
  // synchronisation operation.
  [[nodiscard]] bool intercepting() const { return config_.hook != nullptr; }
  // How the calling thread's operation at `site` runs, as the hook decides (a skipped operation
  // is traced here).
  Decision intercept(const OperationSite& site);
  // The calling thread's lock or try_lock (`op` at `loc`, one the hook did not skip) took `mutex`.
  void acquired(SiteOp op, MutexState& mutex, const SourceLoc& loc) const {
    if (config_.hook != nullptr) [[unlikely]] {
      config_.hook->on_acquired(*this, OperationSite{op, &mutex, loc, std::memory_order_seq_cst});
    }
  }

  // A new object's header (id in creation order).
  void register_object(ObjectHeader& object) { object.id = next_object_id_++; }
  // The id the next object will get: objects with this id or more are created from now on.
  [[nodiscard]] std::uint32_t next_object_id() const { return next_object_id_; }

  // Parks the calling thread with `op` pending until the scheduler picks it (and the op can run).
  // Returns at once when abandoning; the caller then does nothing.
  void before(const PendingOp& op);
  // Ends the step of an operation: ticks the thread's clock, records the trace row.
  void after(const PendingOp& op, std::string detail = {});

  // Tracing: the step just ended read the store traced at `row` (0: the initial value); `stale`
  // when a newer store had been made.
  void note_read(std::uint32_t row, bool stale) {
    if (config_.tracing && trace_.next_row() > 1) {
      trace_.last().reads_from = row;
      trace_.last().stale = stale;
    }
  }
  // The memory graph of the atomics and fences (memory_graph.hpp).
  [[nodiscard]] MemoryGraph& memory() { return memory_; }
  [[nodiscard]] const MemoryGraph& memory() const { return memory_; }
  // A value choice of the memory model inside the running step: which of `options` alternatives
  // (0: what a sequentially consistent run takes) this execution takes. A single option is no
  // choice. Does not return when the scheduler cannot follow (a replay mismatch) or finds the
  // execution redundant: the thread is unwound.
  std::uint32_t choose(std::uint32_t options);
  // The memory graph became one the C++ memory model does not allow (a cycle in RC11's psc): the
  // execution is discarded, not counted, and the thread is unwound.
  void discard_inconsistent();
  // An assumption (model::assume) is false: the calling thread waits forever while the others go
  // on; when nothing else can run the execution is discarded (not counted). Returns only when
  // the execution is abandoned (the thread is then unwound).
  void wait_forever(const SourceLoc& loc);
  // The execution's identity as a memory graph (MemoryGraph::key()).
  [[nodiscard]] std::uint64_t memory_key() const { return memory_.key(); }

  [[nodiscard]] ThreadId self() const { return running_; }
  [[nodiscard]] VectorClock& clock() { return threads_[running_].clock; }
  [[nodiscard]] std::uint32_t trace_row() const { return trace_.next_row(); }

  // A Shared access outside the step loop (when not in symptom mode): counted, bounded, traced.
  void note_shared_access(const ObjectHeader& object, bool write, std::string detail,
                          const SourceLoc& loc);

  // Reports a failure. Stopping failures abandon the execution: the call does not return (the
  // thread is unwound). A data race under continue_past_race returns.
  void fail(Failure failure);

  // Thread operations.
  ThreadId spawn(std::function<void()> body, const SourceLoc& loc);
  void join(ThreadId target, const SourceLoc& loc);
  void forget_unjoined(ThreadId thread, const SourceLoc& loc);

  // --- results ---
  [[nodiscard]] const std::vector<Failure>& failures() const { return failures_; }
  [[nodiscard]] bool stopped() const { return stopped_; }
  // Cut short by the scheduler as a repeat of an explored execution (partial-order reduction).
  [[nodiscard]] bool pruned() const { return pruned_; }
  [[nodiscard]] std::uint64_t steps() const { return steps_; }
  [[nodiscard]] std::uint32_t preemptions() const { return preemptions_; }
  [[nodiscard]] const std::vector<ScheduleChoice>& choices() const { return choices_; }
  [[nodiscard]] std::string token() const;
  [[nodiscard]] std::string render_trace() const { return trace_.render(thread_count_); }
  [[nodiscard]] const Trace& trace() const { return trace_; }
  [[nodiscard]] std::uint32_t thread_count() const { return thread_count_; }

 private:
  struct ModelThread {
    Fiber fiber;    // the parked thread; empty while it runs or once it finished
    Fiber resumer;  // inside the thread: whoever resumed it, to return to on park
    std::function<void()> body;
    VectorClock clock;
    PendingOp pending;  // what it waits to do while parked
    ThreadState state;  // new, running, parked or finished; joinable, joined or forgotten
  };

  [[nodiscard]] bool enabled(ThreadId id) const;
  [[nodiscard]] ThreadSet enabled_threads() const;
  void resume(ThreadId id, ThreadState::Resumer by);
  void park();
  std::optional<ThreadId> decide();
  void report_deadlock();
  // The usage error of a replay that does not fit, at `what` kind of decision.
  [[nodiscard]] Failure schedule_mismatch(std::string_view what) const;
  // Stops the execution from inside the running thread's step and goes back to the step loop,
  // which abandons it (the thread is unwound).
  void stop_here();
  void abandon_all();
  void wake_joiners();
  void finish_checks();
  void record(ThreadId thread, OpKind kind, const ObjectHeader* object, std::string detail,
              const SourceLoc& loc);
  Fiber start_fiber(ThreadId id);

  StackPool& stacks_;
  Scheduler& scheduler_;
  ExecutionConfig config_;
  std::array<ModelThread, kMaxThreads> threads_;
  std::uint32_t thread_count_ = 0;
  ThreadId running_ = 0;  // the thread executing now
  ThreadId last_ = 0;     // the thread that ran the last step (a switch away from it preempts)
  std::optional<ThreadId> decided_;  // chosen at a park, for the loop to resume
  bool joiner_may_wake_ = false;     // a thread finished since joiners were last looked at
  std::uint32_t next_object_id_ = 1;
  std::uint64_t steps_ = 0;
  std::uint64_t shared_accesses_ = 0;
  std::uint32_t preemptions_ = 0;
  bool preempted_ = false;  // the step being recorded began with a preemption
  // Who was chosen at each point with two or more enabled, and each value choice's alternative.
  std::vector<ScheduleChoice> choices_;
  MemoryGraph memory_;
  // Not counted, yet its steps are a real prefix of the program (DPOR learns from its waiting
  // operations too): the graph is one C++ does not allow, or a thread waits forever (assume).
  bool discarded_ = false;
  bool assumed_false_ = false;  // some thread waits forever on a false assumption
  std::vector<Failure> failures_;
  bool stopped_ = false;     // a stopping failure (or pruning) ended the execution
  bool pruned_ = false;      // the scheduler found this execution redundant
  bool abandoning_ = false;  // unwinding the threads of a stopped execution
  Trace trace_;
  Execution* previous_current_ = nullptr;  // restored when this execution ends (nesting)
};

}  // namespace doublecheck::model
