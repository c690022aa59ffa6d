// Bounds on the JSON a caller hands the emitter (emit_tool_call's metadata, emit_handshake's
// client_info), checked before anything changes.
//
// Why a bound at all: nlohmann's dump() recurses once per nested array or object, so a value
// nested 50,000 deep overflows the stack inside the formatting (issue 14: SIGSEGV from inside
// emit_tool_call). Parsing, building and destroying such a value are iterative in nlohmann 3.11
// (its destructor moves the children to a heap stack), so the recursion the emitter must keep
// away from is its own formatting; the check below is iterative too, so that no depth reaches a
// recursion.
#pragma once

#include <cstddef>
#include <vector>

#include "impl/event_format.hpp"

namespace doublecheck {

// The deepest nesting of arrays and objects accepted, the argument itself counting as one level:
// `{}` and `{"a": 1}` are 1 level, `{"a": [1]}` is 2. Deeper input is refused with
// std::invalid_argument. 128 is far beyond any real metadata and a few kilobytes of stack for the
// serializer, even under AddressSanitizer.
inline constexpr std::size_t kMaxJsonDepth = 128;

// True when `json` nests arrays and objects more than `limit` levels deep (a scalar is 0 levels).
// Walks with an explicit stack of the open containers, one entry per level, so it uses at most
// `limit` + 1 entries of heap whatever the depth, and stops at the first level past `limit`.
inline bool nests_deeper_than(const Json& json, std::size_t limit) {
  if (!json.is_structured()) return false;
  if (limit == 0) return true;
  struct Open {
    Json::const_iterator next;
    Json::const_iterator end;
  };
  std::vector<Open> open;  // the containers on the path to the current one, outermost first
  open.push_back({json.cbegin(), json.cend()});
  while (!open.empty()) {
    Open& innermost = open.back();
    if (innermost.next == innermost.end) {
      open.pop_back();
      continue;
    }
    const Json& child = *innermost.next++;
    if (!child.is_structured()) continue;
    if (open.size() == limit) return true;  // `child` would be level limit + 1
    open.push_back({child.cbegin(), child.cend()});
  }
  return false;
}

}  // namespace doublecheck
