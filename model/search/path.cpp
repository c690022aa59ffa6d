#include "model/search/path.hpp"

namespace doublecheck::model {

std::optional<ThreadId> Path::choose_fresh(ThreadSet enabled, ThreadId previous) {
  const ThreadId first = contains(enabled, previous) ? previous : lowest(enabled);
  decisions_.push_back(DecisionPoint{enabled, single(first), first});
  ++position_;
  return first;
}

std::optional<std::uint32_t> Path::choose_value(std::uint32_t options) {
  if (position_ < decisions_.size()) {
    const DecisionPoint& replayed = decisions_[position_++];
    if (replayed.options != options) return std::nullopt;
    return replayed.chosen;
  }
  decisions_.push_back(DecisionPoint{0, 0, 0, options});
  ++position_;
  return 0;
}

double Path::progress() const {
  double covered = 0;
  double weight = 1;
  for (const DecisionPoint& d : decisions_) {
    const double alternatives = d.options > 0 ? d.options : count(d.enabled);
    const double done = d.options > 0 ? d.chosen + 1 : count(d.tried);
    covered += weight * (done - 1) / alternatives;
    weight /= alternatives;
  }
  return covered;
}

bool Path::advance() {
  while (!decisions_.empty()) {
    DecisionPoint& last = decisions_.back();
    if (last.options > 0) {
      if (last.chosen + 1 < last.options) {
        ++last.chosen;
        position_ = 0;
        return true;
      }
      decisions_.pop_back();
      continue;
    }
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

std::string schedule_token(MemoryModel model, const std::vector<ScheduleChoice>& choices) {
  std::string text;
  write_token(model, choices, [&text](std::string_view piece) { text += piece; });
  return text;
}

std::optional<Schedule> Path::parse_token(std::string_view token) {
  Schedule schedule;
  if (token.starts_with("dc1:")) {
    schedule.memory_model = MemoryModel::kSc;
    token.remove_prefix(4);
  } else if (token.starts_with("rc11:")) {
    schedule.memory_model = MemoryModel::kRc11;
    token.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '-') {
      const int digit = hex(token[i]);
      if (digit < 0) return std::nullopt;
      schedule.choices.push_back(ScheduleChoice::thread(static_cast<ThreadId>(digit)));
      continue;
    }
    std::uint64_t value = 0;
    std::size_t j = i + 1;
    for (; j < token.size() && token[j] != '.'; ++j) {
      const int digit = hex(token[j]);
      if (digit < 0 || value > 0xFFFFFFFULL) return std::nullopt;
      value = value * 16 + static_cast<std::uint64_t>(digit);
    }
    if (j == token.size() || j == i + 1) return std::nullopt;  // "-" needs digits and a "."
    schedule.choices.push_back(ScheduleChoice::alternative(static_cast<std::uint32_t>(value)));
    i = j;
  }
  return schedule;
}

}  // namespace doublecheck::model
