#include "model/dpor.hpp"

#include <utility>

namespace doublecheck::model {

void DporScheduler::begin_execution() {
  position_ = 0;
  steps_.clear();
  for (auto& clock : thread_clock_) clock.clear();
  parked_ = 0;
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
    if (d.enabled != choice.enabled) return {Pick::Kind::kMismatch, 0};
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

double DporScheduler::progress() const {
  double covered = 0;
  double weight = 1;
  for (const Decision& d : decisions_) {
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

void DporScheduler::add_backtrack(const Step& step, ThreadId thread) {
  if (step.decision < 0) return;  // only one thread could run there: nothing else to try
  Decision& d = decisions_[static_cast<std::size_t>(step.decision)];
  d.backtrack |= contains(d.enabled, thread) ? single(thread) : d.enabled;
}

void DporScheduler::on_park(ThreadId thread, const OpDesc& op) {
  pending_[thread] = op;
  parked_ |= single(thread);
  if (op.cls == OpClass::kNone) return;
  // The latest step this operation races with: dependent, of another thread, not before it.
  for (std::size_t i = steps_.size(); i-- > 0;) {
    const Step& step = steps_[i];
    if (step.thread != thread && dependent(step.op, op) && !happens_before(step, thread)) {
      add_backtrack(step, thread);
      break;
    }
  }
}

void DporScheduler::on_step(ThreadId thread, const OpDesc& op) {
  parked_ &= ~single(thread);
  Step step;
  step.thread = thread;
  step.op = op;
  step.decision = std::exchange(current_decision_, -1);
  step.clock = thread_clock_[thread];
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
    if (op.cls == OpClass::kRead) {
      object.reads.join(step.clock);
    } else {
      object.last_write = step.clock;
      object.reads.clear();
    }
  }
  thread_clock_[thread] = step.clock;

  // Threads waiting with an operation this step conflicts with race with it (it is the latest).
  for (ThreadSet waiting = parked_ & ~single(thread); waiting != 0; waiting &= waiting - 1) {
    const ThreadId other = lowest(waiting);
    if (dependent(op, pending_[other]) && !happens_before(step, other)) add_backtrack(step, other);
  }
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
