#include "model/search/random_scheduler.hpp"

#include <algorithm>

namespace doublecheck::model {

Pick RandomScheduler::pick(const Choice& choice) {
  const auto n = static_cast<std::uint64_t>(count(choice.enabled));
  auto index = std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  ThreadSet s = choice.enabled;
  while (index-- > 0) s &= s - 1;
  return Pick::run(lowest(s));
}

namespace {

// Value choices (reads-from, modification order) are sampled uniformly by both searches: PCT's
// priorities order threads, not the values they see.
Pick uniform_alternative(std::mt19937_64& rng, std::uint32_t options) {
  return Pick::run(std::uniform_int_distribution<std::uint32_t>(0, options - 1)(rng));
}

}  // namespace

Pick RandomScheduler::choose_value(std::uint32_t options) {
  return uniform_alternative(rng_, options);
}

Pick PctScheduler::choose_value(std::uint32_t options) {
  return uniform_alternative(rng_, options);
}

void PctScheduler::begin_execution() {
  rng_.seed(seed_ * 0x9E3779B97F4A7C15ULL + iteration_);
  priority_.fill(0);
  decisions_ = 0;
  change_points_.clear();
  // d - 1 change points, uniform over the expected length of an execution.
  for (std::uint32_t i = 1; i < depth_; ++i) {
    change_points_.push_back(std::uniform_int_distribution<std::uint32_t>(1, max_decisions_)(rng_));
  }
}

Pick PctScheduler::pick(const Choice& choice) {
  ++decisions_;
  // Threads get a random initial priority above every change-point priority when first seen.
  for (ThreadSet s = choice.enabled; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (priority_[t] == 0) priority_[t] = depth_ + 1 + (rng_() >> 8);
  }
  // At the i-th change point the thread about to run drops to priority i (below all others).
  for (std::size_t i = 0; i < change_points_.size(); ++i) {
    if (change_points_[i] != decisions_) continue;
    ThreadId top = lowest(choice.enabled);
    for (ThreadSet s = choice.enabled; s != 0; s &= s - 1) {
      if (priority_[lowest(s)] > priority_[top]) top = lowest(s);
    }
    priority_[top] = i + 1;
  }
  ThreadId best = lowest(choice.enabled);
  for (ThreadSet s = choice.enabled; s != 0; s &= s - 1) {
    if (priority_[lowest(s)] > priority_[best]) best = lowest(s);
  }
  return Pick::run(best);
}

bool PctScheduler::next_execution() {
  max_decisions_ = std::max(max_decisions_, decisions_);
  return ++iteration_ < iterations_;
}

}  // namespace doublecheck::model
