// A failed write never throws out of emit_*: it is counted, reported with the path and the errno
// text (not once per event), and the metrics still count the call. Every write() of the daily
// file fails with ENOSPC, as on a full disk (the injected write function).
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::RecordingEnvironment;
using testing_support::ScriptedWrite;
using testing_support::TempDir;
using testing_support::utc;

class WriteFailure : public ::testing::Test {
 protected:
  [[nodiscard]] EmitterEnvironment env() {
    EmitterEnvironment env = recording_.env();
    env.write = full_disk_.function();
    return env;
  }

  TempDir dir_;
  RecordingEnvironment recording_{utc(2026, 11, 26, 9, 30, 0)};  // fixes the file name
  ScriptedWrite full_disk_{[](std::size_t /*call*/, std::size_t /*size*/) {
    return ScriptedWrite::Step{.error = ENOSPC};
  }};
  std::filesystem::path file_ = dir_ / "mcp_telemetry_20261126.jsonl";
};

TEST_F(WriteFailure, NeverThrowsOutOfEmitAndTheMetricsStillCount) {
  TelemetryEmitter emitter(true, dir_.path(), env());
  EXPECT_NO_THROW(emitter.emit_server_start("0.5.0", "2024-11-05"));
  EXPECT_NO_THROW(emitter.emit_handshake(1, true));
  for (int i = 0; i < 21; ++i) {
    EXPECT_NO_THROW(emitter.emit_tool_call("t", i % 2 == 0 ? "ok" : "error", 2, 10, 20));
  }
  EXPECT_NO_THROW(emitter.emit_server_stop());  // 24 events so far
  EXPECT_NO_THROW(emitter.emit_server_stop());  // 25

  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.metrics, (Metrics{21, 210, 420, 42, 10}));
  EXPECT_EQ(summary.write_errors, 25U) << "expected every lost event counted";
  EXPECT_EQ(to_json(summary).at("write_errors"), 25);
}

TEST_F(WriteFailure, IsReportedWithPathAndErrnoTextOnTheFirstAndTenthFailureOnly) {
  TelemetryEmitter emitter(true, dir_.path(), env());
  for (int i = 0; i < 25; ++i) emitter.emit_tool_call("t", "ok", 1, 1, 1);

  const auto messages = recording_.messages();
  ASSERT_EQ(messages.size(), 2U) << "25 failures should give 2 reports (the 1st and the 10th)";
  for (const auto& message : messages) {
    EXPECT_NE(message.find(file_.string()), std::string::npos)
        << "expected the path " << file_ << " in: " << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos)
        << "expected the errno text in: " << message;
  }
  EXPECT_NE(messages[1].find("10"), std::string::npos)
      << "expected the second report to give the count 10: " << messages[1];
}

TEST_F(WriteFailure, ReportsAgainAtTheHundredthFailure) {
  TelemetryEmitter emitter(true, dir_.path(), env());
  for (int i = 0; i < 150; ++i) emitter.emit_tool_call("t", "ok", 1, 1, 1);

  const auto messages = recording_.messages();
  ASSERT_EQ(messages.size(), 3U) << "150 failures should give reports at 1, 10 and 100";
  EXPECT_NE(messages[2].find("100"), std::string::npos) << messages[2];
  EXPECT_EQ(emitter.get_session_summary().write_errors, 150U);
}

// Any sink that cannot store counts the loss, and the emitter reads it back into the summary.
class RefusingSink final : public EventSink {
 public:
  void write_line(std::string_view /*line*/,
                  std::chrono::system_clock::time_point /*time*/) noexcept override {
    ++refused_;
  }
  [[nodiscard]] std::uint64_t write_errors() const noexcept override { return refused_; }

 private:
  std::uint64_t refused_ = 0;  // single-threaded test
};

TEST(CustomSink, WriteErrorsOfTheSinkAppearInTheSummary) {
  auto sink = std::make_shared<RefusingSink>();
  TelemetryEmitter emitter(true, sink);
  emitter.emit_tool_call("t", "ok", 1, 1, 1);
  emitter.emit_server_stop();
  EXPECT_EQ(emitter.get_session_summary().write_errors, 2U);
  EXPECT_EQ(emitter.get_session_summary().metrics.tool_calls, 1);
}

}  // namespace
}  // namespace doublecheck
