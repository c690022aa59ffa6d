// The search state of the depth-first exploration: the choices one execution made, and how to step
// to the next execution (stateless search: each execution re-runs the body from the start and
// replays the prefix it shares with the previous one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/vector_clock.hpp"

namespace doublecheck::model {

// The set of threads that could run, as a bit mask (kMaxThreads <= 32).
using ThreadSet = std::uint32_t;

inline bool contains(ThreadSet set, ThreadId t) { return ((set >> t) & 1U) != 0; }
inline ThreadSet single(ThreadId t) { return ThreadSet{1} << t; }
int count(ThreadSet set);
ThreadId lowest(ThreadSet set);

// A point where two or more threads could run.
struct DecisionPoint {
  ThreadSet enabled = 0;  // who could run
  ThreadSet tried = 0;    // who has been (or is being) explored here
  ThreadId chosen = 0;    // who runs in the current execution
};

class Path {
 public:
  // Starts an execution: the recorded prefix is replayed, then new choices are made.
  void rewind() { position_ = 0; }

  // The thread to run at a decision point with `enabled` threads; `previous` ran the last step.
  // Fresh decisions prefer `previous` (no preemption), then the lowest id. Returns nullopt when
  // the replayed prefix does not match (the model is not deterministic).
  std::optional<ThreadId> choose(ThreadSet enabled, ThreadId previous);

  // Moves to the next unexplored execution: the deepest decision with an untried thread takes it,
  // the decisions after it are dropped. False when every execution has been explored.
  bool advance();

  // The choices a replay token ("dc1:" then one hex digit per decision) stands for; nullopt when it
  // is not a token. Tokens are written by Execution::token().
  static std::optional<std::vector<ThreadId>> parse_token(std::string_view token);

  // An estimate of the share of the tree explored, for the progress line.
  [[nodiscard]] double progress() const;

 private:
  std::vector<DecisionPoint> decisions_;  // the current execution's decision points, in order
  std::size_t position_ = 0;         // the current execution's next decision point
};

}  // namespace doublecheck::model
