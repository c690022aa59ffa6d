// ModelSync: the explorer's synchronisation policy for the seam (DESIGN.md). The emitter compiled
// as BasicTelemetryEmitter<ModelSync> runs inside the explorer: every operation here is a visible
// operation of the current model thread (model/engine/execution.hpp), with happens-before tracked
// by vector clocks (every transfer is one of model/engine/happens_before.hpp) and every Shared<T>
// access checked for data races. Every synchronisation operation and Shared access unit goes
// through the engine's interception point (intercepted(), model/engine/operation_hook.hpp), where a
// hook may change how it runs; nothing here knows what the hook is for.
//
// The interface is StdSync's (seam/std_sync.hpp); so is the meaning, minus weak-memory
// reorderings: atomics take the values of a sequentially consistent interleaving, and memory
// orders decide only what happens-before (relaxed orders nothing, release/acquire pairs do).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "model/engine/execution.hpp"
#include "model/engine/happens_before.hpp"
#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "model/engine/race_detector.hpp"
#include "model/engine/value_text.hpp"
#include "seam/source_loc.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::model {

// The failure report for a race on `object`.
Failure race_failure(const ObjectHeader& object, const Race& race);

// A model assertion: fails the execution with `message` when `condition` is false.
void check(bool condition, std::string_view message, SourceLoc loc = SourceLoc::current());

// A visible no-op: lets the scheduler switch here (spin loops must yield or they exhaust the
// step bound).
void yield(SourceLoc loc = SourceLoc::current());

// The lock and the unlock of a mutex, one visible operation each: the bodies of Mutex::lock and
// Mutex::unlock, and what a decision that releases a held mutex performs (`detail`, for the trace,
// says so). lock_mutex_state returns whether it took the mutex (not while abandoning, nor on a
// relock, which fails the execution).
bool lock_mutex_state(Execution& ex, MutexState& mutex, const SourceLoc& loc,
                      std::string detail = {});
void unlock_mutex_state(Execution& ex, MutexState& mutex, const SourceLoc& loc,
                        std::string detail = {});

// The interception point as every operation of ModelSync passes it: `op` on `object` at `loc`,
// written with `order`, runs as `perform(decision)`. With no hook (an ordinary run) the decision is
// the operation as written, after one test of a pointer. With one, the hook decides
// (Execution::intercept) and a mutex the decision releases is unlocked before `perform` and locked
// again before it (kGapBefore) or after it (kAround); `perform` does the rest of what is decided
// (a skip, another order, a split). Explicit calls, not a guard object: a lock is a visible
// operation that may unwind the thread, never to run in a destructor.
Decision begin_intercepted(Execution& ex, const OperationSite& site);
void end_intercepted(Execution& ex, const Decision& decision, const SourceLoc& loc);

template <class Perform>
decltype(auto) intercepted(Execution& ex, SiteOp op, ObjectHeader& object, const SourceLoc& loc,
                           std::memory_order order, Perform&& perform) {
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

// A model thread, spawned and joined like std::thread. Destroying it while joinable is reported
// as a failure (std::thread would call std::terminate).
class thread {
 public:
  // Any callable but a thread itself: a thread lvalue must not be taken for a body (it is
  // neither copyable nor a callable), and an rvalue goes to the move constructor.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, thread>>>
  explicit thread(F&& body, SourceLoc loc = SourceLoc::current())
      : id_(Execution::current().spawn(std::function<void()>(std::forward<F>(body)), loc)),
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
  ThreadId id_;
  SourceLoc loc_;  // where it was spawned
  bool joinable_ = true;
};

struct ModelSync {
  class DC_CAPABILITY("mutex") Mutex {
   public:
    explicit Mutex(std::string_view name = {});
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE();
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE();
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true);

   private:
    bool try_lock_step(Execution& ex, const SourceLoc& loc);

    MutexState state_;
  };

  template <class T>
  class Atomic {
   public:
    explicit Atomic(T initial = T{}, std::string_view name = {}) : value_(initial) {
      state_.kind = "atomic";
      state_.name = name;
      Execution::current().register_object(state_);
    }
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    T load(std::memory_order order = std::memory_order_seq_cst,
           SourceLoc loc = SourceLoc::current()) const {
      auto* self = const_cast<Atomic*>(this);
      Execution& ex = Execution::current();
      return intercepted(ex, SiteOp::kLoad, self->state_, loc, order,
                         [&](const Decision& d) { return self->load_step(ex, d.order, loc); });
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      Execution& ex = Execution::current();
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
      Execution& ex = Execution::current();
      return intercepted(ex, SiteOp::kCompareExchange, state_, loc, order, [&](const Decision& d) {
        return d.split ? split_cas_step(ex, expected, desired, order, loc)
                       : cas_step(ex, expected, desired, d.order, loc);
      });
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

   private:
    T load_step(Execution& ex, std::memory_order order, const SourceLoc& loc) {
      return access(ex, OpKind::kLoad, order, loc,
                    [this] {
                      return std::pair{value_, value_};
                    })
          .first;
    }
    void store_step(Execution& ex, const T& desired, std::memory_order order,
                    const SourceLoc& loc) {
      access(ex, OpKind::kStore, order, loc, [&] {
        value_ = desired;
        return std::pair{desired, desired};
      });
    }

    // A read-modify-write: one visible operation that replaces the value with next(old) and
    // returns old — or, decided split, a load and then a store (two operations).
    template <class Next>
    T rmw(SiteOp site, std::memory_order order, const SourceLoc& loc, const Next& next) {
      Execution& ex = Execution::current();
      return intercepted(ex, site, state_, loc, order, [&](const Decision& d) {
        if (!d.split) return rmw_step(ex, d.order, loc, next);
        const T old = load_step(ex, split_load_order(order), loc);
        if (!ex.abandoning()) store_step(ex, next(old), split_store_order(order), loc);
        return old;
      });
    }
    template <class Next>
    T rmw_step(Execution& ex, std::memory_order order, const SourceLoc& loc, const Next& next) {
      return access(ex, OpKind::kRmw, order, loc,
                    [&] {
                      const T old = value_;
                      value_ = next(old);
                      return std::pair{old, value_};
                    })
          .first;
    }

    bool cas_step(Execution& ex, T& expected, const T& desired, std::memory_order order,
                  const SourceLoc& loc) {
      const PendingOp op{OpKind::kRmw, &state_, kNoThread, order, loc};
      ex.before(op);
      if (ex.abandoning()) return false;
      const bool success = value_ == expected;
      if (success) {
        HappensBefore::rmw(ex.clock(), state_.released, order);
        value_ = desired;
      } else {
        expected = value_;
        HappensBefore::failed_compare_exchange(ex.clock(), state_.released, order);
      }
      ex.after(op, ex.tracing() ? (success ? "cas " + value_text(expected) + " -> " +
                                                 value_text(desired) + " ok"
                                           : "cas failed, saw " + value_text(value_)) +
                                      " (" + std::string(order_name(order)) + ")"
                                : std::string());
      return success;
    }
    // Decided split: a load, then (when it saw `expected`) a store — another thread can step in.
    bool split_cas_step(Execution& ex, T& expected, const T& desired, std::memory_order order,
                        const SourceLoc& loc) {
      const T seen = load_step(ex, split_load_order(order), loc);
      if (ex.abandoning()) return false;
      if (!(seen == expected)) {
        expected = seen;
        return false;
      }
      store_step(ex, desired, split_store_order(order), loc);
      return true;
    }

    // One visible operation: park, apply `effect` (returns {result, value now held}), update
    // happens-before by `order`, trace.
    template <class Effect>
    std::pair<T, T> access(Execution& ex, OpKind kind, std::memory_order order,
                           const SourceLoc& loc, Effect&& effect) {
      const PendingOp op{kind, &state_, kNoThread, order, loc};
      ex.before(op);
      if (ex.abandoning()) return {value_, value_};
      const std::pair<T, T> result = effect();
      switch (kind) {
        case OpKind::kLoad:
          HappensBefore::load(ex.clock(), state_.released, order);
          break;
        case OpKind::kStore:
          HappensBefore::store(state_.released, ex.clock(), order);
          break;
        default:
          HappensBefore::rmw(ex.clock(), state_.released, order);
          break;
      }
      if (ex.tracing()) {
        std::string detail = kind == OpKind::kLoad ? "= " + value_text(result.first)
                             : kind == OpKind::kStore
                                 ? "= " + value_text(result.second)
                                 : value_text(result.first) + " -> " + value_text(result.second);
        ex.after(op, detail + " (" + std::string(order_name(order)) + ")");
      } else {
        ex.after(op);
      }
      return result;
    }

    T value_;
    AtomicState state_;
  };

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
      Execution& ex = Execution::current();
      ex.register_object(header_);
      access(ex, true, loc, [] {});  // construction writes the value
    }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

    // Under a decision that releases a held mutex around the read (kAround), the relock (a
    // decision point) comes before the caller copies the value: a write another thread makes in
    // that gap races with this read and is reported.
    const T& load(SourceLoc loc = SourceLoc::current()) const {
      auto* self = const_cast<Shared*>(this);
      self->unit(
          Execution::current(), SiteOp::kRead, loc,
          [self](Execution& ex, const SourceLoc& at) { self->access(ex, false, at, [] {}); });
      return value_;
    }
    void store(T value, SourceLoc loc = SourceLoc::current()) {
      unit(Execution::current(), SiteOp::kWrite, loc, [&](Execution& ex, const SourceLoc& at) {
        access(ex, true, at, [&] { value_ = std::move(value); });
      });
    }
    // The plain `x += d`: a read and then a write, not atomic (two accesses, and in symptom mode
    // two decision points, so a lost update can be seen); one access unit: no decision releases a
    // mutex inside it, as no source can put an unlock inside `x += d`.
    void add(const T& delta, SourceLoc loc = SourceLoc::current()) {
      unit(Execution::current(), SiteOp::kAdd, loc, [&](Execution& ex, const SourceLoc& at) {
        T sum{};
        access(ex, false, at, [&] { sum = value_ + delta; });
        access(ex, true, at, [&] { value_ = std::move(sum); });
      });
    }

   private:
    // One access unit: `body(ex, loc)`, through the interception point.
    template <class Body>
    void unit(Execution& ex, SiteOp op, const SourceLoc& loc, const Body& body) {
      intercepted(ex, op, header_, loc, std::memory_order_seq_cst,
                  [&](const Decision&) { body(ex, loc); });
    }

    template <class Effect>
    void access(Execution& ex, bool write, const SourceLoc& loc, Effect&& effect) {
      if (ex.abandoning()) {
        effect();
        return;
      }
      const PendingOp op{write ? OpKind::kWrite : OpKind::kRead, &header_, kNoThread,
                         std::memory_order_relaxed, loc};
      if (ex.symptom_mode()) {
        ex.before(op);
        if (ex.abandoning()) {
          effect();
          return;
        }
      }
      const Epoch epoch{ex.self(), ex.clock()[ex.self()]};
      const std::uint32_t row = ex.trace_row();
      effect();
      std::string detail = ex.tracing() ? "= " + value_text(value_) : std::string();
      if (ex.symptom_mode()) {
        ex.after(op, std::move(detail));
      } else {
        ex.note_shared_access(header_, write, std::move(detail), loc);
      }
      const auto race = write ? history_.on_write(epoch, ex.clock(), loc, row)
                              : history_.on_read(epoch, ex.clock(), loc, row);
      if (race) ex.fail(race_failure(header_, *race));
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

   private:
    friend struct ModelSync;
    OnceState state_;
  };

  // std::call_once: the first caller runs `f` while the others wait; its completion happens
  // before every call_once on the flag returns. An exception from `f` leaves the flag unset.
  template <class F>
  static void call_once(OnceFlag& flag, F&& f, SourceLoc loc = SourceLoc::current()) {
    Execution& ex = Execution::current();
    OnceState& state = flag.state_;
    intercepted(ex, SiteOp::kCallOnce, state, loc, std::memory_order_seq_cst,
                [&](const Decision&) { run_once(ex, state, std::forward<F>(f), loc); });
  }

 private:
  template <class F>
  static void run_once(Execution& ex, OnceState& state, F&& f, const SourceLoc& loc) {
    const PendingOp op{OpKind::kCallOnce, &state, kNoThread, std::memory_order_acq_rel, loc};
    ex.before(op);
    if (ex.abandoning()) return;
    if (state.phase == OnceState::Phase::kDone) {
      HappensBefore::once_found_done(ex.clock(), state.released);
      ex.after(op, "already done");
      return;
    }
    state.phase = OnceState::Phase::kRunning;
    state.runner = ex.self();
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
    if (ex.abandoning()) return;
    state.phase = OnceState::Phase::kDone;
    state.runner = kNoThread;
    HappensBefore::once_completed(state.released, ex.clock());
    ex.after(done, "initialiser done");
  }
};

}  // namespace doublecheck::model
