// The search state of the depth-first exploration: the choices one execution made, and how to step
// to the next execution (stateless search: each execution re-runs the body from the start and
// replays the prefix it shares with the previous one).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/memory_model.hpp"
#include "model/engine/vector_clock.hpp"

namespace doublecheck::model {

// The set of threads that could run, as a bit mask (kMaxThreads <= 32).
using ThreadSet = std::uint32_t;

inline bool contains(ThreadSet set, ThreadId t) { return ((set >> t) & 1U) != 0; }
inline ThreadSet single(ThreadId t) { return ThreadSet{1} << t; }
// Inline: the step loop asks these several times a step. count() clears one bit per round, not
// std::popcount: without a popcount instruction in the build's target that is a library call
// (about 25 instructions), and the sets counted on the hot path (DPOR's pick) hold a few threads.
inline int count(ThreadSet set) {
  int n = 0;
  for (; set != 0; set &= set - 1) ++n;
  return n;
}
inline ThreadId lowest(ThreadSet set) { return static_cast<ThreadId>(std::countr_zero(set)); }
// Two or more threads in `set` (a decision point): without a popcount instruction in the build's
// target, std::popcount is a library call, and this is two instructions.
inline bool several(ThreadSet set) { return (set & (set - 1)) != 0; }

// One entry of a schedule: the thread picked at a decision point, or the alternative taken at a
// value choice of the memory model (which store a load reads, where a store goes in modification
// order, whether a weak compare-exchange fails spuriously; alternative 0 is what a sequentially
// consistent run does).
struct ScheduleChoice {
  enum class Kind : std::uint8_t { kThread, kValue };
  Kind kind = Kind::kThread;
  std::uint32_t value = 0;  // the thread, or the alternative

  static constexpr ScheduleChoice thread(ThreadId t) { return {Kind::kThread, t}; }
  static constexpr ScheduleChoice alternative(std::uint32_t i) { return {Kind::kValue, i}; }
  [[nodiscard]] bool is_value() const { return kind == Kind::kValue; }
  bool operator==(const ScheduleChoice&) const = default;
};

// What a replay token stands for: the memory model and every choice of one execution.
struct Schedule {
  MemoryModel memory_model = MemoryModel::kRc11;
  std::vector<ScheduleChoice> choices;
};

// The token of a schedule: "dc1:" (sequential consistency) or "rc11:" (C++), then one hex digit
// per thread picked and "-<hex>." per value choice, in order.
std::string schedule_token(MemoryModel model, const std::vector<ScheduleChoice>& choices);

// The same token, piece by piece, to `sink` (called with std::string_view pieces): it allocates
// nothing, so a signal handler can print a token (model/engine/crash.cpp).
template <typename Sink>
void write_token(MemoryModel model, const std::vector<ScheduleChoice>& choices, Sink&& sink) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  sink(model == MemoryModel::kSc ? std::string_view("dc1:") : std::string_view("rc11:"));
  for (const ScheduleChoice& choice : choices) {
    if (!choice.is_value()) {
      sink(kHex.substr(choice.value & 0xFU, 1));
      continue;
    }
    // "-<hex>.": at most 8 digits of a 32-bit alternative, most significant first.
    char digits[10];
    std::size_t first = sizeof digits;
    digits[--first] = '.';
    std::uint32_t v = choice.value;
    do {
      digits[--first] = kHex[v & 0xFU];
      v >>= 4U;
    } while (v != 0);
    digits[--first] = '-';
    sink(std::string_view(digits + first, sizeof digits - first));
  }
}

// A point where two or more threads could run, or (options > 0) a value choice.
struct DecisionPoint {
  ThreadSet enabled = 0;      // who could run
  ThreadSet tried = 0;        // who has been (or is being) explored here
  ThreadId chosen = 0;        // who runs in the current execution (value choice: the alternative)
  std::uint32_t options = 0;  // a value choice's number of alternatives; 0 at a thread's
};

class Path {
 public:
  // Starts an execution: the recorded prefix is replayed, then new choices are made.
  void rewind() { position_ = 0; }

  // The thread to run at a decision point with `enabled` threads; `previous` ran the last step.
  // Fresh decisions prefer `previous` (no preemption), then the lowest id. Returns nullopt when
  // the replayed prefix does not match (the model is not deterministic).
  // Inline: the replay of a recorded decision, the common case, is a comparison.
  std::optional<ThreadId> choose(ThreadSet enabled, ThreadId previous) {
    if (position_ < decisions_.size()) {
      const DecisionPoint& replayed = decisions_[position_++];
      if (replayed.enabled != enabled) return std::nullopt;
      return replayed.chosen;
    }
    return choose_fresh(enabled, previous);
  }
  // The alternative to take at a value choice of `options` (fresh: 0); nullopt on a mismatch.
  std::optional<std::uint32_t> choose_value(std::uint32_t options);

  // Moves to the next unexplored execution: the deepest decision with an untried thread takes it,
  // the decisions after it are dropped. False when every execution has been explored.
  bool advance();

  // The schedule a replay token (schedule_token()) stands for; nullopt when it is not a token.
  static std::optional<Schedule> parse_token(std::string_view token);

  // An estimate of the share of the tree explored, for the progress line.
  [[nodiscard]] double progress() const;

 private:
  // choose() past the recorded prefix: a new decision point.
  std::optional<ThreadId> choose_fresh(ThreadSet enabled, ThreadId previous);

  std::vector<DecisionPoint> decisions_;  // the current execution's decision points, in order
  std::size_t position_ = 0;              // the current execution's next decision point
};

}  // namespace doublecheck::model
