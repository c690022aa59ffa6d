// How the next thread is picked at a decision point. The execution asks the scheduler and tells it
// what happens (steps, spawns, joins); a scheduler knows who can run and what each would do next,
// never how the model's code works.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/search/path.hpp"

namespace doublecheck::model {

// What a scheduler sees at a decision point: two or more threads can run.
struct Choice {
  ThreadSet enabled = 0;          // who can run
  ThreadId previous = 0;          // who ran the last step (choosing another one preempts it)
  std::uint32_t preemptions = 0;  // preemptions so far in this execution
  // Enabled thread t's next operation, described on demand: a scheduler needs it only at a
  // decision it has not seen before (DPOR), not at the replay of one, the common case.
  [[nodiscard]] OpDesc op(ThreadId t) const { return describe(describer, t); }
  OpDesc (*describe)(const void* describer, ThreadId t) = nullptr;
  const void* describer = nullptr;  // the execution, passed to describe
};

struct Pick {
  enum class Kind : std::uint8_t {
    kRun,        // run `thread`
    kMismatch,   // the scheduler cannot follow this execution (a replay that does not fit)
    kRedundant,  // every enabled thread is asleep: this execution repeats an explored one (DPOR)
  };
  Kind kind = Kind::kRun;
  ThreadId thread = 0;  // the thread to run; for choose_value(), the alternative taken

  static Pick run(ThreadId t) { return {Kind::kRun, t}; }
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Called before each execution.
  virtual void begin_execution() = 0;
  virtual Pick pick(const Choice& choice) = 0;
  // A value choice of the memory model with `options` (two or more) alternatives, 0 being what a
  // sequentially consistent run does: the one this execution takes (Pick::run(alternative)), or
  // kMismatch / kRedundant as for a thread.
  virtual Pick choose_value(std::uint32_t options) = 0;
  // Prepares the next execution; false when the search is over.
  virtual bool next_execution() = 0;
  // True when some interleaving was left out on purpose (a preemption bound), so a search that
  // ran out of executions was not exhaustive.
  [[nodiscard]] virtual bool cut_off() const { return false; }
  // The share of the search done so far (0..1), or a negative number when unknown.
  [[nodiscard]] virtual double progress() const { return -1; }

  // What the execution reports as it runs (partial-order reduction needs it; others ignore it).
  // A scheduler that overrides none of these says so (Scheduler(false)): the execution then
  // makes none of their calls, one a step or more.
  [[nodiscard]] bool wants_reports() const { return wants_reports_; }
  // A thread's parked operation runs now (a step).
  virtual void on_step(ThreadId /*thread*/, const OpDesc& /*op*/) {}
  // The execution ended with `thread` still waiting to run `op` (blocked, or cut short).
  virtual void on_unfinished(ThreadId /*thread*/, const OpDesc& /*op*/) {}
  virtual void on_spawn(ThreadId /*parent*/, ThreadId /*child*/) {}
  virtual void on_join(ThreadId /*joiner*/, ThreadId /*target*/) {}
  // The step `thread` is about to take comes after the `nth` step (0-based) of `before`: the
  // order symmetry reduction imposes between symmetric threads (model/engine/symmetry.hpp),
  // which the search must never try to reverse. Called just before that step's on_step().
  virtual void on_ordered_after(ThreadId /*thread*/, ThreadId /*before*/, std::uint32_t /*nth*/) {}

 protected:
  explicit Scheduler(bool wants_reports = true) : wants_reports_(wants_reports) {}
  Scheduler(const Scheduler&) = default;
  Scheduler& operator=(const Scheduler&) = default;

 private:
  bool wants_reports_;
};

// Plain depth-first search over every interleaving, optionally with a preemption bound (CHESS):
// beyond `bound` preemptions an execution only lets the running thread go on while it can.
class DfsScheduler final : public Scheduler {
 public:
  explicit DfsScheduler(std::optional<std::uint32_t> preemption_bound = std::nullopt)
      : Scheduler(false), bound_(preemption_bound) {}
  void begin_execution() override { path_.rewind(); }
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override {
    const auto chosen = path_.choose_value(options);
    return chosen ? Pick::run(*chosen) : Pick{Pick::Kind::kMismatch, 0};
  }
  bool next_execution() override { return path_.advance(); }
  [[nodiscard]] bool cut_off() const override { return cut_off_; }
  [[nodiscard]] double progress() const override { return path_.progress(); }

 private:
  Path path_;
  std::optional<std::uint32_t> bound_;  // most preemptions an execution may have
  bool cut_off_ = false;                // the bound removed a choice somewhere
};

// Runs one given execution (a replay token's choices), then stops. Past the end of the choices it
// keeps running the previous thread and takes alternative 0, as a fresh depth-first path would.
class ReplayScheduler final : public Scheduler {
 public:
  explicit ReplayScheduler(std::vector<ScheduleChoice> choices)
      : Scheduler(false), choices_(std::move(choices)) {}
  void begin_execution() override { position_ = 0; }
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override { return false; }

 private:
  std::vector<ScheduleChoice> choices_;
  std::size_t position_ = 0;
};

}  // namespace doublecheck::model
