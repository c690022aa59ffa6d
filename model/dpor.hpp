// Dynamic partial-order reduction (Flanagan & Godefroid, POPL 2005) with sleep sets: one execution
// per equivalence class of interleavings, where two interleavings are equivalent when they order
// every pair of dependent operations (operation.hpp: dependent()) the same way.
//
// The search is the depth-first one of DfsScheduler, but a decision point does not try every
// enabled thread: it starts with one, and a thread is added to its *backtrack set* only when a
// later step of the execution races with it — a dependent operation of another thread that is not
// ordered after it. Sleep sets stop an execution that would only repeat an explored class.
//
// Happens-before here is the order the steps' dependencies impose (per-step vector clocks),
// including a mutex's unlock before its next lock, spawn before the child and the child before
// join; not the memory model's happens-before (that is the race detector's).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/operation.hpp"
#include "model/scheduler.hpp"
#include "model/vector_clock.hpp"

namespace doublecheck::model {

class DporScheduler final : public Scheduler {
 public:
  void begin_execution() override;
  Pick pick(const Choice& choice) override;
  bool next_execution() override;
  [[nodiscard]] bool wants_ops() const override { return true; }

  // Decision points above `depth` try every enabled thread (no reduction there), so that the
  // search can be split into subtrees at `depth` (partition.hpp) without a race found in one
  // subtree having to reach a decision point that another part of the search owns.
  void branch_fully_above(std::uint32_t depth) { full_depth_ = depth; }
  // An estimate of the share of the search done, for the progress line.
  [[nodiscard]] double progress() const override;

  void on_park(ThreadId thread, const OpDesc& op) override;
  void on_step(ThreadId thread, const OpDesc& op) override;
  void on_spawn(ThreadId parent, ThreadId child) override;
  void on_join(ThreadId joiner, ThreadId target) override;

 private:
  struct Decision {
    ThreadSet enabled = 0;    // who could run here
    ThreadSet backtrack = 0;  // who must be tried here (grows as races are found)
    ThreadSet done = 0;       // who has been tried here
    ThreadSet asleep = 0;     // who was asleep on arrival (explored from an earlier point)
    ThreadId chosen = 0;      // who runs in the current execution
    std::array<OpDesc, kMaxThreads> ops{};  // each thread's next operation here
  };

  // One step of the current execution.
  struct Step {
    ThreadId thread = 0;
    OpDesc op;
    std::int32_t decision = -1;  // the decision point it was chosen at, or -1 (only one could run)
    VectorClock clock;           // the steps that happen before it, and itself
  };

  // What orders steps on one object: the last write-like step, and the reads since.
  struct ObjectClocks {
    VectorClock last_write;
    VectorClock reads;
  };

  [[nodiscard]] bool happens_before(const Step& step, ThreadId thread) const {
    return step.clock[step.thread] <= thread_clock_[thread][step.thread];
  }
  // `thread`, about to run `op`, races with `step`: try `thread` (or, if it could not run there,
  // everyone who could) at the step's decision point.
  void add_backtrack(const Step& step, ThreadId thread);
  ObjectClocks& clocks_of(std::uint32_t object);

  std::uint32_t full_depth_ = 0;     // decision points above it branch fully
  std::vector<Decision> decisions_;  // the current execution's decision points
  std::size_t position_ = 0;         // the next decision point of the current execution

  // State of the current execution.
  std::vector<Step> steps_;
  std::array<VectorClock, kMaxThreads> thread_clock_{};  // per thread: its last step's clock
  std::array<OpDesc, kMaxThreads> pending_{};            // per thread: its parked operation
  ThreadSet parked_ = 0;                                 // threads with a parked operation
  std::vector<ObjectClocks> objects_;                    // by object id
  ThreadSet sleep_ = 0;                                  // threads asleep now
  std::array<OpDesc, kMaxThreads> sleep_ops_{};          // their next operations
  std::int32_t current_decision_ = -1;  // the decision point the next step was chosen at
};

}  // namespace doublecheck::model
