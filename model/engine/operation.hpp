// The visible operations of a model thread, and the model objects they act on.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/engine/happens_before.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

inline constexpr ThreadId kNoThread = 0xFFFFFFFFU;

enum class OpKind : std::uint8_t {
  kSpawn,
  kJoin,
  kFinish,
  kLock,
  kTryLock,
  kUnlock,
  kLoad,
  kStore,
  kRmw,    // exchange, compare_exchange, fetch_add, fetch_sub, fetch_or, fetch_and, fetch_xor
  kFence,  // atomic_thread_fence
  kYield,
  kCallOnce,
  kOnceDone,  // call_once: the initialiser finished (a release, like an unlock)
  kRead,      // a Shared<T> read
  kWrite,     // a Shared<T> write
  kCheck,     // a model assertion (only traced when it fails)
  kAssume,    // a false model::assume: the thread waits forever (never enabled)
  kDestroy,   // a model object's destructor ran (traced only; not a decision point)
  kCrash,     // a fatal signal stopped the thread (only traced: crash.hpp)
  kWait,      // condition variable: joins its waiters (then unlocks the mutex, a step of its own)
  kWake,      // condition variable: leaves the waiters, notified or spuriously (enabled then only)
  kNotify,    // condition variable or atomic: notify_one or notify_all
  kLockShared,     // shared mutex: lock_shared (enabled while no thread holds it exclusively)
  kTryLockShared,  // shared mutex: try_lock_shared
  kUnlockShared,   // shared mutex: unlock_shared
  kSleep,          // atomic wait: sleeps (joins the waiters) unless the newest value changed
};
// The last kind (keep it so): tables over the kinds (reads_object(), execution.cpp) go up to it.
inline constexpr OpKind kLastOpKind = OpKind::kSleep;

// The verb the trace prints for an operation.
std::string_view op_name(OpKind kind);

// What every model object has: a stable id (its creation order in the execution, the same on every
// run of the same path) and the name given to it in the source, if any.
//
// And whether it is alive: `liveness` is kAlive from construction (its initialiser) until the
// model object's destructor marks it kDestroyed (model_sync.hpp: begin_destruction). Every
// operation reads it first, so a use after the destruction is reported as one
// (FailureKind::kUseAfterFree). Reading a destroyed object's header is formally undefined, and it
// is exactly what a checker of native code has to do: the memory may have been freed and reused.
// A mismatch is reported (the destructor's mark, or whatever overwrote it); the one case it cannot
// see is the ABA one, a new model object whose header is at the same address (a live mark). The
// accesses are volatile so that the compiler keeps them: a store in a destructor is otherwise
// dead to it (GCC's -flifetime-dse), and so is a load of an object it knows to be destroyed.
struct ObjectHeader {
  static constexpr std::uint32_t kAlive = 0x4C495645U;      // "LIVE"
  static constexpr std::uint32_t kDestroyed = 0x44454144U;  // "DEAD"

  std::uint32_t id = 0;
  std::string_view kind;  // "mutex", "atomic", "shared", "once": names an unnamed object
  std::string_view name;  // must outlive the object (the emitter passes string literals)
  std::uint32_t liveness = kAlive;

  [[nodiscard]] bool alive() const {
    return *static_cast<const volatile std::uint32_t*>(&liveness) == kAlive;
  }
  void mark_destroyed() { *static_cast<volatile std::uint32_t*>(&liveness) = kDestroyed; }
};

// One thread's last operation on a synchronisation object, what its destruction is checked
// against (model_sync.hpp: a destruction is a write).
struct LastOp {
  std::uint32_t tick = 0;  // the thread's clock at the operation (its epoch); 0: none
  OpKind kind = OpKind::kYield;
  std::uint32_t row = 0;  // trace row, for the report
  SourceLoc loc;
};

// Each thread's last operation on a mutex, a once-flag or a condition variable: O(threads) per
// object and a few stores per operation. The last one of each thread is enough: its earlier ones
// happen before it.
//
// Only the ticks are initialised (0: no operation yet). The rest of a thread's entry is written by
// note() and read only once its tick is not 0, so it is left uninitialised, as AccessHistory's
// read stamps are: a model object is built every execution, and filling every thread's whole
// entry cost each mutex's constructor over a hundred instructions. The ticks apart, so that
// clearing them is four vector stores.
class LastOps {
 public:
  void note(ThreadId thread, const VectorClock& clock, OpKind kind, const SourceLoc& loc,
            std::uint32_t row) {
    ticks_[thread] = clock[thread];
    kinds_[thread] = kind;
    Place& place = places_[thread];
    place.file = loc.file;
    place.line = loc.line;
    place.row = row;
  }
  // Thread `thread`'s tick at its last operation; 0 when it has none.
  [[nodiscard]] std::uint32_t tick(ThreadId thread) const { return ticks_[thread]; }
  // Thread `thread`'s last operation: only where tick(thread) is not 0 (a thread that holds the
  // object, or waits on it, has noted its operation).
  [[nodiscard]] LastOp of(ThreadId thread) const {
    const Place& place = places_[thread];
    return LastOp{ticks_[thread], kinds_[thread], place.row, SourceLoc{place.file, place.line}};
  }

 private:
  // Trivially constructible, and left uninitialised (see above); sixteen bytes, so that an entry's
  // address is one shift of the thread.
  struct Place {
    const char* file;
    std::uint32_t line;
    std::uint32_t row;  // trace row, for the report
  };
  std::array<std::uint32_t, kMaxThreads> ticks_{};
  std::array<OpKind, kMaxThreads> kinds_;
  std::array<Place, kMaxThreads> places_;
};

// "metrics.tool_calls", or "mutex#3" for an object without a name.
std::string display_name(const ObjectHeader& object);
// "T1": a model thread as the reports name it.
std::string thread_name(ThreadId t);

// The kind (ObjectHeader::kind) of a shared mutex's header.
inline constexpr std::string_view kSharedMutexKind = "shared_mutex";

// A mutex, or a shared mutex (`shared`): held by one owner, or (a shared mutex only) by readers.
struct MutexState : ObjectHeader {
  using Threads = std::uint32_t;  // a bit per thread (path.hpp's ThreadSet)
  ThreadId owner = kNoThread;     // the thread holding it exclusively, or kNoThread
  Threads readers = 0;            // the threads holding it shared (a shared mutex only)
  bool shared = false;            // a shared mutex: lock_shared and unlock_shared apply
  SyncClock released;             // the clock of the last unlock: what the next lock acquires
  // The unlock_shared()s since the last exclusive lock, joined: an exclusive lock acquires them
  // too (each unlock_shared synchronises with the next lock), a lock_shared does not.
  SyncClock released_by_readers;
  LastOps last_ops;  // each thread's last lock, try_lock or unlock, of either mode

  [[nodiscard]] bool held_shared_by(ThreadId id) const {
    return (readers & (Threads{1} << id)) != 0;
  }
  // An exclusive lock can be taken now: no owner and no reader.
  [[nodiscard]] bool free() const { return owner == kNoThread && readers == 0; }
};

// Who holds `mutex`: "held by T1", "held shared by T0, T2" or "held by no thread" — what a lock
// blocked for good waits for (a deadlock's report), and what an unlock by a non-owner found.
std::string holders_text(const MutexState& mutex);

// An atomic's stores and their clocks are kept by the execution's memory graph, by the id.
struct AtomicState : ObjectHeader {};

struct OnceState : ObjectHeader {
  enum class Phase : std::uint8_t { kIdle, kRunning, kDone };
  Phase phase = Phase::kIdle;
  ThreadId runner = kNoThread;  // the thread running the initialiser (kRunning)
  SyncClock released;           // the initialiser's clock at its end: every caller acquires it
  LastOps last_ops;             // each thread's last call_once (or the end of its initialiser)
};

// The threads waiting on a condition variable or an atomic (Atomic::wait), and the wake-ups owed
// to them. A notify_one owes a wake-up to one of the waiters not yet owed one — which one is a
// value choice of the notifying step (Execution::choose), so every choice is explored, and by
// DPOR too: two waiters never compete for one wake-up. A notify_all owes one to every waiter. A
// notify with no waiter left to owe is lost, as in C++. An atomic's waiter set has the atomic's
// id: its steps are the atomic's, of their own classes (OpClass::kSleep, kCondVar).
struct WaiterSet : ObjectHeader {
  using Threads = std::uint32_t;  // a bit per thread (path.hpp's ThreadSet)
  Threads waiting = 0;
  Threads owed = 0;            // waiters a notify has picked, not yet awake
  Threads spurious_spent = 0;  // threads that woke spuriously once in this execution

  // Whether waiting thread `id` may wake now: a notify owes it, or `spurious` wake-ups are on and
  // it has not had its one yet.
  [[nodiscard]] bool may_wake(ThreadId id, bool spurious) const {
    const Threads bit = Threads{1} << id;
    return (owed & bit) != 0 || (spurious && (spurious_spent & bit) == 0);
  }
};

struct CondVarState : WaiterSet {
  LastOps last_ops;  // each thread's last wait, wake or notify
};

// The operation a parked thread will perform when it is next chosen. Knowing it before choosing
// lets the scheduler tell whether the thread can run (a lock of a held mutex cannot).
struct PendingOp {
  OpKind kind = OpKind::kYield;
  const ObjectHeader* object = nullptr;  // the mutex, atomic, once-flag or shared variable
  ThreadId target = kNoThread;           // kJoin: the thread being joined
  std::memory_order order = std::memory_order_seq_cst;
  SourceLoc loc;
};

// Whether a parked thread's pending operation of this kind can run when picked: always, never
// (a join is woken by the thread it joins, a false assumption waits forever), or as the object's
// state says (each such kind has its case in Execution::parked_enabled(), which takes the others'
// answer from here: a kind that may block and is not kConditional here would never be asked, and
// a blocked thread would be picked). The execution files each parked thread by it, so that the
// enabled set, computed every step, looks only at the threads whose operation may block. Inline:
// mostly of a constant kind (Execution::before()).
enum class Gate : std::uint8_t { kAlways, kNever, kConditional };
constexpr Gate gate(OpKind kind) {
  switch (kind) {
    case OpKind::kLock:
    case OpKind::kLockShared:
    case OpKind::kCallOnce:
    case OpKind::kWake:
      return Gate::kConditional;
    case OpKind::kJoin:
    case OpKind::kAssume:
      return Gate::kNever;
    default:
      return Gate::kAlways;
  }
}

// How an operation conflicts with others, for partial-order reduction: two operations are
// dependent when they act on the same object and their order can matter.
enum class OpClass : std::uint8_t {
  kNone,     // yield, join: commutes with everything
  kRead,     // atomic load, Shared read
  kWrite,    // atomic store or read-modify-write, Shared write
  kLock,     // mutex lock
  kTryLock,  // mutex try_lock (its result also depends on where the owner's unlock falls)
  kUnlock,   // mutex unlock, or call_once's completion: orders what follows, races with no acquire
  kOnce,     // call_once
  kLockShared,     // shared mutex lock_shared: against an exclusive acquisition only
  kTryLockShared,  // shared mutex try_lock_shared: also against an exclusive unlock
  kUnlockShared,   // shared mutex unlock_shared: against an exclusive try_lock only
  kSleep,    // an atomic wait's sleep: reads the atomic (against its writes) and joins its waiters
  kCondVar,  // a condition variable's (or an atomic's) wait, wake or notify: any two of one are
             // dependent
};
// How many classes there are (tables indexed by class: dpor.hpp). Keep kCondVar the last.
inline constexpr std::size_t kOpClasses = static_cast<std::size_t>(OpClass::kCondVar) + 1;

struct OpDesc {
  std::uint32_t object = 0;  // ObjectHeader::id
  OpClass cls = OpClass::kNone;
  bool operator==(const OpDesc&) const = default;
};

// The class of an operation of this kind (describe_op()).
constexpr OpClass op_class(OpKind kind) {
  switch (kind) {
    case OpKind::kLoad:
    case OpKind::kRead:
      return OpClass::kRead;
    case OpKind::kStore:
    case OpKind::kRmw:
    case OpKind::kWrite:
      return OpClass::kWrite;
    case OpKind::kLock:
      return OpClass::kLock;
    case OpKind::kTryLock:
      return OpClass::kTryLock;
    case OpKind::kUnlock:
      return OpClass::kUnlock;
    case OpKind::kCallOnce:
      return OpClass::kOnce;
    case OpKind::kLockShared:
      return OpClass::kLockShared;
    case OpKind::kTryLockShared:
      return OpClass::kTryLockShared;
    case OpKind::kUnlockShared:
      return OpClass::kUnlockShared;
    case OpKind::kSleep:
      return OpClass::kSleep;
    // Not dependent with call_once (as an unlock is not with lock): the race to reverse is between
    // the two callers, not between a waiter and the completion that let it through.
    case OpKind::kOnceDone:
      return OpClass::kUnlock;
    case OpKind::kWait:
    case OpKind::kWake:
    case OpKind::kNotify:
      return OpClass::kCondVar;
    default:
      return OpClass::kNone;
  }
}

// Inline: the step loop describes the steps' operations for a scheduler that wants them (DPOR's,
// every enabled thread's at a choice) and for symmetry.
inline OpDesc describe_op(const PendingOp& op) {
  return OpDesc{op.object != nullptr ? op.object->id : 0, op_class(op.kind)};
}

// Whether swapping two adjacent operations of different threads can change the outcome:
// accesses of one object of which one writes; two acquisitions of one mutex (which critical
// section comes first); a try_lock and an unlock of one mutex; two call_once of one flag.
//
// A shared mutex's shared operations are to it what reads are to a variable: two of them commute
// (two readers may hold it at once, and neither synchronises with the other), each depends on an
// exclusive acquisition; a try_lock depends also on the release of the other mode (its result
// does).
constexpr bool dependent(const OpDesc& a, const OpDesc& b) {
  if (a.object != b.object || a.cls == OpClass::kNone || b.cls == OpClass::kNone) return false;
  const auto memory = [](OpClass c) { return c == OpClass::kRead || c == OpClass::kWrite; };
  const auto exclusive = [](OpClass c) { return c == OpClass::kLock || c == OpClass::kTryLock; };
  const auto acquires = [&](OpClass c) {
    return exclusive(c) || c == OpClass::kLockShared || c == OpClass::kTryLockShared;
  };
  const auto either = [&](OpClass x, OpClass y) {
    return (a.cls == x && b.cls == y) || (a.cls == y && b.cls == x);
  };
  if (memory(a.cls) && memory(b.cls)) return a.cls == OpClass::kWrite || b.cls == OpClass::kWrite;
  if (acquires(a.cls) && acquires(b.cls)) return exclusive(a.cls) || exclusive(b.cls);
  if (either(OpClass::kTryLock, OpClass::kUnlock) ||
      either(OpClass::kTryLock, OpClass::kUnlockShared) ||
      either(OpClass::kTryLockShared, OpClass::kUnlock) ||
      either(OpClass::kSleep, OpClass::kWrite) || either(OpClass::kSleep, OpClass::kCondVar)) {
    return true;
  }
  if (a.cls == OpClass::kCondVar && b.cls == OpClass::kCondVar) return true;
  return a.cls == OpClass::kOnce && b.cls == OpClass::kOnce;
}

// What a step of the class is to the order partial-order reduction keeps between dependent steps
// (dpor.hpp): a read comes after the object's last writing step, not after the other reads; a
// write after both; a waiter operation (kCondVar) after the object's last waiter operation only;
// an atomic wait's sleep, which reads the atomic and joins its waiters, is a read of both the
// atomic and its waiters (two sleeps commute; a wake or notify comes after the sleeps before it).
// Each matches dependent(): two steps are ordered exactly when they depend on each other (or
// through a chain of such steps). A shared mutex's shared operations read it; its exclusive ones
// write it.
enum class ClockRole : std::uint8_t { kRead, kWrite, kWaiter, kReadAndWaiter };
constexpr ClockRole clock_role(OpClass c) {
  switch (c) {
    case OpClass::kRead:
    case OpClass::kLockShared:
    case OpClass::kTryLockShared:
    case OpClass::kUnlockShared:
      return ClockRole::kRead;
    case OpClass::kCondVar:
      return ClockRole::kWaiter;
    case OpClass::kSleep:
      return ClockRole::kReadAndWaiter;
    default:
      return ClockRole::kWrite;
  }
}

// "relaxed", "acquire", ... (whether an order acquires or releases: happens_before.hpp).
std::string_view order_name(std::memory_order order);

}  // namespace doublecheck::model
