// The visible operations of a model thread, and the model objects they act on.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "impl/source_loc.hpp"
#include "model/vector_clock.hpp"

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
  kRmw,  // exchange, compare_exchange, fetch_add, fetch_sub
  kYield,
  kCallOnce,
  kRead,   // a Shared<T> read
  kWrite,  // a Shared<T> write
  kCheck,  // a model assertion (only traced when it fails)
};

// The verb the trace prints for an operation.
std::string_view op_name(OpKind kind);

// What every model object has: a stable id (its creation order in the execution, the same on every
// run of the same path) and the name given to it in the source, if any.
struct ObjectHeader {
  std::uint32_t id = 0;
  std::string_view kind;  // "mutex", "atomic", "shared", "once": names an unnamed object
  std::string_view name;  // must outlive the object (the emitter passes string literals)
};

// "metrics.tool_calls", or "mutex#3" for an object without a name.
std::string display_name(const ObjectHeader& object);

struct MutexState : ObjectHeader {
  ThreadId owner = kNoThread;  // the thread holding it, or kNoThread
  VectorClock released;        // the clock of the last unlock: what the next lock acquires
};

struct AtomicState : ObjectHeader {
  VectorClock released;  // what an acquire load of the current value synchronises with
};

struct OnceState : ObjectHeader {
  enum class Phase : std::uint8_t { kIdle, kRunning, kDone };
  Phase phase = Phase::kIdle;
  ThreadId runner = kNoThread;  // the thread running the initialiser (kRunning)
  VectorClock released;         // the initialiser's clock at its end: every caller acquires it
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

// A weakest-first ranking of memory orders, and whether an order acquires or releases.
constexpr bool is_acquire(std::memory_order order) {
  return order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst || order == std::memory_order_consume;
}
constexpr bool is_release(std::memory_order order) {
  return order == std::memory_order_release || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst;
}
std::string_view order_name(std::memory_order order);

}  // namespace doublecheck::model
