// Happens-before, in one place: how every synchronising operation moves vector clocks between a
// thread and the object it synchronises through, or between two threads. ModelSync and the
// Execution call these operations and change no clock themselves; the race detector
// (race_detector.hpp) only reads the threads' clocks.
//
// The rules (C++ [intro.races] and [atomics.order]):
//   - a thread's clock ticks at the end of each of its steps (end_step): what it does later is not
//     covered by a release it made earlier;
//   - a release makes the object carry the releasing thread's clock (release_to); an acquire takes
//     what the object carries into the acquiring thread's clock (acquire_from);
//   - atomics and fences: by the store each load reads, in the memory graph (memory_graph.hpp: an
//     acquire takes in the release sequence of the store it read; fences as C++20 says);
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

  // --- atomics ---
  // The failure order of a compare-exchange written with one order: the standard's derivation.
  static constexpr std::memory_order compare_exchange_failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }

  // --- mutexes and call_once ---
  static void lock(VectorClock& thread, const SyncClock& mutex) { acquire_from(thread, mutex); }
  static void unlock(SyncClock& mutex, const VectorClock& thread) { release_to(mutex, thread); }
  // A shared mutex: a lock_shared acquires `mutex` (the last exclusive unlock) only; an exclusive
  // lock also every unlock_shared since the last one (`readers`, which then starts afresh: what
  // they carried now comes with the lock's own unlock).
  static void lock_after_readers(VectorClock& thread, const SyncClock& mutex, SyncClock& readers) {
    acquire_from(thread, mutex);
    acquire_from(thread, readers);
    readers.clock_.clear();
  }
  // Readers release independently: their clocks are joined, not replaced.
  static void unlock_shared(SyncClock& readers, const VectorClock& thread) {
    readers.clock_.join(thread);
  }
  static void once_completed(SyncClock& once, const VectorClock& thread) {
    release_to(once, thread);
  }
  static void once_found_done(VectorClock& thread, const SyncClock& once) {
    acquire_from(thread, once);
  }
};

}  // namespace doublecheck::model
