// What the emitter takes from the world, injected so that model runs are deterministic and tests
// can see diagnostics and make the disk fail: the clock, the session-id randomness, where to
// report I/O trouble, and the write() the daily file goes through.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace doublecheck {

struct EmitterEnvironment {
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using RandomBits = std::function<std::uint64_t()>;
  using Diagnostics = std::function<void(std::string_view message)>;
  // POSIX write(): the number of bytes written, or -1 with errno set. The file sink handles every
  // answer write() may give (short counts, EINTR, ENOSPC, EIO, ...); tests inject them here.
  using Write = std::function<std::ptrdiff_t(int fd, const char* data, std::size_t size)>;

  Clock clock;              // wall time of each event (UTC); default: the system clock
  RandomBits random_bits;   // session-id source, low 48 bits used; default: std::random_device
  Diagnostics diagnostics;  // one line per report; default: standard error
  Write write;              // how the daily file is appended to; default: ::write

  // The production environment: system clock, OS randomness, standard error, ::write.
  static EmitterEnvironment system();
  // Fills the members left empty with their production defaults.
  EmitterEnvironment with_defaults() &&;
};

}  // namespace doublecheck
