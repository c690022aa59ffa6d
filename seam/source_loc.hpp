// Where an operation came from, captured for free at the call site.
//
// Every operation of the Sync seam takes a `SourceLoc loc = SourceLoc::current()` default
// argument, so the explorer's reports and the mutation sites name the emitter's own `file:line`
// without a macro at each call. In production the argument is unused and optimised away.
#pragma once

#include <cstdint>
#include <string_view>

namespace doublecheck {

struct SourceLoc {
  const char* file = "";  // __FILE__ of the caller, as the compiler spelled it
  std::uint32_t line = 0;

  // The caller's location: a default argument is evaluated at the call site, and so are the
  // builtins in it (this is how std::source_location is built; clang 14 lacks that class).
  static constexpr SourceLoc current(const char* file = __builtin_FILE(),
                                     std::uint32_t line = __builtin_LINE()) noexcept {
    return SourceLoc{file, line};
  }

  friend constexpr bool operator==(const SourceLoc& a, const SourceLoc& b) noexcept {
    return a.line == b.line && std::string_view(a.file) == std::string_view(b.file);
  }
};

}  // namespace doublecheck
