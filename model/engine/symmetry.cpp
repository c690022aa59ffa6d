#include "model/engine/symmetry.hpp"

namespace doublecheck::model {

void Symmetry::reset() {
  last_parent_ = last_child_ = kNoThread;
  if (!active_) return;
  for (ThreadId t = 0; t < count_; ++t) threads_[t] = PerThread{};
  writes_.clear();
  active_ = false;
  count_ = 0;
  step_thread_ = kNoThread;
}

void Symmetry::add_symmetric(ThreadId child, ThreadId predecessor) {
  PerThread& self = threads_[child];
  self.predecessor = predecessor;
  self.lockstep = true;
  threads_[predecessor].has_successor = true;
  active_ = true;
}

std::uint32_t& Symmetry::writes_of(std::uint32_t object) {
  if (object >= writes_.size()) writes_.resize(object + 1, 0);
  return writes_[object];
}

std::optional<std::uint32_t> Symmetry::begin_step(ThreadId thread, OpKind kind, const OpDesc& op) {
  PerThread& self = threads_[thread];
  step_thread_ = thread;
  step_ = Signature{kind, op, 0, false};
  step_chose_ = false;
  if (op.cls == OpClass::kRead) step_.writes_seen = writes_of(op.object);
  if (op.cls == OpClass::kWrite) ++writes_of(op.object);
  if (!self.lockstep) return std::nullopt;
  return self.steps;  // the predecessor took its step of this index already (held() saw to it)
}

void Symmetry::end_step() {
  if (step_thread_ == kNoThread) return;
  const ThreadId t = std::exchange(step_thread_, kNoThread);
  PerThread& self = threads_[t];
  step_.chose = step_chose_;
  const std::uint32_t index = self.steps++;
  if (self.has_successor) self.prefix.push_back(step_);
  if (!self.lockstep) return;
  const PerThread& before = threads_[self.predecessor];
  // The prefix ends after a step that differs from the predecessor's, that made a value choice
  // (in either thread), or whose operation conflicts with itself (both threads doing it are
  // ordered: the lockstep put the predecessor first).
  const Signature& theirs = before.prefix[index];
  if (!(theirs == step_) || step_.chose || theirs.chose || dependent(step_.op, step_.op)) {
    self.lockstep = false;
  }
}

}  // namespace doublecheck::model
