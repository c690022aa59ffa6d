// Lines written by concurrent threads never interleave: one event, one write().
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck {
namespace {

using testing_support::only_file_in;
using testing_support::read_lines;
using testing_support::TempDir;

TEST(ConcurrentWriters, EveryLineOfEightThreadsTimesFiveHundredCallsParsesWhole) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 500;
  const TempDir dir;
  TelemetryEmitter emitter(true, dir.path());
  // ~1 KiB of metadata per event so that torn or interleaved writes would show.
  const Json metadata = {{"padding", std::string(1000, 'p')}};

  race::run_together(kThreads, [&](int t) {
    const std::string tool = "writer_" + std::to_string(t);
    for (int i = 0; i < kCalls; ++i) emitter.emit_tool_call(tool, "ok", 1, 1, 1, "", metadata);
  });

  const auto lines = read_lines(only_file_in(dir.path()));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kCalls));
  std::map<std::string, int> per_tool;
  int unparsable = 0;
  for (const auto& line : lines) {
    try {
      const Json event = Json::parse(line);
      ++per_tool[event.at("tool").get<std::string>()];
      if (event.at("metadata") != metadata) ++unparsable;
    } catch (const Json::exception& error) {
      if (++unparsable <= 3) ADD_FAILURE() << "line does not parse (" << error.what() << ")";
    }
  }
  EXPECT_EQ(unparsable, 0) << "lines torn or interleaved";
  EXPECT_EQ(per_tool.size(), static_cast<std::size_t>(kThreads));
  for (const auto& [tool, count] : per_tool) {
    EXPECT_EQ(count, kCalls) << "events of " << tool;
  }
  EXPECT_EQ(emitter.get_session_summary().metrics.tool_calls, kThreads * kCalls);
}

}  // namespace
}  // namespace doublecheck
