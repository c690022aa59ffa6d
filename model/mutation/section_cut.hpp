// The critical sections of an execution, for the section operators of fix-necessity mutation
// (model/mutation/mutation.hpp): "split" releases a section's mutex and takes it again just before
// one of its accesses, "exclude" releases it around one access. Every access stays locked by the
// source; what the mutants break is atomicity: two updates in one section become two sections, and
// another thread can run between them.
//
// Layering: the MutationHook (mutation_hook.hpp) owns a SectionTracker and *decides* (it knows the
// sections each thread holds, the access units met in each, and the active mutant); the engine
// *performs* the cut it is told of through its interception point (a Decision that releases a held
// mutex: model/engine/operation_hook.hpp), with the same unlock and lock as Mutex::unlock and
// Mutex::lock (real visible operations: decision points, happens-before, traced), so other threads
// can run in the gap.
//
// Definitions (README.md, "Fix-necessity mutation"):
//   - a section is one instance of a mutex held by a thread, from a lock (or a successful
//     try_lock) that was not skipped by a no-lock mutant to the thread's unlock of that mutex; it
//     is identified by its lock site;
//   - an access unit is one call of a public access of a model object (Shared load/store/add,
//     Atomic load/store/exchange/compare_exchange_strong/fetch_add/fetch_sub); `add` is one unit
//     (source code cannot put an unlock inside `x += d`), and Shared construction is none;
//   - an object registered after the section's lock was taken is private to the section (the
//     fields of an emitter constructed inside the init lock): its accesses are not counted;
//   - sections nest: an access counts in every section its thread holds.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

class SiteLog;  // model/mutation/mutation.hpp
struct Mutant;

// What the active mutant asks of the engine at one access unit.
struct SectionCut {
  enum class Kind : std::uint8_t {
    kNone,
    kSplit,    // unlock `mutex` and lock it again, then perform the access
    kExclude,  // unlock `mutex`, perform the access, lock it again
  };
  Kind kind = Kind::kNone;
  MutexState* mutex = nullptr;
};

class SectionTracker {
 public:
  // `mutant`: the active mutant, or null; only a split or exclude mutant ever cuts.
  explicit SectionTracker(const Mutant* mutant);

  // A new execution: no thread holds a section.
  void clear() { held_.clear(); }

  // `thread` took `mutex` by `op` at `loc`; objects with an id of `next_object_id` or more are
  // private to the section.
  void entered(ThreadId thread, SiteOp op, MutexState& mutex, const SourceLoc& loc,
               std::uint32_t next_object_id);
  // `thread` unlocks `mutex`: its innermost section of it ends.
  void left(ThreadId thread, const MutexState& mutex);
  // `thread` reaches an access unit (`op` on `object` at `loc`, written with `order`): it is
  // noted in `log` (when recording) as a point of every section the thread holds that the object
  // is not private to; returns the cut the mutant makes before it.
  SectionCut access(ThreadId thread, SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                    std::memory_order order, SiteLog* log);

 private:
  struct Held {
    ThreadId thread = kNoThread;
    SiteOp op{};
    MutexState* mutex = nullptr;
    SourceLoc loc;                    // the lock site
    std::uint32_t first_private = 0;  // objects registered from here on are the section's own
    std::uint32_t units = 0;          // access units of this instance met so far
    bool at_mutant_site = false;      // the mutant cuts sections of this lock site
  };

  const Mutant* mutant_;    // a split or exclude mutant, else null
  std::vector<Held> held_;  // every thread's, in the order they were entered
};

}  // namespace doublecheck::model
