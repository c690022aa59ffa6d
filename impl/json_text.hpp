// Text helpers of the event schema: timestamps and the payload preview. (UTF-8 repair is done by
// the JSON library when a line is written: Json::error_handler_t::replace.)
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace doublecheck {

// ISO 8601, UTC, microseconds, "+00:00" (the golden file's `timestamp`).
std::string iso8601_utc(std::chrono::system_clock::time_point t);
// Unix epoch milliseconds (the golden file's `timestamp_ms`).
std::int64_t epoch_ms(std::chrono::system_clock::time_point t);

// The payload preview of the original: a payload text of at most 4096 bytes is kept whole; a longer
// one is cut to its first 2048 bytes (shortened to a whole UTF-8 character) followed by
// "... [TRUNCATED: <N> bytes total]".
inline constexpr std::size_t kPreviewKeepLimit = 4096;
inline constexpr std::size_t kPreviewCutLength = 2048;
std::string payload_preview(std::string_view payload_json);

}  // namespace doublecheck
