#include "model/engine/failure.hpp"

#include <algorithm>
#include <string_view>

namespace doublecheck::model {

std::optional<FailureKind> kind_named(std::string_view name) {
  for (const FailureKind kind : kFailureKinds) {
    if (kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kAssertion:
      return "assertion failed";
    case FailureKind::kDataRace:
      return "data race";
    case FailureKind::kUseAfterFree:
      return "use after free";
    case FailureKind::kDeadlock:
      return "deadlock";
    case FailureKind::kRelock:
      return "relock of a non-recursive mutex";
    case FailureKind::kUnlockNotOwner:
      return "unlock by a thread that does not hold the mutex";
    case FailureKind::kThreadNotJoined:
      return "thread never joined";
    case FailureKind::kUncaughtException:
      return "uncaught exception";
    case FailureKind::kStepBoundExceeded:
      return "step bound exceeded";
    case FailureKind::kLivelock:
      return "livelock";
    case FailureKind::kCrash:
      return "crash";
    case FailureKind::kUsageError:
      return "usage error";
  }
  return "?";
}

std::string Failure::signature() const {
  std::string text(kind_name(kind));
  text += "|" + object;
  std::vector<std::string> places;
  for (const Access& access : accesses) places.push_back(location_text(access.loc));
  // A race between two lines is one race, whichever of the two accesses came first.
  if (kind == FailureKind::kDataRace) std::sort(places.begin(), places.end());
  for (const std::string& place : places) text += "|" + place;
  // A crash's message has its faulting address, which differs from run to run (stacks are reused
  // in any order): the signal (its object) and the thread's place name it.
  if (accesses.empty() && kind != FailureKind::kCrash) text += "|" + message;
  return text;
}

std::string Failure::location() const {
  return accesses.empty() ? std::string("?") : location_text(accesses.back().loc);
}

}  // namespace doublecheck::model
