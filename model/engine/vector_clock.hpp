// Vector clocks: the happens-before relation of one execution.
//
// A model has few threads, so a clock is a fixed array (no allocation on the step path).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace doublecheck::model {

// Most threads one execution may have, the main thread included.
inline constexpr std::size_t kMaxThreads = 16;

using ThreadId = std::uint32_t;

class VectorClock {
 public:
  [[nodiscard]] std::uint32_t operator[](ThreadId t) const { return ticks_[t]; }

  void tick(ThreadId t) { ++ticks_[t]; }
  void set(ThreadId t, std::uint32_t value) { ticks_[t] = value; }

  // this := max(this, other), component-wise: everything `other` saw, this now saw.
  void join(const VectorClock& other) {
    for (std::size_t i = 0; i < kMaxThreads; ++i) ticks_[i] = std::max(ticks_[i], other.ticks_[i]);
  }

  void clear() { ticks_.fill(0); }

 private:
  std::array<std::uint32_t, kMaxThreads> ticks_{};  // per thread: the last of its steps seen
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
