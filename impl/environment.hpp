// What the emitter takes from the world, injected so that model runs are deterministic and tests
// can see diagnostics: the clock, the session-id randomness, and where to report I/O trouble.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace doublecheck {

struct EmitterEnvironment {
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using RandomBits = std::function<std::uint64_t()>;
  using Diagnostics = std::function<void(std::string_view message)>;

  Clock clock;              // wall time of each event (UTC); default: the system clock
  RandomBits random_bits;   // session-id source, low 48 bits used; default: std::random_device
  Diagnostics diagnostics;  // one line per report; default: standard error

  // The production environment: system clock, OS randomness, standard error.
  static EmitterEnvironment system();
  // Fills the members left empty with their production defaults.
  EmitterEnvironment with_defaults() &&;
};

}  // namespace doublecheck
