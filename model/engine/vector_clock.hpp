// Vector clocks: the happens-before relation of one execution.
//
// A model has few threads, so a clock is a fixed array (no allocation on the step path). It knows
// how many of its lanes are in use (the ones past the highest thread it has a tick of are zero),
// so a join, several a step, reads the first eight (two vector operations, no loop) and the
// other eight only when the joined clock has a tick in them.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace doublecheck::model {

// Most threads one execution may have, the main thread included.
inline constexpr std::size_t kMaxThreads = 16;

using ThreadId = std::uint32_t;

class VectorClock {
 public:
  [[nodiscard]] std::uint32_t operator[](ThreadId t) const { return ticks_[t]; }

  void tick(ThreadId t) {
    ++ticks_[t];
    widen(t);
  }
  void set(ThreadId t, std::uint32_t value) {
    ticks_[t] = value;
    widen(t);
  }

  // this := max(this, other), component-wise: everything `other` saw, this now saw.
  void join(const VectorClock& other) {
    // The bound read once: the stores to ticks_ could alias other.width_ as far as the compiler
    // knows, which made it reload the bound every lane (joins run several times a step).
    const std::uint32_t width = other.width_;
    // Four lanes at a time, as one vector operation (GCC's and Clang's vector extension: the
    // optimiser does not vectorise a loop of unknown length at -O2, and a lane took seven
    // instructions). The lanes of `other` from its width on are 0, and joining a 0 changes
    // nothing: so the first two groups, all a model of up to eight threads has (nearly every
    // model), are joined whatever the width, with no loop and no test; the other two only when
    // `other` has a tick in them.
    join_lanes(other, 0);
    join_lanes(other, kLanes);
    if (width > 2 * kLanes) [[unlikely]] {
      join_lanes(other, 2 * kLanes);
      join_lanes(other, 3 * kLanes);
    }
    // (A store only where the width grows: std::max() stored it always, and GCC then computed
    // the clock's address again, twice.)
    if (width > width_) width_ = width;
  }

  // join(), saying which lanes it raised, a bit each: what a caller that keeps track of a clock's
  // changes (dpor.cpp: a thread's growths) learns without comparing every lane afterwards.
  std::uint32_t join_raising(const VectorClock& other) {
    const std::uint32_t width = other.width_;
    if (width == 0) return 0;  // (often: an object's reads since its last write)
    // As join() does, and for the same reasons: the first two groups whatever the width.
    std::uint32_t raised = join_lanes_raising(other, 0) | join_lanes_raising(other, kLanes);
    if (width > 2 * kLanes) [[unlikely]] {
      raised |= join_lanes_raising(other, 2 * kLanes) | join_lanes_raising(other, 3 * kLanes);
    }
    if (width > width_) width_ = width;
    return raised;
  }

  // Nothing set, ticked or joined in since the last clear() (every lane is 0).
  [[nodiscard]] bool empty() const { return width_ == 0; }

  // The lanes that hold a tick (not 0), a bit each.
  [[nodiscard]] std::uint32_t nonzero_lanes() const {
    std::uint32_t lanes = 0;
    for (std::uint32_t i = 0; i < width_; ++i) {
      if (ticks_[i] != 0) lanes |= 1U << i;
    }
    return lanes;
  }

  void clear() {
    std::fill_n(ticks_.begin(), width_, 0U);
    width_ = 0;
  }

 private:
  static constexpr std::uint32_t kLanes = 4;
  using Lanes [[gnu::vector_size(kLanes * sizeof(std::uint32_t))]] = std::uint32_t;
  static_assert(kMaxThreads == 4 * kLanes, "join() reads four whole groups of lanes");

  // (A store only where the width grows, as in join(): most ticks are of a lane in use.)
  void widen(ThreadId t) {
    if (t >= width_) width_ = t + 1;
  }
  // Lanes `first` to `first` + kLanes - 1 of join(), and of join_raising() with the lanes it
  // raised (a bit each, at their place).
  [[gnu::always_inline]] void join_lanes(const VectorClock& other, std::uint32_t first) {
    Lanes mine;
    Lanes theirs;
    std::memcpy(&mine, &ticks_[first], sizeof(Lanes));
    std::memcpy(&theirs, &other.ticks_[first], sizeof(Lanes));
    const Lanes mine_newer = mine > theirs;  // all ones where this lane is the later tick
    const Lanes joined = (mine & mine_newer) | (theirs & ~mine_newer);
    std::memcpy(&ticks_[first], &joined, sizeof(Lanes));
  }
  [[gnu::always_inline]] std::uint32_t join_lanes_raising(const VectorClock& other,
                                                          std::uint32_t first) {
    Lanes mine;
    Lanes theirs;
    std::memcpy(&mine, &ticks_[first], sizeof(Lanes));
    std::memcpy(&theirs, &other.ticks_[first], sizeof(Lanes));
    const Lanes theirs_newer = theirs > mine;
    const Lanes joined = (theirs & theirs_newer) | (mine & ~theirs_newer);
    std::memcpy(&ticks_[first], &joined, sizeof(Lanes));
    return lane_bits(theirs_newer) << first;
  }
  // A comparison's result (each lane all ones or zero) as a bit per lane, in a few vector
  // operations and no branch.
  static std::uint32_t lane_bits(Lanes all_or_none) {
    static_assert(kLanes == 4, "lane_bits() folds four lanes");
    Lanes bits = all_or_none & Lanes{1, 2, 4, 8};
    bits |= __builtin_shufflevector(bits, bits, 2, 3, 0, 1);
    bits |= __builtin_shufflevector(bits, bits, 1, 0, 3, 2);
    return bits[0];
  }

  std::array<std::uint32_t, kMaxThreads> ticks_{};  // per thread: the last of its steps seen
  std::uint32_t width_ = 0;                         // lanes from width_ on are 0
};

// One thread's moment: "thread t at its tick n". An access stamped with an epoch happens before
// a thread whose clock has reached it (FastTrack's compact form of a clock).
struct Epoch {
  ThreadId thread = 0;
  std::uint32_t tick = 0;

  [[nodiscard]] bool happens_before(const VectorClock& clock) const {
    return tick <= clock[thread];
  }
};

}  // namespace doublecheck::model
