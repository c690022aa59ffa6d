// ModelSync: the explorer's synchronisation policy for the seam (DESIGN.md). The emitter compiled
// as BasicTelemetryEmitter<ModelSync> runs inside the explorer: every operation here is a visible
// operation of the current model thread (model/engine/execution.hpp), with happens-before tracked
// by vector clocks (every transfer is one of model/engine/happens_before.hpp) and every Shared<T>
// access checked for data races. Every synchronisation operation and Shared access unit goes
// through the engine's interception point (intercepted(), model/engine/operation_hook.hpp), where a
// hook may change how it runs; nothing here knows what the hook is for.
//
// The interface is StdSync's (seam/std_sync.hpp); so is the meaning: atomics and fences follow the
// execution's memory model (C++20 as RC11 formalises it by default, memory_graph.hpp): a load may
// read an older store than the newest, and memory orders decide both what happens-before and what
// a load may still read.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/engine/execution.hpp"
#include "model/engine/happens_before.hpp"
#include "model/engine/lifetime.hpp"
#include "model/engine/memory_graph.hpp"
#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "model/engine/race_detector.hpp"
#include "model/engine/value_text.hpp"
#include "seam/source_loc.hpp"
#include "seam/symmetric_body.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::model {

// The trace's notes on a memory event: which store a load read (and the newer one it did not see),
// where a store went in modification order when not last.
std::string describe_read(const MemoryGraph& memory, std::uint32_t location, std::uint32_t store,
                          const std::string& newest_value);
std::string describe_store_place(const MemoryGraph& memory, std::uint32_t location,
                                 std::uint32_t place);

// The failure report for a race on `object`.
Failure race_failure(const ObjectHeader& object, const Race& race);

// --- lifetimes (lifetime.hpp): a destruction is a write, a use after it a use after free ---
//
// A model object's destructor calls begin_destruction first: it returns the execution to check the
// destruction in, or nullptr when there is nothing to check — outside a model run, while the
// execution is being abandoned (then a destruction only marks the header: nothing that can throw
// or park), or when the object is already destroyed (a second destruction, reported here as a use
// after free). The destructor then looks for another thread's access that does not happen before
// it, and end_destruction traces it, records it, marks the header destroyed and, last, reports
// the race (or, `holder`, that a thread still holds the mutex or runs the once-flag's initialiser)
// — last, because Execution::fail may return, and the destructor then just finishes without
// touching the object again. None of them throws: a destructor must not (std::terminate), and
// today fail() unwinds the thread when its execution is abandoned; that unwinding is stopped
// here, and the thread goes on with every operation doing nothing until it ends.
// Inline, as is end_destruction(), for their common case (a live object, destroyed in a running
// execution, with nothing to trace or report: most destructions); the rest is out of line.
Execution* begin_uncommon_destruction(ObjectHeader& object) noexcept;
inline Execution* begin_destruction(ObjectHeader& object) noexcept {
  Execution* ex = Execution::current_or_null();
  if (ex != nullptr && object.alive() && !ex->abandoning()) [[likely]] {
    return ex;
  }
  return begin_uncommon_destruction(object);
}
// The destruction as one side of a race: the calling thread, after its last operation with a
// location (lifetime.hpp), at the next trace row.
inline Access destruction_access(Execution& ex) noexcept {
  return Access{ex.self(), true, ex.lifetimes().last(ex.self()), ex.trace_row()};
}
void end_reported_destruction(Execution& ex, ObjectHeader& object, const Access& destruction,
                              const std::optional<UnorderedAccess>& conflict,
                              const std::optional<UnorderedAccess>& holder) noexcept;
inline void end_destruction(Execution& ex, ObjectHeader& object, const Access& destruction,
                            const std::optional<UnorderedAccess>& conflict,
                            const std::optional<UnorderedAccess>& holder = std::nullopt) noexcept {
  if (!ex.tracing() && !conflict && !holder) [[likely]] {
    ex.lifetimes().bury(object, destruction.thread, destruction.loc, destruction.step);
    object.mark_destroyed();
    return;
  }
  end_reported_destruction(ex, object, destruction, conflict, holder);
}
// The other side of a race that AccessHistory found (a Shared<T>'s destruction).
UnorderedAccess unordered_side(const Race& race) noexcept;
// Another thread's last access to the atomic `location` that does not happen before the calling
// thread's destruction of it (the memory graph keeps each thread's last one).
std::optional<UnorderedAccess> unordered_atomic_access(Execution& ex,
                                                       std::uint32_t location) noexcept;
// Reports the calling thread's `op` at `loc` on `object`, whose header is not alive, as a use after
// free, naming the destruction when the execution recorded one at that address. An unlock (reached
// from a scoped lock's destructor) reports it without unwinding, as Execution::fail does for an
// unlock by a non-owner.
void use_after_free(Execution& ex, SiteOp op, const ObjectHeader& object, const SourceLoc& loc);

// A model assertion: fails the execution with `message` when `condition` is false.
void check(bool condition, std::string_view message, SourceLoc loc = SourceLoc::current());

// The calling thread goes on only if `condition` holds; where it does not, the thread waits
// forever while the others go on, and an execution in which it still waits when nothing else can
// run is not counted (GenMC's __VERIFIER_assume). This is how a model waits without spinning: a
// spin loop with no side effects, `while (!ready.load()) yield();`, is `assume(ready.load());` —
// the executions where the load reads the awaited store are the ones the loop would end in, and the
// search reaches them by running the load after the store, so the exploration stays finite.
void assume(bool condition, SourceLoc loc = SourceLoc::current());

// A visible no-op: lets the scheduler switch here, and says the thread spins: a re-read of an
// atomic after a yield that sees the same store, with nothing new since, stalls the thread until
// another makes progress (fair spinning, spin_watch.hpp), so `while (!ready.load()) yield();`
// ends; a spin loop without yield runs into the step bound unless unmarked spins are on.
void yield(SourceLoc loc = SourceLoc::current());

// The lock and the unlock of a mutex, one visible operation each: the bodies of Mutex::lock and
// Mutex::unlock, and what a decision that releases a held mutex performs (`detail`, for the trace,
// says so). lock_mutex_state returns whether it took the mutex (not on a relock, which fails the
// execution). The place by value, in registers (Mutex::lock and unlock run the same steps inline:
// lock_step() and unlock_step(), model_sync.cpp).
bool lock_mutex_state(Execution& ex, MutexState& mutex, SourceLoc loc,
                      std::string_view detail = {});
void unlock_mutex_state(Execution& ex, MutexState& mutex, SourceLoc loc,
                        std::string_view detail = {});
// What the calling thread's exclusive lock of `mutex` acquires: the last unlock, and of a shared
// mutex also the unlock_shared()s since.
// Inline: once a lock, a clock join or two.
inline void acquire_exclusive(Execution& ex, MutexState& mutex) {
  if (mutex.shared) {
    HappensBefore::lock_after_readers(ex.clock(), mutex.released, mutex.released_by_readers);
  } else {
    HappensBefore::lock(ex.clock(), mutex.released);
  }
}

// A waiter set's steps (WaiterSet: a condition variable's, or an atomic's). The calling thread
// wakes (a step, enabled once a notify owes it a wake-up, or spuriously once per execution); a
// notify_one or notify_all owes waiters a wake-up (a step; which waiter a notify_one wakes is a
// choice). `last_ops`, a condition variable's, records them for its destruction (lifetime.hpp).
void wake_from_waiters(Execution& ex, WaiterSet& waiters, LastOps* last_ops, const SourceLoc& loc);
void notify_waiters(Execution& ex, WaiterSet& waiters, LastOps* last_ops, bool all,
                    const SourceLoc& loc);

// The interception point as every operation of ModelSync passes it: `op` on `object` at `loc`,
// written with `order`, runs as `perform(decision)`. With no hook (an ordinary run) the decision is
// the operation as written, after one test of a pointer. With one, the hook decides
// (Execution::intercept) and a mutex the decision releases is unlocked before `perform` and locked
// again before it (kGapBefore) or after it (kAround); `perform` does the rest of what is decided
// (a skip, another order, a split). Explicit calls, not a guard object: the relock is a visible
// operation, which belongs to the operation's code, not to a destructor's.
Decision begin_intercepted(Execution& ex, const OperationSite& site);
void end_intercepted(Execution& ex, const Decision& decision, const SourceLoc& loc);

template <class Perform>
decltype(auto) intercepted(Execution& ex, SiteOp op, ObjectHeader& object, const SourceLoc& loc,
                           std::memory_order order, Perform&& perform) {
  // Every operation first reads its object's liveness mark (ObjectHeader): a destroyed object is
  // not touched, and when Execution::fail returns the operation returns a value-initialised result.
  if (!object.alive()) [[unlikely]] {
    use_after_free(ex, op, object, loc);
    return std::invoke_result_t<Perform&&, const Decision&>();
  }
  ex.lifetimes().note(ex.self(), loc);  // where a destruction that follows is "after"
  if (!ex.intercepting()) [[likely]] {
    return std::forward<Perform>(perform)(Decision::as_written(order));
  }
  const Decision decision = begin_intercepted(ex, OperationSite{op, &object, loc, order});
  if constexpr (std::is_void_v<std::invoke_result_t<Perform&&, const Decision&>>) {
    std::forward<Perform>(perform)(decision);
    end_intercepted(ex, decision, loc);
  } else {
    auto result = std::forward<Perform>(perform)(decision);
    end_intercepted(ex, decision, loc);
    return result;
  }
}

class thread;
// (Declared here for thread's friendship; below.)
template <class F>
std::vector<thread> symmetric_threads(std::size_t count, const F& body,
                                      SourceLoc loc = SourceLoc::current());

// A model thread, spawned and joined like std::thread. Destroying it while joinable is reported
// as a failure (std::thread would call std::terminate).
class thread {
 public:
  // Any callable but a thread itself: a thread lvalue must not be taken for a body (it is
  // neither copyable nor a callable), and an rvalue goes to the move constructor.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, thread>>>
  explicit thread(F&& body, SourceLoc loc = SourceLoc::current())
      : id_(Execution::current(loc).spawn(std::function<void()>(std::forward<F>(body)), loc)),
        loc_(loc) {}
  thread(thread&& other) noexcept
      : id_(other.id_), loc_(other.loc_), joinable_(std::exchange(other.joinable_, false)) {}
  thread& operator=(thread&&) = delete;
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  ~thread();

  void join(SourceLoc loc = SourceLoc::current());
  [[nodiscard]] bool joinable() const { return joinable_; }
  [[nodiscard]] ThreadId id() const { return id_; }

 private:
  template <class F>
  friend std::vector<thread> symmetric_threads(std::size_t count, const F& body, SourceLoc loc);
  // Spawned symmetric to thread `predecessor` (symmetric_threads()).
  thread(std::function<void()> body, ThreadId predecessor, SourceLoc loc)
      : id_(Execution::current(loc).spawn(std::move(body), loc, predecessor)), loc_(loc) {}

  ThreadId id_;
  SourceLoc loc_;  // where it was spawned
  bool joinable_ = true;
};

// `count` threads that run the same body on the same inputs, spawned one after the other, which
// the search explores up to renaming them (model/engine/symmetry.hpp; ExploreOptions::symmetry):
// of executions that differ only in which of them did what, it runs one. Sound only for threads no
// one can tell apart — same code, same arguments, nothing that depends on which one runs. `body`
// is called with the thread's index when it takes one (seam/symmetric_body.hpp), which may only
// say where the thread leaves what it saw, for a check after the join.
template <class F>
std::vector<thread> symmetric_threads(std::size_t count, const F& body, SourceLoc loc) {
  std::vector<thread> threads;
  // Room for every thread a model can have (kMaxThreads): a caller that adds others to these
  // (a harness's readers: model/emitter/harness.hpp) reserves again, which then reallocates
  // nothing.
  threads.reserve(std::max(count, kMaxThreads));
  for (std::size_t i = 0; i < count; ++i) {
    const ThreadId predecessor = i == 0 ? kNoThread : threads.back().id();
    threads.push_back(thread(symmetric_body(body, i), predecessor, loc));
  }
  return threads;
}

struct ModelSync {
  class ConditionVariable;

  // A model body's runtime (replay/scheduled_sync.hpp: the same body on real threads): its
  // threads and its assertion.
  using Thread = model::thread;
  template <class F>
  static std::vector<Thread> symmetric_threads(std::size_t count, const F& body,
                                               SourceLoc loc = SourceLoc::current()) {
    return model::symmetric_threads(count, body, loc);
  }
  static void check(bool condition, std::string_view message,
                    SourceLoc loc = SourceLoc::current()) {
    model::check(condition, message, loc);
  }

  class DC_CAPABILITY("mutex") Mutex {
   public:
    explicit Mutex(std::string_view name = {});
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;
    // A write (lifetime.hpp): every other thread's last lock, try_lock or unlock must happen
    // before it, and no thread may hold it.
    ~Mutex();

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE();
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE();
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true);

   private:
    friend class ModelSync::ConditionVariable;  // a wait releases and retakes the mutex

    MutexState state_;
  };

  // std::shared_mutex: one owner (lock) or many readers (lock_shared). unlock() synchronises with
  // the next lock or lock_shared, unlock_shared() with the next lock only: two readers are not
  // ordered (reading under a shared lock is fine; writing under one races with the other readers
  // and writers, and is reported as a data race at the access). Taking it again in either mode
  // while holding it is a relock; releasing the mode it is not held in (unlock() of a shared
  // lock, unlock_shared() of an exclusive one) is an unlock by a non-owner; destroying it while
  // held, a use after free.
  class DC_CAPABILITY("mutex") SharedMutex {
   public:
    explicit SharedMutex(std::string_view name = {});
    SharedMutex(const SharedMutex&) = delete;
    SharedMutex& operator=(const SharedMutex&) = delete;
    ~SharedMutex();

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE();
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE();
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true);
    void lock_shared(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE_SHARED();
    void unlock_shared(SourceLoc loc = SourceLoc::current()) DC_RELEASE_SHARED();
    bool try_lock_shared(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE_SHARED(true);

   private:
    MutexState state_;
  };

  // A condition variable over Mutex (its waiters and the wake-ups owed: CondVarState). wait()
  // joins the waiters, then releases the mutex (a step of its own: nothing can notify in between
  // without the mutex, and a notify without it sees the thread waiting), then wakes when a notify
  // owes it a wake-up — which waiter a notify_one wakes is explored — or spuriously, once per
  // thread and execution (ExploreOptions::spurious_wakeups), then relocks. A notify with no waiter
  // is lost; a waiter that nothing wakes is a deadlock ("a lost wake-up"). A notify orders
  // nothing: the relock does. Waiting without holding the mutex is a usage error; destroying the
  // condition variable while a thread waits is a use after free.
  class ConditionVariable {
   public:
    explicit ConditionVariable(std::string_view name = {});
    ConditionVariable(const ConditionVariable&) = delete;
    ConditionVariable& operator=(const ConditionVariable&) = delete;
    ~ConditionVariable();

    void wait(Mutex& mutex, SourceLoc loc = SourceLoc::current()) DC_REQUIRES(mutex);
    // Until `ready()`: the loop every wait belongs in.
    template <class Predicate>
    void wait(Mutex& mutex, Predicate ready, SourceLoc loc = SourceLoc::current())
        DC_REQUIRES(mutex) {
      while (!ready()) wait(mutex, loc);
    }
    void notify_one(SourceLoc loc = SourceLoc::current());
    void notify_all(SourceLoc loc = SourceLoc::current());

   private:
    void notify(bool all, const SourceLoc& loc);

    CondVarState state_;
  };

  // An atomic under the execution's memory model (memory_graph.hpp): it keeps every value stored
  // to it, and a load returns the value of the store the memory graph lets it read and the
  // scheduler picks (the newest under sequential consistency).
  template <class T>
  class Atomic {
   public:
    explicit Atomic(T initial = T{}, std::string_view name = {}) {
      state_.kind = "atomic";
      state_.name = name;
      Execution& ex = Execution::current();
      ex.register_object(state_);
      waiters_.id = state_.id;
      waiters_.kind = state_.kind;
      waiters_.name = name;
      values_.push_back(initial);
      ex.memory().init(state_.id, 0, view(ex, SourceLoc{}));
    }
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;
    // A write (lifetime.hpp), not an atomic one: every other thread's last operation on it must
    // happen before it.
    ~Atomic() {
      Execution* ex = begin_destruction(state_);
      if (ex == nullptr) return;
      const Access destruction = destruction_access(*ex);
      end_destruction(*ex, state_, destruction, unordered_atomic_access(*ex, state_.id));
    }

    T load(std::memory_order order = std::memory_order_seq_cst,
           SourceLoc loc = SourceLoc::current()) const {
      auto* self = const_cast<Atomic*>(this);
      Execution& ex = Execution::current(loc);
      return intercepted(ex, SiteOp::kLoad, self->state_, loc, order,
                         [&](const Decision& d) { return self->load_step(ex, d.order, loc); });
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      Execution& ex = Execution::current(loc);
      intercepted(ex, SiteOp::kStore, state_, loc, order,
                  [&](const Decision& d) { store_step(ex, desired, d.order, loc); });
    }
    T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kExchange, order, loc, [&](const T&) { return desired; });
    }
    bool compare_exchange_strong(T& expected, T desired,
                                 std::memory_order order = std::memory_order_seq_cst,
                                 SourceLoc loc = SourceLoc::current()) {
      return compare_exchange(expected, desired, order,
                              HappensBefore::compare_exchange_failure_order(order), false, loc);
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                 std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      return compare_exchange(expected, desired, success, failure, false, loc);
    }
    // May fail although the value equals `expected` (spuriously): that is an explored choice.
    bool compare_exchange_weak(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLoc loc = SourceLoc::current()) {
      return compare_exchange(expected, desired, order,
                              HappensBefore::compare_exchange_failure_order(order), true, loc);
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                               std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      return compare_exchange(expected, desired, success, failure, true, loc);
    }
    T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kFetchAdd, order, loc,
                 [&](const T& old) { return static_cast<T>(old + delta); });
    }
    T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kFetchSub, order, loc,
                 [&](const T& old) { return static_cast<T>(old - delta); });
    }
    T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kFetchOr, order, loc,
                 [&](const T& old) { return static_cast<T>(old | bits); });
    }
    T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kFetchAnd, order, loc,
                 [&](const T& old) { return static_cast<T>(old & bits); });
    }
    T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return rmw(SiteOp::kFetchXor, order, loc,
                 [&](const T& old) { return static_cast<T>(old ^ bits); });
    }

    // C++20's atomic wait: returns once a load (with `order`) reads a value other than `old`.
    // While the loads read `old`, the thread sleeps until a notify_one or notify_all owes it a
    // wake-up, or spuriously (once per thread and execution, as a condition variable's wait).
    // As with a futex, going to sleep is one step that reads the atomic's newest value: when that
    // already differs from `old` the thread does not sleep and loads again, then reading a store
    // other than `old`'s (it would otherwise only loop once more). A waiter that nothing notifies
    // is a deadlock (a lost wake-up). A notify orders nothing: the load that ends the wait does,
    // by its order.
    void wait(T old, std::memory_order order = std::memory_order_seq_cst,
              SourceLoc loc = SourceLoc::current()) const requires std::equality_comparable<T> {
      auto* self = const_cast<Atomic*>(this);
      Execution& ex = Execution::current(loc);
      const auto load = [&](const T* other_than) {
        return intercepted(ex, SiteOp::kWait, self->state_, loc, order, [&](const Decision& d) {
          return self->load_step(ex, d.order, loc, other_than);
        });
      };
      while (same_value(load(nullptr), old)) {
        if (ex.abandoning() || !state_.alive()) return;  // (a stopped execution runs on)
        if (!self->sleep_step(ex, old, loc)) {
          load(&old);
          return;
        }
        wake_from_waiters(ex, self->waiters_, nullptr, loc);
      }
    }
    void notify_one(SourceLoc loc = SourceLoc::current()) { notify(false, loc); }
    void notify_all(SourceLoc loc = SourceLoc::current()) { notify(true, loc); }

   private:
    void notify(bool all, const SourceLoc& loc) {
      Execution& ex = Execution::current(loc);
      intercepted(ex, SiteOp::kNotify, state_, loc, std::memory_order_seq_cst,
                  [&](const Decision&) { notify_waiters(ex, waiters_, nullptr, all, loc); });
    }
    // The wait's sleep: joins the waiters when the newest value is `old`, in one step.
    bool sleep_step(Execution& ex, const T& old, const SourceLoc& loc) {
      const PendingOp op{OpKind::kSleep, &waiters_, kNoThread, std::memory_order_relaxed, loc};
      ex.before(op);
      if (ex.abandoning()) return false;
      const ModificationOrder& mo = ex.memory().order_of(state_.id);
      const bool sleeps = same_value(values_[mo[mo.newest()].slot], old);
      if (sleeps) waiters_.waiting |= WaiterSet::Threads{1} << ex.self();
      if (!ex.tracing()) {
        ex.after(op);
      } else {
        ex.after(op, sleeps ? "sleeps while " + value_text(old)
                            : "does not sleep: the newest value is no longer " + value_text(old));
      }
      return sleeps;
    }

    static ThreadView view(Execution& ex, const SourceLoc& loc) {
      return ThreadView{ex.self(), ex.clock(), ex.trace_row(), loc};
    }
    [[nodiscard]] T value_of(const MemoryGraph& memory, std::uint32_t store) const {
      return values_[memory.order_of(state_.id)[store].slot];
    }
    // The trace's note on the store a load (or read-modify-write) read: whose, and whether a newer
    // one was not visible.
    std::string read_note(const Execution& ex, std::uint32_t store) const {
      const MemoryGraph& memory = ex.memory();
      const ModificationOrder& mo = memory.order_of(state_.id);
      return describe_read(memory, state_.id, store, value_text(values_[mo[mo.newest()].slot]));
    }

    // `other_than` (an atomic wait's last load): only the stores whose value is not that one may
    // be read (the newest is one, or the wait would have slept).
    T load_step(Execution& ex, std::memory_order order, const SourceLoc& loc,
                const T* other_than = nullptr) {
      const PendingOp op{OpKind::kLoad, &state_, kNoThread, order, loc};
      ex.before(op);
      if (ex.abandoning()) return values_.back();
      MemoryGraph& memory = ex.memory();
      const std::vector<std::uint32_t>* candidates = &memory.load_candidates(state_.id, ex.clock());
      std::vector<std::uint32_t> others;
      if (other_than != nullptr) {
        for (const std::uint32_t store : *candidates) {
          if (!same_value(value_of(memory, store), *other_than)) others.push_back(store);
        }
        candidates = &others;
      }
      // (choose() returns at once, or only to an abandoned execution: no other thread ran, so the
      // list is still this load's.)
      const std::uint32_t pick = ex.choose(static_cast<std::uint32_t>(candidates->size()));
      if (ex.abandoning()) return values_.back();
      const std::uint32_t store = (*candidates)[pick];
      const T result = value_of(memory, store);
      const bool stale = store != memory.order_of(state_.id).newest();
      std::string note = ex.tracing() ? read_note(ex, store) : std::string();
      const std::uint32_t slot = memory.order_of(state_.id)[store].slot;
      ex.observe(state_, slot, slot, true, stale, loc);
      if (!memory.load(state_.id, store, order, view(ex, loc))) ex.discard_inconsistent();
      finish(ex, op, "= " + value_text(result), order, note);
      note_read(ex, stale);
      return result;
    }
    void store_step(Execution& ex, const T& desired, std::memory_order order,
                    const SourceLoc& loc) {
      const PendingOp op{OpKind::kStore, &state_, kNoThread, order, loc};
      ex.before(op);
      if (ex.abandoning()) {
        values_.push_back(desired);
        return;
      }
      MemoryGraph& memory = ex.memory();
      const auto& places = memory.store_places(state_.id, ex.clock());
      const std::uint32_t pick = ex.choose(static_cast<std::uint32_t>(places.size()));
      if (ex.abandoning()) {
        values_.push_back(desired);
        return;
      }
      const std::uint32_t place = places[pick];
      std::string note = ex.tracing() ? describe_store_place(memory, state_.id, place) : "";
      values_.push_back(desired);
      const auto slot = static_cast<std::uint32_t>(values_.size() - 1);
      if (!memory.store(state_.id, place, slot, order, view(ex, loc))) ex.discard_inconsistent();
      finish(ex, op, "= " + value_text(desired), order, note);
    }

    // A read-modify-write: one visible operation that replaces the value with next(old) and
    // returns old — or, decided split, a load and then a store (two operations).
    template <class Next>
    T rmw(SiteOp site, std::memory_order order, const SourceLoc& loc, const Next& next) {
      Execution& ex = Execution::current(loc);
      return intercepted(ex, site, state_, loc, order, [&](const Decision& d) {
        if (!d.split) return rmw_step(ex, d.order, loc, next);
        const T old = load_step(ex, split_load_order(order), loc);
        store_step(ex, next(old), split_store_order(order), loc);
        return old;
      });
    }
    template <class Next>
    T rmw_step(Execution& ex, std::memory_order order, const SourceLoc& loc, const Next& next) {
      const PendingOp op{OpKind::kRmw, &state_, kNoThread, order, loc};
      ex.before(op);
      if (ex.abandoning()) return run_out_update(next);
      MemoryGraph& memory = ex.memory();
      const auto& sources = memory.update_candidates(state_.id, ex.clock());
      const std::uint32_t pick = ex.choose(static_cast<std::uint32_t>(sources.size()));
      if (ex.abandoning()) return run_out_update(next);
      const std::uint32_t source = sources[pick];
      const T old = value_of(memory, source);
      const bool stale = source != memory.order_of(state_.id).newest();
      std::string note = ex.tracing() ? read_note(ex, source) : std::string();
      values_.push_back(next(old));
      const auto slot = static_cast<std::uint32_t>(values_.size() - 1);
      ex.observe(state_, memory.order_of(state_.id)[source].slot, slot,
                 same_value(old, values_[slot]), stale, loc);
      if (!memory.update(state_.id, source, slot, order, view(ex, loc))) ex.discard_inconsistent();
      finish(ex, op, value_text(old) + " -> " + value_text(values_[slot]), order, note);
      note_read(ex, stale);
      return old;
    }

    bool compare_exchange(T& expected, const T& desired, std::memory_order success,
                          std::memory_order failure, bool weak, const SourceLoc& loc) {
      Execution& ex = Execution::current(loc);
      return intercepted(
          ex, SiteOp::kCompareExchange, state_, loc, success, [&](const Decision& d) {
            if (d.split) return split_cas_step(ex, expected, desired, success, loc);
            // A mutant that weakens the order runs the failure order derived from the weaker one.
            const std::memory_order on_failure =
                d.order == success ? failure
                                   : HappensBefore::compare_exchange_failure_order(d.order);
            return cas_step(ex, expected, desired, d.order, on_failure, weak, loc);
          });
    }

    // A compare-exchange reads one store the memory graph allows: one whose value is `expected`
    // (and that no other read-modify-write follows) makes it succeed, as an update; any other makes
    // it fail, as a load with the failure order. A weak one may also fail on a match.
    bool cas_step(Execution& ex, T& expected, const T& desired, std::memory_order success,
                  std::memory_order failure, bool weak, const SourceLoc& loc) {
      const PendingOp op{OpKind::kRmw, &state_, kNoThread, success, loc};
      ex.before(op);
      if (ex.abandoning()) return run_out_compare_exchange(expected, desired);
      MemoryGraph& memory = ex.memory();
      const ModificationOrder& mo = memory.order_of(state_.id);
      struct Option {
        std::uint32_t store;
        bool succeeds;
      };
      std::vector<Option> options;
      for (const std::uint32_t store : memory.load_candidates(state_.id, ex.clock())) {
        if (!(value_of(memory, store) == expected)) {
          options.push_back({store, false});
        } else if (!mo.followed_by_update(store)) {
          options.push_back({store, true});
          if (weak) options.push_back({store, false});  // a spurious failure
        }
      }
      const std::uint32_t pick = ex.choose(static_cast<std::uint32_t>(options.size()));
      if (ex.abandoning()) return run_out_compare_exchange(expected, desired);
      const Option chosen = options[pick];
      const T seen = value_of(memory, chosen.store);
      const bool stale = chosen.store != mo.newest();
      std::string note = ex.tracing() ? read_note(ex, chosen.store) : std::string();
      const std::uint32_t seen_slot = mo[chosen.store].slot;
      if (chosen.succeeds) {
        values_.push_back(desired);
        const auto slot = static_cast<std::uint32_t>(values_.size() - 1);
        ex.observe(state_, seen_slot, slot, same_value(seen, desired), stale, loc);
        if (!memory.update(state_.id, chosen.store, slot, success, view(ex, loc))) {
          ex.discard_inconsistent();
        }
        finish(ex, op, "cas " + value_text(seen) + " -> " + value_text(desired) + " ok", success,
               note);
        note_read(ex, stale);
        return true;
      }
      ex.observe(state_, seen_slot, seen_slot, true, stale, loc);
      if (!memory.load(state_.id, chosen.store, failure, view(ex, loc))) ex.discard_inconsistent();
      const bool spurious = seen == expected;
      expected = seen;
      finish(ex, op,
             spurious ? "cas failed spuriously, saw " + value_text(seen)
                      : "cas failed, saw " + value_text(seen),
             failure, note);
      note_read(ex, stale);
      return false;
    }
    // Decided split: a load, then (when it saw `expected`) a store — another thread can step in.
    bool split_cas_step(Execution& ex, T& expected, const T& desired, std::memory_order order,
                        const SourceLoc& loc) {
      const T seen = load_step(ex, split_load_order(order), loc);
      if (!(seen == expected)) {
        expected = seen;
        return false;
      }
      store_step(ex, desired, split_store_order(order), loc);
      return true;
    }

    // Whether a read-modify-write wrote back the value it read (fair spinning: it changed nothing).
    static bool same_value(const T& a, const T& b) {
      if constexpr (std::equality_comparable<T>) {
        return a == b;
      } else {
        return false;
      }
    }

    // A stopped execution's threads run on unchecked, as a sequential program (Execution::
    // abandoning()): the last value stored is the value.
    template <class Next>
    T run_out_update(const Next& next) {
      const T old = values_.back();
      values_.push_back(next(old));
      return old;
    }
    bool run_out_compare_exchange(T& expected, const T& desired) {
      if (!(values_.back() == expected)) {
        expected = values_.back();
        return false;
      }
      values_.push_back(desired);
      return true;
    }

    // Tracing: the row of the store the step just ended read (the memory graph keeps every
    // store's row), and whether it was stale (`stale`: not the newest when it was read).
    static void note_read(Execution& ex, bool stale) {
      if (!ex.tracing() || ex.memory().events().empty()) return;
      const MemoryGraph& memory = ex.memory();
      const MemoryEvent& self = memory.events().back();
      if (self.reads_from < 0) return;
      const MemoryEvent& read = memory.events()[static_cast<std::size_t>(self.reads_from)];
      ex.note_read(read.kind == MemoryEventKind::kInit ? 0 : read.trace_row, stale);
    }

    // Ends the step, with the trace's detail when tracing.
    static void finish(Execution& ex, const PendingOp& op, std::string what,
                       std::memory_order order, const std::string& note) {
      if (!ex.tracing()) {
        ex.after(op);
        return;
      }
      ex.after(op, what + " (" + std::string(order_name(order)) + ")" + note);
    }

    std::vector<T> values_;  // every value stored, by slot (the initial one first)
    AtomicState state_;
    WaiterSet waiters_;  // Atomic::wait's sleepers: the atomic's id, kind and name
  };

  // std::atomic_thread_fence: its release, acquire and seq_cst effects (memory_graph.hpp).
  static void fence(std::memory_order order, SourceLoc loc = SourceLoc::current());

  // Plain data shared between threads: every access is checked for a data race; in symptom mode
  // every access is also a decision point.
  template <class T>
  class Shared {
   public:
    explicit Shared(T initial = T{}, std::string_view name = {},
                    SourceLoc loc = SourceLoc::current())
        : value_(std::move(initial)) {
      header_.kind = "shared";
      header_.name = name;
      // Construction writes the value. In the common case (a model thread's,
      // plain_shared_access()) that is what access() does then but the race check: a new
      // object's history is empty, and its first write races with nothing. Inline, and calling
      // nothing, so that it needs no frame; anything else goes to general_construction(), with
      // nothing done yet.
      Execution* const ex = Execution::current_or_null();
      if (ex != nullptr && ex->plain_shared_access()) [[likely]] {
        const ThreadId self = ex->self();
        const Epoch epoch{self, ex->clock()[self]};
        ex->lifetimes().note(self, loc);
        ex->register_object(header_);
        ex->note_plain_shared_access(true);
        history_.note_construction(epoch, loc);
        return;
      }
      general_construction(loc);
    }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;
    // A write (lifetime.hpp): the last write and every read since must happen before it.
    //
    // The common case (a model thread's, the object alive, no uncommon mode, no race and room for
    // the grave) is inline and calls nothing, so that it needs no frame: what the general case
    // (general_destruction()) does then. Anything else goes there, with nothing done yet.
    ~Shared() {
      Execution* const ex = Execution::current_or_null();
      if (ex != nullptr && header_.alive() && !ex->uncommon_access()) [[likely]] {
        const ThreadId self = ex->self();
        const VectorClock& clock = ex->clock();
        if (history_.write_ordered(Epoch{self, clock[self]}, clock) &&
            ex->lifetimes().bury_if_room(header_, self, ex->lifetimes().last(self),
                                         ex->trace_row())) [[likely]] {
          header_.mark_destroyed();
          return;
        }
      }
      general_destruction();
    }

    // Under a decision that releases a held mutex around the read (kAround), the relock (a
    // decision point) comes before the caller copies the value: a write another thread makes in
    // that gap races with this read and is reported.
    //
    // The common case (a model thread's access, plain_shared_access(), the object alive, no race)
    // is inline and calls nothing but in tail position, so that it saves no registers: what
    // plain_unit() and access() do then, in their order, but for the trace row, which an untraced
    // access does not keep (race_detector.hpp). Anything else goes out of line, to the general
    // path (nothing done yet: not even Execution::current(), whose report of a foreign thread it
    // makes) or to the race's report (the access done, as access() does it); both take the place
    // by value, so that the common case keeps it in registers and needs no frame.
    const T& load(SourceLoc loc = SourceLoc::current()) const {
      auto* self = const_cast<Shared*>(this);
      Execution* const ex = Execution::current_or_null();
      if (ex == nullptr || !header_.alive() || !ex->plain_shared_access()) [[unlikely]] {
        return self->general_load(loc);
      }
      ex->lifetimes().note(ex->self(), loc);
      const Epoch epoch{ex->self(), ex->clock()[ex->self()]};
      ex->note_plain_shared_access(false);
      if (!self->history_.read_if_ordered(epoch, ex->clock(), loc)) [[unlikely]] {
        return self->racing_load(*ex, epoch, loc);
      }
      return value_;
    }
    void store(T value, SourceLoc loc = SourceLoc::current()) {
      Execution* const ex = Execution::current_or_null();
      if (ex == nullptr || !header_.alive() || !ex->plain_shared_access()) [[unlikely]] {
        general_store(std::move(value), loc);
        return;
      }
      ex->lifetimes().note(ex->self(), loc);
      const Epoch epoch{ex->self(), ex->clock()[ex->self()]};
      value_ = std::move(value);
      ex->note_plain_shared_access(true);
      if (!history_.write_if_ordered(epoch, ex->clock(), loc)) [[unlikely]] {
        racing_store(*ex, epoch, loc);
      }
    }
    // The plain `x += d`: a read and then a write, not atomic (two accesses, and in symptom mode
    // two decision points, so a lost update can be seen); one access unit: no decision releases a
    // mutex inside it, as no source can put an unlock inside `x += d`.
    void add(const T& delta, SourceLoc loc = SourceLoc::current()) {
      const auto body = [&](Execution& on, const SourceLoc& at) {
        T sum{};
        access<false>(on, at, [&] { sum = value_ + delta; });
        access<true>(on, at, [&] { value_ = std::move(sum); });
      };
      Execution& ex = Execution::current(loc);
      if (plain_unit(ex, loc)) [[likely]] {
        body(ex, loc);
        return;
      }
      unit(ex, SiteOp::kAdd, loc, body);
    }

   private:
    // The destruction in general (begin_destruction()'s cases, a race, the graves full).
    [[gnu::noinline]] void general_destruction() noexcept {
      Execution* ex = begin_destruction(header_);
      if (ex == nullptr) return;
      const Access destruction = destruction_access(*ex);
      const Epoch epoch{ex->self(), ex->clock()[ex->self()]};
      // Checked, and recorded only where it races (on_write(), out of line): the history goes
      // with the object.
      if (!history_.write_ordered(epoch, ex->clock())) [[unlikely]] {
        racing_destruction(*ex, destruction, epoch);
        return;
      }
      end_destruction(*ex, header_, destruction, std::nullopt);
    }

    // load() and store() in general (a foreign thread, any mode, a hook, a destroyed object, the
    // bound reached).
    [[gnu::noinline]] const T& general_load(SourceLoc loc) {
      Execution& ex = Execution::current(loc);
      if (plain_unit(ex, loc)) {
        access<false>(ex, loc, [] {});
      } else {
        unit(ex, SiteOp::kRead, loc,
             [this](Execution& on, const SourceLoc& at) { access<false>(on, at, [] {}); });
      }
      return value_;
    }
    [[gnu::noinline]] void general_store(T value, SourceLoc loc) {
      Execution& ex = Execution::current(loc);
      if (plain_unit(ex, loc)) {
        access<true>(ex, loc, [&] { value_ = std::move(value); });
        return;
      }
      unit(ex, SiteOp::kWrite, loc, [&](Execution& on, const SourceLoc& at) {
        access<true>(on, at, [&] { value_ = std::move(value); });
      });
    }
    // The construction in general (a foreign thread, any mode, a hook, the bound reached): out of
    // line, so that the common case's frame holds none of access()'s uncommon paths.
    [[gnu::noinline]] void general_construction(SourceLoc loc) {
      Execution& ex = Execution::current(loc);
      ex.register_object(header_);
      access<true>(ex, loc, [] {});
      ex.lifetimes().note(ex.self(), loc);
    }
    // The race check of a common-case access that found a race (and recorded nothing): check()'s.
    [[gnu::noinline, gnu::cold]] void racing_store(Execution& ex, Epoch epoch, SourceLoc loc) {
      check<true>(ex, epoch, loc, ex.trace_row());
    }
    [[gnu::noinline, gnu::cold]] const T& racing_load(Execution& ex, Epoch epoch, SourceLoc loc) {
      check<false>(ex, epoch, loc, ex.trace_row());
      return value_;
    }

    // The interception point's common case, for an access unit, inline: the object is alive
    // and no hook is attached, so the unit is the access itself once the thread's place is noted
    // (what intercepted() does then). False: the unit goes through unit(), out of line.
    [[gnu::always_inline]] bool plain_unit(Execution& ex, const SourceLoc& loc) {
      if (!header_.alive() || ex.intercepting()) [[unlikely]] {
        return false;
      }
      ex.lifetimes().note(ex.self(), loc);
      return true;
    }

    // One access unit: `body(ex, loc)`, through the interception point.
    template <class Body>
    [[gnu::noinline]] void unit(Execution& ex, SiteOp op, const SourceLoc& loc, const Body& body) {
      intercepted(ex, op, header_, loc, std::memory_order_seq_cst,
                  [&](const Decision&) { body(ex, loc); });
    }

    // One access. The write flag is a template argument, not a run-time one: each access site
    // then keeps only its own race check. An ordinary access (no symptom mode, no trace, not
    // abandoning) takes one test of the three modes and then the check, with nothing of the
    // uncommon modes' code (and its spills) in between.
    template <bool kWrite, class Effect>
    [[gnu::always_inline]] void access(Execution& ex, const SourceLoc& loc, Effect&& effect) {
      if (ex.uncommon_access()) [[unlikely]] {
        uncommon_access<kWrite>(ex, loc, std::forward<Effect>(effect));
        return;
      }
      const Epoch epoch{ex.self(), ex.clock()[ex.self()]};
      const std::uint32_t row = ex.trace_row();
      effect();
      ex.note_shared_access(header_, kWrite, {}, loc);
      check<kWrite>(ex, epoch, loc, row);
    }

    // An access while abandoning, in symptom mode or tracing: out of line, as none is the hot path.
    template <bool kWrite, class Effect>
    [[gnu::noinline]] void uncommon_access(Execution& ex, const SourceLoc& loc, Effect&& effect) {
      // The operation, built only where it is a step (symptom mode) or a run-out turn: an
      // ordinary access is a check, not a step.
      const auto op = [&] {
        return PendingOp{kWrite ? OpKind::kWrite : OpKind::kRead, &header_, kNoThread,
                         std::memory_order_relaxed, loc};
      };
      if (ex.abandoning()) {
        ex.run_out_access(op());
        effect();
        return;
      }
      if (ex.symptom_mode()) {
        ex.before(op());
        if (ex.abandoning()) {
          effect();
          return;
        }
      }
      const Epoch epoch{ex.self(), ex.clock()[ex.self()]};
      const std::uint32_t row = ex.trace_row();
      effect();
      // The value is put in words only for a trace: on every access it would cost more than the
      // rest of the access.
      if (ex.symptom_mode()) {
        ex.after(op(), ex.tracing() ? "= " + value_text(value_) : std::string());
      } else {
        ex.note_shared_access(header_, kWrite, "= " + value_text(value_), loc);
      }
      check<kWrite>(ex, epoch, loc, row);
    }

    // The race check of an access by `epoch` (trace row `row`).
    template <bool kWrite>
    [[gnu::always_inline]] void check(Execution& ex, Epoch epoch, const SourceLoc& loc,
                                      std::uint32_t row) {
      const auto race = kWrite ? history_.on_write(epoch, ex.clock(), loc, row, ex.tracing())
                               : history_.on_read(epoch, ex.clock(), loc, row, ex.tracing());
      if (race) [[unlikely]]
        report_race(ex, *race);
    }
    // The destruction that races with an access (~Shared): out of line, as the race's report is,
    // so that the destructor's own frame holds no Race.
    [[gnu::noinline, gnu::cold]] void racing_destruction(Execution& ex, const Access& destruction,
                                                         Epoch epoch) {
      const std::optional<Race> race =
          history_.on_write(epoch, ex.clock(), destruction.loc, destruction.step, ex.tracing());
      end_destruction(ex, header_, destruction, unordered_side(*race));
    }
    // Out of line: a Failure on the access's own frame made every access save six registers and
    // reserve some 400 bytes of stack.
    [[gnu::noinline, gnu::cold]] void report_race(Execution& ex, const Race& race) {
      ex.fail(race_failure(header_, race));
    }

    T value_;
    ObjectHeader header_;
    AccessHistory history_;
  };

  class OnceFlag {
   public:
    OnceFlag();
    OnceFlag(const OnceFlag&) = delete;
    OnceFlag& operator=(const OnceFlag&) = delete;
    // A write (lifetime.hpp): every other thread's last call_once must happen before it, and no
    // thread may be running its initialiser.
    ~OnceFlag();

   private:
    friend struct ModelSync;
    OnceState state_;
  };

  // std::call_once: the first caller runs `f` while the others wait; its completion happens
  // before every call_once on the flag returns. An exception from `f` leaves the flag unset.
  template <class F>
  static void call_once(OnceFlag& flag, F&& f, SourceLoc loc = SourceLoc::current()) {
    Execution& ex = Execution::current(loc);
    OnceState& state = flag.state_;
    intercepted(ex, SiteOp::kCallOnce, state, loc, std::memory_order_seq_cst,
                [&](const Decision&) { run_once(ex, state, std::forward<F>(f), loc); });
  }

 private:
  template <class F>
  static void run_once(Execution& ex, OnceState& state, F&& f, const SourceLoc& loc) {
    // While abandoning, this runs unchecked (after() records nothing).
    const PendingOp op{OpKind::kCallOnce, &state, kNoThread, std::memory_order_acq_rel, loc};
    ex.before(op);
    if (state.phase == OnceState::Phase::kDone) {
      HappensBefore::once_found_done(ex.clock(), state.released);
      state.last_ops.note(ex.self(), ex.clock(), OpKind::kCallOnce, loc, ex.trace_row());
      ex.after(op, "already done");
      return;
    }
    state.phase = OnceState::Phase::kRunning;
    state.runner = ex.self();
    state.last_ops.note(ex.self(), ex.clock(), OpKind::kCallOnce, loc, ex.trace_row());
    ex.after(op, "runs the initialiser");
    try {
      std::forward<F>(f)();
    } catch (...) {
      state.phase = OnceState::Phase::kIdle;
      state.runner = kNoThread;
      throw;
    }
    // Completing the initialiser is a release that wakes the waiters.
    const PendingOp done{OpKind::kOnceDone, &state, kNoThread, std::memory_order_release, loc};
    ex.before(done);
    state.phase = OnceState::Phase::kDone;
    state.runner = kNoThread;
    HappensBefore::once_completed(state.released, ex.clock());
    state.last_ops.note(ex.self(), ex.clock(), OpKind::kOnceDone, loc, ex.trace_row());
    ex.after(done, "initialiser done");
  }
};

}  // namespace doublecheck::model
