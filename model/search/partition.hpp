// Splitting one search into disjoint parts: by the choices of the first `depth` decision points
// (a subtree of the search tree). Each part is explored by one shard (--shard i/n: a fixed hash
// of the subtree) or claimed by the first of several jobs to reach it (--jobs N: load-balanced).
// Every shard walks the decisions above `depth` in full, so the parts cover the tree exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "model/search/scheduler.hpp"

namespace doublecheck::model {

// Decides which subtrees the current search owns.
class SubtreeOwner {
 public:
  // The i-th of n static shards.
  SubtreeOwner(std::uint32_t index, std::uint32_t count) : index_(index), count_(count) {}
  // Within the shard, a subtree belongs to the job that claims it first (load balancing).
  void claim_with(std::function<bool(const std::string&)> claim) { claim_ = std::move(claim); }

  // Whether this search explores the subtree of `key` (the choices that lead to it).
  [[nodiscard]] bool owns(const std::string& key) const;

 private:
  std::uint32_t index_ = 0;
  std::uint32_t count_ = 1;
  std::function<bool(const std::string&)> claim_;  // set in dynamic mode
};

// The claims of one parallel search: each subtree key is handed out once.
class ClaimRegistry {
 public:
  bool claim(const std::string& key) {
    const std::lock_guard guard(mutex_);
    return claimed_.insert(key).second;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> claimed_;  // subtrees taken by some job
};

// Wraps a scheduler so that it explores only owned subtrees: at decision point `depth` an unowned
// subtree is pruned; an execution that ends above `depth` counts only where it is owned.
class PartitionedScheduler final : public Scheduler {
 public:
  PartitionedScheduler(Scheduler& inner, std::uint32_t depth, SubtreeOwner owner)
      : inner_(inner), depth_(depth), owner_(std::move(owner)) {}

  void begin_execution() override {
    prefix_.clear();
    inner_.begin_execution();
  }
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override { return inner_.next_execution(); }
  [[nodiscard]] bool cut_off() const override { return inner_.cut_off(); }
  void on_step(ThreadId t, const OpDesc& op) override { inner_.on_step(t, op); }
  void on_unfinished(ThreadId t, const OpDesc& op) override { inner_.on_unfinished(t, op); }
  void on_spawn(ThreadId p, ThreadId c) override { inner_.on_spawn(p, c); }
  void on_join(ThreadId j, ThreadId t) override { inner_.on_join(j, t); }
  void on_ordered_after(ThreadId t, ThreadId before, std::uint32_t nth) override {
    inner_.on_ordered_after(t, before, nth);
  }
  [[nodiscard]] double progress() const override { return inner_.progress(); }

  // Whether a finished execution (not pruned) is this part's to count: whether its subtree is
  // ours. Asked of every execution, not only of those that ended above `depth`: one that made its
  // `depth`-th choice and then none (every later step forced, as when symmetric threads wait in
  // lockstep) never met the check in pick(), and would count in every part.
  [[nodiscard]] bool owns_finished_execution() { return mine(); }

 private:
  Scheduler& inner_;
  std::uint32_t depth_;
  SubtreeOwner owner_;
  std::vector<ScheduleChoice> prefix_;  // choices of this execution, up to `depth`
  std::set<std::string> owned_;         // subtrees this search has taken
  std::set<std::string> foreign_;       // subtrees that belong to another part

  // Whether the current prefix's subtree is ours. Remembered: a stateless search enters a subtree
  // once per execution in it, and a claim can be won only once.
  bool mine();
};

}  // namespace doublecheck::model
