// The hand-written event lines (impl/event_format.hpp) against the nlohmann-based formatting they
// replaced, kept below as the reference: for generated events full of hostile strings (quotes,
// backslashes, control characters, non-ASCII, ill-formed UTF-8), random numbers, random metadata
// and random times, the new line must parse (strictly) and be the reference line, as a JSON value
// and byte for byte. The string escaper and the timestamp are also checked on their own:
// exhaustively over short byte strings, and over the clock's whole range.
#include "impl/event_format.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "impl/json_text.hpp"
#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using Clock = std::chrono::system_clock;
using testing_support::RecordingEnvironment;

// --- the reference: the emitter's formatting before impl/event_format.cpp ----------------------

std::string reference_iso8601_utc(Clock::time_point t) {
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
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros.count()));
  return text;
}

Json reference_header(std::string_view event_name, std::string_view session_id,
                      Clock::time_point now) {
  Json event;
  event["event"] = event_name;
  event["session_id"] = session_id;
  event["timestamp"] = reference_iso8601_utc(now);
  event["timestamp_ms"] = epoch_ms(now);
  return event;
}

std::string reference_line(const Json& event) {
  std::string line = event.dump(-1, ' ', false, Json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

Json reference_metrics(const Metrics& metrics) {
  Json out;
  out["tool_calls"] = metrics.tool_calls;
  out["total_bytes_in"] = metrics.total_bytes_in;
  out["total_bytes_out"] = metrics.total_bytes_out;
  out["total_duration_ms"] = metrics.total_duration_ms;
  out["errors"] = metrics.errors;
  return out;
}

std::string reference_tool_call(const EventHeader& header, const ToolCall& call) {
  Json event = reference_header("tool_call", header.session_id, header.time);
  event["tool"] = call.tool;
  event["status"] = call.status;
  event["duration_ms"] = call.duration_ms;
  event["bytes_in"] = call.bytes_in;
  event["bytes_out"] = call.bytes_out;
  if (!call.error.empty()) event["error"] = call.error;
  if (!call.metadata->empty()) event["metadata"] = *call.metadata;
  return reference_line(event);
}

std::string reference_server_start(const EventHeader& header, std::string_view version,
                                   std::string_view protocol_version) {
  Json event = reference_header("server_start", header.session_id, header.time);
  event["version"] = version;
  event["protocol_version"] = protocol_version;
  return reference_line(event);
}

std::string reference_server_stop(const EventHeader& header, std::string_view reason,
                                  const Metrics& metrics) {
  Json event = reference_header("server_stop", header.session_id, header.time);
  event["reason"] = reason.empty() ? std::string_view("normal") : reason;
  event["metrics"] = reference_metrics(metrics);
  return reference_line(event);
}

std::string reference_handshake(const EventHeader& header, std::int64_t duration_ms, bool success,
                                const Json& client_info) {
  Json event = reference_header("handshake", header.session_id, header.time);
  event["duration_ms"] = duration_ms;
  event["success"] = success;
  if (!client_info.empty()) event["client_info"] = client_info;
  return reference_line(event);
}

std::string reference_json_string(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// --- generated input ---------------------------------------------------------------------------

// Escape-worthy ASCII (NUL comes from "any byte" in Generator::piece()); well-formed UTF-8 (é, 中,
// U+1F600, U+FFFD itself, a BOM); then the ill-formed shapes: stray continuation bytes, overlong
// forms, surrogates, beyond U+10FFFF, sequences cut short.
const std::vector<std::string>& hostile_shapes() {
  // clang-format off
  static const std::vector<std::string> shapes = {
      "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\x7f",
      "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD", "\xEF\xBB\xBF",
      "\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",
      "\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xFE",
      "\xC3", "\xE4\xB8", "\xF0\x9F\x98"};
  // clang-format on
  return shapes;
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  std::uint64_t below(std::uint64_t bound) {
    return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(random_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

  // Up to 40 pieces, each a plain character, an escape-worthy one, well-formed UTF-8 of every
  // length, or one of the ill-formed shapes (stray continuation, overlong, surrogate, beyond
  // U+10FFFF, cut short, random high bytes).
  std::string hostile_string() {
    std::string text;
    const auto pieces = below(41);
    for (std::uint64_t i = 0; i < pieces; ++i) text += piece();
    return text;
  }

  // A non-negative number of random magnitude, below 2^bits.
  std::int64_t count(int bits) {
    const auto magnitude = static_cast<int>(below(static_cast<std::uint64_t>(bits) + 1));
    if (magnitude == 0) return 0;
    return static_cast<std::int64_t>(below(std::uint64_t{1} << magnitude));
  }

  // Anywhere in the clock's range (nanoseconds since 1970, ~1677-2262), often near now.
  Clock::time_point time() {
    using namespace std::chrono;
    std::int64_t nanos = 0;
    if (chance(50)) {
      nanos = static_cast<std::int64_t>(random_());
    } else {
      nanos = 1'795'705'920'123'456'789LL +
              static_cast<std::int64_t>(below(4'000'000'000'000'000ULL)) - 2'000'000'000'000'000LL;
    }
    if (chance(10)) nanos = static_cast<std::int64_t>(below(4'000'000)) - 2'000'000;  // near 1970
    return Clock::time_point(duration_cast<Clock::duration>(nanoseconds(nanos)));
  }

  // A random JSON value; objects and arrays nest up to `depth`.
  Json value(int depth) {
    switch (below(depth > 0 ? 9 : 7)) {
      case 0:
        return hostile_string();
      case 1:
        return static_cast<std::int64_t>(random_());
      case 2:
        return random_();  // unsigned, possibly above INT64_MAX
      case 3:
        return std::uniform_real_distribution<double>(-1e6, 1e6)(random_);
      case 4:
        return chance(50);
      case 5:
        return nullptr;
      case 6:
        return count(20);
      case 7:
        return object(depth - 1);
      default: {
        Json array = Json::array();
        const auto size = below(4);
        for (std::uint64_t i = 0; i < size; ++i) array.push_back(value(depth - 1));
        return array;
      }
    }
  }

  Json object(int depth) {
    Json out = Json::object();
    const auto size = below(5);
    for (std::uint64_t i = 0; i < size; ++i) out[hostile_string()] = value(depth);
    return out;
  }

  // metadata / client_info: often left out (null or empty), else a random object.
  Json maybe_object() {
    const auto pick = below(4);
    if (pick == 0) return {};
    if (pick == 1) return Json::object();
    return object(2);
  }

 private:
  std::string piece() {
    const std::vector<std::string>& kShapes = hostile_shapes();
    switch (below(5)) {
      case 0:
        return {static_cast<char>(0x20 + below(0x5F))};  // printable ASCII
      case 1:
        return kShapes[below(kShapes.size())];
      case 2:
        return {static_cast<char>(below(256))};  // any byte
      case 3:
        return utf8(static_cast<std::uint32_t>(below(0x110000)));
      default:
        return "tool_";
    }
  }

  // The UTF-8 encoding of `code`, surrogates included (they are ill-formed, which is fine here).
  static std::string utf8(std::uint32_t code) {
    std::string out;
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return out;
  }

  std::mt19937_64 random_;
};

// Shows a byte string with its non-printable bytes as \xNN, for failure messages.
std::string visible(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", byte);
      out += hex;
    }
  }
  return out;
}

// The new line parses strictly (valid UTF-8 JSON), equals the reference as a JSON value, and is
// the reference's very text.
void expect_same_line(const std::string& line, const std::string& reference,
                      const std::string& what) {
  Json parsed;
  try {
    parsed = Json::parse(line);
  } catch (const Json::exception& error) {
    ADD_FAILURE() << what << ": the new line does not parse (" << error.what()
                  << "): " << visible(line);
    return;
  }
  EXPECT_EQ(parsed, Json::parse(reference))
      << what << "\n    new: " << visible(line) << "\n    old: " << visible(reference);
  EXPECT_EQ(line, reference) << what << "\n    new: " << visible(line)
                             << "\n    old: " << visible(reference);
}

// Keeps every line (single-threaded tests only).
class RecordingSink final : public EventSink {
 public:
  void write_line(std::string_view line,
                  std::chrono::system_clock::time_point /*time*/) noexcept override {
    try {
      lines_.emplace_back(line);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a test sink that cannot store drops the line
    }
  }
  [[nodiscard]] const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

constexpr std::uint64_t kSeed = 20261126;

// --- the escaper --------------------------------------------------------------------------------

std::string escaped(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonString, EveryStringOfOneOrTwoBytesIsEscapedAsNlohmannDoes) {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    ASSERT_EQ(escaped(one), reference_json_string(one)) << visible(one);
    for (int b = 0; b < 256; ++b) {
      const std::string two{static_cast<char>(a), static_cast<char>(b)};
      ASSERT_EQ(escaped(two), reference_json_string(two)) << visible(two);
    }
  }
}

// Every string of 3 and 4 bytes over the bytes where UTF-8's rules change (ASCII, escapes, every
// boundary of the lead and continuation ranges).
TEST(JsonString, EveryShortStringOfBoundaryBytesIsEscapedAsNlohmannDoes) {
  const std::string alphabet =
      "a\"\\\x1f\x7f\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xec\xed\xee\xef\xf0\xf1\xf3"
      "\xf4\xf5\xfe\xff";
  std::string text;
  for (const char a : alphabet) {
    for (const char b : alphabet) {
      for (const char c : alphabet) {
        const std::string three{a, b, c};
        ASSERT_EQ(escaped(three), reference_json_string(three)) << visible(three);
        for (const char d : alphabet) {
          text = {a, b, c, d};
          ASSERT_EQ(escaped(text), reference_json_string(text)) << visible(text);
        }
      }
    }
  }
}

TEST(JsonString, LongHostileStringsAreEscapedAsNlohmannDoes) {
  Generator generate(kSeed);
  for (int i = 0; i < 20000; ++i) {
    std::string text = generate.hostile_string();
    if (i % 100 == 0) {  // five times over: beyond nlohmann's 512-byte buffer
      const std::string once = text;
      for (int k = 0; k < 4; ++k) text += once;
    }
    ASSERT_EQ(escaped(text), reference_json_string(text)) << visible(text);
  }
}

// append_json_string skips plain bytes 8 at a time (impl/event_format.cpp, skip_plain): what
// follows puts what it must notice at every place of a block, in strings long enough for one,
// two and three blocks and a tail of every length.

// Each byte value alone at every place of strings of 1 to 24 bytes, among plain bytes of each
// kind a block test could get wrong (the neighbours of the space, `"`, `\` and 0x80).
TEST(JsonString, EachByteValueAtEveryPlaceOfABlockIsEscapedAsNlohmannDoes) {
  const std::string backgrounds =
      " !#/[]~\x7f"
      "a";
  for (const char background : backgrounds) {
    for (std::size_t length = 1; length <= 24; ++length) {
      for (std::size_t place = 0; place < length; ++place) {
        for (int value = 0; value < 256; ++value) {
          std::string text(length, background);
          text[place] = static_cast<char>(value);
          ASSERT_EQ(escaped(text), reference_json_string(text)) << visible(text);
        }
      }
    }
  }
}

// Two bytes to notice in one block or in two, at every pair of places of 16 bytes: after the
// first is written, the scan must start again right behind it.
TEST(JsonString, TwoBytesToEscapeAtEveryPairOfPlacesAreEscapedAsNlohmannDoes) {
  const std::string specials = std::string("\"\\\n\x1f\x80\xff\xc3", 7) + '\0';
  for (std::size_t first = 0; first < 16; ++first) {
    for (std::size_t second = first + 1; second < 16; ++second) {
      for (const char a : specials) {
        for (const char b : specials) {
          std::string text(16, 'x');
          text[first] = a;
          text[second] = b;
          ASSERT_EQ(escaped(text), reference_json_string(text)) << visible(text);
        }
      }
    }
  }
}

// Every shape of hostile_shapes() (escapes, well-formed UTF-8 of 2 to 4 bytes, the ill-formed
// shapes) starting at every place of 24 plain bytes, so multi-byte ones straddle a block's end.
TEST(JsonString, EachShapeStartingAtEveryPlaceOfABlockIsEscapedAsNlohmannDoes) {
  for (const std::string& shape : hostile_shapes()) {
    for (std::size_t place = 0; place <= 24; ++place) {
      const std::string text = std::string(place, 'p') + shape + std::string(24 - place, 'q');
      ASSERT_EQ(escaped(text), reference_json_string(text)) << visible(text);
    }
  }
}

TEST(JsonString, AppendsToWhatIsThere) {
  std::string out = "x:";
  append_json_string(out, "a\"b");
  EXPECT_EQ(out, R"(x:"a\"b")");
}

// --- the timestamp ------------------------------------------------------------------------------

TEST(Timestamp, MatchesTheFormerSnprintfTextOverTheClocksRange) {
  using namespace std::chrono;
  Generator generate(kSeed);
  for (int i = 0; i < 200000; ++i) {
    const Clock::time_point t = generate.time();
    ASSERT_EQ(iso8601_utc(t), reference_iso8601_utc(t))
        << "at " << t.time_since_epoch().count() << " clock ticks";
  }
  for (const Clock::time_point t :
       {Clock::time_point::min(), Clock::time_point::max(), Clock::time_point{},
        Clock::time_point{} - nanoseconds(1), Clock::time_point{} - nanoseconds(999),
        Clock::time_point{} - microseconds(1), Clock::time_point{} - seconds(1),
        Clock::time_point{sys_days{year{2000} / 2 / 29}} + hours(23) + minutes(59) + seconds(59) +
            microseconds(999999),
        Clock::time_point{sys_days{year{2100} / 3 / 1}}}) {
    EXPECT_EQ(iso8601_utc(t), reference_iso8601_utc(t))
        << "at " << t.time_since_epoch().count() << " clock ticks";
  }
}

// append_iso8601_utc keeps the last second's "YYYY-MM-DDTHH:MM:SS" per thread (impl/json_text.cpp),
// so a wrong key or a stale text only shows in a sequence of calls: each test below formats times
// one after the other on one thread, each time against the reference.
void expect_sequence_matches_reference(const std::vector<Clock::time_point>& times) {
  for (const Clock::time_point t : times) {
    ASSERT_EQ(iso8601_utc(t), reference_iso8601_utc(t))
        << "at " << t.time_since_epoch().count() << " clock ticks";
  }
}

// The last instant of one second and the first of the next, both ways round and around again, at
// boundaries where each field of the cached text changes (second, minute, hour, day, month, a leap
// day, year), before 1970 (where seconds are floored, not cut toward zero), at the epoch and at the
// ends of the clock's range.
TEST(Timestamp, TimesEitherSideOfSecondMinuteDayAndYearBoundariesReadAsTheFormerText) {
  using namespace std::chrono;
  const auto at = [](year_month_day date, int hour, int minute, int second) {
    return Clock::time_point{sys_days{date}} + hours(hour) + minutes(minute) + seconds(second);
  };
  const std::vector<Clock::time_point> boundaries = {
      at(2026y / 11 / 26, 15, 12, 1),   // a second
      at(2026y / 11 / 26, 15, 13, 0),   // a minute
      at(2026y / 11 / 26, 16, 0, 0),    // an hour
      at(2026y / 11 / 27, 0, 0, 0),     // a day
      at(2026y / 12 / 1, 0, 0, 0),      // a month
      at(2024y / 2 / 29, 0, 0, 0),      // into a leap day
      at(2024y / 3 / 1, 0, 0, 0),       // out of it
      at(2100y / 3 / 1, 0, 0, 0),       // no leap day in 2100
      at(2027y / 1 / 1, 0, 0, 0),       // a year
      at(2000y / 1 / 1, 0, 0, 0),       // a century
      Clock::time_point{},              // the epoch
      at(1969y / 12 / 31, 23, 59, 59),  // the last second before it
      at(1900y / 3 / 1, 0, 0, 0),       // before 1970, no leap day in 1900
      at(1960y / 7 / 1, 12, 0, 0),
  };
  for (const Clock::time_point boundary : boundaries) {
    const Clock::time_point last = boundary - microseconds(1);
    expect_sequence_matches_reference(
        {last, boundary, last, boundary - nanoseconds(1), boundary, boundary + nanoseconds(999),
         boundary + seconds(1) - nanoseconds(1), boundary + seconds(1), last - seconds(1), last});
  }
  // The ends of the clock's range: the first and the last whole second it holds, either way.
  const auto first_second = ceil<seconds>(Clock::time_point::min());
  const auto last_second = floor<seconds>(Clock::time_point::max());
  expect_sequence_matches_reference(
      {Clock::time_point::min(), first_second, Clock::time_point::min(), Clock::time_point::max(),
       last_second - nanoseconds(1), Clock::time_point::max(), last_second});
}

// Times that share part of their text with the one before (the same time of day on another day,
// the same seconds in another minute, the same second in another year, a second away before the
// epoch and after it), reached by a random walk.
TEST(Timestamp, ARandomWalkOfTimesReadsAsTheFormerTextAtEveryStep) {
  using namespace std::chrono;
  const std::vector<Clock::duration> steps = {
      nanoseconds(1), microseconds(1),    milliseconds(1), seconds(1),
      minutes(1),     hours(1),           days(1),         days(365),
      days(366),      Clock::duration{0}, seconds(59),     hours(24) - microseconds(1),
      days(36524)};  // a century (400 years would not fit the clock)
  std::mt19937_64 random(kSeed);
  Clock::time_point t = Clock::time_point{sys_days{2026y / 11 / 26}};
  for (int i = 0; i < 100000; ++i) {
    const Clock::duration step = steps[random() % steps.size()];
    const bool forward = random() % 2 == 0;
    // Near the epoch now and then, where a cut toward zero and a floor differ.
    if (i % 1000 == 0)
      t = Clock::time_point{} + microseconds(static_cast<std::int64_t>(random() % 4001) - 2000);
    if (forward && t < Clock::time_point::max() - step) t += step;
    if (!forward && t > Clock::time_point::min() + step) t -= step;
    ASSERT_EQ(iso8601_utc(t), reference_iso8601_utc(t))
        << "at " << t.time_since_epoch().count() << " clock ticks, step " << i;
  }
}

// A thread's first timestamp finds nothing cached, whichever second it falls in: the epoch's
// second (0) included, in a thread that has formatted nothing before.
TEST(Timestamp, AThreadsFirstTimestampIsItsOwnEvenInTheEpochsSecond) {
  const Clock::time_point epoch_second = Clock::time_point{} + std::chrono::microseconds(1);
  std::string text;
  std::thread fresh([&] { text = iso8601_utc(epoch_second); });
  fresh.join();
  EXPECT_EQ(text, reference_iso8601_utc(epoch_second));
}

// Each thread has its own last second: two threads formatting times a generation apart never
// read the other's text. Each second is formatted a few times in a row (so a cache shared by the
// threads would be read while the other thread replaces it) and then the next one; TSan (tsan
// preset) reports any shared mutable state outright.
TEST(Timestamp, TwoThreadsFormattingDifferentTimesEachReadTheirOwn) {
  using namespace std::chrono;
  constexpr int kSeconds = 16;
  constexpr int kCallsPerSecond = 4;
  struct Times {
    std::vector<Clock::time_point> times;
    std::vector<std::string> expected;
  };
  const auto times_from = [](Clock::time_point start) {
    Times out;
    for (int k = 0; k < kSeconds * kCallsPerSecond; ++k) {
      const Clock::time_point t =
          start + seconds(k / kCallsPerSecond * 61) + microseconds(k * 12345 % 1000000);
      out.times.push_back(t);
      out.expected.push_back(reference_iso8601_utc(t));
    }
    return out;
  };
  const std::array<Times, 2> per_thread = {times_from(Clock::time_point{sys_days{2001y / 9 / 9}}),
                                           times_from(Clock::time_point{sys_days{2038y / 1 / 19}})};
  std::array<int, 2> wrong = {0, 0};
  std::array<std::string, 2> first_wrong;
  std::atomic<int> ready{0};
  const auto format_many = [&](std::size_t which) {
    const Times& mine = per_thread[which];
    std::string text;
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }
    for (int round = 0; round < 5000; ++round) {
      for (std::size_t k = 0; k < mine.times.size(); ++k) {
        text.clear();
        append_iso8601_utc(text, mine.times[k]);
        if (text != mine.expected[k] && wrong[which]++ == 0)
          first_wrong[which] = text + " instead of " + mine.expected[k];
      }
    }
  };
  std::thread other(format_many, 1);
  format_many(0);
  other.join();
  EXPECT_EQ(wrong[0], 0) << first_wrong[0];
  EXPECT_EQ(wrong[1], 0) << first_wrong[1];
}

// --- numbers ------------------------------------------------------------------------------------

std::string written_decimal(std::int64_t value) {
  std::array<char, kDecimalMaxSize> text{};
  const char* const end = write_decimal(text.data(), value);
  return {text.data(), static_cast<std::size_t>(end - text.data())};
}

// write_decimal counts the digits first (from the bit width) and writes two at a time: every
// count of digits, either side of each power of ten, both signs, the ends of int64, and random
// numbers of every magnitude, as std::to_string writes them.
TEST(Decimal, NumbersOfEveryLengthAndSignAreWrittenAsToStringWritesThem) {
  std::vector<std::int64_t> values = {0, std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};
  for (std::int64_t power = 1; power <= std::numeric_limits<std::int64_t>::max() / 10;
       power *= 10) {
    for (const std::int64_t near : {power - 1, power, power + 1, 2 * power, 9 * power}) {
      values.push_back(near);
      values.push_back(-near);
    }
  }
  std::mt19937_64 random(kSeed);
  for (int i = 0; i < 100000; ++i) {
    values.push_back(static_cast<std::int64_t>(random() >> (random() % 64)));
    values.push_back(-values.back());
  }
  for (const std::int64_t value : values) ASSERT_EQ(written_decimal(value), std::to_string(value));
}

// --- whole events, through the emitter ----------------------------------------------------------

TEST(EventLines, GeneratedEventsAreTheLinesTheNlohmannFormattingMade) {
  Generator generate(kSeed);
  RecordingEnvironment clock(Clock::time_point{});
  auto sink = std::make_shared<RecordingSink>();
  TelemetryEmitter emitter(true, sink, clock.env());
  Metrics totals;  // what the emitter has counted so far, for the stop events' reference
  for (int i = 0; i < 6000; ++i) {
    const Clock::time_point now = generate.time();
    clock.set_now(now);
    const EventHeader header{emitter.session_id(), now};
    std::string reference;
    const auto kind = generate.below(6);
    if (kind <= 2) {
      const std::string tool = generate.hostile_string();
      const std::string status = generate.chance(30) ? "error" : generate.hostile_string();
      const std::string error = generate.chance(50) ? "" : generate.hostile_string();
      const Json metadata = generate.maybe_object();
      const ToolCall call{
          tool,  status,   generate.count(40), generate.count(40), generate.count(40),
          error, &metadata};
      emitter.emit_tool_call(call.tool, call.status, call.duration_ms, call.bytes_in,
                             call.bytes_out, call.error, metadata);
      totals.tool_calls += 1;
      totals.total_bytes_in += call.bytes_in;
      totals.total_bytes_out += call.bytes_out;
      totals.total_duration_ms += call.duration_ms;
      if (call.status == "error") totals.errors += 1;
      reference = reference_tool_call(header, call);
    } else if (kind == 3) {
      const std::string version = generate.hostile_string();
      const std::string protocol = generate.hostile_string();
      emitter.emit_server_start(version, protocol);
      reference = reference_server_start(header, version, protocol);
    } else if (kind == 4) {
      const std::string reason = generate.chance(20) ? "" : generate.hostile_string();
      emitter.emit_server_stop(reason);
      reference = reference_server_stop(header, reason, totals);
    } else {
      const std::int64_t duration = generate.count(62);
      const bool success = generate.chance(50);
      const Json client_info = generate.maybe_object();
      emitter.emit_handshake(duration, success, client_info);
      reference = reference_handshake(header, duration, success, client_info);
    }
    ASSERT_EQ(sink->lines().size(), static_cast<std::size_t>(i) + 1) << "event " << i;
    expect_same_line(sink->lines().back(), reference, "event " + std::to_string(i));
    if (::testing::Test::HasFailure()) return;  // one readable failure, not thousands
  }
}

// The line is written into room made ahead (impl/event_format.cpp, LineBuilder::room), plain
// strings copied straight in and others through append_json_string: every mix of empty, short,
// long (beyond the room made at the start) and escaped strings in every string field.
TEST(EventLines, LongShortAndEscapedStringsInEveryMixAreTheLinesTheNlohmannFormattingMade) {
  const std::string plain_long(5000, 'p');
  std::string escaped_long;
  for (int i = 0; i < 1000; ++i) escaped_long += "a\"\n\xC3\xA9\xFF";
  const std::vector<std::string> strings = {"", "ok", plain_long, escaped_long, "\xE4\xB8\xAD"};
  const Json metadata = {{"key", escaped_long}};
  const Json no_metadata;
  for (const std::string& session : {std::string("tel_0123456789ab"), escaped_long}) {
    const EventHeader header{session, Clock::time_point{} + std::chrono::hours(500000)};
    for (const std::string& a : strings) {
      for (const std::string& b : strings) {
        for (const std::string& c : strings) {
          for (const Json* extra : {&no_metadata, &metadata}) {
            const ToolCall call{a, b, 1, 2, 3, c, extra};
            expect_same_line(format_tool_call(header, call), reference_tool_call(header, call),
                             "tool_call");
          }
        }
        expect_same_line(format_server_start(header, a, b), reference_server_start(header, a, b),
                         "server_start");
      }
      if (!a.empty()) {  // the stop event's empty reason is the emitter's "normal"
        expect_same_line(format_server_stop(header, a, Metrics{}),
                         reference_server_stop(header, a, Metrics{}), "server_stop");
      }
    }
    expect_same_line(format_handshake(header, 7, true, metadata),
                     reference_handshake(header, 7, true, metadata), "handshake");
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(EventLines, ExtremeNumbersAreTheLinesTheNlohmannFormattingMade) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const Json metadata = {{"big", kMax}, {"small", kMin}, {"unsigned", ~std::uint64_t{0}}};
  const ToolCall call{"t", "ok", kMax, kMax, 0, "", &metadata};
  for (const Clock::time_point now :
       {Clock::time_point::min(), Clock::time_point::max(), Clock::time_point{},
        Clock::time_point{} - std::chrono::nanoseconds(1)}) {
    const EventHeader header{"tel_0123456789ab", now};
    expect_same_line(format_tool_call(header, call), reference_tool_call(header, call),
                     "tool_call");
    for (const Metrics& metrics :
         {Metrics{}, Metrics{kMax, kMax, kMax, kMax, kMax}, Metrics{kMin, kMin, -1, kMin, kMin}}) {
      expect_same_line(format_server_stop(header, "normal", metrics),
                       reference_server_stop(header, "normal", metrics), "server_stop");
    }
    expect_same_line(format_handshake(header, kMax, false, Json()),
                     reference_handshake(header, kMax, false, Json()), "handshake");
  }
  // Through the emitter: one call of the largest counts (one only: the totals must not overflow).
  RecordingEnvironment clock(Clock::time_point{});
  auto sink = std::make_shared<RecordingSink>();
  TelemetryEmitter emitter(true, sink, clock.env());
  emitter.emit_tool_call("t", "error", kMax, kMax, kMax);
  emitter.emit_server_stop();
  const EventHeader header{emitter.session_id(), Clock::time_point{}};
  const Json no_metadata;
  const ToolCall plain{"t", "error", kMax, kMax, kMax, "", &no_metadata};
  ASSERT_EQ(sink->lines().size(), 2U);
  expect_same_line(sink->lines()[0], reference_tool_call(header, plain), "tool_call");
  expect_same_line(sink->lines()[1],
                   reference_server_stop(header, "normal", Metrics{1, kMax, kMax, kMax, 1}),
                   "server_stop");
}

}  // namespace
}  // namespace doublecheck
