// The process-wide global emitter: init_telemetry() is first-wins, get_telemetry() is null before
// it, reset_telemetry_for_testing() forgets it. (The concurrent cases are in tests/race/.)
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::TempDir;

class ProcessGlobal : public ::testing::Test {
 protected:
  void SetUp() override { reset_telemetry_for_testing(); }
  void TearDown() override { reset_telemetry_for_testing(); }

  TempDir dir_;
};

TEST_F(ProcessGlobal, GetTelemetryIsNullBeforeTheFirstInit) { EXPECT_EQ(get_telemetry(), nullptr); }

TEST_F(ProcessGlobal, InitTelemetryCreatesTheGlobalThatGetTelemetryReturns) {
  TelemetryEmitter& emitter = init_telemetry(true, dir_ / "one");
  EXPECT_EQ(get_telemetry(), &emitter);
  EXPECT_TRUE(emitter.enabled());
  EXPECT_EQ(emitter.output_dir(), dir_ / "one");
}

TEST_F(ProcessGlobal, TheFirstInitWinsAndLaterArgumentsAreIgnored) {
  TelemetryEmitter& first = init_telemetry(true, dir_ / "first");
  TelemetryEmitter& second = init_telemetry(false, dir_ / "second");
  EXPECT_EQ(&first, &second);
  EXPECT_TRUE(second.enabled()) << "the second call's enabled=false was applied";
  EXPECT_EQ(second.output_dir(), dir_ / "first");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "second")) << "the losing call created its dir";
}

TEST_F(ProcessGlobal, ResetForgetsTheGlobalSoTheNextInitConfiguresANewOne) {
  const std::string first_session = init_telemetry(true, dir_ / "first").session_id();
  reset_telemetry_for_testing();
  EXPECT_EQ(get_telemetry(), nullptr);
  TelemetryEmitter& again = init_telemetry(false, dir_ / "second");
  EXPECT_FALSE(again.enabled());
  EXPECT_EQ(again.output_dir(), dir_ / "second");
  EXPECT_NE(again.session_id(), first_session);
}

TEST_F(ProcessGlobal, InitWithoutAnOutputDirThrowsAndLeavesTheGlobalEmpty) {
  EXPECT_THROW(init_telemetry(true, ""), std::invalid_argument);
  EXPECT_EQ(get_telemetry(), nullptr);
  TelemetryEmitter& emitter = init_telemetry(true, dir_.path());
  EXPECT_EQ(get_telemetry(), &emitter) << "a failed init must not block the next one";
}

TEST_F(ProcessGlobal, ADisabledGlobalTouchesNoDirectory) {
  TelemetryEmitter& emitter = init_telemetry(false, dir_ / "never");
  emitter.emit_tool_call("t", "ok", 1, 1, 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "never"));
  EXPECT_EQ(emitter.get_session_summary().metrics, Metrics{});
}

}  // namespace
}  // namespace doublecheck
