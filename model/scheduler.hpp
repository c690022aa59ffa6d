// How the next thread is picked at a decision point. The explorer asks the scheduler; the
// scheduler does not know what the threads do, only who can run.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/path.hpp"

namespace doublecheck::model {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Called before each execution.
  virtual void begin_execution() = 0;
  // The thread to run; nullopt when the scheduler cannot follow this execution (a replay that
  // does not fit the model).
  virtual std::optional<ThreadId> pick(ThreadSet enabled, ThreadId previous) = 0;
  // Prepares the next execution; false when the search is over.
  virtual bool next_execution() = 0;

 protected:
  Scheduler() = default;
  Scheduler(const Scheduler&) = default;
  Scheduler& operator=(const Scheduler&) = default;
};

// Exhaustive depth-first search over every interleaving.
class DfsScheduler final : public Scheduler {
 public:
  void begin_execution() override { path_.rewind(); }
  std::optional<ThreadId> pick(ThreadSet enabled, ThreadId previous) override {
    return path_.choose(enabled, previous);
  }
  bool next_execution() override { return path_.advance(); }

 private:
  Path path_;
};

// Runs one given interleaving (a replay token's choices), then stops. Past the end of the choices
// it keeps running the previous thread, as a fresh depth-first path would.
class ReplayScheduler final : public Scheduler {
 public:
  explicit ReplayScheduler(std::vector<ThreadId> choices) : choices_(std::move(choices)) {}
  void begin_execution() override { position_ = 0; }
  std::optional<ThreadId> pick(ThreadSet enabled, ThreadId previous) override {
    if (position_ < choices_.size()) {
      const ThreadId t = choices_[position_++];
      if (!contains(enabled, t)) return std::nullopt;
      return t;
    }
    return contains(enabled, previous) ? previous : lowest(enabled);
  }
  bool next_execution() override { return false; }

 private:
  std::vector<ThreadId> choices_;
  std::size_t position_ = 0;
};

}  // namespace doublecheck::model
