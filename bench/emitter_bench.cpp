// Throughput of TelemetryEmitter::emit_tool_call (issue 2, "Speed"): calls per second with 1, 2
// and 8 threads sharing one emitter that appends to a real file in a temporary directory, plus the
// original's "10 threads x 100 calls" workload. The target is 10x the original Python emitter at
// the same thread count (../shared/golden/README.md: 54,000/s on 1 thread, 26,000/s on 8 threads,
// 20,500/s for 10 x 100).
//
// The breakdown benchmarks below the main ones split one call into its parts (the call into a
// sink that drops the line, the line's formatting alone, the clock and timestamp text, the bare
// write() of a line of the same size), so a missed target can be pinned on one of them with a
// number.
//
// Run (README.md, "Benchmark"):
//   build/default/bench/emitter_bench --benchmark_repetitions=5
//                                     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "impl/event_format.hpp"
#include "impl/json_text.hpp"
#include "impl/telemetry.hpp"

namespace {

using doublecheck::EmitterEnvironment;
using doublecheck::EventSink;
using doublecheck::TelemetryEmitter;

// A fresh temporary directory per benchmark run, removed (with the telemetry file) afterwards.
// Under $TMPDIR when set, else /tmp: set TMPDIR to measure another file system.
std::filesystem::path make_run_dir() {
  std::random_device device;
  auto dir = std::filesystem::temp_directory_path() /
             ("doublecheck-bench-" + std::to_string(::getpid()) + "-" + std::to_string(device()));
  return dir;
}

// Diagnostics go nowhere: a failed write would show as write_errors, checked in teardown.
EmitterEnvironment quiet_environment() {
  EmitterEnvironment env;
  env.diagnostics = [](std::string_view /*message*/) {};
  return env;
}

// The emitter shared by every thread of one run. Created by Setup() before the run's threads
// start and destroyed by Teardown() after they have all finished, so the benchmark threads only
// ever read the pointer.
struct SharedRun {
  std::filesystem::path dir;
  std::unique_ptr<TelemetryEmitter> emitter;
};
SharedRun* g_run = nullptr;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void setup_file_emitter(const benchmark::State& /*state*/) {
  g_run = new SharedRun;  // NOLINT(cppcoreguidelines-owning-memory)
  g_run->dir = make_run_dir();
  g_run->emitter = std::make_unique<TelemetryEmitter>(true, g_run->dir, quiet_environment());
}

void teardown_file_emitter(const benchmark::State& /*state*/) {
  const auto summary = g_run->emitter->get_session_summary();
  g_run->emitter.reset();
  std::error_code ignored;
  std::filesystem::remove_all(g_run->dir, ignored);
  delete g_run;  // NOLINT(cppcoreguidelines-owning-memory)
  g_run = nullptr;
  if (summary.write_errors != 0) {
    std::fprintf(stderr, "emitter_bench: %llu events could not be written\n",
                 static_cast<unsigned long long>(summary.write_errors));
    std::abort();
  }
}

// The call every benchmark makes: the first golden tool_call (~230-byte line).
void one_call(TelemetryEmitter& emitter) {
  emitter.emit_tool_call("connections_list", "ok", 41, 120, 2048);
}

// --- the target: emit_tool_call to a real file, N threads, one emitter -------------------------

void BM_EmitToolCall_File(benchmark::State& state) {
  TelemetryEmitter& emitter = *g_run->emitter;
  for (auto _ : state) one_call(emitter);
  state.SetItemsProcessed(state.iterations());  // items/s = calls/s
}
BENCHMARK(BM_EmitToolCall_File)
    ->Setup(setup_file_emitter)
    ->Teardown(teardown_file_emitter)
    ->Threads(1)
    ->Threads(2)
    ->Threads(8)
    ->UseRealTime();

// The original's "10 threads x 100 calls" (the PerformanceUnderLoad race test's workload): each
// iteration starts 10 threads, releases them together, and joins them; thread start-up is part
// of the measured time, as it was for the Python figure.
void BM_TenThreadsHundredCalls_File(benchmark::State& state) {
  constexpr int kThreads = 10;
  constexpr int kCallsPerThread = 100;
  TelemetryEmitter& emitter = *g_run->emitter;
  for (auto _ : state) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        for (int i = 0; i < kCallsPerThread; ++i) one_call(emitter);
      });
    }
    while (ready.load() != kThreads) std::this_thread::yield();
    go.store(true, std::memory_order_release);
    for (auto& thread : threads) thread.join();
  }
  state.SetItemsProcessed(state.iterations() * kThreads * kCallsPerThread);
}
BENCHMARK(BM_TenThreadsHundredCalls_File)
    ->Setup(setup_file_emitter)
    ->Teardown(teardown_file_emitter)
    ->UseRealTime();

// --- the breakdown ------------------------------------------------------------------------------

// Wants every event, keeps none: emit_tool_call minus the write() syscall (validation, the
// metrics lock, the clock, the line's formatting).
class DroppingSink final : public EventSink {
 public:
  void write_line(std::string_view line,
                  std::chrono::system_clock::time_point /*time*/) noexcept override {
    benchmark::DoNotOptimize(line.data());
  }
};

void BM_EmitToolCall_NoWrite(benchmark::State& state) {
  TelemetryEmitter emitter(true, std::make_shared<DroppingSink>(), quiet_environment());
  for (auto _ : state) one_call(emitter);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EmitToolCall_NoWrite)->Threads(1)->Threads(8)->UseRealTime();

// The line alone (impl/event_format.hpp): what the emitter formats for one_call(), at a fixed time.
void BM_FormatToolCall(benchmark::State& state) {
  const doublecheck::Json no_metadata;
  const doublecheck::ToolCall call{"connections_list", "ok", 41, 120, 2048, {}, &no_metadata};
  const doublecheck::EventHeader header{"tel_0123456789ab", std::chrono::system_clock::now()};
  for (auto _ : state) {
    std::string line = doublecheck::format_tool_call(header, call);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatToolCall)->UseRealTime();

// The clock and the two timestamp fields.
void BM_ClockAndTimestamps(benchmark::State& state) {
  for (auto _ : state) {
    const auto now = std::chrono::system_clock::now();
    std::string text = doublecheck::iso8601_utc(now);
    benchmark::DoNotOptimize(text.data());
    benchmark::DoNotOptimize(doublecheck::epoch_ms(now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClockAndTimestamps)->UseRealTime();

// The floor set by the kernel: one O_APPEND write() of a line of the same size, N threads, one fd.
int g_raw_fd = -1;                // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::filesystem::path g_raw_dir;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void setup_raw_file(const benchmark::State& /*state*/) {
  g_raw_dir = make_run_dir();
  std::filesystem::create_directories(g_raw_dir);
  g_raw_fd =
      ::open((g_raw_dir / "raw.jsonl").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (g_raw_fd < 0) std::abort();
}

void teardown_raw_file(const benchmark::State& /*state*/) {
  ::close(g_raw_fd);
  g_raw_fd = -1;
  std::error_code ignored;
  std::filesystem::remove_all(g_raw_dir, ignored);
}

void BM_RawAppendWrite(benchmark::State& state) {
  const std::string line =
      R"({"event":"tool_call","session_id":"tel_0123456789ab","timestamp":"2026-11-26T15:12:00.)"
      R"(123456+00:00","timestamp_ms":1795705920123,"tool":"connections_list","status":"ok",)"
      R"("duration_ms":41,"bytes_in":120,"bytes_out":2048})"
      "\n";
  for (auto _ : state) {
    if (::write(g_raw_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      state.SkipWithError("short or failed write");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawAppendWrite)
    ->Setup(setup_raw_file)
    ->Teardown(teardown_raw_file)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
