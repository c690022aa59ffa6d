#include "impl/json_text.hpp"

#include <cstdio>
#include <ctime>

namespace doublecheck {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<microseconds>(t.time_since_epoch());
  auto seconds_part = duration_cast<seconds>(since_epoch);
  auto micros = since_epoch - seconds_part;
  if (micros.count() < 0) {  // floor for times before 1970
    seconds_part -= seconds(1);
    micros += seconds(1);
  }
  const std::time_t secs = seconds_part.count();
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char text[128];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, static_cast<long long>(micros.count()));
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
