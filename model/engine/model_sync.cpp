#include "model/engine/model_sync.hpp"

#include <algorithm>
#include <bit>
#include <new>
#include <string>
#include <vector>

namespace doublecheck::model {
namespace {

std::string describe_access(const Access& access) {
  return thread_name(access.thread) + (access.write ? " writes" : " reads") + " at " +
         location_text(access.loc);
}

// " after refcount.hpp:31 (its last operation before the destruction)": where a destruction
// was (lifetime.hpp).
std::string after_text(const SourceLoc& after) {
  if (after.line == 0) return " before any operation of its own";
  return " after " + location_text(after) + " (its last operation before the destruction)";
}

bool writes(OpKind kind) { return kind != OpKind::kRead && kind != OpKind::kLoad; }

Failure destruction_race(const ObjectHeader& object, const UnorderedAccess& other,
                         const Access& destruction) {
  Failure failure;
  failure.kind = FailureKind::kDataRace;
  failure.object = display_name(object);
  failure.message = "data race on " + failure.object + ": " + thread_name(destruction.thread) +
                    " destroys it" + after_text(destruction.loc) + ", and " +
                    thread_name(other.thread) + "'s " + std::string(op_name(other.kind)) + " at " +
                    location_text(other.loc) +
                    " does not happen before the destruction (no happens-before between them)";
  failure.accesses = {Access{other.thread, writes(other.kind), other.loc, other.row}, destruction};
  return failure;
}

// A mutex destroyed while a thread holds it, a once-flag while a thread runs its initialiser:
// undefined in C++, and the holder's unlock (the runner's completion) would touch a destroyed
// object.
Failure destroyed_in_use(const ObjectHeader& object, const UnorderedAccess& holder,
                         const Access& destruction) {
  const bool once = object.kind == "once";
  const std::string name = display_name(object);
  const std::string who =
      holder.thread == destruction.thread ? "it itself" : thread_name(holder.thread);
  return Failure::make(FailureKind::kUseAfterFree,
                       thread_name(destruction.thread) + " destroys " + name +
                           after_text(destruction.loc) +
                           (once ? " while " + who + " runs its initialiser (call_once at "
                                 : " while " + who + " holds it (its lock at ") +
                           location_text(holder.loc) +
                           "): " + (once ? "the initialiser's completion" : "the unlock") +
                           " would use a destroyed " + std::string(once ? "once-flag" : "mutex"),
                       name, {Access{holder.thread, true, holder.loc, holder.row}, destruction});
}

// Execution::fail from code that must not throw (a destructor). fail() throws nothing into model
// code of its own (the thread is unwound only where nothing but cleanups lies on the way, and this
// function is noexcept: it runs on unchecked); only an allocation can fail here.
void fail_quietly(Execution& ex, Failure failure) noexcept {
  try {
    ex.fail(std::move(failure));
  } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): the report is lost
  }
}

// The report of a use (`use`, for the message; `access`, of kind `kind`) of `object`, whose header
// is not alive, naming its destruction when the execution recorded one at that address.
void report_use_after_free(Execution& ex, const ObjectHeader& object, const std::string& use,
                           const Access& access, OpKind kind, bool quietly) {
  Failure failure;
  failure.kind = FailureKind::kUseAfterFree;
  if (const Grave* grave = ex.lifetimes().grave(&object)) {
    failure.object = display_name(*grave);
    failure.message = "use after free of " + failure.object + ": " + use + ", after " +
                      thread_name(grave->thread) + " destroyed it" + after_text(grave->after);
    failure.accesses = {Access{grave->thread, true, grave->after, grave->row}, access};
  } else {
    failure.message = "use after free: " + use +
                      " touches a model object that is not alive (destroyed and its memory "
                      "reused, or never constructed)";
    failure.accesses = {access};
  }
  // Traced without the object's header, which is not to be read.
  ex.trace_lifetime(kind, nullptr, failure.object + ": USE AFTER FREE", access.loc);
  if (quietly) {
    fail_quietly(ex, std::move(failure));
  } else {
    ex.fail(std::move(failure));
  }
}

}  // namespace

Execution* begin_uncommon_destruction(ObjectHeader& object) noexcept {
  Execution* ex = Execution::current_or_null();
  if (!object.alive()) {
    // Destroyed before (a double delete) or never a model object: its header is not read further.
    if (ex != nullptr && !ex->abandoning()) {
      try {
        const Access again = destruction_access(*ex);
        report_use_after_free(
            *ex, object, thread_name(again.thread) + " destroys it again" + after_text(again.loc),
            again, OpKind::kDestroy, true);
      } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): the report is lost
      }
    }
    return nullptr;
  }
  if (ex == nullptr || ex->abandoning()) {
    object.mark_destroyed();
    return nullptr;
  }
  return ex;
}

void end_reported_destruction(Execution& ex, ObjectHeader& object, const Access& destruction,
                              const std::optional<UnorderedAccess>& conflict,
                              const std::optional<UnorderedAccess>& holder) noexcept {
  if (ex.tracing()) {
    try {
      ex.trace_lifetime(OpKind::kDestroy, &object, "after", destruction.loc);
    } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): the row is lost
    }
  }
  if (!conflict && !holder) [[likely]] {
    ex.lifetimes().bury(object, destruction.thread, destruction.loc, destruction.step);
    object.mark_destroyed();
    return;
  }
  std::optional<Failure> failure;
  try {
    failure = conflict ? destruction_race(object, *conflict, destruction)
                       : destroyed_in_use(object, *holder, destruction);
  } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): the report is lost
  }
  ex.lifetimes().bury(object, destruction.thread, destruction.loc, destruction.step);
  object.mark_destroyed();
  if (failure) fail_quietly(ex, std::move(*failure));
}

UnorderedAccess unordered_side(const Race& race) noexcept {
  return UnorderedAccess{race.earlier.thread, race.earlier.write ? OpKind::kWrite : OpKind::kRead,
                         race.earlier.loc, race.earlier.step};
}

std::optional<UnorderedAccess> unordered_atomic_access(Execution& ex,
                                                       std::uint32_t location) noexcept {
  const MemoryGraph& memory = ex.memory();
  const std::optional<std::uint32_t> index =
      memory.unordered_access(location, ex.self(), ex.clock(), ex.thread_count());
  if (!index) return std::nullopt;
  const MemoryEvent& event = memory.events()[*index];
  OpKind kind = OpKind::kRmw;
  if (event.kind == MemoryEventKind::kLoad) kind = OpKind::kLoad;
  if (event.kind == MemoryEventKind::kStore) kind = OpKind::kStore;
  if (event.kind == MemoryEventKind::kInit) kind = OpKind::kWrite;  // the construction
  return UnorderedAccess{event.at.thread, kind, event.loc, event.trace_row};
}

void use_after_free(Execution& ex, SiteOp op, const ObjectHeader& object, const SourceLoc& loc) {
  if (ex.abandoning()) return;
  report_use_after_free(
      ex, object,
      thread_name(ex.self()) + "'s " + std::string(site_op_name(op)) + " at " + location_text(loc),
      Access{ex.self(), op != SiteOp::kLoad && op != SiteOp::kRead, loc, ex.trace_row()},
      op_kind(op), op == SiteOp::kUnlock);
}

Failure race_failure(const ObjectHeader& object, const Race& race) {
  Failure failure;
  failure.kind = FailureKind::kDataRace;
  failure.object = display_name(object);
  failure.message = "data race on " + failure.object + ": " + describe_access(race.later) +
                    ", and " + describe_access(race.earlier) +
                    " earlier with no happens-before between them";
  failure.accesses = {race.earlier, race.later};
  return failure;
}

std::string describe_read(const MemoryGraph& memory, std::uint32_t location, std::uint32_t store,
                          const std::string& newest_value) {
  if (!memory.weak()) return {};
  const ModificationOrder& mo = memory.order_of(location);
  const MemoryEvent& source = memory.events()[mo[store].event];
  std::string note =
      source.kind == MemoryEventKind::kInit
          ? "; read the initial value"
          : "; read " + thread_name(source.at.thread) + "'s store at " + location_text(source.loc);
  if (store == mo.newest()) return note;
  const MemoryEvent& newest = memory.events()[mo[mo.newest()].event];
  return note + "; STALE: " + thread_name(newest.at.thread) + "'s " + newest_value + " at " +
         location_text(newest.loc) +
         " was not visible (nothing orders it before this load: no release/acquire pair, fence "
         "or lock between them)";
}

std::string describe_store_place(const MemoryGraph& memory, std::uint32_t location,
                                 std::uint32_t place) {
  const ModificationOrder& mo = memory.order_of(location);
  if (place == mo.size()) return {};
  const MemoryEvent& next = memory.events()[mo[place].event];
  return "; placed before " + thread_name(next.at.thread) + "'s store at " +
         location_text(next.loc) + " in modification order";
}

void ModelSync::fence(std::memory_order order, SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  ObjectHeader site;  // a fence has no object: the site names the fence
  site.kind = "fence";
  site.name = "fence";
  intercepted(ex, SiteOp::kFence, site, loc, order, [&](const Decision& d) {
    const PendingOp op{OpKind::kFence, nullptr, kNoThread, d.order, loc};
    ex.before(op);
    if (ex.abandoning()) return;
    if (!ex.memory().fence(d.order, ThreadView{ex.self(), ex.clock(), ex.trace_row(), loc})) {
      ex.discard_inconsistent();
    }
    ex.after(op, ex.tracing() ? "(" + std::string(order_name(d.order)) + ")" : std::string());
  });
}

void check(bool condition, std::string_view message, SourceLoc loc) {
  if (condition) return;
  Execution& ex = Execution::current(loc);
  if (ex.abandoning()) return;
  const std::uint32_t row = ex.trace_row();
  if (ex.tracing()) {
    ex.after(PendingOp{OpKind::kCheck, nullptr, kNoThread, std::memory_order_relaxed, loc},
             "FAILED: " + std::string(message));
  }
  ex.fail(Failure::make(FailureKind::kAssertion, std::string(message), {},
                        {Access{ex.self(), false, loc, row}}));
}

void assume(bool condition, SourceLoc loc) {
  if (condition) return;
  Execution& ex = Execution::current(loc);
  if (ex.abandoning()) return;
  if (ex.tracing()) {
    ex.after(PendingOp{OpKind::kCheck, nullptr, kNoThread, std::memory_order_relaxed, loc},
             "assumption false: waits forever");
  }
  ex.wait_forever(loc);
}

void yield(SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  const PendingOp op{OpKind::kYield, nullptr, kNoThread, std::memory_order_relaxed, loc};
  ex.before(op);
  if (ex.abandoning()) return;
  ex.after(op);
}

thread::~thread() {
  if (!joinable_) return;
  if (Execution* ex = Execution::current_or_null()) ex->forget_unjoined(id_, loc_);
}

void thread::join(SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  ex.lifetimes().note(ex.self(), loc);
  if (!joinable_) {
    check(false, "join() of a model thread that is not joinable", loc);
    return;
  }
  joinable_ = false;
  ex.join(id_, loc);
}

namespace {

// The failure of relocks(), out of line (it builds a message; the test is on every lock).
[[gnu::noinline, gnu::cold]] void report_relock(Execution& ex, const MutexState& mutex,
                                                std::string_view verb, const SourceLoc& loc) {
  const bool exclusive = mutex.owner == ex.self();
  ex.fail(Failure::make(FailureKind::kRelock,
                        thread_name(ex.self()) + " " + std::string(verb) + " " +
                            display_name(mutex) + ", which it already holds" +
                            (exclusive ? "" : " shared") +
                            (mutex.shared ? " (undefined for a shared mutex: it may block forever)"
                                          : " (a non-recursive mutex: this blocks forever)"),
                        display_name(mutex), {Access{ex.self(), false, loc, ex.trace_row()}}));
}

// A lock (`verb`) of a mutex the calling thread already holds, in either mode: a relock.
bool relocks(Execution& ex, const MutexState& mutex, std::string_view verb, const SourceLoc& loc) {
  if (mutex.owner != ex.self() && !mutex.held_shared_by(ex.self())) [[likely]] {
    return false;
  }
  report_relock(ex, mutex, verb, loc);
  return true;
}

void unlock_not_owner(Execution& ex, const MutexState& mutex, std::string_view verb,
                      std::string_view hint, const SourceLoc& loc) {
  ex.fail(Failure::make(FailureKind::kUnlockNotOwner,
                        thread_name(ex.self()) + " " + std::string(verb) + " " +
                            display_name(mutex) + ", " + holders_text(mutex) + std::string(hint),
                        display_name(mutex), {Access{ex.self(), false, loc, ex.trace_row()}}));
}

// The failure of an exclusive unlock by a thread that does not own the mutex, out of line: built
// inline, its message's hint and location cost every unlock a frame (registers saved and restored).
[[gnu::noinline, gnu::cold]] void report_unlock_not_owned(Execution& ex, const MutexState& mutex,
                                                          SourceLoc loc) {
  unlock_not_owner(ex, mutex, "unlocks",
                   mutex.held_shared_by(ex.self())
                       ? " (it holds it shared: unlock_shared() releases a shared lock)"
                       : "",
                   loc);
}

// A mutex's destructor (either kind): a write to it, with a thread that holds it (in either mode)
// as the holder that makes it a use after free.
void destroy_mutex(MutexState& state) {
  Execution* ex = begin_destruction(state);
  if (ex == nullptr) return;
  const Access destruction = destruction_access(*ex);
  std::optional<UnorderedAccess> holder;
  const ThreadId holding = state.owner != kNoThread ? state.owner
                           : state.readers != 0
                               ? static_cast<ThreadId>(std::countr_zero(state.readers))
                               : kNoThread;
  if (holding != kNoThread) {
    const LastOp lock = state.last_ops.of(holding);
    holder = UnorderedAccess{holding, lock.kind, lock.loc, lock.row};
  }
  end_destruction(*ex, state, destruction,
                  unordered_last_op(state.last_ops, ex->self(), ex->clock(), ex->thread_count()),
                  holder);
}

// A shared mutex's shared mode: lock_shared, try_lock_shared and unlock_shared, one step each.
void lock_shared_step(Execution& ex, MutexState& state, const SourceLoc& loc,
                      std::string_view detail = {}) {
  if (relocks(ex, state, "locks shared", loc)) return;
  const PendingOp op{OpKind::kLockShared, &state, kNoThread, std::memory_order_acquire, loc};
  ex.before(op);  // enabled while no thread holds it exclusively
  state.readers |= MutexState::Threads{1} << ex.self();
  HappensBefore::lock(ex.clock(), state.released);
  state.last_ops.note(ex.self(), ex.clock(), OpKind::kLockShared, loc, ex.trace_row());
  ex.after(op, detail);
}

bool try_lock_shared_step(Execution& ex, MutexState& state, const SourceLoc& loc) {
  if (relocks(ex, state, "try_locks shared", loc)) return false;
  const PendingOp op{OpKind::kTryLockShared, &state, kNoThread, std::memory_order_acquire, loc};
  ex.before(op);
  const bool acquired = state.owner == kNoThread;
  if (acquired) {
    state.readers |= MutexState::Threads{1} << ex.self();
    HappensBefore::lock(ex.clock(), state.released);
  }
  state.last_ops.note(ex.self(), ex.clock(), OpKind::kTryLockShared, loc, ex.trace_row());
  ex.after(op, acquired ? "acquired shared" : "busy");
  return acquired;
}

void unlock_shared_step(Execution& ex, MutexState& state, const SourceLoc& loc,
                        std::string_view detail = {}) {
  if (!state.held_shared_by(ex.self())) {
    unlock_not_owner(
        ex, state, "unlocks shared",
        state.owner == ex.self() ? " (it holds it exclusively: unlock() releases it)" : "", loc);
    return;
  }
  const PendingOp op{OpKind::kUnlockShared, &state, kNoThread, std::memory_order_release, loc};
  ex.before(op);
  HappensBefore::unlock_shared(state.released_by_readers, ex.clock());
  state.readers &= ~(MutexState::Threads{1} << ex.self());
  state.last_ops.note(ex.self(), ex.clock(), OpKind::kUnlockShared, loc, ex.trace_row());
  ex.after(op, detail);
}

// lock_mutex_state() and unlock_mutex_state(), inline: also the steps of Mutex::lock and unlock
// themselves (mutex_operation()), which then run them with no call of their own.
[[gnu::always_inline]] inline bool lock_step(Execution& ex, MutexState& mutex, SourceLoc loc,
                                             std::string_view detail) {
  if (relocks(ex, mutex, "locks", loc)) return false;
  // Parks; while abandoning, until the mutex is free (then it is taken, unchecked).
  ex.before(PendingOp{OpKind::kLock, &mutex, kNoThread, std::memory_order_acquire, loc});
  mutex.owner = ex.self();
  acquire_exclusive(ex, mutex);
  mutex.last_ops.note(ex.self(), ex.clock(), OpKind::kLock, loc, ex.trace_row());
  ex.after(ex.pending(), detail);  // the lock, as before() left it
  return true;
}

[[gnu::always_inline]] inline void unlock_step(Execution& ex, MutexState& mutex, SourceLoc loc,
                                               std::string_view detail) {
  if (mutex.owner != ex.self()) [[unlikely]] {
    report_unlock_not_owned(ex, mutex, loc);
    return;
  }
  ex.before(PendingOp{OpKind::kUnlock, &mutex, kNoThread, std::memory_order_release, loc});
  HappensBefore::unlock(mutex.released, ex.clock());
  mutex.owner = kNoThread;
  mutex.last_ops.note(ex.self(), ex.clock(), OpKind::kUnlock, loc, ex.trace_row());
  ex.after(ex.pending(), detail);  // the unlock, as before() left it
}

// The lock(), unlock() and try_lock() of either kind of mutex, through the interception point. A
// decision may take a shared mutex's lock shared (a mutant): then its unlock is decided so too.
// With no hook attached and the mutex alive, the interception point is only the note of where the
// thread is (intercepted()): then a lock or an unlock runs its step directly, inline in
// Mutex::lock or unlock (lock_mutex() and unlock_mutex(), and with them lock_step() and
// unlock_step(), are inlined there, and every path takes the place by value, so that it stays in
// registers), not through the interception point's lambda, a frame and a call of its own; with no
// hook there is no one to tell that a lock acquired the mutex (Execution::acquired). Anything else,
// a foreign thread's call too (which Execution::current() reports), takes the general path, out of
// line.
[[gnu::always_inline]] inline bool plain_operation(Execution* ex, const MutexState& state,
                                                   const SourceLoc& loc) {
  if (ex == nullptr || !state.alive() || ex->intercepting()) [[unlikely]] {
    return false;
  }
  ex->lifetimes().note(ex->self(), loc);
  return true;
}

[[gnu::noinline]] void general_lock(MutexState& state, SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  intercepted(ex, SiteOp::kLock, state, loc, std::memory_order_seq_cst, [&](const Decision& d) {
    if (d.skip) return;
    if (d.shared && state.shared) {
      lock_shared_step(ex, state, loc, d.note);
    } else if (lock_mutex_state(ex, state, loc)) {
      ex.acquired(SiteOp::kLock, state, loc);
    }
  });
}

[[gnu::noinline]] void general_unlock(MutexState& state, SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  intercepted(ex, SiteOp::kUnlock, state, loc, std::memory_order_seq_cst, [&](const Decision& d) {
    if (d.skip) return;
    if (d.shared && state.shared) {
      unlock_shared_step(ex, state, loc, d.note);
    } else {
      unlock_mutex_state(ex, state, loc);
    }
  });
}

// A lock or an unlock: its step `kStep` directly where plain_operation(), else `kGeneral`.
template <auto kStep, auto kGeneral>
[[gnu::always_inline]] inline void mutex_operation(MutexState& state, SourceLoc loc) {
  Execution* const ex = Execution::current_or_null();
  if (plain_operation(ex, state, loc)) [[likely]] {
    kStep(*ex, state, loc, std::string_view{});
    return;
  }
  kGeneral(state, loc);
}
[[gnu::always_inline]] inline void lock_mutex(MutexState& state, SourceLoc loc) {
  mutex_operation<lock_step, general_lock>(state, loc);
}
[[gnu::always_inline]] inline void unlock_mutex(MutexState& state, SourceLoc loc) {
  mutex_operation<unlock_step, general_unlock>(state, loc);
}

bool try_lock_step(Execution& ex, MutexState& state, const SourceLoc& loc) {
  if (relocks(ex, state, "try_locks", loc)) return false;
  const PendingOp op{OpKind::kTryLock, &state, kNoThread, std::memory_order_acquire, loc};
  ex.before(op);
  const bool acquired = state.free();
  if (acquired) {
    state.owner = ex.self();
    acquire_exclusive(ex, state);
  }
  state.last_ops.note(ex.self(), ex.clock(), OpKind::kTryLock, loc, ex.trace_row());
  ex.after(op, acquired ? "acquired" : "busy");
  if (acquired) ex.acquired(SiteOp::kTryLock, state, loc);
  return acquired;
}

bool try_lock_mutex(MutexState& state, const SourceLoc& loc) {
  Execution& ex = Execution::current(loc);
  return intercepted(ex, SiteOp::kTryLock, state, loc, std::memory_order_seq_cst,
                     [&](const Decision& d) {
                       if (d.skip) return true;  // "acquired", unprotected
                       if (d.shared && state.shared) return try_lock_shared_step(ex, state, loc);
                       return try_lock_step(ex, state, loc);
                     });
}

}  // namespace

bool lock_mutex_state(Execution& ex, MutexState& mutex, SourceLoc loc, std::string_view detail) {
  return lock_step(ex, mutex, loc, detail);
}

void unlock_mutex_state(Execution& ex, MutexState& mutex, SourceLoc loc, std::string_view detail) {
  unlock_step(ex, mutex, loc, detail);
}

Decision begin_intercepted(Execution& ex, const OperationSite& site) {
  const Decision decision = ex.intercept(site);
  switch (decision.release) {
    case Decision::Release::kNone:
      break;
    case Decision::Release::kGapBefore:
      // Both visible: between them the other threads may take the mutex.
      unlock_mutex_state(ex, *decision.mutex, site.loc, decision.note);
      lock_mutex_state(ex, *decision.mutex, site.loc, decision.note);
      break;
    case Decision::Release::kAround:
      unlock_mutex_state(ex, *decision.mutex, site.loc, decision.note);
      break;
  }
  return decision;
}

void end_intercepted(Execution& ex, const Decision& decision, const SourceLoc& loc) {
  if (decision.release == Decision::Release::kAround) {
    lock_mutex_state(ex, *decision.mutex, loc, decision.note);
  }
}

ModelSync::Mutex::Mutex(std::string_view name) {
  state_.kind = "mutex";
  state_.name = name;
  Execution::current().register_object(state_);
}

ModelSync::Mutex::~Mutex() { destroy_mutex(state_); }

void ModelSync::Mutex::lock(SourceLoc loc) { lock_mutex(state_, loc); }

void ModelSync::Mutex::unlock(SourceLoc loc) { unlock_mutex(state_, loc); }

bool ModelSync::Mutex::try_lock(SourceLoc loc) { return try_lock_mutex(state_, loc); }

ModelSync::SharedMutex::SharedMutex(std::string_view name) {
  state_.kind = kSharedMutexKind;
  state_.name = name;
  state_.shared = true;
  Execution::current().register_object(state_);
}

ModelSync::SharedMutex::~SharedMutex() { destroy_mutex(state_); }

void ModelSync::SharedMutex::lock(SourceLoc loc) { lock_mutex(state_, loc); }

void ModelSync::SharedMutex::unlock(SourceLoc loc) { unlock_mutex(state_, loc); }

bool ModelSync::SharedMutex::try_lock(SourceLoc loc) { return try_lock_mutex(state_, loc); }

void ModelSync::SharedMutex::lock_shared(SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  intercepted(ex, SiteOp::kLockShared, state_, loc, std::memory_order_seq_cst,
              [&](const Decision& d) {
                if (!d.skip) lock_shared_step(ex, state_, loc);
              });
}

bool ModelSync::SharedMutex::try_lock_shared(SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  return intercepted(ex, SiteOp::kTryLockShared, state_, loc, std::memory_order_seq_cst,
                     [&](const Decision& d) {
                       return d.skip || try_lock_shared_step(ex, state_, loc);  // skipped: "got it"
                     });
}

void ModelSync::SharedMutex::unlock_shared(SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  intercepted(ex, SiteOp::kUnlockShared, state_, loc, std::memory_order_seq_cst,
              [&](const Decision& d) {
                if (!d.skip) unlock_shared_step(ex, state_, loc);
              });
}

ModelSync::OnceFlag::OnceFlag() {
  state_.kind = "once";
  Execution::current().register_object(state_);
}

ModelSync::OnceFlag::~OnceFlag() {
  Execution* ex = begin_destruction(state_);
  if (ex == nullptr) return;
  const Access destruction = destruction_access(*ex);
  std::optional<UnorderedAccess> runner;
  if (state_.phase == OnceState::Phase::kRunning) {
    const LastOp start = state_.last_ops.of(state_.runner);
    runner = UnorderedAccess{state_.runner, start.kind, start.loc, start.row};
  }
  end_destruction(*ex, state_, destruction,
                  unordered_last_op(state_.last_ops, ex->self(), ex->clock(), ex->thread_count()),
                  runner);
}

ModelSync::ConditionVariable::ConditionVariable(std::string_view name) {
  state_.kind = "condition_variable";
  state_.name = name;
  Execution::current().register_object(state_);
}

ModelSync::ConditionVariable::~ConditionVariable() {
  Execution* ex = begin_destruction(state_);
  if (ex == nullptr) return;
  const Access destruction = destruction_access(*ex);
  std::optional<UnorderedAccess> waiter;
  for (ThreadId t = 0; t < ex->thread_count(); ++t) {
    if ((state_.waiting & (WaiterSet::Threads{1} << t)) == 0) continue;
    const LastOp wait = state_.last_ops.of(t);
    waiter = UnorderedAccess{t, wait.kind, wait.loc, wait.row};
    break;
  }
  end_destruction(*ex, state_, destruction,
                  unordered_last_op(state_.last_ops, ex->self(), ex->clock(), ex->thread_count()),
                  waiter);
}

void ModelSync::ConditionVariable::wait(Mutex& mutex, SourceLoc loc) {
  Execution& ex = Execution::current(loc);
  MutexState& held = mutex.state_;
  if (held.owner != ex.self()) {
    ex.fail(Failure::make(FailureKind::kUsageError,
                          thread_name(ex.self()) + " waits on " + display_name(state_) +
                              " without holding " + display_name(held) +
                              " (std::condition_variable requires the lock to be held)",
                          display_name(state_), {Access{ex.self(), false, loc, ex.trace_row()}}));
    return;
  }
  const WaiterSet::Threads me = WaiterSet::Threads{1} << ex.self();
  const PendingOp join{OpKind::kWait, &state_, kNoThread, std::memory_order_seq_cst, loc};
  ex.before(join);
  state_.waiting |= me;
  state_.last_ops.note(ex.self(), ex.clock(), OpKind::kWait, loc, ex.trace_row());
  ex.after(join, "waits, releasing " + display_name(held));
  unlock_mutex_state(ex, held, loc, "released by the wait");

  wake_from_waiters(ex, state_, &state_.last_ops, loc);
  lock_mutex_state(ex, held, loc, "retaken by the wait");
}

void ModelSync::ConditionVariable::notify_one(SourceLoc loc) { notify(false, loc); }

void ModelSync::ConditionVariable::notify_all(SourceLoc loc) { notify(true, loc); }

void ModelSync::ConditionVariable::notify(bool all, const SourceLoc& loc) {
  notify_waiters(Execution::current(loc), state_, &state_.last_ops, all, loc);
}

void wake_from_waiters(Execution& ex, WaiterSet& waiters, LastOps* last_ops, const SourceLoc& loc) {
  const WaiterSet::Threads me = WaiterSet::Threads{1} << ex.self();
  const PendingOp wake{OpKind::kWake, &waiters, kNoThread, std::memory_order_seq_cst, loc};
  ex.before(wake);  // enabled once a notify owes this thread a wake-up (or spuriously)
  const bool notified = (waiters.owed & me) != 0;
  if (!notified) waiters.spurious_spent |= me;
  waiters.owed &= ~me;
  waiters.waiting &= ~me;
  if (last_ops != nullptr)
    last_ops->note(ex.self(), ex.clock(), OpKind::kWake, loc, ex.trace_row());
  ex.after(wake, notified ? "woken by a notify" : "woke spuriously (no notify)");
}

void notify_waiters(Execution& ex, WaiterSet& waiters, LastOps* last_ops, bool all,
                    const SourceLoc& loc) {
  const PendingOp op{OpKind::kNotify, &waiters, kNoThread, std::memory_order_seq_cst, loc};
  ex.before(op);
  const WaiterSet::Threads unowed = waiters.waiting & ~waiters.owed;
  std::string what;
  if (unowed == 0) {
    what = std::string(all ? "notify_all" : "notify_one") + ": no waiter to wake (lost)";
  } else if (all) {
    waiters.owed |= unowed;
    what = "notify_all: wakes " + std::to_string(std::popcount(unowed));
  } else {
    // Which waiter: a choice of this step (alternative 0, the lowest thread id).
    auto pick = ex.choose(static_cast<std::uint32_t>(std::popcount(unowed)));
    WaiterSet::Threads chosen = unowed;
    while (pick-- > 0) chosen &= chosen - 1;  // drop the lowest bits
    chosen &= ~(chosen - 1);                  // keep the lowest left
    waiters.owed |= chosen;
    what = "notify_one: wakes T" + std::to_string(std::countr_zero(chosen));
  }
  if (last_ops != nullptr)
    last_ops->note(ex.self(), ex.clock(), OpKind::kNotify, loc, ex.trace_row());
  ex.after(op, what);
}

}  // namespace doublecheck::model
