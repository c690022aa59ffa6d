// One execution of a model: its threads (fibers), the step loop that lets the scheduler pick who
// runs at each visible operation, happens-before bookkeeping, and the failures found on the way.
//
// Protocol. A model thread runs natively until it reaches a visible operation; it then *parks*
// with the operation pending, and the step loop's decision is made there, on its stack: the
// scheduler picks which enabled thread goes next, and the parked thread goes on itself or switches
// straight to that one; the thread picked performs its pending operation and runs on to its next
// one. So one step is one visible operation, and a failure can be pinned to it. A thread's end
// decides the same way. The loop's own context (run()) runs only to start the execution and to
// end it.
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

#include "model/engine/crash.hpp"
#include "model/engine/failure.hpp"
#include "model/engine/fiber.hpp"
#include "model/engine/lifetime.hpp"
#include "model/engine/memory_graph.hpp"
#include "model/engine/memory_model.hpp"
#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "model/engine/spin_watch.hpp"
#include "model/engine/symmetry.hpp"
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
  bool record_steps = false;          // keep every step's thread and operation (a schedule)
  std::uint64_t max_steps = 100'000;  // decision steps; beyond: kStepBoundExceeded
  std::uint64_t max_shared_accesses = 1'000'000;  // a loop on plain data only
  // A thread that re-reads an atomic with no progress since, or yields, waits for another's
  // progress (spin_watch.hpp); off, spin loops run until the step bound.
  bool fair_spinning = true;
  bool unmarked_spins = false;  // every re-read counts as a spin's, not only after a yield
  // A condition variable's wait may end without a notify, once per thread and execution.
  bool spurious_wakeups = true;
  // Symmetric threads are explored up to renaming them (symmetry.hpp).
  bool symmetry = true;
  // The search's time limit: decide() looks at the clock every 1024 steps and, once past it, ends
  // the execution as pruned (not counted, not a failure), so one long execution cannot overrun it.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Opt-in: sees every synchronisation operation and decides how it runs (operation_hook.hpp).
  OperationHook* hook = nullptr;
};

class Execution {
 public:
  Execution(StackPool& stacks, Scheduler& scheduler, ExecutionConfig config);
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;
  ~Execution();

  // Runs `body` as thread 0 until every thread has finished or a failure stops the execution.
  // Once per execution: reset() makes it a new one.
  void run(const std::function<void()>& body);
  // Makes this a new execution, not yet run, for `scheduler`: a search runs its executions on one
  // Execution, which keeps what it allocated (its vectors' capacity) from one to the next.
  void reset(Scheduler& scheduler);

  // The execution of the calling model thread, for an operation at `where`. Outside a model run
  // throws std::logic_error; on a thread the explorer does not run while a search runs, reports
  // the misuse to the search and ends that thread (foreign_thread.hpp).
  // Inline: every operation of a model starts here.
  static Execution& current(const SourceLoc& where = {}) {
    if (current_ == nullptr) [[unlikely]]
      no_current(where);
    return *current_;
  }
  static Execution* current_or_null() { return current_; }

  // --- used by the Sync policy (model_sync.hpp) ---
  [[nodiscard]] bool symptom_mode() const { return config_.symptom_mode; }
  [[nodiscard]] bool tracing() const { return config_.tracing; }
  [[nodiscard]] bool spurious_wakeups() const { return config_.spurious_wakeups; }
  // True once the execution has stopped and its threads are being run on to their ends
  // (abandon_all()): operations then run unchecked, as in a sequential program — a load reads the
  // last value stored, a store or read-modify-write updates it, a lock takes a free mutex — and
  // report nothing, decide nothing and record nothing. A thread is unwound by an exception of the
  // explorer's only where nothing but cleanups lies on the way (unwind_probe.hpp), so a failure
  // inside a destructor, a noexcept function or an unwinding is reported like any other, never a
  // std::terminate.
  [[nodiscard]] bool abandoning() const { return abandoning_; }
  // abandoning(), symptom_mode() or tracing(): a Shared access leaves its common path. One flag,
  // kept with abandoning_, so that every access tests one byte instead of three.
  [[nodiscard]] bool uncommon_access() const { return uncommon_access_; }

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

  // Parks the calling thread with `op` pending until the scheduler picks it (and the op can run);
  // while abandoning, until the run-out loop lets it go on (the caller then runs it unchecked).
  // Inline: every visible operation starts here.
  void before(const PendingOp& op) {
    running_thread_->pending = op;
    file_pending(op.kind, op.object);
    park();
  }
  // Ends the step of an operation: ticks the thread's clock, records the trace row.
  void after(const PendingOp& op, std::string_view detail = {});
  // The running thread's operation, as its before() left it: after(pending()) ends its step with
  // no copy of the operation of its own on the caller's stack.
  [[nodiscard]] const PendingOp& pending() const { return running_thread_->pending; }

  // Tracing: the step just ended read the store traced at `row` (0: the initial value); `stale`
  // when a newer store had been made.
  void note_read(std::uint32_t row, bool stale) {
    if (config_.tracing && trace_.next_row() > 1) {
      trace_.last().reads_from = row;
      trace_.last().stale = stale;
    }
  }
  // Fair spinning (spin_watch.hpp): the running step read value slot `read` of atomic `object`
  // (slot `now` is its value after the step) and, when `unchanged`, changed nothing; `stale`: the
  // store read is not the newest. A re-read of the same store with no progress since stalls the
  // thread until another makes progress.
  void observe(const ObjectHeader& object, std::uint32_t read, std::uint32_t now, bool unchanged,
               bool stale, const SourceLoc& loc);
  // The memory graph of the atomics and fences (memory_graph.hpp).
  [[nodiscard]] MemoryGraph& memory() { return memory_; }
  [[nodiscard]] const MemoryGraph& memory() const { return memory_; }
  // A value choice of the memory model inside the running step: which of `options` alternatives
  // (0: what a sequentially consistent run takes) this execution takes. A single option is no
  // choice. When the scheduler cannot follow (a replay mismatch) or finds the execution redundant,
  // the execution stops here and the call returns 0 only once it is abandoning.
  std::uint32_t choose(std::uint32_t options);
  // The memory graph became one the C++ memory model does not allow (a cycle in RC11's psc): the
  // execution is discarded, not counted; returns once it is abandoning.
  void discard_inconsistent();
  // An assumption (model::assume) is false: the calling thread waits forever while the others go
  // on; when nothing else can run the execution is discarded (not counted). Returns only once
  // the execution is abandoning (the thread then runs on past the assumption).
  void wait_forever(const SourceLoc& loc);
  // The execution's identity as a memory graph (MemoryGraph::key()).
  [[nodiscard]] std::uint64_t memory_key() const { return memory_.key(); }

  [[nodiscard]] ThreadId self() const { return running_; }
  [[nodiscard]] VectorClock& clock() { return running_thread_->clock; }
  [[nodiscard]] std::uint32_t trace_row() const { return trace_.next_row(); }

  // A Shared access of a thread run on unchecked (abandoning()): now and then a turn of the
  // run-out loop, so that a loop on plain data cannot keep it from ending.
  void run_out_access(const PendingOp& op);
  // The destruction of model objects (lifetime.hpp): where each was destroyed, where each thread
  // last was.
  [[nodiscard]] Lifetimes& lifetimes() { return lifetimes_; }
  [[nodiscard]] const Lifetimes& lifetimes() const { return lifetimes_; }
  // Tracing: a row for what lifetimes find outside a step (a destruction, the use of a destroyed
  // object: no decision points) by the calling thread; `object` is null when its header is not
  // to be read.
  void trace_lifetime(OpKind kind, const ObjectHeader* object, std::string_view detail,
                      const SourceLoc& loc) {
    if (config_.tracing) record(running_, kind, object, detail, loc);
  }

  // A Shared access outside the step loop (when not in symptom mode): counted, bounded, traced.
  // Inlined, always: a model's plain data is accessed several times a step.
  // note_shared_access() of the common case (no tracing, the bound not reached: see
  // plain_shared_access()), with nothing to call.
  void note_plain_shared_access(bool write) {
    if (write) spins_.stepped(running_, true);
    ++shared_accesses_;
  }
  // Whether a Shared access can take its common path, inline: not abandoning, no symptom mode,
  // no trace, no hook, and this access not past the bound on shared accesses. One comparison:
  // plain_access_limit_ is the bound, or 0 when any of the others holds.
  [[nodiscard]] bool plain_shared_access() const { return shared_accesses_ < plain_access_limit_; }
  [[gnu::always_inline]] void note_shared_access(const ObjectHeader& object, bool write,
                                                 std::string_view detail, const SourceLoc& loc) {
    if (config_.tracing) [[unlikely]] {
      record(running_, write ? OpKind::kWrite : OpKind::kRead, &object, detail, loc);
    }
    if (write) spins_.stepped(running_, true);
    if (++shared_accesses_ > config_.max_shared_accesses) [[unlikely]] {
      exceed_shared_accesses(object, write, loc);
    }
  }

  // Reports a failure. A stopping failure stops the execution: the call returns only once it is
  // abandoning, and the caller then goes on unchecked. A data race under continue_past_race
  // returns at once.
  void fail(Failure failure);

  // --- used by the crash handler (crash.hpp), in a signal handler on the execution's thread ---
  // A model thread's fiber runs now (not the step loop, which runs between them).
  [[nodiscard]] bool in_model_thread() const { return in_model_thread_; }
  // The running model thread took the fatal signal `crash`: records it without allocating and
  // switches to whoever resumed the thread (its caller, or else the step loop's context: the
  // loop's threads switch straight from one to the next), never to come back (the thread is
  // buried there, and the failure reported: report_crash()).
  [[noreturn]] void crash_out(CrashSignal crash) noexcept;
  [[nodiscard]] MemoryModel memory_model() const { return config_.memory_model; }

  // Thread operations. A thread spawned `symmetric_to` another runs the same body on the same
  // inputs (symmetry.hpp); it must be spawned by the same thread right after that one.
  ThreadId spawn(std::function<void()> body, const SourceLoc& loc,
                 ThreadId symmetric_to = kNoThread);
  void join(ThreadId target, const SourceLoc& loc);
  void forget_unjoined(ThreadId thread, const SourceLoc& loc);

  // --- results ---
  [[nodiscard]] const std::vector<Failure>& failures() const { return failures_; }
  [[nodiscard]] bool stopped() const { return stopped_; }
  // Cut short by the scheduler as a repeat of an explored execution (partial-order reduction).
  [[nodiscard]] bool pruned() const { return pruned_; }
  [[nodiscard]] std::uint64_t steps() const { return steps_; }
  // Every step taken, in order, when ExecutionConfig::record_steps (else empty).
  [[nodiscard]] const std::vector<StepRecord>& step_log() const { return step_log_; }
  [[nodiscard]] std::uint32_t preemptions() const { return preemptions_; }
  // Threads that could not be run to their ends once the execution stopped (blocked for good or
  // looping): left suspended, never unwound (abandon_all()).
  [[nodiscard]] std::uint32_t buried() const { return buried_; }
  [[nodiscard]] const std::vector<ScheduleChoice>& choices() const { return choices_; }
  [[nodiscard]] std::string token() const;
  [[nodiscard]] std::string render_trace() const { return trace_.render(thread_count_); }
  [[nodiscard]] const Trace& trace() const { return trace_; }
  [[nodiscard]] std::uint32_t thread_count() const { return thread_count_; }

 private:
  struct ModelThread {
    // The parked thread; once it finished, the fiber that runs the next thread with its id;
    // empty while it runs, and before its first run (or once buried).
    Fiber fiber;
    // While it runs resumed by a caller (resume()): that caller, to return to on park; else empty
    // (a thread the step loop runs, or one a park switched to, goes back to loop_ or on to the
    // next thread: see park()).
    Fiber resumer;
    std::function<void()> body;
    VectorClock clock;
    PendingOp pending;  // what it waits to do while parked
    ThreadState state;  // new, running, parked or finished; joinable, joined or forgotten
    // Its C++ exception state while it is not running (resume() swaps it with the OS thread's).
    void* eh_caught = nullptr;
    unsigned int eh_uncaught = 0;
  };

  // Takes Shared accesses off their common path (`uncommon`: abandoning, or the config's modes) or
  // lets them on it: uncommon_access_, and with it plain_access_limit_ (0 with a hook too).
  void set_uncommon_access(bool uncommon) {
    uncommon_access_ = uncommon;
    plain_access_limit_ = uncommon || config_.hook != nullptr ? 0 : config_.max_shared_accesses;
  }
  // Makes `id` the running thread (running_ and running_thread_ together).
  void run_as(ThreadId id) {
    running_ = id;
    running_thread_ = &threads_[id];
  }
  // Files the running thread, about to park with an operation of `kind` on `object` pending, by
  // whether the operation can run when picked (gate(): parked_always_, parked_conditional_; a
  // lock, the common conditional kind, in parked_locking_ with its mutex). Inline, in before():
  // the kind is mostly a constant there, and the filing a few stores.
  [[gnu::always_inline]] void file_pending(OpKind kind, const ObjectHeader* object) {
    const ThreadSet bit = single(running_);
    const Gate gated = gate(kind);
    parked_always_ = gated == Gate::kAlways ? parked_always_ | bit : parked_always_ & ~bit;
    const bool lock = kind == OpKind::kLock;
    parked_locking_ = lock ? parked_locking_ | bit : parked_locking_ & ~bit;
    if (lock) locking_[running_] = static_cast<const MutexState*>(object);
    parked_conditional_ = gated == Gate::kConditional && !lock ? parked_conditional_ | bit
                                                               : parked_conditional_ & ~bit;
  }
  // Whether thread `id` is parked on an operation that could run now (defined in execution.cpp;
  // can_run_out() asks it, the enabled set asks parked_enabled() of the conditional kinds only).
  [[nodiscard, gnu::always_inline]] bool enabled(ThreadId id) const;
  // enabled() of a thread known to be parked (a bit of parked_): its operation alone decides.
  [[nodiscard, gnu::always_inline]] bool parked_enabled(ThreadId id) const;
  // current() outside a model run (foreign_thread.hpp): never returns.
  [[noreturn]] static void no_current(const SourceLoc& where);
  // While abandoning: whether the thread can go on (what it waits for is there, or it never comes
  // and the thread runs on past it).
  [[nodiscard]] bool can_run_out(ThreadId id) const;
  [[nodiscard]] ThreadSet enabled_threads() const;
  // The context switches. Every one goes through jump(): it suspends the running context, which
  // whoever is switched to keeps in `here` (back_slot_ says where), and continues `to`.
  // Inlined, always, as enter() (defined in execution.cpp, their only user): a call of their own
  // cost as much as the switch saved.
  [[gnu::always_inline]] void jump(Fiber& to, Fiber& here);
  // Makes `id` the running thread, resumed `by` the loop or a caller, with its exception state.
  [[gnu::always_inline]] void enter(ThreadId id, ThreadState::Resumer by);
  // enter()'s other half: the OS thread's exception state, now `thread`'s, is kept as its own.
  [[gnu::always_inline]] void keep_exception_state(ModelThread& thread) const;
  // Runs `id` from a caller (a spawn, a finished thread's joiner, the run-out) until it parks or
  // ends, which returns here.
  void resume(ThreadId id);
  // Runs `id` from the step loop until control comes back to the loop: the execution is over (a
  // park or an end found no next step) or a thread crashed. The threads switch among themselves
  // in between.
  void run_from_loop(ThreadId id);
  // From the park or the end of a thread the loop runs (or one switched to) straight to `next`,
  // which runs as the loop's too.
  void switch_to(ThreadId next);
  // The running thread, parked or finished, hands on to `next` (decide()), or to the loop when
  // the execution is over (kNoThread).
  void hand_on(ThreadId next);
  void park();
  // The next step's thread, or kNoThread when the execution is over (stopped, or no thread ready).
  ThreadId decide();
  // decide() found no thread to run: the execution is over (every thread finished), discarded, or
  // a deadlock or livelock, reported. Out of line: once an execution.
  [[gnu::cold]] void end_with_none_ready();
  // The time limit and the step bound, checked at the step counts that can pass them
  // (bounds_checked_until_), out of line: true when one ended the execution.
  [[gnu::cold]] bool past_bounds();
  // The next count of steps from steps_ that could pass either bound (the clock is read at a count
  // of 1023 modulo 1024): bounds_checked_until_ after steps_ (only grows) was checked.
  [[nodiscard]] std::uint64_t next_bounds_check() const;
  void report_deadlock();
  // Every live thread is stalled in a spin or blocked: a livelock, or an unfair execution (a
  // thread spins on a store a newer one hides) that is discarded.
  void report_livelock();
  // A model object was used from a thread the explorer does not run (foreign_thread.hpp): the
  // execution fails with the posted report and stops. False when another execution took it.
  bool report_foreign_use();
  // The usage error of a replay that does not fit, at `what` kind of decision.
  [[nodiscard]] Failure schedule_mismatch(std::string_view what) const;
  // Stops the execution from inside the running thread's step and goes back to the step loop,
  // which abandons it (the call returns once the thread is run on, unchecked).
  void stop_here();
  void abandon_all();
  void wake_joiners();
  void finish_checks();
  // The bound on Shared accesses is exceeded (a loop on plain data): the failure, out of line.
  [[gnu::cold]] void exceed_shared_accesses(const ObjectHeader& object, bool write,
                                            const SourceLoc& loc);
  void record(ThreadId thread, OpKind kind, const ObjectHeader* object, std::string_view detail,
              const SourceLoc& loc);
  // A fiber for thread `id`, which runs the body of every thread with that id from now on.
  Fiber start_fiber(ThreadId id);
  // Thread `id` ended: it goes back to whoever resumed it, and comes back as the next thread with
  // its id.
  void finish(ThreadId id);
  // A model thread's body and the handler every exception that leaves it meets (the unwinding of
  // a stopped execution's thread ends here: its address is what park()'s probe looks for).
  [[gnu::noinline]] static void run_thread(Execution& ex, ThreadId id);
  // An exception escaped thread `id`'s body (`what` it says, or null for one of unknown type): the
  // failure, out of line (run_thread()'s frame stays that of a call).
  [[gnu::cold, gnu::noinline]] void escaped(ThreadId id, const char* what);
  // spawn()'s misuses, out of line: a symmetric thread not spawned right after its predecessor
  // (returns kNoThread: spawned as an ordinary one), too many threads (returns kNoThread, the id).
  [[gnu::cold, gnu::noinline]] ThreadId misplaced_symmetric(ThreadId symmetric_to,
                                                            const SourceLoc& loc);
  [[gnu::cold, gnu::noinline]] ThreadId too_many_threads(const SourceLoc& loc);
  // join()'s misuse, out of line: a join of no thread, or of the calling thread itself.
  [[gnu::cold, gnu::noinline]] void invalid_join(ThreadId target, const SourceLoc& loc);
  // Moves the thread's suspended fiber into the graveyard (fiber.hpp: bury_forever), so that it is
  // never resumed nor destroyed.
  void bury(ThreadId id);
  // On the resumer's stack after crash_out: buries the crashed thread and reports its failure.
  void report_crash(ThreadId id);

  // The execution of this OS thread's model run, set and restored by run(): ModelSync's
  // operations find it here, since the seam's interface (StdSync's) passes no context.
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): per-thread, mutable by
  // design
  static inline thread_local Execution* current_ = nullptr;

  StackPool& stacks_;
  Scheduler* scheduler_;  // not owned
  ExecutionConfig config_;
  std::array<ModelThread, kMaxThreads> threads_;
  std::uint32_t thread_count_ = 0;
  // The threads parked (ThreadState::parked()), kept as they park and resume: the only ones the
  // enabled set, computed every step, needs to look at.
  ThreadSet parked_ = 0;
  // Of the threads parked, those whose pending operation runs whenever picked, and those whose
  // operation may block (its object says: parked_enabled()), a lock's in parked_locking_ below;
  // the rest (a join, a false assumption) never run when picked. Filed as a thread parks
  // (file_pending()); a thread's bits are stale while it is not parked (enabled_threads() masks
  // them with parked_).
  ThreadSet parked_always_ = 0;
  ThreadSet parked_conditional_ = 0;
  // Of the threads parked, those waiting to lock a mutex (not in parked_conditional_), and each
  // one's mutex: the enabled set asks the mutex straight away, not by way of the thread's pending
  // operation and its kind (a lock is most conditional steps). Stale as parked_always_'s bits.
  ThreadSet parked_locking_ = 0;
  std::array<const MutexState*, kMaxThreads> locking_{};
  ThreadId running_ = 0;  // the thread executing now
  // &threads_[running_], kept with it (run_as()): every access, lock and unlock reads the running
  // thread's clock, and the pointer saves the index's multiply each time.
  ModelThread* running_thread_ = &threads_[0];
  ThreadId last_ = 0;  // the thread that ran the last step (a switch away from it preempts)
  // The step loop's context while a thread it runs (or one a park switched to) runs, and its
  // exception state.
  Fiber loop_;
  void* loop_eh_caught_ = nullptr;
  unsigned int loop_eh_uncaught_ = 0;
  // Where the context a switch suspends is kept: set by the switching side, read by the side
  // switched to (jump()).
  Fiber* back_slot_ = nullptr;
  // A thread finished since joiners were last looked at, and a parked joiner waits for it.
  bool joiner_may_wake_ = false;
  // The threads some join() parked to wait for (a bit stays set once the thread finished: a
  // thread finishes once an execution), so that finish() tells with one test whether a joiner may
  // wake.
  ThreadSet awaited_ = 0;
  // How many threads have finished, and how many spawned ones are still joinable: the end of an
  // execution asks these counts, not each thread's state.
  std::uint32_t finished_ = 0;
  std::uint32_t joinable_ = 0;
  // The threads in join() waiting for their target (a bit stays set if one is unwound there:
  // wake_joiners() asks each thread's state too).
  ThreadSet joining_ = 0;
  std::uint32_t next_object_id_ = 1;
  std::uint64_t steps_ = 0;
  // Below this count of steps neither the deadline (read every 1024 steps) nor the step bound can
  // end the execution: decide() tests this alone (past_bounds()).
  std::uint64_t bounds_checked_until_ = 0;
  std::vector<StepRecord> step_log_;  // only when config_.record_steps
  std::uint64_t shared_accesses_ = 0;
  // plain_shared_access()'s limit: config_.max_shared_accesses, or 0 while uncommon_access_ or a
  // hook takes every access off the common path (set_uncommon_access()).
  std::uint64_t plain_access_limit_ = 0;
  std::uint32_t preemptions_ = 0;
  bool preempted_ = false;  // the step being recorded began with a preemption
  // Who was chosen at each point with two or more enabled, and each value choice's alternative.
  std::vector<ScheduleChoice> choices_;
  MemoryGraph memory_;
  SpinWatch spins_;
  Symmetry symmetry_;
  bool quiet_step_ = false;  // the running step changed nothing (observe())
  // Not counted, yet its steps are a real prefix of the program (DPOR learns from its waiting
  // operations too): the graph is one C++ does not allow, or a thread waits forever (assume).
  bool discarded_ = false;
  bool assumed_false_ = false;  // some thread waits forever on a false assumption
  std::vector<Failure> failures_;
  bool stopped_ = false;     // a stopping failure (or pruning) ended the execution
  bool pruned_ = false;      // the scheduler found this execution redundant
  bool abandoning_ = false;  // running the threads of a stopped execution on to their ends
  // uncommon_access(): abandoning_ or the config's modes (set_uncommon_access()).
  bool uncommon_access_ = false;
  std::uint32_t buried_ = 0;  // threads left suspended (abandon_all())
  Trace trace_;
  Execution* previous_current_ = nullptr;  // restored when this execution ends (nesting)
  Lifetimes lifetimes_;
  bool in_model_thread_ = false;   // a model thread's fiber runs now (crash.hpp)
  ThreadId crashing_ = kNoThread;  // set by crash_out, for the resumer to bury and report
  CrashSignal crash_;              // what the crash handler saw
  // Each thread's stack (from the pool): a fault in its guard pages is its stack overflow, and a
  // crashed thread's stack goes back to the pool once the execution is over.
  std::array<boost::context::stack_context, kMaxThreads> stacks_of_{};
  // This OS thread's C++ exception state (the runtime's __cxa_eh_globals), looked up once a run:
  // resume() swaps it at every switch, and the lookup is a call and a thread-local access.
  void* eh_ = nullptr;
};

}  // namespace doublecheck::model
