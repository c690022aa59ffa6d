#include "impl/json_text.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

namespace doublecheck {

namespace {

// `value` in decimal with at least `width` characters, zero-padded after the sign (printf's
// "%0<width>d"), written at `out`; returns the end. Room: 20 digits and a sign.
char* write_padded(char* out, std::int64_t value, int width) {
  if (value < 0) {
    *out++ = '-';
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
  while (count > 0) *out++ = digits[--count];
  return out;
}

// "00" "01" ... "99": two digits of a number at a time.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (std::size_t n = 0; n < 100; ++n) {
    pairs[2 * n] = static_cast<char>('0' + n / 10);
    pairs[2 * n + 1] = static_cast<char>('0' + n % 10);
  }
  return pairs;
}();

// `value`, 0..999999, as six digits at `out`, two at a time; returns the end.
char* write_six_digits(char* out, std::uint32_t value) {
  for (std::size_t pair = 3; pair-- > 0; value /= 100)
    std::memcpy(out + 2 * pair, &kDigitPairs[std::size_t{2} * (value % 100)], 2);
  return out + 6;
}

// How many decimal digits `magnitude` has. Its bit width times log10(2) (~ 1233 / 4096), rounded
// down, is the count or the count less one: the latter when `magnitude` reaches 10^guess.
std::size_t digit_count(std::uint64_t magnitude) {
  static constexpr std::array<std::uint64_t, 20> kPowersOfTen = [] {
    std::array<std::uint64_t, 20> powers{};
    std::uint64_t power = 1;
    for (auto& entry : powers) {
      entry = power;
      power *= 10;  // wraps after 10^19, the last entry: never read past it
    }
    return powers;
  }();
  // Zero counts as one (one digit); the powers of ten above one are even, so `| 1` moves nothing
  // across them.
  const std::uint64_t nonzero = magnitude | 1U;
  const auto guess = (static_cast<std::size_t>(std::bit_width(nonzero)) * 1233) >> 12;
  return guess + (nonzero >= kPowersOfTen[guess] ? 1 : 0);
}

// "YYYY-MM-DDTHH:MM:SS" of one second, the part of a timestamp that changes once a second. The
// clock's range is about 1677-2262, so the year has 4 digits; the room is for any int year.
struct SecondText {
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();  // no second
  std::int64_t second = kNone;  // since the epoch, floored; the key
  std::size_t size = 0;
  std::array<char, 32> text{};
};

SecondText second_text(std::chrono::sys_seconds second) {
  using namespace std::chrono;
  const auto day = floor<days>(second);  // floored, so a time before 1970 reads as gmtime() has it
  const year_month_day date{sys_days{day}};
  const hh_mm_ss time_of_day{second - day};
  SecondText out;
  out.second = second.time_since_epoch().count();
  char* end = out.text.data();
  end = write_padded(end, int{date.year()}, 4);
  *end++ = '-';
  end = write_padded(end, unsigned{date.month()}, 2);
  *end++ = '-';
  end = write_padded(end, unsigned{date.day()}, 2);
  *end++ = 'T';
  end = write_padded(end, time_of_day.hours().count(), 2);
  *end++ = ':';
  end = write_padded(end, time_of_day.minutes().count(), 2);
  *end++ = ':';
  end = write_padded(end, time_of_day.seconds().count(), 2);
  out.size = static_cast<std::size_t>(end - out.text.data());
  return out;
}

// The last second this thread wrote a timestamp for: events come many a second, and the calendar
// arithmetic was a third of a line's formatting (issue 14). One per thread, so threads share no
// mutable state and need no lock.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): a per-thread cache
constinit thread_local SecondText t_last_second;

}  // namespace

char* write_iso8601_utc(char* out, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  // Whole microseconds toward zero; the second is floored, so the microseconds are 0..999999
  // also before 1970.
  const auto micros = duration_cast<microseconds>(t.time_since_epoch());
  const auto second = floor<seconds>(micros);
  if (t_last_second.second != second.count()) t_last_second = second_text(sys_seconds{second});
  // The whole cached array is copied (a constant size: a few moves, no memcpy call); the rest
  // overwrites what lies past the second's text.
  static_assert(sizeof(SecondText::text) + 1 + 6 + 6 <= kIso8601MaxSize);
  std::memcpy(out, t_last_second.text.data(), sizeof(SecondText::text));
  char* end = out + t_last_second.size;
  *end++ = '.';
  end = write_six_digits(end, static_cast<std::uint32_t>((micros - second).count()));
  constexpr std::string_view kZone = "+00:00";
  std::memcpy(end, kZone.data(), kZone.size());
  return end + kZone.size();
}

void append_iso8601_utc(std::string& out, std::chrono::system_clock::time_point t) {
  std::array<char, kIso8601MaxSize> text{};
  const char* const end = write_iso8601_utc(text.data(), t);
  out.append(text.data(), static_cast<std::size_t>(end - text.data()));
}

char* write_decimal(char* out, std::int64_t value) {
  const auto magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  if (value < 0) *out++ = '-';
  char* const end = out + digit_count(magnitude);
  char* at = end;  // written backwards, two digits at a time
  auto rest = magnitude;
  for (; rest >= 100; rest /= 100) {
    at -= 2;
    std::memcpy(at, &kDigitPairs[std::size_t{2} * (rest % 100)], 2);
  }
  if (rest >= 10) {
    std::memcpy(at - 2, &kDigitPairs[std::size_t{2} * rest], 2);
  } else {
    at[-1] = static_cast<char>('0' + rest);
  }
  return end;
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
