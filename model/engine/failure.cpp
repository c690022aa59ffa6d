#include "model/engine/failure.hpp"

#include <algorithm>
#include <string_view>

namespace doublecheck::model {

std::string_view kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kAssertion:
      return "assertion failed";
    case FailureKind::kDataRace:
      return "data race";
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
    case FailureKind::kUsageError:
      return "usage error";
  }
  return "?";
}

std::string short_location(const SourceLoc& loc) {
  if (loc.line == 0) return "?";
  std::string_view file = loc.file;
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  return std::string(file) + ":" + std::to_string(loc.line);
}

std::string Failure::signature() const {
  std::string text(kind_name(kind));
  text += "|" + object;
  std::vector<std::string> places;
  for (const Access& access : accesses) places.push_back(short_location(access.loc));
  // A race between two lines is one race, whichever of the two accesses came first.
  if (kind == FailureKind::kDataRace) std::sort(places.begin(), places.end());
  for (const std::string& place : places) text += "|" + place;
  if (accesses.empty()) text += "|" + message;
  return text;
}

std::string Failure::location() const {
  return accesses.empty() ? std::string("?") : short_location(accesses.back().loc);
}

}  // namespace doublecheck::model
