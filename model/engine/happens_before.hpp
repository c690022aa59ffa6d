// Happens-before, in one place: how every synchronising operation moves vector clocks between a
// thread and the object it synchronises through, or between two threads. ModelSync and the
// Execution call these operations and change no clock themselves; the race detector
// (race_detector.hpp) only reads the threads' clocks.
//
// The rules (C++ [intro.races] and [atomics.order], in the explorer's memory model: sequentially
// consistent interleavings, so only what happens-before is decided by the memory orders):
//   - a thread's clock ticks at the end of each of its steps (end_step): what it does later is not
//     covered by a release it made earlier;
//   - a release makes the object carry the releasing thread's clock (release_to); an acquire takes
//     what the object carries into the acquiring thread's clock (acquire_from);
//   - atomics: a load acquires by its order; a store heads a new release sequence, carrying the
//     thread's clock when it releases and nothing when it does not; a read-modify-write acquires by
//     its order and continues the release sequence of the value it replaces, adding the thread's
//     clock when it releases; a failed compare-exchange is a load with the failure order the
//     standard derives from its order; relaxed orders nothing;
//   - a mutex unlock releases to the mutex, a lock (or a successful try_lock) acquires from it;
//   - call_once: the initialiser's completion releases to the flag, and every call that finds the
//     flag done acquires from it;
//   - threads: a spawned thread starts with its parent's clock (fork), a join takes in the
//     finished thread's clock (join).
// (The DPOR scheduler keeps an order of its own, of dependent steps: model/search/dpor.hpp.)
#pragma once

#include <atomic>

#include "model/engine/vector_clock.hpp"

namespace doublecheck::model {

// Whether an operation with `order` acquires, or releases (consume is taken as acquire).
constexpr bool is_acquire(std::memory_order order) {
  return order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst || order == std::memory_order_consume;
}
constexpr bool is_release(std::memory_order order) {
  return order == std::memory_order_release || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst;
}

// What a synchronising object (a mutex, an atomic, a once-flag) passes from its releases to its
// acquires: the clock an acquire of it takes in. Changed only by HappensBefore.
class SyncClock {
 public:
  [[nodiscard]] const VectorClock& carried() const { return clock_; }

 private:
  friend class HappensBefore;
  VectorClock clock_;
};

class HappensBefore {
 public:
  // --- threads ---
  // The first thread of an execution: its clock at its first step.
  static void start(VectorClock& thread, ThreadId id) {
    thread.clear();
    thread.tick(id);
  }
  // Spawning: everything the parent did happens before the child; both go on at a new tick.
  static void fork(VectorClock& parent, ThreadId parent_id, VectorClock& child, ThreadId child_id) {
    child = parent;
    child.tick(child_id);
    parent.tick(parent_id);
  }
  // Joining: everything the finished thread did happens before what the joiner does next.
  static void join(VectorClock& joiner, const VectorClock& finished) { joiner.join(finished); }
  // A step of `thread` (its clock) ends.
  static void end_step(VectorClock& thread, ThreadId id) { thread.tick(id); }

  // --- through an object ---
  // The object now carries exactly what `thread` has seen.
  static void release_to(SyncClock& object, const VectorClock& thread) { object.clock_ = thread; }
  // `thread` now has seen everything the object carries.
  static void acquire_from(VectorClock& thread, const SyncClock& object) {
    thread.join(object.clock_);
  }

  // --- atomics, by memory order ---
  static void load(VectorClock& thread, const SyncClock& object, std::memory_order order) {
    if (is_acquire(order)) acquire_from(thread, object);
  }
  // A store heads a new release sequence; a relaxed one publishes nothing.
  static void store(SyncClock& object, const VectorClock& thread, std::memory_order order) {
    if (is_release(order)) {
      release_to(object, thread);
    } else {
      object.clock_.clear();
    }
  }
  // A read-modify-write reads the latest value and continues its release sequence.
  static void rmw(VectorClock& thread, SyncClock& object, std::memory_order order) {
    if (is_acquire(order)) acquire_from(thread, object);
    if (is_release(order)) object.clock_.join(thread);
  }
  // A compare-exchange that failed: a load, with the failure order derived from `order`.
  static void failed_compare_exchange(VectorClock& thread, const SyncClock& object,
                                      std::memory_order order) {
    load(thread, object, compare_exchange_failure_order(order));
  }
  static constexpr std::memory_order compare_exchange_failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }

  // --- mutexes and call_once ---
  static void lock(VectorClock& thread, const SyncClock& mutex) { acquire_from(thread, mutex); }
  static void unlock(SyncClock& mutex, const VectorClock& thread) { release_to(mutex, thread); }
  static void once_completed(SyncClock& once, const VectorClock& thread) {
    release_to(once, thread);
  }
  static void once_found_done(VectorClock& thread, const SyncClock& once) {
    acquire_from(thread, once);
  }
};

}  // namespace doublecheck::model
