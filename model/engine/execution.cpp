#include "model/engine/execution.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "model/engine/foreign_thread.hpp"
#include "model/engine/happens_before.hpp"
#include "model/engine/unwind_probe.hpp"

namespace doublecheck::model {
namespace {

// Whether a step of this kind changes what other threads can see (fair spinning: spin_watch.hpp).
// A read-modify-write that wrote its value back is told apart by Execution::observe.
bool changes_shared_state(OpKind kind) {
  switch (kind) {
    case OpKind::kStore:
    case OpKind::kRmw:
    case OpKind::kLock:
    case OpKind::kTryLock:
    case OpKind::kUnlock:
    case OpKind::kCallOnce:
    case OpKind::kOnceDone:
    case OpKind::kWrite:
    case OpKind::kWait:
    case OpKind::kWake:
    case OpKind::kNotify:
    case OpKind::kSleep:
    case OpKind::kLockShared:
    case OpKind::kTryLockShared:
    case OpKind::kUnlockShared:
      return true;
    default:
      return false;
  }
}

// Whether a step of this kind only reads its object, as partial-order reduction orders steps
// (clock_role() of its class: kRead or kReadAndWaiter), which the memory graph notes of every step
// (MemoryGraph::note_step). One bit of a table made at compile time: after() tests it every step.
bool reads_object(OpKind kind) {
  static_assert(static_cast<unsigned>(kLastOpKind) < 32, "the kinds outgrew the table");
  constexpr std::uint32_t kKinds = [] {
    std::uint32_t kinds = 0;
    for (unsigned k = 0; k <= static_cast<unsigned>(kLastOpKind); ++k) {
      const ClockRole role = clock_role(op_class(static_cast<OpKind>(k)));
      if (role == ClockRole::kRead || role == ClockRole::kReadAndWaiter) kinds |= 1U << k;
    }
    return kinds;
  }();
  return ((kKinds >> static_cast<unsigned>(kind)) & 1U) != 0;
}

// Thrown into a model thread of a stopped execution to unwind it, only where nothing but cleanups
// lies between the throw and run_thread()'s handler (park(), unwind_probe.hpp).
struct Unwinding {};

// How many operations the threads of a stopped execution may still run to reach their ends, past
// the steps the execution took (see abandon_all()).
constexpr std::uint64_t kRunOutSteps = 10'000;

// The C++ runtime's per-OS-thread exception state (the Itanium C++ ABI's __cxa_eh_globals, the
// same two fields in libstdc++ and libc++abi): the stack of exceptions being handled and the
// count of those in flight. Fibers share one OS thread, so without a copy per model thread one
// thread's `throw;` inside a catch block could rethrow another's exception, and
// std::uncaught_exceptions() would count another thread's unwinding.
struct EhGlobals {
  void* caught = nullptr;
  unsigned int uncaught = 0;
};
static_assert(sizeof(EhGlobals) == sizeof(void*) + sizeof(void*));

void* eh_globals() { return abi::__cxa_get_globals(); }

// The modes of `config` that take every Shared access off its common path (uncommon_access()
// is these, or abandoning).
bool uncommon_modes(const ExecutionConfig& config) { return config.symptom_mode || config.tracing; }

}  // namespace

Execution::Execution(StackPool& stacks, Scheduler& scheduler, ExecutionConfig config)
    : stacks_(stacks), scheduler_(&scheduler), config_(config), memory_(config.memory_model) {
  set_uncommon_access(uncommon_modes(config_));
  bounds_checked_until_ = next_bounds_check();
}

void Execution::reset(Scheduler& scheduler) {
  // Every member as the constructor leaves it (keep in step with the class), the vectors cleared
  // but keeping their capacity. The last run left each thread's fiber finished, waiting for the
  // next body (start_fiber()), or empty (moved to the graveyard: bury()), and its body cleared.
  scheduler_ = &scheduler;
  for (ThreadId t = 0; t < thread_count_; ++t) {
    // Field by field, not a move from a new ModelThread (which would move two empty fibers and an
    // empty body over theirs): only what a run changes. The rest is checked, not assumed.
    ModelThread& thread = threads_[t];
    if ((thread.fiber && !thread.state.finished()) || thread.resumer || thread.body) [[unlikely]] {
      thread.fiber = Fiber{};
      thread.resumer = Fiber{};
      thread.body = nullptr;
    }
    // A thread's stack is its fiber's: kept with it, and made again with a new fiber.
    if (!thread.fiber) stacks_of_[t] = boost::context::stack_context{};
    // Its clock is left as it is: nothing reads the clock of a thread not yet spawned, and the
    // spawn (HappensBefore::fork) or, of the main thread, run() (start) sets every lane of it.
    thread.pending = PendingOp{};
    thread.state = ThreadState{};
    thread.eh_caught = nullptr;
    thread.eh_uncaught = 0;
  }
  spins_.reset(thread_count_);
  thread_count_ = 0;
  parked_ = 0;
  parked_always_ = 0;
  parked_conditional_ = 0;
  parked_locking_ = 0;
  run_as(0);
  last_ = 0;
  loop_eh_caught_ = nullptr;
  loop_eh_uncaught_ = 0;
  back_slot_ = nullptr;
  joiner_may_wake_ = false;
  awaited_ = 0;
  finished_ = 0;
  joinable_ = 0;
  joining_ = 0;
  next_object_id_ = 1;
  steps_ = 0;
  bounds_checked_until_ = next_bounds_check();
  step_log_.clear();
  shared_accesses_ = 0;
  preemptions_ = 0;
  preempted_ = false;
  choices_.clear();
  memory_.reset();
  symmetry_.reset();
  quiet_step_ = false;
  discarded_ = false;
  assumed_false_ = false;
  failures_.clear();
  stopped_ = false;
  pruned_ = false;
  abandoning_ = false;
  set_uncommon_access(uncommon_modes(config_));
  buried_ = 0;
  trace_ = Trace{};
  previous_current_ = nullptr;
  lifetimes_.reset();
  in_model_thread_ = false;
  crashing_ = kNoThread;
  crash_ = CrashSignal{};
  eh_ = nullptr;
}

Execution::~Execution() = default;

void Execution::no_current(const SourceLoc& where) { foreign_use(where); }

Fiber Execution::start_fiber(ThreadId id) {
  PooledStack stack(stacks_, &stacks_of_[id]);  // notes the stack: a crash report needs it
  // The fiber outlives the thread: once its body has run, it waits for the body of the thread
  // with its id in the next execution (reset() keeps it), since making a fiber (a stack, a context
  // and a switch into it and back) costs more than a short thread's steps. It ends only when it
  // is destroyed (Boost.Context unwinds it by force) or buried.
  return Fiber(std::allocator_arg, stack, [this, id](Fiber&& resumer) -> Fiber {
    *back_slot_ = std::move(resumer);  // the first switch into it, received as any other (jump())
    while (true) {
      run_thread(*this, id);
      finish(id);
    }
  });
}

void Execution::finish(ThreadId id) {
  ModelThread& self = threads_[id];
  self.state.finish();
  ++finished_;
  // Only a joiner parked on this very thread can wake now (every other parked joiner's target
  // is still running: wake_joiners() woke those whose target had finished), so the next decision
  // scans the joiners only then, not after every end.
  if (contains(awaited_, id)) joiner_may_wake_ = true;
  if (config_.tracing && !abandoning_) record(id, OpKind::kFinish, nullptr, {}, SourceLoc{});
  if (self.resumer) {
    jump(self.resumer, self.fiber);  // back to its caller
    return;
  }
  // A thread the loop runs decides the next step itself, as at a park (the joiners this wakes run
  // from here: wake_joiners()).
  hand_on(decide());
}

void Execution::run_thread(Execution& ex, ThreadId id) {
  try {
    ex.threads_[id].body();
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // Boost.Context tearing the fiber down: must reach its entry
  } catch (const Unwinding&) {
    // A thread of a stopped execution, unwound: nothing to report.
  } catch (const std::exception& e) {
    if (!ex.abandoning_) ex.escaped(id, e.what());
  } catch (...) {
    if (!ex.abandoning_) ex.escaped(id, nullptr);
  }
}

void Execution::escaped(ThreadId id, const char* what) {
  failures_.push_back(Failure::make(
      FailureKind::kUncaughtException,
      what != nullptr ? "an exception escaped model thread " + thread_name(id) + ": " + what
                      : "an exception of unknown type escaped model thread " + thread_name(id)));
  stopped_ = true;
}

inline void Execution::jump(Fiber& to, Fiber& here) {
  back_slot_ = &here;
  Fiber back = std::move(to).resume();
  // Whoever switched here said where what it left is kept.
  *back_slot_ = std::move(back);
}

inline void Execution::enter(ThreadId id, ThreadState::Resumer by) {
  run_as(id);
  ModelThread& thread = threads_[id];
  thread.state.resume(by);
  parked_ &= ~single(id);
  auto* const eh = static_cast<EhGlobals*>(eh_);
  *eh = EhGlobals{thread.eh_caught, thread.eh_uncaught};
}

inline void Execution::keep_exception_state(ModelThread& thread) const {
  const auto* const eh = static_cast<const EhGlobals*>(eh_);
  thread.eh_caught = eh->caught;
  thread.eh_uncaught = eh->uncaught;
}

void Execution::resume(ThreadId id) {
  const ThreadId caller = running_;
  const bool caller_in_model_thread = std::exchange(in_model_thread_, true);
  auto* const eh = static_cast<EhGlobals*>(eh_);
  const EhGlobals mine = *eh;
  enter(id, ThreadState::Resumer::kCaller);
  // The thread keeps this context as its resumer, and comes back to it itself (it decides no
  // step: park()), leaving its own context in its fiber.
  ModelThread& thread = threads_[id];
  jump(thread.fiber, thread.resumer);
  keep_exception_state(thread);
  *eh = mine;
  run_as(caller);
  in_model_thread_ = caller_in_model_thread;
  if (crashing_ == id) [[unlikely]] {
    report_crash(id);
  }
}

void Execution::run_from_loop(ThreadId id) {
  const ThreadId caller = running_;
  const bool caller_in_model_thread = std::exchange(in_model_thread_, true);
  auto* const eh = static_cast<EhGlobals*>(eh_);
  loop_eh_caught_ = eh->caught;
  loop_eh_uncaught_ = eh->uncaught;
  enter(id, ThreadState::Resumer::kLoop);
  jump(threads_[id].fiber, loop_);
  // Back from whichever thread ran last (running_): it finished, crashed, or stopped the
  // execution; its exception state is its own again, and the loop's the OS thread's.
  keep_exception_state(threads_[running_]);
  *eh = EhGlobals{loop_eh_caught_, loop_eh_uncaught_};
  const ThreadId crashed = crashing_;
  run_as(caller);
  in_model_thread_ = caller_in_model_thread;
  if (crashed != kNoThread) [[unlikely]] {
    report_crash(crashed);
  }
}

void Execution::hand_on(ThreadId next) {
  if (next != kNoThread) {
    switch_to(next);
  } else {
    jump(loop_, threads_[running_].fiber);  // the execution is over: the loop ends it
  }
}

void Execution::switch_to(ThreadId next) {
  ModelThread& self = threads_[running_];
  keep_exception_state(self);
  enter(next, ThreadState::Resumer::kLoop);
  // Whoever resumes this thread next (another thread's park or end, a caller: a spawn, a joiner's
  // wake-up, the run-out) installs its exception state and running_ before the switch: nothing to
  // do once back.
  jump(threads_[next].fiber, self.fiber);
}

void Execution::crash_out(CrashSignal crash) noexcept {
  crash.stack_overflow = stacks_.in_guard(stacks_of_[running_], crash.address);
  crash_ = crash;
  crashing_ = running_;
  // From the signal stack to whoever resumed the thread: its caller (in resume()), or else the step
  // loop (in run_from_loop()), which keeps the crashed context in the thread's fiber. Nothing
  // resumes it again.
  ModelThread& self = threads_[running_];
  back_slot_ = &self.fiber;
  std::move(self.resumer ? self.resumer : loop_).resume();
  std::abort();  // unreachable
}

void Execution::bury(ThreadId id) { bury_forever(std::move(threads_[id].fiber)); }

void Execution::report_crash(ThreadId id) {
  crashing_ = kNoThread;
  ModelThread& thread = threads_[id];
  thread.state.crash();
  bury(id);
  if (abandoning_) return;  // unwinding after another failure, which is the one reported
  const std::uint32_t row = trace_.next_row();
  if (config_.tracing) {
    record(id, OpKind::kCrash, nullptr, crash_cell(crash_), SourceLoc{});
    trace_.highlight(row);
  }
  failures_.push_back(crash_failure(crash_, id, thread.pending.loc, row, stacks_.stack_size()));
  stopped_ = true;
}

void Execution::park() {
  ModelThread& self = threads_[running_];
  const bool decides = self.state.resumed_by_loop();
  self.state.park();
  parked_ |= single(running_);
  if (!abandoning_ && decides) {
    // Decide here, on this thread's stack: when the same thread goes on (the common case, and the
    // only one while it is the sole enabled thread) no context switch is needed at all, and when
    // another one does, one switch takes there directly, not two by way of the step loop.
    const ThreadId next = decide();
    if (next == running_) {
      self.state.resume(ThreadState::Resumer::kLoop);
      parked_ &= ~single(running_);
      return;
    }
    hand_on(next);
  } else {
    jump(self.resumer, self.fiber);
  }
  // Resumed to run on after the execution stopped. Unwinding the thread is the cheap way to its
  // end and runs nothing of the model's past this point, but only where the exception can reach
  // run_thread()'s handler through cleanups alone; inside a destructor, a noexcept function, an
  // unwinding or a catch clause of the model's the thread runs on unchecked instead (see
  // abandon_all()), to try again at its next operation.
  if (abandoning_ && std::uncaught_exceptions() == 0 &&
      unwinds_cleanly_to(reinterpret_cast<const void*>(&Execution::run_thread))) {
    throw Unwinding{};
  }
}

inline bool Execution::enabled(ThreadId id) const {
  return threads_[id].state.parked() && parked_enabled(id);
}

inline bool Execution::parked_enabled(ThreadId id) const {
  const PendingOp& op = threads_[id].pending;
  // A lock, the common case, tested before the switch (a jump through a table).
  if (op.kind == OpKind::kLock) return static_cast<const MutexState*>(op.object)->free();
  switch (op.kind) {
    case OpKind::kLockShared:
      return static_cast<const MutexState*>(op.object)->owner == kNoThread;
    case OpKind::kCallOnce: {
      // Waiters block while another thread runs the initialiser; its own completion step runs.
      const auto* once = static_cast<const OnceState*>(op.object);
      return once->phase != OnceState::Phase::kRunning || once->runner == id;
    }
    case OpKind::kWake:
      return static_cast<const WaiterSet*>(op.object)->may_wake(id, config_.spurious_wakeups);
    default:
      // The kinds whose object decides are the cases above, and gate() calls them conditional;
      // of the others it says which never run when picked (a join is woken by wake_joiners(), a
      // false assumption waits forever).
      return gate(op.kind) == Gate::kAlways;
  }
}

ThreadSet Execution::enabled_threads() const {
  // parked_ is kept with each thread's state (park(), resume()): no need to ask it again; and
  // before() filed each by its operation (gate()): only those that may block are asked, a lock
  // of its mutex alone.
  ThreadSet set = parked_ & parked_always_;
  for (ThreadSet s = parked_ & parked_locking_; s != 0; s &= s - 1) {
    if (locking_[lowest(s)]->free()) set |= single(lowest(s));
  }
  for (ThreadSet s = parked_ & parked_conditional_; s != 0; s &= s - 1) {
    if (parked_enabled(lowest(s))) set |= single(lowest(s));
  }
  return set;
}

void Execution::wake_joiners() {
  if (!joiner_may_wake_) return;
  joiner_may_wake_ = false;
  bool woke = true;
  while (woke && !stopped_) {
    woke = false;
    // In ascending order, as a scan of every thread would, but over the parked joiners only:
    // parked_ and joining_ are read afresh after each resume, which may park or unpark any.
    for (ThreadId t = 0; !stopped_; ++t) {
      const ThreadSet later = t < kMaxThreads ? parked_ & joining_ & (~ThreadSet{0} << t) : 0;
      if (later == 0) break;
      t = lowest(later);
      const ModelThread& thread = threads_[t];
      if (thread.state.parked() && thread.pending.kind == OpKind::kJoin &&
          threads_[thread.pending.target].state.finished()) {
        ++steps_;
        resume(t);
        woke = true;
      }
    }
  }
}

void Execution::run(const std::function<void()>& body) {
  previous_current_ = current_;
  current_ = this;
  eh_ = eh_globals();
  scheduler_->begin_execution();
  if (config_.hook != nullptr) config_.hook->begin_execution();

  thread_count_ = 1;
  symmetry_.add_thread(kNoThread, 0, kNoThread, 0);
  ModelThread& main = threads_[0];
  // A copy for every execution, not the caller's body called in place: a body that changes its own
  // state (a mutable lambda) must be the same program in every execution, and jobs must not share
  // one callable (Completeness.EveryExecutionRunsTheBodyAsGivenNotAsTheLastOneLeftIt).
  main.body = body;
  HappensBefore::start(main.clock, 0);
  main.state = ThreadState::main_thread();
  if (!main.fiber) main.fiber = start_fiber(0);

  // Each thread decides the next step at its own park or end (see park(), finish()) and switches
  // to the thread chosen; control comes back here only once the execution is over (no next step,
  // or a crash).
  run_from_loop(0);

  // A discarded inconsistent execution still tells DPOR of the operations its threads waited to
  // run: their races with the steps taken are real ones of the program.
  if (scheduler_->wants_reports() && (!pruned_ || discarded_)) {
    for (ThreadId t = 0; t < thread_count_; ++t) {
      if (threads_[t].state.parked())
        scheduler_->on_unfinished(t, describe_op(threads_[t].pending));
    }
  }
  if (!stopped_ && foreign_use_posted()) report_foreign_use();  // a use after the last step
  if (!stopped_) finish_checks();
  if (stopped_) abandon_all();
  for (ThreadId t = 0; t < thread_count_; ++t) {
    threads_[t].body = nullptr;
    // Nothing refers to a crashed thread's stack any more: its buried fiber's context was saved
    // on the signal stack, and the other threads, which may have used its objects, are unwound.
    if (threads_[t].state.crashed()) stacks_.deallocate(stacks_of_[t]);
  }
  current_ = previous_current_;
}

ThreadId Execution::decide() {
  if (stopped_) return kNoThread;
  if (foreign_use_posted()) [[unlikely]] {
    if (report_foreign_use()) return kNoThread;
  }
  wake_joiners();
  if (stopped_) return kNoThread;
  ThreadSet ready = spins_.runnable(enabled_threads());
  if (ready == 0 && spins_.stalled() != 0 && spins_.wake_all()) {
    ready = spins_.runnable(enabled_threads());
  }
  if (symmetry_.active()) {
    // A thread in lockstep behind its symmetric predecessor waits for it (symmetry.hpp); never
    // all of them: the lowest such thread's predecessor is not held.
    symmetry_.end_step();
    ready &= ~symmetry_.held(
        ready, [this](ThreadId t) -> const PendingOp& { return threads_[t].pending; },
        [this](ThreadId t) { return threads_[t].state.finished(); });
  }
  if (ready == 0) [[unlikely]] {
    end_with_none_ready();
    return kNoThread;
  }
  if (steps_ >= bounds_checked_until_) [[unlikely]] {
    if (past_bounds()) return kNoThread;
  }
  ThreadId next = lowest(ready);
  if (several(ready)) {
    Choice choice;
    choice.enabled = ready;
    choice.previous = last_;
    choice.preemptions = preemptions_;
    choice.describe = [](const void* ex, ThreadId t) {
      return describe_op(static_cast<const Execution*>(ex)->threads_[t].pending);
    };
    choice.describer = this;
    const Pick pick = scheduler_->pick(choice);
    if (pick.kind == Pick::Kind::kRedundant) {
      pruned_ = true;  // every enabled thread sleeps: an explored class again, not a failure
      stopped_ = true;
      return kNoThread;
    }
    if (pick.kind == Pick::Kind::kMismatch) {
      failures_.push_back(schedule_mismatch("a choice of the thread to run"));
      stopped_ = true;
      return kNoThread;
    }
    next = pick.thread;
    choices_.push_back(ScheduleChoice::thread(next));
    if (contains(ready, last_) && next != last_) {
      ++preemptions_;
      preempted_ = true;
    }
  }
  const PendingOp& op = threads_[next].pending;
  // Described only for whom it is: symmetry and a scheduler that wants the steps (DPOR's).
  if (symmetry_.active() || scheduler_->wants_reports()) {
    const OpDesc step = describe_op(op);
    if (symmetry_.active()) {
      if (const auto nth = symmetry_.begin_step(next, op.kind, step)) {
        scheduler_->on_ordered_after(next, symmetry_.predecessor(next), *nth);
      }
    }
    if (scheduler_->wants_reports()) scheduler_->on_step(next, step);
  }
  if (config_.record_steps) [[unlikely]] {
    step_log_.push_back(StepRecord{next, op.kind, op.loc});
  }
  ++steps_;
  last_ = next;
  return next;
}

void Execution::end_with_none_ready() {
  if (finished_ == thread_count_) return;  // every thread finished
  if (assumed_false_) {
    // A thread waits forever on a false assumption: this is not an execution to count (the
    // ones where it goes on are reached by running the store it waits for first), and what
    // blocks the others follows from it.
    pruned_ = true;
    discarded_ = true;  // DPOR still learns the operations the threads wait to run
    stopped_ = true;
    return;
  }
  if (spins_.stalled() != 0) {
    report_livelock();
    return;
  }
  report_deadlock();
  stopped_ = true;
}

std::uint64_t Execution::next_bounds_check() const {
  return config_.deadline ? std::min<std::uint64_t>(config_.max_steps, (steps_ + 1) | 1023U)
                          : config_.max_steps;
}

bool Execution::past_bounds() {
  if ((steps_ & 1023U) == 1023U && config_.deadline &&
      std::chrono::steady_clock::now() >= *config_.deadline) {
    pruned_ = true;  // out of time: the explorer reports the time limit (the search is bounded)
    stopped_ = true;
    return true;
  }
  if (steps_ >= config_.max_steps) {
    failures_.push_back(Failure::make(
        FailureKind::kStepBoundExceeded,
        "step bound exceeded: " + std::to_string(config_.max_steps) +
            " steps in one execution — a livelock or an infinite loop (if the model is just "
            "long, raise --max-steps)"));
    stopped_ = true;
    return true;
  }
  bounds_checked_until_ = next_bounds_check();
  return false;
}

void Execution::report_deadlock() {
  std::string message = "deadlock: every live thread is blocked —";
  Failure deadlock = Failure::make(FailureKind::kDeadlock, {});
  for (ThreadId t = 0; t < thread_count_; ++t) {
    const ModelThread& thread = threads_[t];
    if (thread.state.finished()) continue;
    const PendingOp& op = thread.pending;
    message += " " + thread_name(t) + " waits to " + std::string(op_name(op.kind)) + " ";
    if (op.kind == OpKind::kJoin) {
      message += thread_name(op.target);
    } else if (op.object != nullptr) {
      message += display_name(*op.object);
      if (op.kind == OpKind::kLock || op.kind == OpKind::kLockShared) {
        message += " (" + holders_text(*static_cast<const MutexState*>(op.object)) + ")";
      } else if (op.kind == OpKind::kWake) {
        message += " (no notify is owed to it: a lost wake-up)";
      }
    }
    message += " at " + location_text(op.loc) + ";";
    deadlock.accesses.push_back(Access{t, false, op.loc, trace_.next_row()});
    if (config_.tracing) {
      record(t, op.kind, op.object, "blocked", op.loc);
      trace_.highlight(trace_.next_row() - 1);
    }
  }
  message.pop_back();
  deadlock.message = std::move(message);
  failures_.push_back(std::move(deadlock));
  stopped_ = true;
}

void Execution::report_livelock() {
  for (ThreadSet s = spins_.stalled(); s != 0; s &= s - 1) {
    if (spins_.spin(lowest(s)).stale) {
      // It spins on a store that is not the newest: a fair execution lets it see the newer one
      // (explored as a value choice of that read), so this one is not counted.
      pruned_ = true;
      discarded_ = true;
      stopped_ = true;
      return;
    }
  }
  std::string message = "livelock: no thread can make progress —";
  Failure livelock = Failure::make(FailureKind::kLivelock, {});
  for (ThreadId t = 0; t < thread_count_; ++t) {
    const ModelThread& thread = threads_[t];
    if (thread.state.finished()) continue;
    if (contains(spins_.stalled(), t)) {
      const SpinWatch::Spin& spin = spins_.spin(t);
      message += " " + thread_name(t) + " spins at " + location_text(spin.loc) +
                 ", reading the same store again with no write by any thread since;";
      livelock.accesses.push_back(Access{t, false, spin.loc, spin.row});
      if (config_.tracing) {
        trace_.highlight(spin.first_row);
        trace_.highlight(spin.row);
      }
      continue;
    }
    const PendingOp& op = thread.pending;
    message += " " + thread_name(t) + " waits to " + std::string(op_name(op.kind)) + " at " +
               location_text(op.loc) + ";";
    livelock.accesses.push_back(Access{t, false, op.loc, trace_.next_row()});
  }
  message.pop_back();
  message +=
      " (the highlighted rows are each spin's cycle; a loop bounded by a local counter is taken "
      "for a spin: turn fair spinning off with --no-fair-spinning to run it out)";
  livelock.message = std::move(message);
  failures_.push_back(std::move(livelock));
  stopped_ = true;
}

void Execution::observe(const ObjectHeader& object, std::uint32_t read, std::uint32_t now,
                        bool unchanged, bool stale, const SourceLoc& loc) {
  if (!unchanged || abandoning_) return;  // a change is progress (after())
  quiet_step_ = true;
  if (config_.fair_spinning) {
    spins_.observe(running_, object.id, read, now, stale, loc, trace_.next_row(),
                   !config_.unmarked_spins);
  }
}

void Execution::finish_checks() {
  if (joinable_ == 0) return;  // every spawned thread was joined (or reported, forgotten)
  for (ThreadId t = 1; t < thread_count_; ++t) {
    const ModelThread& thread = threads_[t];
    if (thread.state.handle() == ThreadState::Handle::kJoinable) {
      failures_.push_back(Failure::make(FailureKind::kThreadNotJoined,
                                        "model thread " + thread_name(t) + " was never joined"));
      stopped_ = true;
    }
  }
}

void Execution::abandon_all() {
  // Each thread is resumed and ends either unwound (park() throws where that is safe) or run on
  // to its end: an exception thrown into a destructor or a noexcept function would call
  // std::terminate, so there the thread goes on instead. Once abandoning() the operations run
  // unchecked, as a sequential program would run them (model_sync:
  // a load reads the last value stored, a lock waits only for a lock that will be released), no
  // decision is asked of the scheduler and no failure is recorded. Round robin, so that a thread
  // waiting on another (a lock, a join, a spin) lets that one go first.
  abandoning_ = true;
  set_uncommon_access(true);
  std::uint64_t budget = kRunOutSteps + steps_;
  bool progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (ThreadId t = 0; t < thread_count_ && budget > 0; ++t) {
      if (!can_run_out(t)) continue;
      resume(t);
      progress = true;
      --budget;
    }
  }
  // Blocked for good (a deadlock) or looping (a livelock, an infinite loop): left suspended.
  for (ThreadId t = 0; t < thread_count_; ++t) {
    if (!threads_[t].state.finished() && threads_[t].fiber) {
      bury(t);  // its stack stays theirs: the fiber's context lives on it
      ++buried_;
    }
  }
}

bool Execution::can_run_out(ThreadId id) const {
  const ModelThread& thread = threads_[id];
  if (!thread.state.parked() || !thread.fiber) return false;
  const PendingOp& op = thread.pending;
  switch (op.kind) {
    case OpKind::kJoin:
      return threads_[op.target].state.finished();
    case OpKind::kAssume:
    case OpKind::kWake:
      return true;  // runs on past the false assumption, or as if woken spuriously
    default:
      return enabled(id);
  }
}

void Execution::run_out_access(const PendingOp& op) {
  // Shared accesses are not steps; a loop on plain data must still give the run-out loop its turn.
  constexpr std::uint64_t kAccessesPerTurn = 64;
  if (++shared_accesses_ % kAccessesPerTurn == 0) before(op);
}

void Execution::after(const PendingOp& op, std::string_view detail) {
  if (abandoning_) return;  // run on unchecked: not part of the execution
  const bool progress = changes_shared_state(op.kind) && !(op.kind == OpKind::kRmw && quiet_step_);
  quiet_step_ = false;
  spins_.stepped(running_, progress);
  if (op.kind == OpKind::kYield && config_.fair_spinning) spins_.yielded(running_);
  if (config_.tracing) record(running_, op.kind, op.object, detail, op.loc);
  // The execution's identity as a graph is used only under RC11 (the explorer counts graphs).
  if (memory_.weak()) {
    // `op` is the step's operation, the one decide() picked (a traced row that is no step, a
    // failed check or assumption, is a kCheck: of no class, as no step).
    const bool atomic = op.kind == OpKind::kLoad || op.kind == OpKind::kStore ||
                        op.kind == OpKind::kRmw || op.kind == OpKind::kFence;
    memory_.note_step(running_, static_cast<std::uint32_t>(op.kind),
                      op.object != nullptr ? op.object->id : 0, atomic, reads_object(op.kind));
  }
  HappensBefore::end_step(running_thread_->clock, running_);
}

Failure Execution::schedule_mismatch(std::string_view what) const {
  return Failure::make(
      FailureKind::kUsageError,
      "the schedule cannot be followed at decision " + std::to_string(choices_.size() + 1) + " (" +
          std::string(what) +
          "): the replay token does not belong to this model, or the model is not "
          "deterministic (it must not depend on time, addresses or unmodelled threads)");
}

void Execution::stop_here() {
  stopped_ = true;
  running_thread_->pending.kind = OpKind::kCheck;
  file_pending(OpKind::kCheck, nullptr);
  park();  // back to the step loop, which abandons the execution
}

std::uint32_t Execution::choose(std::uint32_t options) {
  if (options <= 1 || abandoning_) return 0;
  symmetry_.chose_value();
  const Pick pick = scheduler_->choose_value(options);
  if (pick.kind == Pick::Kind::kRun) {
    choices_.push_back(ScheduleChoice::alternative(pick.thread));
    return pick.thread;
  }
  if (pick.kind == Pick::Kind::kRedundant) {
    pruned_ = true;
  } else {
    failures_.push_back(schedule_mismatch("a choice of what a load reads or where a store goes"));
  }
  stop_here();
  return 0;
}

void Execution::wait_forever(const SourceLoc& loc) {
  if (abandoning_) return;
  assumed_false_ = true;
  // The other threads go on: their later stores race with what this thread read, and DPOR
  // reverses those races — the order in which the assumption holds.
  before(PendingOp{OpKind::kAssume, nullptr, kNoThread, std::memory_order_relaxed, loc});
}

void Execution::discard_inconsistent() {
  if (abandoning_) return;
  discarded_ = true;
  pruned_ = true;
  stop_here();
}

void Execution::exceed_shared_accesses(const ObjectHeader& object, bool write,
                                       const SourceLoc& loc) {
  fail(Failure::make(
      FailureKind::kStepBoundExceeded,
      "step bound exceeded: " + std::to_string(config_.max_shared_accesses) +
          " accesses to shared data in one execution — an infinite loop on plain data (if the "
          "model is just long, raise --max-shared-accesses / "
          "ExploreOptions::max_shared_accesses)",
      display_name(object), {Access{running_, write, loc, trace_.next_row() - 1}}));
}

void Execution::record(ThreadId thread, OpKind kind, const ObjectHeader* object,
                       std::string_view detail, const SourceLoc& loc) {
  TraceEvent event;
  event.thread = thread;
  event.kind = kind;
  if (object != nullptr) event.object = display_name(*object);
  event.detail = detail;
  event.loc = loc;
  event.preemption = std::exchange(preempted_, false);
  trace_.add(std::move(event));
}

bool Execution::report_foreign_use() {
  std::optional<std::string> report = take_foreign_use();
  if (!report) return false;  // another execution (a job's) took it
  failures_.push_back(Failure::make(FailureKind::kUsageError, std::move(*report)));
  stopped_ = true;
  return true;
}

void Execution::fail(Failure failure) {
  if (abandoning_) return;
  if (failure.kind == FailureKind::kDataRace) {
    const std::string signature = failure.signature();
    for (const Failure& known : failures_) {
      if (known.signature() == signature) return;  // the same race again, past the first
    }
  }
  if (config_.tracing) {
    for (const Access& access : failure.accesses) trace_.highlight(access.step);
  }
  const bool stops = !(failure.kind == FailureKind::kDataRace && config_.continue_past_race);
  failures_.push_back(std::move(failure));
  if (stops) stop_here();
}

ThreadId Execution::spawn(std::function<void()> body, const SourceLoc& loc, ThreadId symmetric_to) {
  if (symmetric_to != kNoThread && !symmetry_.follows_last_spawn(running_, symmetric_to, steps_))
      [[unlikely]] {
    symmetric_to = misplaced_symmetric(symmetric_to, loc);
  }
  if (thread_count_ == kMaxThreads) [[unlikely]] {
    return too_many_threads(loc);
  }
  const ThreadId id = thread_count_++;
  ++joinable_;
  // As constructed, or as reset() left it: then perhaps with the fiber a finished thread of this
  // id left, which runs this body too (start_fiber()).
  ModelThread& child = threads_[id];
  child.body.swap(body);  // (empty since run()'s end, or reset(): the caller's copy ends empty)
  HappensBefore::fork(running_thread_->clock, running_, child.clock, id);
  symmetry_.add_thread(running_, id, config_.symmetry && !abandoning_ ? symmetric_to : kNoThread,
                       steps_);
  if (config_.tracing && !abandoning_)
    record(running_, OpKind::kSpawn, nullptr, thread_name(id), loc);
  if (!child.fiber) child.fiber = start_fiber(id);
  if (!abandoning_ && scheduler_->wants_reports()) scheduler_->on_spawn(running_, id);
  resume(id);
  if (stopped_ && !abandoning_) park();  // the child failed before its first operation
  return id;
}

ThreadId Execution::misplaced_symmetric(ThreadId symmetric_to, const SourceLoc& loc) {
  fail(Failure::make(FailureKind::kUsageError,
                     "a symmetric thread must be spawned right after the thread it is symmetric "
                     "to (" +
                         thread_name(symmetric_to) +
                         "), by the same thread, with no operation between (spawn them all "
                         "with model::symmetric_threads)",
                     {}, {Access{running_, false, loc, trace_.next_row()}}));
  return kNoThread;  // (only while abandoning: spawned as an ordinary thread)
}

ThreadId Execution::too_many_threads(const SourceLoc& loc) {
  fail(Failure::make(FailureKind::kUsageError,
                     "too many model threads: at most " + std::to_string(kMaxThreads), {},
                     {Access{running_, false, loc, trace_.next_row()}}));
  return kNoThread;  // only while abandoning: the body never runs, its join fails unchecked
}

void Execution::invalid_join(ThreadId target, const SourceLoc& loc) {
  fail(Failure::make(FailureKind::kUsageError, "join of an invalid thread " + thread_name(target),
                     {}, {Access{running_, false, loc, trace_.next_row()}}));
}

void Execution::join(ThreadId target, const SourceLoc& loc) {
  if (target >= thread_count_ || target == running_) [[unlikely]] {
    invalid_join(target, loc);
    return;
  }
  if (!threads_[target].state.finished()) {
    joining_ |= single(running_);
    awaited_ |= single(target);
    before(PendingOp{OpKind::kJoin, nullptr, target, std::memory_order_seq_cst, loc});
    joining_ &= ~single(running_);
  }
  if (abandoning_) return;
  HappensBefore::join(running_thread_->clock, threads_[target].clock);
  threads_[target].state.join();
  --joinable_;
  if (scheduler_->wants_reports()) scheduler_->on_join(running_, target);
  if (config_.tracing) record(running_, OpKind::kJoin, nullptr, thread_name(target), loc);
  HappensBefore::end_step(running_thread_->clock, running_);
}

void Execution::forget_unjoined(ThreadId thread, const SourceLoc& loc) {
  if (abandoning_ || stopped_) return;
  threads_[thread].state.forget();
  --joinable_;
  // Reported without parking: this runs in a destructor, which must not throw. The thread goes
  // on to its next operation, where the step loop abandons the execution.
  failures_.push_back(Failure::make(FailureKind::kThreadNotJoined,
                                    "model thread " + thread_name(thread) +
                                        " was never joined: its handle, created at " +
                                        location_text(loc) + ", was destroyed while joinable",
                                    {}, {Access{running_, false, loc, trace_.next_row()}}));
  stopped_ = true;
}

Decision Execution::intercept(const OperationSite& site) {
  const Decision decision = config_.hook->on_operation(*this, site);
  if (decision.skip && config_.tracing && !abandoning_) {
    record(running_, op_kind(site.op), site.object, decision.note, site.loc);
  }
  return decision;
}

std::string Execution::token() const { return schedule_token(config_.memory_model, choices_); }

}  // namespace doublecheck::model
