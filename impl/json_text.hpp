// Text helpers of the event schema: timestamps and the payload preview. (UTF-8 repair is done
// when a line is written: append_json_string in impl/event_format.hpp.)
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace doublecheck {

// ISO 8601, UTC, microseconds, "+00:00" (the golden file's `timestamp`), e.g.
// "2026-11-26T15:12:00.123456+00:00". The time is cut to whole microseconds toward zero.
std::string iso8601_utc(std::chrono::system_clock::time_point t);
// The same text appended to `out`. Each thread keeps the text of the last second it wrote, so most
// calls only write the microseconds; safe from any number of threads at once.
void append_iso8601_utc(std::string& out, std::chrono::system_clock::time_point t);
// The same text written at `out`, which has room for kIso8601MaxSize characters; returns its end.
// (The event lines write into room they have made, without a std::string call per piece.)
inline constexpr std::size_t kIso8601MaxSize = 48;
char* write_iso8601_utc(char* out, std::chrono::system_clock::time_point t);

// `value` in decimal as std::to_chars writes it, at `out`, which has room for kDecimalMaxSize
// characters (INT64_MIN: a sign and 19 digits); returns its end.
inline constexpr std::size_t kDecimalMaxSize = 20;
char* write_decimal(char* out, std::int64_t value);

// Unix epoch milliseconds (the golden file's `timestamp_ms`).
std::int64_t epoch_ms(std::chrono::system_clock::time_point t);

// The payload preview of the original: a payload text of at most 4096 bytes is kept whole; a longer
// one is cut to its first 2048 bytes (shortened to a whole UTF-8 character) followed by
// "... [TRUNCATED: <N> bytes total]".
inline constexpr std::size_t kPreviewKeepLimit = 4096;
inline constexpr std::size_t kPreviewCutLength = 2048;
std::string payload_preview(std::string_view payload_json);

}  // namespace doublecheck
