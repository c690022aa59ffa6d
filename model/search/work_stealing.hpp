// One DPOR search shared by several OS threads (--jobs N) by work stealing, exploring exactly the
// executions of the sequential search, in parts.
//
// A part is an alternative of a decision point and everything below it (DporScheduler::Subtree).
// A worker with nothing to do is given one by a worker that has one not yet tried: the shallowest
// of its decision points that has an alternative known and untried, which the giver then skips.
// The taker replays the way there and explores below it as the sequential search would, because
// what that exploration depends on is fixed when the alternative is known (dpor.hpp, the order of
// the search): its place among its decision's alternatives, so the ones asleep there.
//
// What a part cannot settle alone are the race reversals its executions find for decision points
// above it, and those that reach the giver's decision points from below an alternative it gave away
// and that its own later executions also ask for: sequentially they are resolved in the order of
// the executions (an earlier one may add the thread that makes a later one's add nothing). So a
// reversal a part cannot resolve now is kept with its place in that order (Request: the
// execution's alternative at each decision point, then its order in the execution), a finished part
// reports the ones for decision points above it (Report), and a decision point resolves those that
// came from before its current alternative in order, once all given away there have reported. A
// decision point waits for its given-away alternatives only when it has no alternative of its own
// left (they may add some); while it waits, its worker explores another part (given by someone, or
// one of its own untried alternatives).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "model/search/dpor.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::model {

// A race reversal for a decision point, with its place in the order of the search.
struct StealRequest {
  std::size_t decision = 0;  // the decision point's depth
  ThreadSet initials = 0;
  std::vector<std::uint32_t> position;  // the execution's alternative at each decision point so far
  std::uint32_t seq = 0;                // the reversal's order within the execution
  // The order of the sequential search. (Requests of two executions that agree on the decision
  // points one of them reached are the same request, found twice: either order resolves them the
  // same way, the second one adding nothing.)
  bool operator<(const StealRequest& other) const;
};

// What a given-away part reports when it is explored: its race reversals for the decision points
// above it. Written by the part's worker, then `complete` is set (release); read by the giver's
// worker only after it saw `complete` (acquire), so `requests` needs no lock.
struct StealReport {
  std::atomic<bool> complete{false};
  std::vector<StealRequest> requests;
};

// A part of the search, to be explored by whichever worker takes it.
struct StealTask {
  DporScheduler::Subtree subtree;
  std::shared_ptr<StealReport> report;
};

class WorkStealingSearch {
 public:
  // Runs one execution with `scheduler` (the execution and what it counts and finds are the
  // caller's). False: the whole search stops (a failure that ends it, a limit).
  using RunExecution = std::function<bool(Scheduler& scheduler)>;

  WorkStealingSearch() = default;

  // One worker's share: each OS thread of the search calls it once, with its own `run`. Worker 0
  // starts the search at its root; the others take parts. Returns when the search is over.
  void work(std::uint32_t worker, const RunExecution& run);

  // Whether the whole tree was explored (no one stopped the search).
  [[nodiscard]] bool finished() const { return finished_.load(std::memory_order_acquire); }

  // --- between the workers (work_stealing.cpp) ---------------------------------------------------
  // Hands a part to the workers.
  void give(StealTask task);
  // Whether some worker waits for a part that no one has given yet (read between executions).
  [[nodiscard]] bool wanted() const {
    return hungry_.load(std::memory_order_relaxed) > queued_.load(std::memory_order_relaxed);
  }
  // A part to explore, waiting for one unless `awaited` is complete first (then nullopt; nullopt
  // too when the search is over).
  std::optional<StealTask> take(const StealReport* awaited);
  // A part, if one is waiting (no wait).
  std::optional<StealTask> try_take();
  // A report completed: wakes whoever waits for it.
  void reported();
  // Ends the search (finished: it was all explored); every worker returns soon.
  void end(bool finished);
  [[nodiscard]] bool over() const { return over_.load(std::memory_order_acquire); }

 private:
  StdSync::Mutex mutex_;
  StdSync::ConditionVariable changed_;  // a part given, a report completed, the search ended
  std::deque<StealTask> tasks_ DC_GUARDED_BY(mutex_);  // parts given, not taken yet
  // Set once, by end(); atomics so that the workers can poll them between executions without the
  // lock (a waiter reads them under mutex_, and end() stores them under it, so no wake-up is lost).
  std::atomic<bool> over_{false};
  std::atomic<bool> finished_{false};
  // Workers waiting for a part, and parts in tasks_: kept beside tasks_ (changed under mutex_) so
  // that a busy worker can see without the lock whether to give one.
  std::atomic<std::uint32_t> hungry_{0};
  std::atomic<std::uint32_t> queued_{0};
};

}  // namespace doublecheck::model
