#include "model/mutation/mutation_hook.hpp"

#include <iterator>

#include "model/engine/execution.hpp"

namespace doublecheck::model {
namespace {

// The trace's details of what a mutant does.
constexpr std::string_view kSkippedNote = "skipped (mutant: no lock)";
constexpr std::string_view kSplitNote = "mutant: split";
constexpr std::string_view kExcludeNote = "mutant: exclude";
constexpr std::string_view kSharedNote = "taken shared (mutant: lock -> lock_shared)";

// Removes the most recent lock of `mutex` by `thread` from `locks`: whether there was one.
bool take_pair(std::vector<std::pair<ThreadId, const MutexState*>>& locks, ThreadId thread,
               const MutexState& mutex) {
  for (auto it = locks.rbegin(); it != locks.rend(); ++it) {
    if (it->first == thread && it->second == &mutex) {
      locks.erase(std::next(it).base());
      return true;
    }
  }
  return false;
}

class MutationHooks final : public OperationHooks {
 public:
  MutationHooks(std::shared_ptr<const Mutant> mutant, std::shared_ptr<SiteRecorder> recorder)
      : mutant_(std::move(mutant)), recorder_(std::move(recorder)) {}

  [[nodiscard]] std::unique_ptr<OperationHook> for_search() const override {
    return std::make_unique<MutationHook>(mutant_, recorder_);
  }
  // Replays record nothing; with no mutant they need no hook at all.
  [[nodiscard]] std::unique_ptr<OperationHook> for_replay() const override {
    if (!mutant_) return nullptr;
    return std::make_unique<MutationHook>(mutant_, nullptr);
  }

 private:
  std::shared_ptr<const Mutant> mutant_;
  std::shared_ptr<SiteRecorder> recorder_;
};

}  // namespace

MutationHook::MutationHook(std::shared_ptr<const Mutant> mutant,
                           std::shared_ptr<SiteRecorder> recorder)
    : mutant_(std::move(mutant)),
      recorder_(std::move(recorder)),
      recording_(recorder_ ? &log_ : nullptr),
      sections_(mutant_.get()) {}

void MutationHook::begin_execution() {
  skipped_locks_.clear();
  shared_locks_.clear();
  sections_.clear();
}

Decision MutationHook::on_operation(const Execution& execution, const OperationSite& site) {
  switch (site.op) {
    case SiteOp::kLock:
    case SiteOp::kTryLock:
    case SiteOp::kLockShared:
    case SiteOp::kTryLockShared:
      return lock(execution, site);
    case SiteOp::kUnlock:
    case SiteOp::kUnlockShared:
      return unlock(execution, site);
    case SiteOp::kCallOnce:
      if (recording_ != nullptr) recording_->note(site.op, *site.object, site.loc, site.order);
      return Decision::as_written(site.order);
    case SiteOp::kNotify:
      // Orders nothing and touches no data: no site of a mutant, no access unit of a section.
      return Decision::as_written(site.order);
    default:
      return access(execution, site);
  }
}

Decision MutationHook::lock(const Execution& execution, const OperationSite& site) {
  const auto& mutex = static_cast<const MutexState&>(*site.object);
  if (recording_ != nullptr) recording_->note(site.op, mutex, site.loc, site.order);
  Decision decision = Decision::as_written(site.order);
  if (mutant_ && mutant_->takes_shared(site.op, mutex, site.loc)) {
    shared_locks_.emplace_back(execution.self(), &mutex);
    decision.shared = true;
    decision.note = kSharedNote;
    return decision;
  }
  if (!mutant_ || !mutant_->removes_lock(site.op, mutex, site.loc)) return decision;
  skipped_locks_.emplace_back(execution.self(), &mutex);
  decision.skip = true;
  decision.note = kSkippedNote;
  return decision;
}

Decision MutationHook::unlock(const Execution& execution, const OperationSite& site) {
  const auto& mutex = static_cast<const MutexState&>(*site.object);
  Decision decision = Decision::as_written(site.order);
  // The most recent lock of `mutex` this thread skipped (or took shared) pairs with this unlock.
  if (take_pair(skipped_locks_, execution.self(), mutex)) {
    decision.skip = true;
    decision.note = kSkippedNote;
    return decision;
  }
  if (site.op == SiteOp::kUnlock && take_pair(shared_locks_, execution.self(), mutex)) {
    decision.shared = true;
    decision.note = kSharedNote;
    return decision;
  }
  sections_.left(execution.self(), mutex);
  return decision;
}

Decision MutationHook::access(const Execution& execution, const OperationSite& site) {
  Decision decision = Decision::as_written(site.order);
  if (is_atomic_op(site.op)) {
    if (recording_ != nullptr) recording_->note(site.op, *site.object, site.loc, site.order);
    if (mutant_) {
      decision.order = mutant_->order_at(site.op, *site.object, site.loc, site.order);
      decision.split = mutant_->splits(site.op, *site.object, site.loc, site.order);
    }
  }
  if (execution.abandoning()) return decision;
  const SectionCut cut =
      sections_.access(execution.self(), site.op, *site.object, site.loc, site.order, recording_);
  switch (cut.kind) {
    case SectionCut::Kind::kNone:
      break;
    case SectionCut::Kind::kSplit:
      decision.release = Decision::Release::kGapBefore;
      decision.mutex = cut.mutex;
      decision.note = kSplitNote;
      break;
    case SectionCut::Kind::kExclude:
      decision.release = Decision::Release::kAround;
      decision.mutex = cut.mutex;
      decision.note = kExcludeNote;
      break;
  }
  return decision;
}

void MutationHook::on_acquired(const Execution& execution, const OperationSite& site) {
  if (execution.abandoning()) return;
  sections_.entered(execution.self(), site.op, static_cast<MutexState&>(*site.object), site.loc,
                    execution.next_object_id());
}

void MutationHook::end_search() {
  if (recorder_) recorder_->add(log_);
}

std::shared_ptr<const OperationHooks> mutation_hooks(std::shared_ptr<const Mutant> mutant,
                                                     std::shared_ptr<SiteRecorder> recorder) {
  if (!mutant && !recorder) return nullptr;
  return std::make_shared<const MutationHooks>(std::move(mutant), std::move(recorder));
}

}  // namespace doublecheck::model
