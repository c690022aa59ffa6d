#include "model/search/dpor.hpp"

#include <utility>
#include <vector>

namespace doublecheck::model {

void DporScheduler::begin_execution() {
  position_ = 0;
  steps_.clear();
  for (auto& clock : thread_clock_) clock.clear();
  for (auto& object : objects_) object = ObjectClocks{};
  sleep_ = 0;
  current_decision_ = -1;
}

DporScheduler::ObjectClocks& DporScheduler::clocks_of(std::uint32_t object) {
  if (object >= objects_.size()) objects_.resize(object + 1);
  return objects_[object];
}

Pick DporScheduler::pick(const Choice& choice) {
  const auto index = position_++;
  if (index < decisions_.size()) {
    Decision& d = decisions_[index];
    if (d.options != 0 || d.enabled != choice.enabled) return {Pick::Kind::kMismatch, 0};
  } else {
    Decision d;
    d.enabled = choice.enabled;
    d.asleep = sleep_ & choice.enabled;
    d.ops = *choice.ops;
    const ThreadSet awake = choice.enabled & ~sleep_;
    if (awake == 0) return {Pick::Kind::kRedundant, 0};
    d.chosen = contains(awake, choice.previous) ? choice.previous : lowest(awake);
    d.backtrack = index < full_depth_ ? awake : single(d.chosen);
    d.done = single(d.chosen);
    decisions_.push_back(d);
  }
  const Decision& d = decisions_[index];
  // Asleep from here on: who was asleep on arrival, and who was fully explored here before the
  // chosen thread — unless the chosen thread's operation conflicts with theirs (then it wakes
  // them).
  const ThreadSet sleepers = d.asleep | (d.done & ~single(d.chosen));
  sleep_ = 0;
  for (ThreadSet s = sleepers; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (!dependent(d.ops[t], d.ops[d.chosen])) {
      sleep_ |= single(t);
      sleep_ops_[t] = d.ops[t];
    }
  }
  current_decision_ = static_cast<std::int32_t>(index);
  return Pick::run(d.chosen);
}

Pick DporScheduler::choose_value(std::uint32_t options) {
  const auto index = position_++;
  if (index < decisions_.size()) {
    const Decision& d = decisions_[index];
    if (d.options != options) return {Pick::Kind::kMismatch, 0};
    return Pick::run(d.chosen);
  }
  Decision d;
  d.options = options;
  decisions_.push_back(d);
  return Pick::run(0);
}

double DporScheduler::progress() const {
  double covered = 0;
  double weight = 1;
  for (const Decision& d : decisions_) {
    if (d.options != 0) {
      covered += weight * d.chosen / d.options;
      weight /= d.options;
      continue;
    }
    const int alternatives = count(d.backtrack & ~d.asleep);
    if (alternatives == 0) break;
    covered += weight * (count(d.done & ~d.asleep) - 1) / alternatives;
    weight /= alternatives;
  }
  return covered;
}

bool DporScheduler::next_execution() {
  while (!decisions_.empty()) {
    Decision& last = decisions_.back();
    if (last.options != 0) {
      if (last.chosen + 1 < last.options) {
        ++last.chosen;
        return true;
      }
      decisions_.pop_back();
      continue;
    }
    const ThreadSet untried = last.backtrack & ~last.done & ~last.asleep;
    if (untried != 0) {
      last.chosen = lowest(untried);
      last.done |= single(last.chosen);
      return true;
    }
    decisions_.pop_back();
  }
  return false;
}

void DporScheduler::add_backtrack(std::size_t race_index, const Step& later) {
  const Step& earlier = steps_[race_index];
  if (earlier.decision < 0) return;  // only one thread could run there: nothing to reverse
  Decision& d = decisions_[static_cast<std::size_t>(earlier.decision)];
  // v = the steps after `earlier` that do not happen after it, then `later`: the reversed race
  // runs them first. Its initials are the threads whose first step in v has no predecessor in v.
  std::vector<const Step*>& v = reversed_;
  v.clear();
  for (std::size_t i = race_index + 1; i < steps_.size(); ++i) {
    if (!happens_before(earlier, steps_[i])) v.push_back(&steps_[i]);
  }
  v.push_back(&later);
  ThreadSet initials = 0;
  ThreadSet seen = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const ThreadId t = v[i]->thread;
    if (contains(seen, t)) continue;
    seen |= single(t);
    bool first = true;
    for (std::size_t j = 0; j < i && first; ++j) first = !happens_before(*v[j], *v[i]);
    if (first) initials |= single(t);
  }
  if ((initials & d.backtrack) != 0) return;  // a thread that starts v is already tried here
  const ThreadSet candidates = initials & d.enabled;
  if (candidates == 0) {
    d.backtrack |= d.enabled;  // none of them could run here: try everyone (conservative)
  } else if ((candidates & ~d.asleep) != 0) {
    d.backtrack |= single(lowest(candidates & ~d.asleep));
  } else {
    d.backtrack |= single(lowest(candidates));  // asleep: that class was explored already
  }
}

void DporScheduler::find_races(const Step& step) {
  // Earlier dependent steps of other threads that do not happen before `step` (whose clock does
  // not yet include its own dependencies), and are not ordered before it through another such
  // step: source-DPOR's race relation. A mutex's acquisitions race with each other directly, not
  // through its unlock (an unlock and a lock are not dependent).
  racing_.clear();
  if (step.op.cls == OpClass::kNone || step.op.object >= objects_.size()) return;
  for (std::int32_t i = objects_[step.op.object].last_step; i >= 0;
       i = steps_[static_cast<std::size_t>(i)].previous_on_object) {
    const Step& earlier = steps_[static_cast<std::size_t>(i)];
    if (earlier.thread == step.thread || !dependent(earlier.op, step.op)) continue;
    if (happens_before(earlier, step)) continue;
    bool through_another = false;
    for (const std::size_t later : racing_) {
      through_another |= happens_before(earlier, steps_[later]);
    }
    if (!through_another) racing_.push_back(static_cast<std::size_t>(i));
  }
}

void DporScheduler::on_unfinished(ThreadId thread, const OpDesc& op) {
  // The execution ended (a deadlock, a failure) with `thread` waiting to run `op`: the operation
  // never became a step, but its races must be reversed all the same — a lock blocked in a
  // deadlock is how the other order of two lock acquisitions is found.
  Step waiting;
  waiting.thread = thread;
  waiting.op = op;
  waiting.clock = thread_clock_[thread];
  waiting.clock.set(thread, static_cast<std::uint32_t>(steps_.size() + 1));
  find_races(waiting);
  const std::vector<std::size_t> racing = racing_;  // add_backtrack reuses the scratch space
  for (const std::size_t i : racing) add_backtrack(i, waiting);
}

void DporScheduler::on_step(ThreadId thread, const OpDesc& op) {
  Step step;
  step.thread = thread;
  step.op = op;
  step.decision = std::exchange(current_decision_, -1);
  step.clock = thread_clock_[thread];  // (before this step's own dependencies join in)

  find_races(step);
  if (op.cls != OpClass::kNone) {
    // After the object's last write; a write (or any mutex or once operation) also after the
    // reads since it.
    const ObjectClocks& object = clocks_of(op.object);
    step.clock.join(object.last_write);
    if (op.cls != OpClass::kRead) step.clock.join(object.reads);
  }
  step.clock.set(thread, static_cast<std::uint32_t>(steps_.size() + 1));
  if (op.cls != OpClass::kNone) {
    ObjectClocks& object = clocks_of(op.object);
    step.previous_on_object = object.last_step;
    object.last_step = static_cast<std::int32_t>(steps_.size());
    if (op.cls == OpClass::kRead) {
      object.reads.join(step.clock);
    } else {
      object.last_write = step.clock;
      object.reads.clear();
    }
  }
  thread_clock_[thread] = step.clock;

  for (const std::size_t i : racing_) add_backtrack(i, step);
  // A sleeping thread whose operation conflicts with this step wakes up.
  for (ThreadSet s = sleep_; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (dependent(sleep_ops_[t], op)) sleep_ &= ~single(t);
  }
  steps_.push_back(step);
}

void DporScheduler::on_spawn(ThreadId parent, ThreadId child) {
  thread_clock_[child] = thread_clock_[parent];
}

void DporScheduler::on_join(ThreadId joiner, ThreadId target) {
  thread_clock_[joiner].join(thread_clock_[target]);
}

}  // namespace doublecheck::model
