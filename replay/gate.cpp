#include "replay/gate.hpp"

#include <atomic>
#include <stdexcept>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#define DC_REPLAY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DC_REPLAY_TSAN 1
#endif
#endif

#ifdef DC_REPLAY_TSAN
// ThreadSanitizer's runtime (compiler-rt, tsan_interface_ann.cpp and tsan_interface.h).
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
}
#endif

namespace doublecheck::replay {
namespace {

// The active gate: set before the replay's threads start and cleared after they are joined, so
// thread creation and join order it; an atomic (relaxed: no happens-before of its own) only so
// that a stray thread reading it is not a race of ours.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the one active gate
std::atomic<Gate*> g_active{nullptr};

// The schedule's id of the calling thread (kNoThread: a thread the replay did not start).
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): one per thread
thread_local std::uint32_t tl_id = Gate::kNoThread;

// The scope of one gate operation in which TSan sees neither synchronisation nor memory accesses
// (gate.hpp: why). Nothing else runs inside it: the program's own operations come after.
class Hidden {
 public:
  explicit Hidden(GateMode mode) : hidden_(mode == GateMode::kInvisible) {
#ifdef DC_REPLAY_TSAN
    if (hidden_) {
      AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
      __tsan_ignore_thread_begin();
    }
#endif
  }
  Hidden(const Hidden&) = delete;
  Hidden& operator=(const Hidden&) = delete;
  // NOLINTNEXTLINE(modernize-use-equals-default): not trivial under TSan
  ~Hidden() {
#ifdef DC_REPLAY_TSAN
    if (hidden_) {
      __tsan_ignore_thread_end();
      AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    }
#endif
  }

 private:
  [[maybe_unused]] bool hidden_;
};

std::string thread_name(std::uint32_t id) { return "T" + std::to_string(id); }

std::string op_text(std::string_view kind, const SourceLoc& loc) {
  return std::string(kind) + " at " + loc.file + ":" + std::to_string(loc.line);
}

}  // namespace

Gate::Gate(Schedule schedule, GateMode mode, std::chrono::milliseconds stall_timeout)
    : schedule_(std::move(schedule)), mode_(mode), stall_timeout_(stall_timeout) {
  Gate* expected = nullptr;
  if (!g_active.compare_exchange_strong(expected, this, std::memory_order_relaxed)) {
    throw std::logic_error("a replay gate is already active: replays run one at a time");
  }
  slots_[0].phase = Phase::kHolding;  // thread 0 runs up to its first operation unscheduled
  tl_id = 0;
  open_ = schedule_.steps.empty();
}

Gate::~Gate() {
  g_active.store(nullptr, std::memory_order_relaxed);
  tl_id = kNoThread;
}

Gate* Gate::active() noexcept { return g_active.load(std::memory_order_relaxed); }

void Gate::enter(std::uint32_t id) noexcept { tl_id = id; }

void Gate::wait_locked(std::unique_lock<std::mutex>& lock, auto done) {
  std::uint64_t seen = progress_;
  while (!done()) {
    if (changed_.wait_for(lock, stall_timeout_) == std::cv_status::timeout && progress_ == seen &&
        !done()) {
      leave_schedule_locked("nothing could move for " + std::to_string(stall_timeout_.count()) +
                            " ms: " + wanted_locked() + "; " + state_locked());
      return;
    }
    seen = progress_;
  }
}

void Gate::step(std::string_view kind, const SourceLoc& loc) {
  const Hidden hidden(mode_);
  std::unique_lock lock(mutex_);
  const std::uint32_t me = tl_id;
  if (me == kNoThread || me >= threads_) {
    if (!open_) {
      leave_schedule_locked("a thread the replay did not start came to " + op_text(kind, loc) +
                            " (start the model's threads with Sync::Thread)");
    }
    return;
  }
  Slot& self = slots_[me];
  if (holder_ == me) release_locked();
  if (open_) {
    self.phase = Phase::kRunning;
    return;
  }
  self.phase = Phase::kAtGate;
  self.kind = kind;
  self.loc = loc;
  ++progress_;
  changed_.notify_all();  // a parent waits for its new thread to reach its first operation
  wait_locked(
      lock, [&] { return open_ || (holder_ == kNoThread && schedule_.steps[next_].thread == me); });
  self.phase = Phase::kRunning;
  if (open_) return;
  const ScheduledStep& want = schedule_.steps[next_];
  if (want.kind != kind || want.place.line != loc.line || !same_file(loc.file, want.place.file)) {
    leave_schedule_locked("at step " + std::to_string(next_ + 1) + " the schedule has " +
                          thread_name(me) + " " + want.kind + " at " + want.place.text() +
                          ", but " + thread_name(me) + " came to " + op_text(kind, loc));
    return;
  }
  holder_ = me;
  self.phase = Phase::kHolding;
  ++next_;
  ++progress_;
}

std::uint32_t Gate::spawn() {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  if (threads_ == kMaxThreads) {
    throw std::length_error("a replay runs at most " + std::to_string(kMaxThreads) + " threads");
  }
  const std::uint32_t id = threads_++;
  slots_[id].phase = Phase::kPrefix;
  ++progress_;
  return id;
}

void Gate::await_parked(std::uint32_t id) {
  const Hidden hidden(mode_);
  std::unique_lock lock(mutex_);
  wait_locked(lock, [&] { return open_ || slots_[id].phase != Phase::kPrefix; });
}

void Gate::leave() {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  const std::uint32_t me = tl_id;
  if (me == kNoThread || me >= threads_) return;
  Slot& self = slots_[me];
  self.phase = Phase::kFinished;
  if (holder_ == me) {
    if (self.joiner != kNoThread && !open_) {
      holder_ = self.joiner;  // the joiner goes on in this step (the explorer's join)
      slots_[self.joiner].phase = Phase::kHolding;
    } else {
      release_locked();
    }
  }
  ++progress_;
  changed_.notify_all();
}

void Gate::before_join(std::uint32_t child) {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  const std::uint32_t me = tl_id;
  if (child >= threads_) return;
  slots_[child].join_called = true;
  changed_.notify_all();  // a finished child lingers until now
  if (me == kNoThread || slots_[child].phase == Phase::kFinished) return;
  slots_[child].joiner = me;
  if (holder_ == me) release_locked();
  slots_[me].phase = Phase::kRunning;
  ++progress_;
  changed_.notify_all();
}

void Gate::linger() {
  const Hidden hidden(mode_);
  std::unique_lock lock(mutex_);
  const std::uint32_t me = tl_id;
  if (me == kNoThread || me >= threads_) return;
  changed_.wait(lock, [&] { return slots_[me].join_called; });
}

void Gate::unsupported(std::string_view what, const SourceLoc& loc) {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  if (!open_) {
    leave_schedule_locked("the scheduled policy cannot replay " + std::string(what) + " (at " +
                          loc.file + ":" + std::to_string(loc.line) + ")");
  }
}

void Gate::check_failed(std::string_view message, const SourceLoc& loc) {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  failed_checks_.push_back(std::string(loc.file) + ":" + std::to_string(loc.line) + ": " +
                           std::string(message));
}

Outcome Gate::outcome() const {
  const Hidden hidden(mode_);
  const std::scoped_lock lock(mutex_);
  return Outcome{next_, schedule_.steps.size(), divergence_, failed_checks_};
}

void Gate::release_locked() {
  holder_ = kNoThread;
  if (next_ >= schedule_.steps.size()) open_ = true;  // the schedule is done: run on freely
  ++progress_;
  changed_.notify_all();
}

void Gate::leave_schedule_locked(std::string message) {
  if (divergence_.empty()) divergence_ = std::move(message);
  open_ = true;
  ++progress_;
  changed_.notify_all();
}

std::string Gate::wanted_locked() const {
  if (next_ >= schedule_.steps.size()) return "the schedule is done";
  const ScheduledStep& want = schedule_.steps[next_];
  std::string text = "step " + std::to_string(next_ + 1) + " wants " + thread_name(want.thread) +
                     " to " + want.kind + " at " + want.place.text();
  if (holder_ != kNoThread) text += ", and " + thread_name(holder_) + " is still in its step";
  return text;
}

std::string Gate::state_locked() const {
  std::string text;
  for (std::uint32_t t = 0; t < threads_; ++t) {
    const Slot& slot = slots_[t];
    if (!text.empty()) text += ", ";
    text += thread_name(t) + " ";
    switch (slot.phase) {
      case Phase::kUnused:
      case Phase::kPrefix:
        text += "has not reached its first operation";
        break;
      case Phase::kAtGate:
        text += "waits to " + op_text(slot.kind, slot.loc);
        break;
      case Phase::kHolding:
      case Phase::kRunning:
        text += "runs (or is blocked outside the seam)";
        break;
      case Phase::kFinished:
        text += "has finished";
        break;
    }
  }
  return text;
}

}  // namespace doublecheck::replay
