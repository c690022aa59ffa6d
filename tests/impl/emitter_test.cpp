// The emitter's behaviour one call at a time: the event fields, the session id, a disabled emitter,
// the daily file's name and modes, and the session summary.
#include <gtest/gtest.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX setenv/unsetenv, not in <cstdlib>
#include <sys/stat.h>
#include <time.h>  // NOLINT(modernize-deprecated-headers): POSIX tzset, not in <ctime>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::only_file_in;
using testing_support::read_events;
using testing_support::RecordingEnvironment;
using testing_support::TempDir;
using testing_support::utc;

EmitterEnvironment with_random_bits(std::uint64_t bits) {
  EmitterEnvironment env;
  env.random_bits = [bits] { return bits; };
  return env;
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777U;
}

// Sets the TZ environment variable for one scope (the test runs single-threaded here).
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

// Sets the process umask for one scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

TEST(SessionId, IsTelPrefixAndTheLow48BitsOfTheInjectedRandomnessInHex) {
  const TempDir dir;
  EXPECT_EQ(TelemetryEmitter(true, dir.path(), with_random_bits(0xabcdef123456)).session_id(),
            "tel_abcdef123456");
  EXPECT_EQ(TelemetryEmitter(true, dir.path(), with_random_bits(0xffffabcdef123456)).session_id(),
            "tel_abcdef123456")
      << "bits above the low 48 should be ignored";
  EXPECT_EQ(TelemetryEmitter(true, dir.path(), with_random_bits(0x1)).session_id(),
            "tel_000000000001")
      << "expected zero padding to 12 digits";
}

TEST(SessionId, DefaultRandomnessGivesEachEmitterItsOwnWellFormedId) {
  const TempDir dir;
  const TelemetryEmitter first(true, dir.path());
  const TelemetryEmitter second(true, dir.path());
  const std::regex format("^tel_[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(first.session_id(), format)) << "got " << first.session_id();
  EXPECT_TRUE(std::regex_match(second.session_id(), format)) << "got " << second.session_id();
  EXPECT_NE(first.session_id(), second.session_id());
}

TEST(ToolCallEvent, LeavesOutEmptyErrorAndEmptyOrNullMetadata) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_tool_call("a", "ok", 1, 2, 3);                             // defaults
  emitter.emit_tool_call("b", "ok", 1, 2, 3, "", Json::object());         // empty values
  emitter.emit_tool_call("c", "error", 1, 2, 3, "boom", Json{{"k", 1}});  // non-empty values

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 3U);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(events[i].contains("error")) << "event " << i << ": " << events[i].dump();
    EXPECT_FALSE(events[i].contains("metadata")) << "event " << i << ": " << events[i].dump();
  }
  EXPECT_EQ(events[2].value("error", "<missing>"), "boom");
  EXPECT_EQ(events[2].value("metadata", Json()), (Json{{"k", 1}}));
}

TEST(ToolCallEvent, CarriesTheCallsFieldsAndCountsOnlyStatusErrorAsAnError) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_tool_call("t1", "ok", 5, 10, 20, "an error text without error status");
  emitter.emit_tool_call("t2", "error", 7, 30, 40);
  emitter.emit_tool_call("t3", "ERROR", 1, 1, 1);  // the status is compared exactly

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[1].at("tool"), "t2");
  EXPECT_EQ(events[1].at("status"), "error");
  EXPECT_EQ(events[1].at("duration_ms"), 7);
  EXPECT_EQ(events[1].at("bytes_in"), 30);
  EXPECT_EQ(events[1].at("bytes_out"), 40);
  EXPECT_EQ(emitter.get_session_summary().metrics, (Metrics{3, 41, 61, 13, 1}));
}

// std::string_view() has a null data(): written as "" (the asan preset's UBSan fails a formatter
// that hands the null to memcpy, as one once did).
TEST(ToolCallEvent, NullEmptyViewsAreWrittenAsEmptyStrings) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_tool_call(std::string_view(), std::string_view(), 1, 2, 3, std::string_view());
  emitter.emit_server_start(std::string_view(), std::string_view());

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].at("tool"), "");
  EXPECT_EQ(events[0].at("status"), "");
  EXPECT_FALSE(events[0].contains("error"));
  EXPECT_EQ(events[1].at("version"), "");
}

TEST(HandshakeEvent, LeavesOutEmptyClientInfo) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_handshake(5, false);
  emitter.emit_handshake(6, true, Json::object());

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 2U);
  for (const auto& event : events) {
    EXPECT_FALSE(event.contains("client_info")) << event.dump();
  }
  EXPECT_EQ(events[0].at("success"), false);
  EXPECT_EQ(events[1].at("duration_ms"), 6);
}

TEST(ServerStopEvent, GivesReasonNormalWhenNoneOrEmptyIsGiven) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_server_stop();
  emitter.emit_server_stop("");
  emitter.emit_server_stop("signal");

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].at("reason"), "normal");
  EXPECT_EQ(events[1].at("reason"), "normal");
  EXPECT_EQ(events[2].at("reason"), "signal");
}

TEST(DisabledEmitter, WritesNoFileCreatesNoDirectoryAndCountsNothing) {
  const TempDir dir;
  const auto output = dir / "not" / "created";
  TelemetryEmitter emitter(false, output);
  emitter.emit_server_start("1", "2");
  emitter.emit_handshake(1, true, Json{{"name", "x"}});
  emitter.emit_tool_call("t", "error", 1, 2, 3, "e");
  emitter.emit_server_stop();

  EXPECT_FALSE(std::filesystem::exists(dir / "not")) << "a disabled emitter touched the disk";
  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.metrics, Metrics{});
  EXPECT_FALSE(summary.enabled);
  EXPECT_FALSE(summary.telemetry_file.has_value());
  EXPECT_FALSE(emitter.enabled());
  EXPECT_EQ(emitter.output_dir(), output) << "the configuration is kept even when disabled";
  EXPECT_TRUE(to_json(summary).at("telemetry_file").is_null());
}

TEST(DailyFile, IsNamedAfterTheInjectedClocksUtcDateNotTheLocalOne) {
  // 23:30 UTC on the 26th is already the 27th at UTC+14 (POSIX TZ "XYZ-14" needs no tzdata).
  const ScopedTimeZone tz("XYZ-14");
  const TempDir dir;
  RecordingEnvironment recording(utc(2026, 11, 26, 23, 30, 0));
  TelemetryEmitter emitter(true, dir.path(), recording.env());
  emitter.emit_server_start("1", "2");

  EXPECT_EQ(only_file_in(dir.path()).filename(), "mcp_telemetry_20261126.jsonl");
  EXPECT_EQ(emitter.get_session_summary().telemetry_file,
            dir.path() / "mcp_telemetry_20261126.jsonl");
  EXPECT_EQ(FileSink::file_name_for(utc(2027, 1, 2, 0, 0, 0)), "mcp_telemetry_20270102.jsonl");
}

TEST(DailyFile, CreatesMissingParentsWithMode0700AndTheFileWithMode0600WhateverTheUmask) {
  const ScopedUmask no_mask(0);  // so the modes seen are the ones the emitter asked for
  const TempDir dir;
  const auto output = dir / "a" / "b" / "c";
  TelemetryEmitter emitter(true, output);
  emitter.emit_server_start("1", "2");

  for (const auto& created : {dir / "a", dir / "a" / "b", output}) {
    EXPECT_EQ(mode_of(created), 0700U)
        << created << " mode, expected 0700, got 0" << std::oct << mode_of(created);
  }
  const auto file = only_file_in(output);
  EXPECT_EQ(mode_of(file), 0600U) << file << " mode, expected 0600, got 0" << std::oct
                                  << mode_of(file);
}

TEST(DailyFile, AppendsToAnExistingFileOfTheSameDay) {
  const TempDir dir;
  RecordingEnvironment recording(utc(2026, 11, 26, 8, 0, 0));
  {
    TelemetryEmitter first(true, dir.path(), recording.env());
    first.emit_server_start("1", "2");
  }
  TelemetryEmitter second(true, dir.path(), recording.env());
  second.emit_server_start("1", "2");

  const auto events = read_events(dir / "mcp_telemetry_20261126.jsonl");
  ASSERT_EQ(events.size(), 2U) << "expected the second emitter to append, not truncate";
  EXPECT_NE(events[0].at("session_id"), events[1].at("session_id"));
}

TEST(SessionSummary, IsSessionMetricsFileEnabledAndWriteErrorsAsJson) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path(), with_random_bits(0x123));
  emitter.emit_tool_call("t", "error", 4, 5, 6);
  emitter.emit_tool_call("t", "ok", 1, 1, 1);

  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.session_id, "tel_000000000123");
  EXPECT_EQ(summary.metrics, (Metrics{2, 6, 7, 5, 1}));
  EXPECT_TRUE(summary.enabled);
  EXPECT_EQ(summary.write_errors, 0U);

  const Json json = to_json(summary);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"session_id", "metrics", "telemetry_file", "enabled",
                                            "write_errors", "events_lost"}));
  EXPECT_EQ(json.at("session_id"), "tel_000000000123");
  EXPECT_EQ(json.at("telemetry_file"), only_file_in(dir.path()).string());
  EXPECT_EQ(json.at("enabled"), true);
  EXPECT_EQ(json.at("write_errors"), 0);
  EXPECT_EQ(json.at("events_lost"), 0);
  EXPECT_EQ(json.at("metrics"), (Json{{"tool_calls", 2},
                                      {"total_bytes_in", 6},
                                      {"total_bytes_out", 7},
                                      {"total_duration_ms", 5},
                                      {"errors", 1}}));
}

TEST(ServerStopEvent, CarriesTheSameMetricsAsTheSummary) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_tool_call("t", "error", 4, 5, 6);
  emitter.emit_server_stop();

  const auto events = read_events(only_file_in(dir.path()));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].at("metrics"), to_json(emitter.get_session_summary().metrics));
}

}  // namespace
}  // namespace doublecheck
