// Schedulers for models too large to exhaust: uniform random choice, and PCT (probabilistic
// concurrency testing, Burckhardt et al., ASPLOS 2010), which finds a bug of depth d with
// probability at least 1/(n k^(d-1)) per execution (n threads, k steps).
// Each execution's randomness comes from (seed, iteration) alone, so a reported seed and iteration
// reproduce it; the replay token reproduces it without the seed.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "model/search/scheduler.hpp"

namespace doublecheck::model {

class RandomScheduler final : public Scheduler {
 public:
  RandomScheduler(std::uint64_t seed, std::uint64_t iterations)
      : seed_(seed), iterations_(iterations) {}
  void begin_execution() override { rng_.seed(seed_ * 0x9E3779B97F4A7C15ULL + iteration_); }
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override { return ++iteration_ < iterations_; }
  [[nodiscard]] std::uint64_t iteration() const { return iteration_; }

 private:
  std::uint64_t seed_;
  std::uint64_t iterations_;
  std::uint64_t iteration_ = 0;
  std::mt19937_64 rng_;
};

class PctScheduler final : public Scheduler {
 public:
  PctScheduler(std::uint64_t seed, std::uint64_t iterations, std::uint32_t depth)
      : seed_(seed), iterations_(iterations), depth_(depth == 0 ? 1 : depth) {}
  void begin_execution() override;
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override;
  [[nodiscard]] std::uint64_t iteration() const { return iteration_; }

 private:
  std::uint64_t seed_;
  std::uint64_t iterations_;
  std::uint32_t depth_;  // d: the bug depth PCT is tuned for (d - 1 priority changes)
  std::uint64_t iteration_ = 0;
  std::uint32_t max_decisions_ = 8;  // k: the longest execution seen so far, in decisions
  std::uint32_t decisions_ = 0;      // decisions made in this execution
  std::mt19937_64 rng_;
  std::array<std::uint64_t, kMaxThreads> priority_{};  // 0: not seen yet; higher runs first
  std::vector<std::uint32_t> change_points_;           // decisions where a priority drops
};

}  // namespace doublecheck::model
