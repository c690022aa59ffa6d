#include "impl/environment.hpp"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

namespace doublecheck {

EmitterEnvironment EmitterEnvironment::system() { return EmitterEnvironment{}.with_defaults(); }

EmitterEnvironment EmitterEnvironment::with_defaults() && {
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  if (!random_bits) {
    random_bits = [] {
      std::random_device device;
      return (std::uint64_t{device()} << 32) ^ device();
    };
  }
  if (!diagnostics) {
    diagnostics = [](std::string_view message) {
      std::fprintf(stderr, "doublecheck telemetry: %.*s\n", static_cast<int>(message.size()),
                   message.data());
    };
  }
  if (!write) {
    write = [](int fd, const char* data, std::size_t size) -> std::ptrdiff_t {
      return ::write(fd, data, size);
    };
  }
  return std::move(*this);
}

}  // namespace doublecheck
