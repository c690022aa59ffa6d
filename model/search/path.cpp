#include "model/search/path.hpp"

#include <bit>

namespace doublecheck::model {

int count(ThreadSet set) { return std::popcount(set); }
ThreadId lowest(ThreadSet set) { return static_cast<ThreadId>(std::countr_zero(set)); }

std::optional<ThreadId> Path::choose(ThreadSet enabled, ThreadId previous) {
  if (position_ < decisions_.size()) {
    const DecisionPoint& replayed = decisions_[position_++];
    if (replayed.enabled != enabled) return std::nullopt;
    return replayed.chosen;
  }
  const ThreadId first = contains(enabled, previous) ? previous : lowest(enabled);
  decisions_.push_back(DecisionPoint{enabled, single(first), first});
  ++position_;
  return first;
}

double Path::progress() const {
  double covered = 0;
  double weight = 1;
  for (const DecisionPoint& d : decisions_) {
    const int alternatives = count(d.enabled);
    covered += weight * (count(d.tried) - 1) / alternatives;
    weight /= alternatives;
  }
  return covered;
}

bool Path::advance() {
  while (!decisions_.empty()) {
    DecisionPoint& last = decisions_.back();
    const ThreadSet untried = last.enabled & ~last.tried;
    if (untried != 0) {
      last.chosen = lowest(untried);
      last.tried |= single(last.chosen);
      position_ = 0;
      return true;
    }
    decisions_.pop_back();
  }
  return false;
}

std::optional<std::vector<ThreadId>> Path::parse_token(std::string_view token) {
  constexpr std::string_view kPrefix = "dc1:";
  if (token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::vector<ThreadId> choices;
  for (const char c : token.substr(kPrefix.size())) {
    if (c >= '0' && c <= '9') {
      choices.push_back(static_cast<ThreadId>(c - '0'));
    } else if (c >= 'a' && c <= 'f') {
      choices.push_back(static_cast<ThreadId>(c - 'a' + 10));
    } else {
      return std::nullopt;
    }
  }
  return choices;
}

}  // namespace doublecheck::model
