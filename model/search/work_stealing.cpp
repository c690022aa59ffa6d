#include "model/search/work_stealing.hpp"

#include <algorithm>
#include <utility>

#include "seam/scoped_lock.hpp"

namespace doublecheck::model {
namespace {

class Worker;

// One part of the search as one worker explores it: its scheduler, and what it holds for the order
// of the search (the race reversals it could not resolve yet, the alternatives it gave away).
class Part final : public DporScheduler::Sharing {
 public:
  Part(Worker& worker, DporScheduler scheduler)
      : worker_(worker), scheduler_(std::move(scheduler)) {
    scheduler_.share_with(this);
  }
  Part(const Part&) = delete;
  Part& operator=(const Part&) = delete;
  Part(Part&&) = delete;
  Part& operator=(Part&&) = delete;
  ~Part() override = default;

  // Runs the part's executions; its reversals for the decision points above it, when it is done.
  std::vector<StealRequest> explore();
  // The shallowest untried alternative of this part, given away.
  std::optional<StealTask> give();

  bool take(const DporScheduler& scheduler, std::size_t decision, ThreadSet initials,
            std::uint32_t seq) override;
  void passed(std::size_t decision, std::uint32_t place) override;
  bool settle(DporScheduler& scheduler, std::size_t decision, bool exhausted) override;

 private:
  // An alternative given away; open once the decision point went past it (from then on the
  // reversals for it and above it wait for its report).
  struct Given {
    std::size_t decision = 0;
    std::uint32_t place = 0;
    std::shared_ptr<StealReport> report;
    bool open = false;
  };

  StealRequest request(std::size_t decision, ThreadSet initials, std::uint32_t seq) const;
  // Whether a reversal with `initials` for `decision` is sure to add nothing after an earlier one
  // of this part's in `asked` (by decision point); if not, it is recorded there.
  static bool implied(std::vector<std::vector<ThreadSet>>& asked, std::size_t decision,
                      ThreadSet initials);
  // The deepest decision point with an open given-away alternative, or -1.
  [[nodiscard]] std::ptrdiff_t deepest_open() const;
  // Resolves, in order, the reversals kept for `decision` and the decision points above it, as far
  // as none of them waits for a report.
  void resolve_from(std::size_t decision);

  Worker& worker_;
  DporScheduler scheduler_;
  std::vector<StealRequest> outgoing_;           // for the decision points above the part
  std::vector<std::vector<StealRequest>> kept_;  // by decision point: waiting for reports
  std::size_t kept_count_ = 0;                   // requests in kept_
  std::vector<Given> given_;
  // The initials of this part's own requests, by decision point: those sent above the part (in
  // outgoing_), and those kept here and not resolved yet (a report's are not in the order with
  // them: they may come before).
  std::vector<std::vector<ThreadSet>> asked_above_;
  std::vector<std::vector<ThreadSet>> asked_kept_;
  mutable std::vector<std::uint32_t> position_;  // scratch space for request()
};

// One OS thread's share of the search: the parts it explores now (nested: a part waiting for a
// report has its worker explore another part meanwhile), outermost first.
class Worker {
 public:
  Worker(WorkStealingSearch& search, const WorkStealingSearch::RunExecution& run)
      : search_(search), run_(run) {}

  WorkStealingSearch& search() { return search_; }
  const WorkStealingSearch::RunExecution& run() { return run_; }
  std::vector<Part*>& parts() { return parts_; }

  // Explores a part given away and completes its report.
  void explore(StealTask task);
  // Explores other parts until `report` is complete; false when the search is over.
  bool wait_for(const StealReport& report);
  // Gives the shallowest untried alternative of the parts this worker explores (outermost first:
  // the largest) to whoever waits for one.
  void serve();
  std::optional<StealTask> own_task();

 private:
  WorkStealingSearch& search_;
  const WorkStealingSearch::RunExecution& run_;
  std::vector<Part*> parts_;
};

std::vector<StealRequest> Part::explore() {
  worker_.parts().push_back(this);
  while (!worker_.search().over()) {
    if (!worker_.run()(scheduler_)) {
      worker_.search().end(false);
      break;
    }
    worker_.serve();
    if (!scheduler_.next_execution()) break;
  }
  worker_.parts().pop_back();
  return std::move(outgoing_);
}

std::optional<StealTask> Part::give() {
  std::optional<DporScheduler::Subtree> subtree = scheduler_.give_away();
  if (!subtree) return std::nullopt;
  auto report = std::make_shared<StealReport>();
  given_.push_back(Given{subtree->root(), subtree->place(), report});
  return StealTask{std::move(*subtree), std::move(report)};
}

StealRequest Part::request(std::size_t decision, ThreadSet initials, std::uint32_t seq) const {
  scheduler_.position(position_);
  return StealRequest{decision, initials, position_, seq};
}

std::ptrdiff_t Part::deepest_open() const {
  std::ptrdiff_t deepest = -1;
  for (const Given& given : given_) {
    if (given.open) deepest = std::max(deepest, static_cast<std::ptrdiff_t>(given.decision));
  }
  return deepest;
}

bool Part::implied(std::vector<std::vector<ThreadSet>>& asked, std::size_t decision,
                   ThreadSet initials) {
  if (asked.size() <= decision) asked.resize(decision + 1);
  std::vector<ThreadSet>& earlier = asked[decision];
  // An earlier reversal whose initials are among these leaves the decision point, once it is
  // resolved, trying one of them (it adds one if none is tried) or, when none of them could run
  // there, trying every thread that could, in which case these add nothing either. Requests of
  // this part are in the order of the search among themselves, so the earlier one is resolved
  // first wherever they are resolved, whatever comes between them.
  if (std::any_of(earlier.begin(), earlier.end(),
                  [initials](ThreadSet e) { return (e & ~initials) == 0; })) {
    return true;
  }
  earlier.push_back(initials);
  return false;
}

bool Part::take(const DporScheduler& /*scheduler*/, std::size_t decision, ThreadSet initials,
                std::uint32_t seq) {
  if (decision < scheduler_.floor()) {
    // Another part's decision point.
    if (!implied(asked_above_, decision, initials)) {
      outgoing_.push_back(request(decision, initials, seq));
    }
    return true;
  }
  // Reports from before this execution are due first, or reversals kept from before it.
  if (deepest_open() >= static_cast<std::ptrdiff_t>(decision) ||
      (decision < kept_.size() && !kept_[decision].empty())) {
    if (implied(asked_kept_, decision, initials)) return true;
    if (kept_.size() <= decision) kept_.resize(decision + 1);
    kept_[decision].push_back(request(decision, initials, seq));
    ++kept_count_;
    return true;
  }
  return false;
}

void Part::passed(std::size_t decision, std::uint32_t place) {
  for (Given& given : given_) {
    if (given.decision == decision && given.place == place) given.open = true;
  }
}

bool Part::settle(DporScheduler& /*scheduler*/, std::size_t decision, bool exhausted) {
  if (exhausted) {
    // Every alternative given away here must report: its reversals may add alternatives here.
    std::vector<std::shared_ptr<StealReport>> awaited;
    for (const Given& given : given_) {
      if (given.decision == decision && given.open) awaited.push_back(given.report);
    }
    for (const auto& report : awaited) {
      if (!worker_.wait_for(*report)) return false;
    }
  }
  // The reports complete so far: their reversals join those kept here (or go above the part).
  const bool any_complete = std::any_of(given_.begin(), given_.end(), [](const Given& given) {
    return given.open && given.report->complete.load(std::memory_order_acquire);
  });
  if (any_complete) {
    std::vector<Given> still;
    for (Given& given : given_) {
      if (!given.open || !given.report->complete.load(std::memory_order_acquire)) {
        still.push_back(std::move(given));
        continue;
      }
      for (StealRequest& r : given.report->requests) {
        if (r.decision < scheduler_.floor()) {
          outgoing_.push_back(std::move(r));
          continue;
        }
        if (kept_.size() <= r.decision) kept_.resize(r.decision + 1);
        kept_[r.decision].push_back(std::move(r));
        ++kept_count_;
      }
    }
    given_ = std::move(still);
  }
  resolve_from(decision);
  return !worker_.search().over();
}

void Part::resolve_from(std::size_t decision) {
  if (kept_count_ == 0) return;
  const std::ptrdiff_t deepest = deepest_open();
  for (std::size_t d = std::min(decision + 1, kept_.size()); d-- > scheduler_.floor();) {
    if (static_cast<std::ptrdiff_t>(d) <= deepest) break;  // it waits for a report
    std::vector<StealRequest>& kept = kept_[d];
    std::sort(kept.begin(), kept.end());
    for (const StealRequest& r : kept) scheduler_.resolve(d, r.initials);
    kept_count_ -= kept.size();
    kept.clear();
    if (d < asked_kept_.size()) asked_kept_[d].clear();  // resolved: none is earlier than the next
  }
}

void Worker::explore(StealTask task) {
  Part part(*this, DporScheduler(std::move(task.subtree)));
  task.report->requests = part.explore();
  task.report->complete.store(true, std::memory_order_release);
  search_.reported();
}

std::optional<StealTask> Worker::own_task() {
  for (Part* part : parts_) {
    if (auto task = part->give()) return task;
  }
  return std::nullopt;
}

bool Worker::wait_for(const StealReport& report) {
  while (!report.complete.load(std::memory_order_acquire)) {
    if (search_.over()) return false;
    std::optional<StealTask> task = search_.try_take();
    if (!task) task = own_task();
    if (!task) task = search_.take(&report);
    if (task) explore(std::move(*task));
  }
  return !search_.over();
}

void Worker::serve() {
  while (search_.wanted()) {
    std::optional<StealTask> task = own_task();
    if (!task) return;
    search_.give(std::move(*task));
  }
}

}  // namespace

bool StealRequest::operator<(const StealRequest& other) const {
  if (position != other.position) {
    return std::lexicographical_compare(position.begin(), position.end(), other.position.begin(),
                                        other.position.end());
  }
  return seq < other.seq;
}

void WorkStealingSearch::work(std::uint32_t worker, const RunExecution& run) {
  Worker self(*this, run);
  if (worker == 0) {
    Part root(self, DporScheduler());
    (void)root.explore();  // (the root has no decision point above it)
    end(!over());
    return;
  }
  while (std::optional<StealTask> task = take(nullptr)) self.explore(std::move(*task));
}

void WorkStealingSearch::give(StealTask task) {
  const ScopedLock lock(mutex_);
  tasks_.push_back(std::move(task));
  queued_.fetch_add(1, std::memory_order_relaxed);
  changed_.notify_all();
}

std::optional<StealTask> WorkStealingSearch::try_take() {
  if (queued_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  const ScopedLock lock(mutex_);
  if (tasks_.empty()) return std::nullopt;
  StealTask task = std::move(tasks_.front());
  tasks_.pop_front();
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return task;
}

std::optional<StealTask> WorkStealingSearch::take(const StealReport* awaited) {
  const ScopedLock lock(mutex_);
  hungry_.fetch_add(1, std::memory_order_relaxed);
  std::optional<StealTask> task;
  while (true) {
    if (over_.load(std::memory_order_acquire)) break;
    if (!tasks_.empty()) {
      task = std::move(tasks_.front());
      tasks_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
      break;
    }
    if (awaited != nullptr && awaited->complete.load(std::memory_order_acquire)) break;
    changed_.wait(mutex_);
  }
  hungry_.fetch_sub(1, std::memory_order_relaxed);
  return task;
}

void WorkStealingSearch::reported() {
  const ScopedLock lock(mutex_);
  changed_.notify_all();
}

void WorkStealingSearch::end(bool finished) {
  const ScopedLock lock(mutex_);
  if (over_.load(std::memory_order_relaxed)) return;
  finished_.store(finished, std::memory_order_release);
  over_.store(true, std::memory_order_release);
  tasks_.clear();
  queued_.store(0, std::memory_order_relaxed);
  changed_.notify_all();
}

}  // namespace doublecheck::model
