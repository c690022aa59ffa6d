// Symmetry reduction: threads declared symmetric — the same body on the same inputs, spawned one
// after the other by one thread — are explored up to a renaming of them (GenMC's symmetric spawn
// is the idea; this is the explorer's own rule, on interleavings).
//
// Why it is sound. Renaming symmetric threads maps an execution of the program to another one (the
// program cannot tell them apart), with the same final state and the same failures up to the
// renaming. So it suffices to explore, of each set of executions that are renamings of each other,
// at least one. The rule below keeps, for each such set, the executions in which every thread runs
// in *lockstep behind* the symmetric thread spawned before it (its predecessor) as long as the two
// have done the same: its j-th step waits for its predecessor's j-th step. The shared prefix ends
//  - at the first step whose operation conflicts with itself (a write, a lock: two threads doing it
//    are ordered one way or the other — the lockstep puts the predecessor first, the renaming of an
//    execution that does the opposite is explored instead);
//  - at the first step where the two differ: another operation or object, or a read of another
//    store (told by the object's count of writes when the read ran);
//  - at a step that made a value choice of the memory model (what a stale read sees is no longer
//    the same for both), and when the predecessor cannot take the step the thread is held for
//    (its operation is blocked for a reason of its own, or it has ended): the thread is then let
//    go.
// Before that end, the two threads only read what is the same for both, so their steps commute
// with everything the other does between them: any execution can be reordered into the lockstep
// one without changing a single read. The test corpus checks the reduced search against the
// unreduced one on every model (tests/model/symmetry_test.cpp): same final states, same failures.
//
// How partial-order reduction sees it: a thread held for its predecessor is not enabled, and its
// step, once taken, comes after the predecessor's (DporScheduler::on_ordered_after) — the order a
// join gives, so the search never tries to reverse it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/search/path.hpp"

namespace doublecheck::model {

class Symmetry {
 public:
  // A new execution: no thread is symmetric to another yet.
  void reset();
  // Whether a thread `parent` spawns now, when the execution has taken `steps` steps, may be
  // symmetric to `predecessor`: only to the thread it spawned last, with no step since (else the
  // two would not start alike).
  [[nodiscard]] bool follows_last_spawn(ThreadId parent, ThreadId predecessor,
                                        std::uint64_t steps) const {
    return predecessor == last_child_ && parent == last_parent_ && steps == last_spawn_steps_;
  }
  // Thread `child` was spawned by `parent` after `steps` steps, symmetric to `predecessor`
  // (kNoThread: to none; the main thread has no parent). Inline: at every spawn.
  void add_thread(ThreadId parent, ThreadId child, ThreadId predecessor, std::uint64_t steps) {
    last_parent_ = parent;
    last_child_ = child;
    last_spawn_steps_ = steps;
    count_ = std::max(count_, child + 1);
    // While no thread is symmetric to another, every thread's entry is as constructed (only a
    // symmetric pair changes one, and reset() clears them): nothing to clear.
    if (active_) threads_[child] = PerThread{};
    if (predecessor != kNoThread) [[unlikely]] {
      add_symmetric(child, predecessor);
    }
  }
  // Whether some thread of the execution is symmetric to another (else nothing here runs).
  [[nodiscard]] bool active() const { return active_; }

  // The threads of `ready` held back for their predecessor. `pending(t)` is thread t's next
  // operation; `finished(t)` whether it has ended. Lets go (for good) the threads whose
  // predecessor will not take the step they wait for.
  template <class Pending, class Finished>
  ThreadSet held(ThreadSet ready, const Pending& pending, const Finished& finished);

  // Thread `thread` takes a step, `op` (of kind `kind`), once end_step() ended the one before and
  // held() chose who may run. Returns the predecessor's step (its n-th,
  // 0-based) this one comes after, when the two are still in lockstep.
  std::optional<std::uint32_t> begin_step(ThreadId thread, OpKind kind, const OpDesc& op);
  // The running step made a value choice of the memory model.
  void chose_value() { step_chose_ = true; }
  // Ends the running step (called before the next decision): compares it with the predecessor's.
  void end_step();

  // The predecessor of `thread`, or kNoThread.
  [[nodiscard]] ThreadId predecessor(ThreadId thread) const { return threads_[thread].predecessor; }

 private:
  // What two threads' j-th steps must share to keep them in lockstep.
  struct Signature {
    OpKind kind = OpKind::kYield;
    OpDesc op;
    std::uint32_t writes_seen = 0;  // a read: the object's count of writes when it ran
    bool chose = false;             // made a value choice of the memory model
    bool operator==(const Signature&) const = default;
  };
  struct PerThread {
    ThreadId predecessor = kNoThread;
    bool lockstep = false;          // still in the shared prefix with its predecessor
    bool has_successor = false;     // some thread follows it in lockstep
    std::uint32_t steps = 0;        // steps taken
    std::vector<Signature> prefix;  // its steps' signatures, while a successor may compare them
  };

  // Whether two pending operations are the same one (of two threads at the same point).
  static bool same_operation(const PendingOp& a, const PendingOp& b) {
    return a.kind == b.kind && a.object == b.object && a.target == b.target && a.order == b.order;
  }
  std::uint32_t& writes_of(std::uint32_t object);
  // add_thread() of a thread symmetric to `predecessor`.
  void add_symmetric(ThreadId child, ThreadId predecessor);

  bool active_ = false;
  // The last spawn: by whom, of whom, and the steps taken then (follows_last_spawn()).
  ThreadId last_parent_ = kNoThread;
  ThreadId last_child_ = kNoThread;
  std::uint64_t last_spawn_steps_ = 0;
  ThreadId count_ = 0;  // threads known (ids below it)
  std::array<PerThread, kMaxThreads> threads_{};
  std::vector<std::uint32_t> writes_;  // by object id: its writing steps so far
  // The running step, until end_step().
  ThreadId step_thread_ = kNoThread;
  Signature step_;
  bool step_chose_ = false;
};

template <class Pending, class Finished>
ThreadSet Symmetry::held(ThreadSet ready, const Pending& pending, const Finished& finished) {
  ThreadSet held = 0;
  for (ThreadSet s = ready; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    PerThread& self = threads_[t];
    if (!self.lockstep) continue;
    const ThreadId p = self.predecessor;
    const PerThread& before = threads_[p];
    if (before.steps > self.steps) continue;  // the predecessor took this step already
    // Same number of steps: the predecessor's next step is the one this thread waits for. It must
    // be the same operation, and one the predecessor can take now; else the prefix ends here.
    if (before.steps < self.steps || finished(p) || !contains(ready, p) ||
        !same_operation(pending(p), pending(t))) {
      self.lockstep = false;
      continue;
    }
    held |= single(t);
  }
  return held;
}

}  // namespace doublecheck::model
