// Dynamic partial-order reduction with source sets and sleep sets (Abdulla, Aronis, Jonsson and
// Sagonas, POPL 2014): one execution per equivalence class of interleavings, where two
// interleavings are equivalent when they order every pair of dependent operations
// (operation.hpp: dependent()) the same way.
//
// The search is the depth-first one of DfsScheduler, but a decision point does not try every
// enabled thread: it starts with one, and more are added (its *backtrack set*) only when a later
// step races with the step taken there — a dependent operation of another thread not ordered
// after it. Reversing the race means running first the steps that do not depend on the earlier
// one; the thread added is one that can start that sequence (an *initial*), which keeps the
// search sound together with sleep sets, which stop an execution that only repeats an explored
// class.
//
// A value choice of the memory model (which store a load reads, where a store goes) is a decision
// point too, every alternative of which is explored: the reduction is over the interleavings, and
// each interleaving's executions differ in their values. Interleavings that give the same
// execution graph are then counted once by the explorer (MemoryGraph::key()).
//
// Happens-before here is the order the steps' dependencies impose (per-step vector clocks),
// including a mutex's unlock before its next lock, spawn before the child and the child before
// join; not the memory model's happens-before (that is the race detector's).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/engine/vector_clock.hpp"
#include "model/search/scheduler.hpp"

namespace doublecheck::model {

class DporScheduler final : public Scheduler {
 public:
  void begin_execution() override;
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override;
  [[nodiscard]] bool wants_ops() const override { return true; }

  // Decision points above `depth` try every enabled thread (no reduction there), so that the
  // search can be split into subtrees at `depth` (partition.hpp) without a race found in one
  // subtree having to reach a decision point that another part of the search owns.
  void branch_fully_above(std::uint32_t depth) { full_depth_ = depth; }
  // An estimate of the share of the search done, for the progress line.
  [[nodiscard]] double progress() const override;

  void on_step(ThreadId thread, const OpDesc& op) override;
  void on_unfinished(ThreadId thread, const OpDesc& op) override;
  void on_spawn(ThreadId parent, ThreadId child) override;
  void on_join(ThreadId joiner, ThreadId target) override;

 private:
  struct Decision {
    ThreadSet enabled = 0;    // who could run here
    ThreadSet backtrack = 0;  // who must be tried here (grows as races are found)
    ThreadSet done = 0;       // who has been tried here
    ThreadSet asleep = 0;     // who was asleep on arrival (explored from an earlier point)
    ThreadId chosen = 0;      // who runs in the current execution (a value choice: the alternative)
    std::uint32_t options = 0;  // a value choice's number of alternatives; 0 at a thread decision
    std::array<OpDesc, kMaxThreads> ops{};  // each thread's next operation here
  };

  // One step of the current execution.
  struct Step {
    ThreadId thread = 0;
    OpDesc op;
    std::int32_t decision = -1;  // the decision point it was chosen at, or -1 (only one could run)
    std::int32_t previous_on_object = -1;  // the step before it on the same object, or -1
    VectorClock clock;                     // the steps that happen before it, and itself
  };

  // What orders steps on one object: the last write-like step, and the reads since.
  struct ObjectClocks {
    VectorClock last_write;
    VectorClock reads;
    std::int32_t last_step = -1;  // the latest step on the object (the head of its chain)
  };

  [[nodiscard]] static bool happens_before(const Step& a, const Step& b) {
    return a.clock[a.thread] <= b.clock[a.thread];
  }
  // Step `race_index` races with `later` (the step being taken): make sure the decision point of
  // the earlier step also tries a thread that lets `later`'s side go first.
  void add_backtrack(std::size_t race_index, const Step& later);
  // The earlier steps `step` races with, into racing_.
  void find_races(const Step& step);
  ObjectClocks& clocks_of(std::uint32_t object);

  std::uint32_t full_depth_ = 0;     // decision points above it branch fully
  std::vector<Decision> decisions_;  // the current execution's decision points
  std::size_t position_ = 0;         // the next decision point of the current execution

  // State of the current execution.
  std::vector<Step> steps_;
  std::array<VectorClock, kMaxThreads> thread_clock_{};  // per thread: its last step's clock
  std::vector<ObjectClocks> objects_;                    // by object id
  ThreadSet sleep_ = 0;                                  // threads asleep now
  std::array<OpDesc, kMaxThreads> sleep_ops_{};          // their next operations
  std::int32_t current_decision_ = -1;  // the decision point the next step was chosen at
  // Scratch space, kept to avoid an allocation per step.
  std::vector<std::size_t> racing_;
  std::vector<const Step*> reversed_;
};

}  // namespace doublecheck::model
