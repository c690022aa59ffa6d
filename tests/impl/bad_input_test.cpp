// Every bad input the emitter must refuse (with the state untouched) or repair.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::only_file_in;
using testing_support::read_lines;
using testing_support::RecordingEnvironment;
using testing_support::TempDir;
using testing_support::utc;

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void touch(const std::filesystem::path& file) { std::ofstream(file) << "not a directory\n"; }

// Runs `construct` and expects a std::system_error whose text names `path`.
template <class Construct>
void expect_system_error_naming(const std::filesystem::path& path, int expected_errno,
                                Construct construct) {
  try {
    construct();
    ADD_FAILURE() << "expected std::system_error naming " << path << ", nothing was thrown";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos)
        << "expected the message to name " << path << ", got: " << error.what();
    EXPECT_EQ(error.code().value(), expected_errno)
        << "expected errno " << expected_errno << ", got " << error.code().value() << " ("
        << error.code().message() << ")";
  }
}

TEST(BadInput, EmptyOutputDirIsInvalidArgumentEnabledOrNot) {
  EXPECT_THROW(TelemetryEmitter(true, ""), std::invalid_argument);
  EXPECT_THROW(TelemetryEmitter(false, ""), std::invalid_argument);
}

TEST(BadInput, NegativeDurationOrByteCountIsInvalidArgumentAndChangesNothing) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  emitter.emit_tool_call("good", "ok", 1, 2, 3);
  const Metrics before = emitter.get_session_summary().metrics;

  EXPECT_THROW(emitter.emit_tool_call("bad", "error", -1, 2, 3), std::invalid_argument)
      << "negative duration_ms";
  EXPECT_THROW(emitter.emit_tool_call("bad", "error", 1, -2, 3), std::invalid_argument)
      << "negative bytes_in";
  EXPECT_THROW(emitter.emit_tool_call("bad", "error", 1, 2, -3), std::invalid_argument)
      << "negative bytes_out";
  EXPECT_THROW(emitter.emit_handshake(-1, true), std::invalid_argument) << "negative handshake";

  EXPECT_EQ(emitter.get_session_summary().metrics, before) << "a refused call changed the metrics";
  EXPECT_EQ(read_lines(only_file_in(dir.path())).size(), 1U) << "a refused call wrote an event";
}

TEST(BadInput, NegativeValuesAreRefusedByADisabledEmitterToo) {
  const TempDir dir;
  TelemetryEmitter emitter(false, dir.path());
  EXPECT_THROW(emitter.emit_tool_call("bad", "ok", 1, -1, 0), std::invalid_argument);
}

TEST(BadInput, MetadataOrClientInfoThatIsNotAnObjectIsInvalidArgument) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  for (const Json& not_object : {Json::array({1, 2}), Json("text"), Json(3), Json(true)}) {
    EXPECT_THROW(emitter.emit_tool_call("t", "ok", 1, 1, 1, "", not_object), std::invalid_argument)
        << "metadata " << not_object.dump();
    EXPECT_THROW(emitter.emit_handshake(1, true, not_object), std::invalid_argument)
        << "client_info " << not_object.dump();
  }
  EXPECT_EQ(emitter.get_session_summary().metrics, Metrics{});
  EXPECT_TRUE(read_lines(only_file_in(dir.path())).empty()) << "a refused call wrote an event";
}

TEST(BadInput, OutputDirUnderARegularFileIsASystemErrorNamingThePath) {
  // Fails even for root (tests may run as root, so a permission-based case would not fail).
  const TempDir dir;
  touch(dir / "plain");
  const auto output = dir / "plain" / "sub";
  expect_system_error_naming(output, ENOTDIR, [&] { TelemetryEmitter emitter(true, output); });
}

TEST(BadInput, OutputDirThatIsARegularFileIsASystemErrorNamingThePath) {
  const TempDir dir;
  const auto output = dir / "plain";
  touch(output);
  expect_system_error_naming(output, ENOTDIR, [&] { TelemetryEmitter emitter(true, output); });
}

TEST(BadInput, TelemetryFileThatCannotBeOpenedIsASystemErrorNamingTheFile) {
  const TempDir dir;
  RecordingEnvironment recording(utc(2026, 11, 26, 12, 0, 0));
  const auto file = dir / "mcp_telemetry_20261126.jsonl";
  std::filesystem::create_directory(file);  // a directory where the file should be
  expect_system_error_naming(file, EISDIR,
                             [&] { TelemetryEmitter emitter(true, dir.path(), recording.env()); });
}

TEST(BadInput, InvalidUtf8InToolErrorAndMetadataBecomesReplacementCharacters) {
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  const Json metadata = {{"key\xFE", "value\xE2\x82"}, {"ok", "caf\xC3\xA9"}};
  emitter.emit_tool_call("bad\xFF", "ok", 1, 1, 1, "\xC3(", metadata);
  emitter.emit_tool_call("next", "ok", 1, 1, 1);

  const auto lines = read_lines(only_file_in(dir.path()));
  ASSERT_EQ(lines.size(), 2U);
  Json events[2];
  for (int i = 0; i < 2; ++i) {
    // The default parser rejects invalid UTF-8, so parsing proves every byte is valid.
    ASSERT_NO_THROW(events[i] = Json::parse(lines[i])) << "line " << i + 1 << ": " << lines[i];
  }
  const std::string r = kReplacement;
  EXPECT_EQ(events[0].at("tool"), "bad" + r);
  EXPECT_EQ(events[0].at("error"), r + "(");
  EXPECT_EQ(events[0].at("metadata"), (Json{{"key" + r, "value" + r}, {"ok", "caf\xC3\xA9"}}))
      << "valid UTF-8 must pass through untouched";
  EXPECT_EQ(emitter.get_session_summary().metrics.tool_calls, 2);
}

}  // namespace
}  // namespace doublecheck
