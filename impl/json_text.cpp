#include "impl/json_text.hpp"

#include <cstdint>

namespace doublecheck {

namespace {

// `value` in decimal with at least `width` characters, zero-padded after the sign (printf's
// "%0<width>d").
void append_decimal(std::string& out, std::int64_t value, int width) {
  if (value < 0) {
    out += '-';
    --width;
  }
  char digits[24];
  int count = 0;
  auto magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0 || count < width);
  while (count > 0) out += digits[--count];
}

}  // namespace

void append_iso8601_utc(std::string& out, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  // Whole microseconds toward zero; the day and the time of day are floored, so a time before
  // 1970 reads as gmtime() tells it.
  const auto micros = duration_cast<microseconds>(t.time_since_epoch());
  const auto day = floor<days>(micros);
  const year_month_day date{sys_days{day}};
  const hh_mm_ss time_of_day{micros - day};
  append_decimal(out, int{date.year()}, 4);
  out += '-';
  append_decimal(out, unsigned{date.month()}, 2);
  out += '-';
  append_decimal(out, unsigned{date.day()}, 2);
  out += 'T';
  append_decimal(out, time_of_day.hours().count(), 2);
  out += ':';
  append_decimal(out, time_of_day.minutes().count(), 2);
  out += ':';
  append_decimal(out, time_of_day.seconds().count(), 2);
  out += '.';
  append_decimal(out, time_of_day.subseconds().count(), 6);
  out += "+00:00";
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  std::string text;
  text.reserve(32);
  append_iso8601_utc(text, t);
  return text;
}

std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  return floor<milliseconds>(t.time_since_epoch()).count();
}

std::string payload_preview(std::string_view payload_json) {
  if (payload_json.size() <= kPreviewKeepLimit) return std::string(payload_json);
  std::size_t cut = kPreviewCutLength;
  // Back off over continuation bytes (10xxxxxx) so the cut falls before a lead byte, never
  // inside one character.
  while (cut > 0 && (static_cast<unsigned char>(payload_json[cut]) & 0xC0U) == 0x80U) --cut;
  std::string preview(payload_json.substr(0, cut));
  preview += "... [TRUNCATED: ";
  preview += std::to_string(payload_json.size());
  preview += " bytes total]";
  return preview;
}

}  // namespace doublecheck
