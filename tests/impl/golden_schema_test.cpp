// The event schema against the golden file written by the original Python emitter
// (tests/impl/golden/, the call sequence is in ../shared/golden/README.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::only_file_in;
using testing_support::read_lines;
using testing_support::TempDir;

// The 7 calls of the golden README, in order, on one emitter. `before_each(i)` runs before call i.
template <class BeforeEach>
void run_golden_sequence(TelemetryEmitter& emitter, BeforeEach before_each) {
  const Json client_info = Json::parse(R"({"name": "claude-desktop", "version": "1.2"})");
  const Json metadata = Json::parse(
      R"({"request_id": "r-17", "retries": 2, "nested": {"ok": false, "ratio": 0.5,
          "tags": ["a", "b"]}})");
  before_each(0);
  emitter.emit_server_start("0.5.0", "2024-11-05");
  before_each(1);
  emitter.emit_handshake(12, true, client_info);
  before_each(2);
  emitter.emit_tool_call("connections_list", "ok", 41, 120, 2048);
  before_each(3);
  emitter.emit_tool_call("oml_validate", "error", 7, 300, 90, "Invalid OML: missing 'steps'",
                         metadata);
  before_each(4);
  emitter.emit_tool_call("unicode \xC3\xA9\xE4\xB8\xAD \"quoted\"\n\ttab", "ok", 0, 0, 0, "",
                         Json::object());
  before_each(5);
  emitter.emit_server_stop();
  before_each(6);
  emitter.emit_server_stop("shutdown");
}

// Parses each line on its own so a failure names the line.
std::vector<Json> parse_lines(const std::filesystem::path& file) {
  std::vector<Json> events;
  int number = 0;
  for (const auto& line : read_lines(file)) {
    ++number;
    try {
      events.push_back(Json::parse(line));
    } catch (const Json::parse_error& error) {
      ADD_FAILURE() << file << " line " << number << " is not JSON (" << error.what()
                    << "): " << line;
    }
  }
  return events;
}

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

// Compares key lists (in order) and the JSON type of every value, descending into objects.
void expect_same_shape(const Json& golden, const Json& ours, const std::string& where) {
  ASSERT_EQ(golden.type(), ours.type())
      << where << ": expected a " << golden.type_name() << ", got a " << ours.type_name();
  if (golden.is_object()) {
    ASSERT_EQ(keys_of(golden), keys_of(ours)) << where << ": keys differ (expected the golden's)";
    for (const auto& item : golden.items()) {
      expect_same_shape(item.value(), ours.at(item.key()), where + "." + item.key());
    }
  } else if (golden.is_array()) {
    ASSERT_EQ(golden.size(), ours.size()) << where << ": array length";
    for (std::size_t i = 0; i < golden.size(); ++i) {
      expect_same_shape(golden[i], ours[i], where + "[" + std::to_string(i) + "]");
    }
  }
}

// Microseconds since the epoch of "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"; -1 if it is not that.
long long parse_timestamp_micros(const std::string& text) {
  static const std::regex kFormat(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$)");
  if (!std::regex_match(text, kFormat)) return -1;
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  int us = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6d", &y, &mo, &d, &h, &mi, &s, &us) !=
      7) {
    return -1;
  }
  const auto t =
      testing_support::utc(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, s, us);
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::vector<Json> golden_events() {
  auto events = parse_lines(DC_GOLDEN_FILE);
  EXPECT_EQ(events.size(), 7U) << "the golden file " << DC_GOLDEN_FILE << " should hold 7 events";
  return events;
}

TEST(GoldenSchema, EventsHaveTheGoldenNamesKeysAndTypesInOrder) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  run_golden_sequence(emitter, [](int) {});

  const auto golden = golden_events();
  const auto ours = parse_lines(only_file_in(dir.path()));
  ASSERT_EQ(ours.size(), golden.size()) << "expected one line per event";
  for (std::size_t i = 0; i < golden.size(); ++i) {
    const std::string where = "event " + std::to_string(i + 1);
    EXPECT_EQ(ours[i].at("event"), golden[i].at("event")) << where;
    expect_same_shape(golden[i], ours[i], where);
  }
}

TEST(GoldenSchema, EveryEventCarriesTheSessionIdAndAConsistentUtcTimestamp) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  const auto before = std::chrono::system_clock::now();
  run_golden_sequence(emitter, [](int) {});
  const auto after = std::chrono::system_clock::now();
  const auto ms = [](auto t) {
    return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };

  const std::regex session_format("^tel_[0-9a-f]{12}$");
  const auto events = parse_lines(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 7U);
  for (const auto& event : events) {
    const std::string session = event.at("session_id");
    EXPECT_TRUE(std::regex_match(session, session_format))
        << "expected tel_ + 12 lowercase hex digits, got " << session;
    EXPECT_EQ(session, emitter.session_id()) << "one session id per emitter";

    const std::string timestamp = event.at("timestamp");
    const long long micros = parse_timestamp_micros(timestamp);
    ASSERT_GE(micros, 0) << "expected YYYY-MM-DDTHH:MM:SS.ffffff+00:00, got " << timestamp;
    const long long timestamp_ms = event.at("timestamp_ms");
    EXPECT_EQ(timestamp_ms, micros / 1000)
        << "timestamp_ms should be timestamp in whole milliseconds; timestamp " << timestamp;
    EXPECT_GE(timestamp_ms, ms(before)) << "timestamp before the calls were made";
    EXPECT_LE(timestamp_ms, ms(after)) << "timestamp after the calls were made";
  }
}

// With the clock and the session-id source injected, the events equal the golden ones value for
// value (the C++ writes raw UTF-8 and no spaces, so the bytes differ; the parsed JSON does not).
TEST(GoldenSchema, EventsEqualTheGoldenWhenClockAndSessionIdAreInjected) {
  const auto golden = golden_events();
  ASSERT_EQ(golden.size(), 7U);
  std::vector<std::chrono::system_clock::time_point> times;
  for (const auto& event : golden) {
    const long long micros = parse_timestamp_micros(event.at("timestamp"));
    ASSERT_GE(micros, 0) << "golden timestamp unreadable: " << event.at("timestamp");
    times.emplace_back(std::chrono::microseconds(micros));
  }

  const TempDir dir;
  testing_support::RecordingEnvironment recording(times[0]);
  EmitterEnvironment env = recording.env();
  env.random_bits = [] { return std::uint64_t{0x69d8e5632bb4}; };
  TelemetryEmitter emitter(true, dir.path(), env);
  run_golden_sequence(emitter, [&](int i) { recording.set_now(times[static_cast<size_t>(i)]); });

  const auto ours = parse_lines(dir.path() / "mcp_telemetry_20261126.jsonl");
  ASSERT_EQ(ours.size(), golden.size());
  for (std::size_t i = 0; i < golden.size(); ++i) {
    EXPECT_EQ(ours[i], golden[i]) << "event " << i + 1 << "\n expected: " << golden[i].dump()
                                  << "\n      got: " << ours[i].dump();
  }
}

TEST(GoldenSchema, TimestampRendersTheInjectedClockWithMicrosecondsAndUtcOffset) {
  const TempDir dir;
  testing_support::RecordingEnvironment recording(
      testing_support::utc(2026, 11, 26, 14, 12, 59, 931866));
  TelemetryEmitter emitter(true, dir.path(), recording.env());
  emitter.emit_server_start("v", "p");
  recording.set_now(testing_support::utc(1999, 12, 31, 23, 59, 59, 5));
  emitter.emit_server_stop();

  const auto events = parse_lines(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].at("timestamp"), "2026-11-26T14:12:59.931866+00:00");
  EXPECT_EQ(events[0].at("timestamp_ms"), 1795702379931LL);
  EXPECT_EQ(events[1].at("timestamp"), "1999-12-31T23:59:59.000005+00:00");
  EXPECT_EQ(events[1].at("timestamp_ms"), 946684799000LL);
}

}  // namespace
}  // namespace doublecheck
