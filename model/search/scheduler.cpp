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
    const ScheduleChoice next = choices_[position_++];
    if (next.is_value() || !contains(choice.enabled, next.value)) return {Pick::Kind::kMismatch, 0};
    return Pick::run(next.value);
  }
  return Pick::run(contains(choice.enabled, choice.previous) ? choice.previous
                                                             : lowest(choice.enabled));
}

Pick ReplayScheduler::choose_value(std::uint32_t options) {
  if (position_ >= choices_.size()) return Pick::run(0);
  const ScheduleChoice next = choices_[position_++];
  if (!next.is_value() || next.value >= options) return {Pick::Kind::kMismatch, 0};
  return Pick::run(next.value);
}

}  // namespace doublecheck::model
