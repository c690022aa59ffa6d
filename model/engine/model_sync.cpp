#include "model/engine/model_sync.hpp"

namespace doublecheck::model {
namespace {

std::string thread_name(ThreadId t) { return "T" + std::to_string(t); }

std::string describe_access(const Access& access) {
  return thread_name(access.thread) + (access.write ? " writes" : " reads") + " at " +
         location_text(access.loc);
}

}  // namespace

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
  Execution& ex = Execution::current();
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
  Execution& ex = Execution::current();
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
  Execution& ex = Execution::current();
  if (ex.abandoning()) return;
  if (ex.tracing()) {
    ex.after(PendingOp{OpKind::kCheck, nullptr, kNoThread, std::memory_order_relaxed, loc},
             "assumption false: waits forever");
  }
  ex.wait_forever(loc);
}

void yield(SourceLoc loc) {
  Execution& ex = Execution::current();
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
  Execution& ex = Execution::current();
  if (!joinable_) {
    check(false, "join() of a model thread that is not joinable", loc);
    return;
  }
  joinable_ = false;
  ex.join(id_, loc);
}

bool lock_mutex_state(Execution& ex, MutexState& mutex, const SourceLoc& loc, std::string detail) {
  if (mutex.owner == ex.self()) {
    ex.fail(
        Failure::make(FailureKind::kRelock,
                      thread_name(ex.self()) + " locks " + display_name(mutex) +
                          ", which it already holds (a non-recursive mutex: this blocks forever)",
                      display_name(mutex), {Access{ex.self(), false, loc, ex.trace_row()}}));
    return false;
  }
  const PendingOp op{OpKind::kLock, &mutex, kNoThread, std::memory_order_acquire, loc};
  ex.before(op);  // while abandoning, until the mutex is free (then it is taken, unchecked)
  mutex.owner = ex.self();
  HappensBefore::lock(ex.clock(), mutex.released);
  ex.after(op, std::move(detail));
  return true;
}

void unlock_mutex_state(Execution& ex, MutexState& mutex, const SourceLoc& loc,
                        std::string detail) {
  if (mutex.owner != ex.self()) {
    ex.fail(Failure::make(
        FailureKind::kUnlockNotOwner,
        thread_name(ex.self()) + " unlocks " + display_name(mutex) + ", held by " +
            (mutex.owner == kNoThread ? std::string("no thread") : thread_name(mutex.owner)),
        display_name(mutex), {Access{ex.self(), false, loc, ex.trace_row()}}));
    return;
  }
  const PendingOp op{OpKind::kUnlock, &mutex, kNoThread, std::memory_order_release, loc};
  ex.before(op);
  HappensBefore::unlock(mutex.released, ex.clock());
  mutex.owner = kNoThread;
  ex.after(op, std::move(detail));
}

Decision begin_intercepted(Execution& ex, const OperationSite& site) {
  const Decision decision = ex.intercept(site);
  switch (decision.release) {
    case Decision::Release::kNone:
      break;
    case Decision::Release::kGapBefore:
      // Both visible: between them the other threads may take the mutex.
      unlock_mutex_state(ex, *decision.mutex, site.loc, std::string(decision.note));
      lock_mutex_state(ex, *decision.mutex, site.loc, std::string(decision.note));
      break;
    case Decision::Release::kAround:
      unlock_mutex_state(ex, *decision.mutex, site.loc, std::string(decision.note));
      break;
  }
  return decision;
}

void end_intercepted(Execution& ex, const Decision& decision, const SourceLoc& loc) {
  if (decision.release == Decision::Release::kAround) {
    lock_mutex_state(ex, *decision.mutex, loc, std::string(decision.note));
  }
}

ModelSync::Mutex::Mutex(std::string_view name) {
  state_.kind = "mutex";
  state_.name = name;
  Execution::current().register_object(state_);
}

void ModelSync::Mutex::lock(SourceLoc loc) {
  Execution& ex = Execution::current();
  intercepted(ex, SiteOp::kLock, state_, loc, std::memory_order_seq_cst, [&](const Decision& d) {
    if (d.skip) return;
    if (lock_mutex_state(ex, state_, loc)) ex.acquired(SiteOp::kLock, state_, loc);
  });
}

void ModelSync::Mutex::unlock(SourceLoc loc) {
  Execution& ex = Execution::current();
  intercepted(ex, SiteOp::kUnlock, state_, loc, std::memory_order_seq_cst, [&](const Decision& d) {
    if (!d.skip) unlock_mutex_state(ex, state_, loc);
  });
}

bool ModelSync::Mutex::try_lock(SourceLoc loc) {
  Execution& ex = Execution::current();
  return intercepted(ex, SiteOp::kTryLock, state_, loc, std::memory_order_seq_cst,
                     [&](const Decision& d) {
                       if (d.skip) return true;  // "acquired", unprotected
                       return try_lock_step(ex, loc);
                     });
}

bool ModelSync::Mutex::try_lock_step(Execution& ex, const SourceLoc& loc) {
  if (state_.owner == ex.self()) {
    ex.fail(Failure::make(FailureKind::kRelock,
                          thread_name(ex.self()) + " try_locks " + display_name(state_) +
                              ", which it already holds (undefined for a non-recursive mutex)",
                          display_name(state_), {Access{ex.self(), false, loc, ex.trace_row()}}));
    return false;
  }
  const PendingOp op{OpKind::kTryLock, &state_, kNoThread, std::memory_order_acquire, loc};
  ex.before(op);
  const bool acquired = state_.owner == kNoThread;
  if (acquired) {
    state_.owner = ex.self();
    HappensBefore::lock(ex.clock(), state_.released);
  }
  ex.after(op, acquired ? "acquired" : "busy");
  if (acquired) ex.acquired(SiteOp::kTryLock, state_, loc);
  return acquired;
}

ModelSync::OnceFlag::OnceFlag() {
  state_.kind = "once";
  Execution::current().register_object(state_);
}

}  // namespace doublecheck::model
