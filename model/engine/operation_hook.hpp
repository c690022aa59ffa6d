// The engine's one interception point. Every synchronisation operation of ModelSync (lock,
// try_lock, unlock, each atomic operation, call_once) and every access unit of a Shared<T> passes
// through it, where the source wrote it, before it runs. With no hook (an ordinary run) that costs
// one test of a pointer. A hook sees the operation (OperationSite) and decides how it runs
// (Decision): as written, skipped, with another memory order, a read-modify-write split
// into a load and a store, or with a mutex the thread holds released around it; the engine performs
// what is decided with its ordinary operations (visible operations: decision points,
// happens-before, traced), so another thread can run in a gap the decision opens.
//
// Fix-necessity mutation (model/mutation/) is the hook: it records the sites a passing model meets
// and weakens one of them. The dependency goes that way only: the engine declares this interface
// and calls it, and includes no header of model/mutation/.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "model/engine/operation.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

class Execution;

// What the source does at a synchronisation site.
enum class SiteOp : std::uint8_t {
  kLock,
  kTryLock,
  kLoad,
  kStore,
  kExchange,
  kCompareExchange,
  kFetchAdd,
  kFetchSub,
  kFetchOr,
  kFetchAnd,
  kFetchXor,
  kFence,  // atomic_thread_fence (no object)
  kCallOnce,
  // The accesses of a Shared<T>: one access unit each (a public access, called once).
  kRead,
  kWrite,
  kAdd,  // `x += d`: a read and a write at one line, one access unit
  kUnlock,
  kLockShared,  // a shared mutex's shared mode (SharedMutex)
  kTryLockShared,
  kUnlockShared,
  kWait,    // an atomic's wait: each of its loads (one access unit each)
  kNotify,  // an atomic's notify_one or notify_all (it orders nothing: mutation leaves it be)
};

std::string_view site_op_name(SiteOp op);  // "lock", "load", "fetch_add", ...
OpKind op_kind(SiteOp op);                 // the trace's kind of it (kRmw for fetch_add, ...)

// One operation at the interception point.
struct OperationSite {
  SiteOp op = SiteOp::kLock;
  ObjectHeader* object = nullptr;  // the mutex (a MutexState), atomic, once-flag, shared variable
                                   // (a fence: a header naming the fence)
  SourceLoc loc;                   // where the source wrote it
  std::memory_order order = std::memory_order_seq_cst;  // as written (atomics; else seq_cst)
};

// How an operation runs.
struct Decision {
  // A mutex the thread holds, released for the operation.
  enum class Release : std::uint8_t {
    kNone,
    kGapBefore,  // unlocked and locked again just before the operation
    kAround,     // unlocked just before the operation and locked again just after it
  };
  std::memory_order order = std::memory_order_seq_cst;  // the order it runs with
  bool skip = false;    // a lock, try_lock or unlock does nothing (a skipped try_lock succeeds)
  bool split = false;   // a read-modify-write runs as a load and then a store
  bool shared = false;  // a shared mutex's lock, try_lock or unlock runs in the shared mode
  Release release = Release::kNone;
  MutexState* mutex = nullptr;  // the mutex released (held by the thread)
  std::string_view note;  // the trace's detail for a skipped operation and for a release's rows

  static constexpr Decision as_written(std::memory_order order) {
    Decision decision;
    decision.order = order;
    return decision;
  }
};

// The parts of a split read-modify-write: the load keeps the order's acquire half, the store its
// release half.
constexpr std::memory_order split_load_order(std::memory_order order) {
  if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
  if (order == std::memory_order_release) return std::memory_order_relaxed;
  return order;
}
constexpr std::memory_order split_store_order(std::memory_order order) {
  if (order == std::memory_order_acq_rel) return std::memory_order_release;
  if (order == std::memory_order_acquire || order == std::memory_order_consume) {
    return std::memory_order_relaxed;
  }
  return order;
}

// Sees the operations of the executions of one job of a search (one thread: no locking needed).
class OperationHook {
 public:
  OperationHook(const OperationHook&) = delete;
  OperationHook& operator=(const OperationHook&) = delete;
  virtual ~OperationHook() = default;

  // An execution begins: state kept for one execution starts afresh.
  virtual void begin_execution() {}
  // The running thread of `execution` reaches `site`: how does it run? Also called while the
  // execution is being abandoned (execution.abandoning()) for the atomic operations, Shared
  // accesses and call_once a thread still reaches on its way out (their operations then do
  // nothing); never for a lock or unlock then.
  virtual Decision on_operation(const Execution& execution, const OperationSite& site) = 0;
  // A lock or try_lock at `site` (one not skipped) took its mutex.
  virtual void on_acquired(const Execution& /*execution*/, const OperationSite& /*site*/) {}
  // The job's search is over: a hook that records publishes what it saw.
  virtual void end_search() {}

 protected:
  OperationHook() = default;
};

// The hooks of one search (ExploreOptions::hooks). Shared by the jobs of the search, so const.
class OperationHooks {
 public:
  OperationHooks(const OperationHooks&) = delete;
  OperationHooks& operator=(const OperationHooks&) = delete;
  virtual ~OperationHooks() = default;

  // The hook of one job of the search: it sees every execution the job runs.
  [[nodiscard]] virtual std::unique_ptr<OperationHook> for_search() const = 0;
  // The hook of the executions run besides the search (a counterexample's traced re-run, the
  // search for its fewest preemptions, a --replay): they decide the same, and record nothing.
  [[nodiscard]] virtual std::unique_ptr<OperationHook> for_replay() const = 0;

 protected:
  OperationHooks() = default;
};

}  // namespace doublecheck::model
