#include "model/search/scheduler.hpp"

namespace doublecheck::model {

Pick DfsScheduler::pick(const Choice& choice) {
  ThreadSet allowed = choice.enabled;
  if (bound_ && choice.preemptions >= *bound_ && contains(choice.enabled, choice.previous)) {
    allowed = single(choice.previous);  // no preemption left: the running thread goes on
    cut_off_ = true;
  }
  const auto chosen = path_.choose(allowed, choice.previous);
  if (!chosen) return {Pick::Kind::kMismatch, 0};
  return Pick::run(*chosen);
}

Pick ReplayScheduler::pick(const Choice& choice) {
  if (position_ < choices_.size()) {
    const ThreadId t = choices_[position_++];
    if (!contains(choice.enabled, t)) return {Pick::Kind::kMismatch, 0};
    return Pick::run(t);
  }
  return Pick::run(contains(choice.enabled, choice.previous) ? choice.previous
                                                             : lowest(choice.enabled));
}

}  // namespace doublecheck::model
