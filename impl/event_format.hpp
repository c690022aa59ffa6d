// The events' contents and their JSON lines (the golden file's schema), one function per kind.
//
// The fixed fields are written by hand into one string: building an ordered_json object and
// dumping it was 80% of an emit_tool_call (issue 2, "Speed"). The text is the very line
// nlohmann's dump(-1, ' ', false, error_handler_t::replace) made of that object, byte for byte
// (tests/impl/event_format_test.cpp checks it against the old code); the caller's metadata and
// client_info objects are still dumped by nlohmann with those flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace doublecheck {

using Json = nlohmann::ordered_json;  // keeps the golden file's key order

// The five counters of RC-002, as one copy.
struct Metrics {
  std::int64_t tool_calls = 0;
  std::int64_t total_bytes_in = 0;
  std::int64_t total_bytes_out = 0;
  std::int64_t total_duration_ms = 0;
  std::int64_t errors = 0;
  friend bool operator==(const Metrics&, const Metrics&) = default;
};

// One tool call, as emit_tool_call takes it.
struct ToolCall {
  std::string_view tool;
  std::string_view status;  // "error" counts an error
  std::int64_t duration_ms = 0;
  std::int64_t bytes_in = 0;
  std::int64_t bytes_out = 0;
  std::string_view error;
  const Json* metadata = nullptr;  // a JSON object or null
};

// What every event starts with besides its name: the session and the time (`timestamp`,
// `timestamp_ms`).
struct EventHeader {
  std::string_view session_id;
  std::chrono::system_clock::time_point time;
};

// Each returns one complete line, '\n' included. Empty `error`, `metadata` and `client_info` are
// left out (the original's behaviour); `reason` is written as given.
std::string format_tool_call(const EventHeader& header, const ToolCall& call);
std::string format_server_start(const EventHeader& header, std::string_view version,
                                std::string_view protocol_version);
std::string format_server_stop(const EventHeader& header, std::string_view reason,
                               const Metrics& metrics);
std::string format_handshake(const EventHeader& header, std::int64_t duration_ms, bool success,
                             const Json& client_info);

// Appends `text` as a JSON string, quotes included, exactly as nlohmann's dump with
// ensure_ascii=false and error_handler_t::replace writes it: `"` and `\` escaped, control
// characters as \b \t \n \f \r or \u00xx, other characters (DEL and non-ASCII) as they are, and
// each maximal ill-formed UTF-8 subpart replaced by one U+FFFD, so the line is valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace doublecheck
