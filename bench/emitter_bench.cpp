// Throughput of TelemetryEmitter::emit_tool_call (issues 2 and 14, "Speed"): calls per second
// with 1, 2 and 8 threads sharing one emitter that appends to a real file in a temporary
// directory, next to the two rows it is judged against, writing the very line the emitter writes:
// a bare O_APPEND write() loop of it (the kernel's floor) and spdlog's file sink (the peer a user
// would pick). Issue 14's targets, read from one run: the emitter at >= 0.85x the bare write on 1
// thread and >= 2x on 8 threads. At the end the program prints those ratios (emitter/bare,
// spdlog/bare) per thread count from the medians of the run's repetitions.
//
// Also: the original's "10 threads x 100 calls" workload, against 10x the original Python
// emitter at the same thread count (../shared/golden/README.md: 54,000/s on 1 thread, 26,000/s
// on 8 threads, 20,500/s for 10 x 100).
//
// The breakdown benchmarks below the main ones split one call into its parts (the call into a
// sink that drops the line, the file sink alone writing the preformatted line, the line's
// formatting alone, the clock and timestamp text), so a missed target can be pinned on one of
// them with a number.
//
// Run (README.md, "Benchmark"; random interleaving spreads each row's repetitions over the run,
// so a burst of other load does not land on one row only):
//   build/default/bench/emitter_bench --benchmark_repetitions=5
//                                     --benchmark_enable_random_interleaving=true
//                                     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "impl/event_format.hpp"
#include "impl/file_sink.hpp"
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

// The line one_call() makes the emitter write, formatted once by the emitter's own formatter with
// a session id of the same length, so the bare write and spdlog write as many bytes per call.
const std::string& preformatted_line() {
  static const std::string line = [] {
    const doublecheck::Json no_metadata;
    const doublecheck::ToolCall call{"connections_list", "ok", 41, 120, 2048, {}, &no_metadata};
    const doublecheck::EventHeader header{"tel_0123456789ab", std::chrono::system_clock::now()};
    return doublecheck::format_tool_call(header, call);
  }();
  return line;
}

// --- the comparison: N threads writing one line per call to one real file -----------------------
// Rows of the three kinds per thread count; the ratio table at the end divides each by the bare
// write of the same thread count (RatioTable below).

// The thread counts of the table, measured in wall time (the calls of all threads per second).
void at_comparison_thread_counts(benchmark::internal::Benchmark* benchmark) {
  benchmark->Threads(1)->Threads(2)->Threads(8)->UseRealTime();
}

// (a) The emitter: emit_tool_call, one emitter shared by all threads.
void BM_EmitToolCall_File(benchmark::State& state) {
  TelemetryEmitter& emitter = *g_run->emitter;
  for (auto _ : state) one_call(emitter);
  state.SetItemsProcessed(state.iterations());  // items/s = calls/s
}
BENCHMARK(BM_EmitToolCall_File)
    ->Setup(setup_file_emitter)
    ->Teardown(teardown_file_emitter)
    ->Apply(at_comparison_thread_counts);

// (b) The floor set by the kernel: one O_APPEND write() of the preformatted line per call, all
// threads on one fd.
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

// The preformatted line written by `write` (::write, or a slow device's) once per iteration.
template <class Write>
void bare_write_loop(benchmark::State& state, Write write) {
  const std::string& line = preformatted_line();
  for (auto _ : state) {
    if (write(g_raw_fd, line.data(), line.size()) != static_cast<std::ptrdiff_t>(line.size())) {
      state.SkipWithError("short or failed write");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_BareAppendWrite(benchmark::State& state) { bare_write_loop(state, ::write); }
BENCHMARK(BM_BareAppendWrite)
    ->Setup(setup_raw_file)
    ->Teardown(teardown_raw_file)
    ->Apply(at_comparison_thread_counts);

// --- a slow device: one write() at a time, each 50 us longer (a network file system, a disk
// written synchronously). Group commit's case: the bare write pays the device once per line, the
// emitter once per batch of the lines that queued meanwhile. Not in the ratio table (the table is
// the local-disk comparison); compare BM_EmitToolCall_SlowDevice with BM_BareWrite_SlowDevice.
constexpr auto kSlowDeviceLatency = std::chrono::microseconds(50);
std::mutex g_slow_device;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

std::ptrdiff_t slow_device_write(int fd, const char* data, std::size_t size) {
  const std::lock_guard device(g_slow_device);  // the device takes one write at a time
  std::this_thread::sleep_for(kSlowDeviceLatency);
  return ::write(fd, data, size);
}

void setup_slow_device_emitter(const benchmark::State& /*state*/) {
  g_run = new SharedRun;  // NOLINT(cppcoreguidelines-owning-memory)
  g_run->dir = make_run_dir();
  EmitterEnvironment env = quiet_environment();
  env.write = slow_device_write;
  g_run->emitter = std::make_unique<TelemetryEmitter>(true, g_run->dir, std::move(env));
}

BENCHMARK(BM_EmitToolCall_File)
    ->Name("BM_EmitToolCall_SlowDevice")
    ->Setup(setup_slow_device_emitter)
    ->Teardown(teardown_file_emitter)
    ->Apply(at_comparison_thread_counts);

void BM_BareWrite_SlowDevice(benchmark::State& state) { bare_write_loop(state, slow_device_write); }
BENCHMARK(BM_BareWrite_SlowDevice)
    ->Setup(setup_raw_file)
    ->Teardown(teardown_raw_file)
    ->Apply(at_comparison_thread_counts);

// (c) spdlog's file sink as a user would set it up: basic_logger_mt (a mutex around a stdio
// FILE opened "ab"), pattern "%v" so the line is written as it is (spdlog adds the '\n').
// Its defaults buffer lines in user space and flush only when asked, so a line may not have
// reached the kernel when the call returns (the emitter's has); the "FlushEveryLine" variant
// (flush_on(trace): one write() per line, like the emitter) shows what that buffering buys.
std::shared_ptr<spdlog::logger>
    g_spdlog;                        // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::filesystem::path g_spdlog_dir;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void setup_spdlog(bool flush_every_line) {
  g_spdlog_dir = make_run_dir();
  std::filesystem::create_directories(g_spdlog_dir);
  g_spdlog = spdlog::basic_logger_mt("emitter_bench", (g_spdlog_dir / "spdlog.jsonl").string());
  g_spdlog->set_pattern("%v");
  if (flush_every_line) g_spdlog->flush_on(spdlog::level::trace);
}
void setup_spdlog_buffered(const benchmark::State& /*state*/) { setup_spdlog(false); }
void setup_spdlog_flushing(const benchmark::State& /*state*/) { setup_spdlog(true); }

void teardown_spdlog(const benchmark::State& /*state*/) {
  g_spdlog->flush();
  g_spdlog.reset();
  spdlog::drop("emitter_bench");  // the registry's reference: the next run reuses the name
  std::error_code ignored;
  std::filesystem::remove_all(g_spdlog_dir, ignored);
}

void BM_Spdlog_File(benchmark::State& state) {
  const std::string& line = preformatted_line();
  const std::string_view text(line.data(), line.size() - 1);  // spdlog ends the line itself
  spdlog::logger& logger = *g_spdlog;
  for (auto _ : state) logger.info(text);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Spdlog_File)
    ->Setup(setup_spdlog_buffered)
    ->Teardown(teardown_spdlog)
    ->Apply(at_comparison_thread_counts);
BENCHMARK(BM_Spdlog_File)
    ->Name("BM_Spdlog_FlushEveryLine_File")
    ->Setup(setup_spdlog_flushing)
    ->Teardown(teardown_spdlog)
    ->Apply(at_comparison_thread_counts);

// --- the original's workload --------------------------------------------------------------------

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

// The file sink alone (impl/file_sink.hpp: group commit, the path and date checks) writing the
// preformatted line, one sink shared by all threads: with BM_EmitToolCall_NoWrite it splits the
// emitter's distance from the bare write into the sink's part and the rest.
std::unique_ptr<doublecheck::FileSink>
    g_sink;                        // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::filesystem::path g_sink_dir;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void setup_file_sink(const benchmark::State& /*state*/) {
  g_sink_dir = make_run_dir();
  EmitterEnvironment env = quiet_environment().with_defaults();
  g_sink =
      std::make_unique<doublecheck::FileSink>(g_sink_dir, env.clock(), env.diagnostics, env.write);
}

void teardown_file_sink(const benchmark::State& /*state*/) {
  const std::uint64_t errors = g_sink->write_errors();
  g_sink.reset();
  std::error_code ignored;
  std::filesystem::remove_all(g_sink_dir, ignored);
  if (errors != 0) std::abort();
}

void BM_FileSink_WriteLine(benchmark::State& state) {
  const std::string& line = preformatted_line();
  doublecheck::FileSink& sink = *g_sink;
  for (auto _ : state) sink.write_line(line, std::chrono::system_clock::now());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FileSink_WriteLine)
    ->Setup(setup_file_sink)
    ->Teardown(teardown_file_sink)
    ->Apply(at_comparison_thread_counts);

// The line alone (impl/event_format.hpp): what the emitter formats for one_call(), the time one
// microsecond later each call, so the second changes every million calls as it does under load.
void BM_FormatToolCall(benchmark::State& state) {
  const doublecheck::Json no_metadata;
  const doublecheck::ToolCall call{"connections_list", "ok", 41, 120, 2048, {}, &no_metadata};
  doublecheck::EventHeader header{"tel_0123456789ab", std::chrono::system_clock::now()};
  for (auto _ : state) {
    header.time += std::chrono::microseconds(1);
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

// --- the ratio table ----------------------------------------------------------------------------

// The console report as usual, then, for each thread count, calls/s of the emitter and spdlog as
// a multiple of the bare write's, all from this run, and one thread's CPU time per call of the
// emitter, the file sink and the bare write. Each row's figure is the median of its
// repetitions (Google Benchmark's "median" aggregate, or the median of the runs it was handed
// when it computed none, e.g. a single repetition), because one slow repetition on a shared
// machine moves a mean but not a median.
class RatioTable final : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& reports) override {
    ConsoleReporter::ReportRuns(reports);
    for (const Run& run : reports) {
      if (run.error_occurred) continue;
      const auto rate = run.counters.find("items_per_second");
      if (rate == run.counters.end()) continue;
      Row& row = rows_[{run.run_name.function_name, run.threads}];
      const double cpu_ns = run.GetAdjustedCPUTime() * nanoseconds_per(run.time_unit);
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name != "median") continue;
        row.rate.median = rate->second.value;
        row.cpu_ns.median = cpu_ns;
      } else {
        row.rate.runs.push_back(rate->second.value);
        row.cpu_ns.runs.push_back(cpu_ns);
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::ostream& out = GetOutputStream();
    out << "\nCalls/s as a multiple of the bare O_APPEND write() of the same line, same thread "
           "count (medians of this run):\n";
    out << line("%-8s %14s %14s %14s %14s %13s %13s %15s", "threads", "emitter/s", "bare write/s",
                "spdlog/s", "spdlog+flush/s", "emitter/bare", "spdlog/bare", "spdlog+fl/bare");
    for (const std::int64_t threads : {1, 2, 8}) {
      const double bare = rate("BM_BareAppendWrite", threads);
      const double emitter = rate("BM_EmitToolCall_File", threads);
      const double spdlog = rate("BM_Spdlog_File", threads);
      const double flushed = rate("BM_Spdlog_FlushEveryLine_File", threads);
      if (bare <= 0) continue;  // filtered out, or it failed: no ratio to give
      out << line("%-8lld %14.0f %14.0f %14.0f %14.0f %13s %13s %15s",
                  static_cast<long long>(threads), emitter, bare, spdlog, flushed,
                  ratio(emitter, bare).c_str(), ratio(spdlog, bare).c_str(),
                  ratio(flushed, bare).c_str());
    }
    // On a machine shared with other work, wall time per call moves with their load; one
    // thread's CPU time per call moves much less, and splits the emitter's distance from the
    // bare write into the sink's part and the formatting's.
    const double bare_cpu = cpu_ns("BM_BareAppendWrite", 1);
    const double emitter_cpu = cpu_ns("BM_EmitToolCall_File", 1);
    if (bare_cpu > 0 && emitter_cpu > 0) {
      out << line(
          "1 thread, CPU ns per call: bare write %.0f, file sink %.0f, emitter %.0f "
          "(emitter without its write %.0f); bare/emitter %s",
          bare_cpu, cpu_ns("BM_FileSink_WriteLine", 1), emitter_cpu,
          cpu_ns("BM_EmitToolCall_NoWrite", 1), ratio(bare_cpu, emitter_cpu).c_str());
    }
    out.flush();
  }

 private:
  // One figure of a row over its repetitions.
  struct Figure {
    double median = -1;        // the "median" aggregate, when there was one
    std::vector<double> runs;  // the repetitions the reporter was shown

    [[nodiscard]] double value() const {
      if (median >= 0) return median;
      if (runs.empty()) return 0;
      std::vector<double> sorted = runs;
      std::sort(sorted.begin(), sorted.end());
      const std::size_t mid = sorted.size() / 2;
      return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
  };
  struct Row {
    Figure rate;    // calls per second (all threads)
    Figure cpu_ns;  // CPU time per call
  };

  static double nanoseconds_per(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kSecond:
        return 1e9;
      case benchmark::kMillisecond:
        return 1e6;
      case benchmark::kMicrosecond:
        return 1e3;
      default:
        return 1;
    }
  }

  // 0 when the row did not run.
  [[nodiscard]] double rate(const std::string& function, std::int64_t threads) const {
    const auto found = rows_.find({function, threads});
    return found == rows_.end() ? 0 : found->second.rate.value();
  }
  [[nodiscard]] double cpu_ns(const std::string& function, std::int64_t threads) const {
    const auto found = rows_.find({function, threads});
    return found == rows_.end() ? 0 : found->second.cpu_ns.value();
  }

  // One row of the table, printf-formatted, '\n' included.
  template <class... Args>
  static std::string line(const char* format, Args... args) {
    char text[256];
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): printf's column widths, fixed formats
    std::snprintf(text, sizeof text, format, args...);
    return std::string(text) + "\n";
  }

  static std::string ratio(double value, double base) {
    if (value <= 0) return "-";
    std::string text = line("%.2fx", value / base);
    text.pop_back();  // no '\n' inside a row
    return text;
  }

  std::map<std::pair<std::string, std::int64_t>, Row> rows_;
};

}  // namespace

// BENCHMARK_MAIN() with the ratio table as the console reporter, printing as the default one does
// (colour only on a terminal). The --benchmark_format flag is not followed; --benchmark_out still
// writes JSON.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioTable table(::isatty(STDOUT_FILENO) != 0 ? benchmark::ConsoleReporter::OO_Color
                                                : benchmark::ConsoleReporter::OO_None);
  benchmark::RunSpecifiedBenchmarks(&table);
  benchmark::Shutdown();
  return 0;
}
