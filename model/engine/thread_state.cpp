#include "model/engine/thread_state.hpp"

#include <cstdio>
#include <cstdlib>

namespace doublecheck::model {

std::string_view phase_name(ThreadState::Phase phase) {
  switch (phase) {
    case ThreadState::Phase::kNew:
      return "new";
    case ThreadState::Phase::kRunning:
      return "running";
    case ThreadState::Phase::kParked:
      return "parked";
    case ThreadState::Phase::kFinished:
      return "finished";
    case ThreadState::Phase::kCrashed:
      return "crashed";
  }
  return "?";
}

std::string_view handle_name(ThreadState::Handle handle) {
  switch (handle) {
    case ThreadState::Handle::kJoinable:
      return "joinable";
    case ThreadState::Handle::kJoined:
      return "joined";
    case ThreadState::Handle::kForgotten:
      return "forgotten";
  }
  return "?";
}

void ThreadState::illegal(std::string_view transition) const {
  const std::string_view phase = phase_name(phase_);
  const std::string_view handle = handle_name(handle_);
  std::fprintf(stderr,
               "doublecheck: internal error: illegal model thread transition '%.*s' from %.*s, "
               "%.*s (a bug of the explorer, not of the model)\n",
               static_cast<int>(transition.size()), transition.data(),
               static_cast<int>(phase.size()), phase.data(), static_cast<int>(handle.size()),
               handle.data());
  std::abort();
}

}  // namespace doublecheck::model
