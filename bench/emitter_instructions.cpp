// A fixed number of calls, for counting instructions under callgrind (issue 14, "Speed"): Google
// Benchmark picks its own iteration counts, and under valgrind its timing loop is most of what
// gets counted. Instructions per call are the difference of two runs divided by the difference of
// their counts, so start-up and shutdown cancel out (bench/instructions_per_call.sh does that):
//
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null
//            build/default/bench/emitter_instructions emit 20000
//
//   emit N     N emit_tool_call()s of the benchmark's call into a real file (in $TMPDIR or /tmp)
//   format N   N format_tool_call()s of the same event, the time one microsecond later each call
//              (so the second changes as it does under load, every so many calls)
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include "impl/event_format.hpp"
#include "impl/telemetry.hpp"

namespace {

using doublecheck::TelemetryEmitter;

int usage() {
  std::fputs("usage: emitter_instructions emit|format COUNT\n", stderr);
  return 64;
}

// The benchmark's call (bench/emitter_bench.cpp's one_call()).
int emit_calls(std::int64_t count) {
  std::random_device device;
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("doublecheck-instructions-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
  std::uint64_t write_errors = 0;
  {
    doublecheck::EmitterEnvironment env;
    env.diagnostics = [](std::string_view /*message*/) {};
    TelemetryEmitter emitter(true, dir, std::move(env));
    for (std::int64_t i = 0; i < count; ++i)
      emitter.emit_tool_call("connections_list", "ok", 41, 120, 2048);
    write_errors = emitter.get_session_summary().write_errors;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (write_errors != 0) {
    std::fprintf(stderr, "emitter_instructions: %llu events could not be written\n",
                 static_cast<unsigned long long>(write_errors));
    return 1;
  }
  return 0;
}

int format_calls(std::int64_t count) {
  const doublecheck::Json no_metadata;
  const doublecheck::ToolCall call{"connections_list", "ok", 41, 120, 2048, {}, &no_metadata};
  doublecheck::EventHeader header{"tel_0123456789ab", std::chrono::system_clock::now()};
  std::size_t total = 0;  // used, so the lines are not optimised away
  for (std::int64_t i = 0; i < count; ++i) {
    header.time += std::chrono::microseconds(1);
    total += doublecheck::format_tool_call(header, call).size();
  }
  return total == 0 && count > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return usage();
  const std::string_view mode = argv[1];
  const std::string_view count_text = argv[2];
  std::int64_t count = 0;
  const char* const end = count_text.data() + count_text.size();
  const auto parsed = std::from_chars(count_text.data(), end, count);
  if (parsed.ec != std::errc{} || parsed.ptr != end || count < 0) return usage();
  try {
    if (mode == "emit") return emit_calls(count);
    if (mode == "format") return format_calls(count);
  } catch (const std::exception& error) {  // the emitter's constructor: the file cannot be made
    std::fprintf(stderr, "emitter_instructions: %s\n", error.what());
    return 1;
  }
  return usage();
}
