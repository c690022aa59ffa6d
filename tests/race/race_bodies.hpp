// The race tests, written once as templates over the subject, so that the very same bodies run
//   - against the fixed code (race_tests.cpp: the 8 specified tests and more, label `race`), and
//   - against the pre-fix variants (negative_controls.cpp, run under ThreadSanitizer by
//     tsan/run_negative_control.py, label `tsan-negative`), where they must be caught.
//
// Emitter bodies take an emitter type (BasicTelemetryEmitter<StdSync, Locking>); global bodies
// take a Global adapter (below) over the process-wide API or a BasicGlobalTelemetry<StdSync, Init>.
// Threads are released together by a std::latch. Assertions are made on the main thread after the
// join, from what the threads recorded; the properties checked are named as in DESIGN.md (P1-P6).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "impl/global_telemetry.hpp"
#include "impl/std_sync.hpp"
#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck::race {

using testing_support::TempDir;

// Runs body(i) for i in [0, n) on n threads that start together, and joins them.
template <class Body>
void run_together(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&start, &body, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

// True when a copy of the metrics is the state after some whole number of calls that each added
// (duration 1, bytes_in 10, bytes_out 20): the shape of every snapshot of P2 and P3.
inline bool is_whole_calls_of_1_10_20(const Metrics& m) {
  return m.total_bytes_in == 10 * m.tool_calls && m.total_bytes_out == 20 * m.tool_calls &&
         m.total_duration_ms == m.tool_calls;
}

inline std::vector<Json> file_events(const TempDir& dir) {
  return testing_support::read_events(testing_support::only_file_in(dir.path()));
}

// ---------------------------------------------------------------------------------------------
// Global adapters: the same init/get/reset surface over the production functions and over a
// BasicGlobalTelemetry object with any init strategy.

// init_telemetry() / get_telemetry() / reset_telemetry_for_testing(): the code that ships.
struct ProcessGlobal {
  using Emitter = TelemetryEmitter;
  ProcessGlobal() { reset_telemetry_for_testing(); }
  ~ProcessGlobal() { reset_telemetry_for_testing(); }
  ProcessGlobal(const ProcessGlobal&) = delete;
  ProcessGlobal& operator=(const ProcessGlobal&) = delete;

  Emitter& init(bool enabled, const std::filesystem::path& dir) {
    return init_telemetry(enabled, dir);
  }
  Emitter* get() { return get_telemetry(); }
  void reset() { reset_telemetry_for_testing(); }
};

// A global with the init strategy `Init` (MutexInit, or one of impl/variants/). It can also say
// how many emitters were constructed (P4 wants exactly one).
template <template <class, class> class Init>
struct StrategyGlobal {
  using Emitter = typename BasicGlobalTelemetry<StdSync, Init>::Emitter;

  Emitter& init(bool enabled, const std::filesystem::path& dir) {
    return global.init(enabled, dir);
  }
  Emitter* get() { return global.get(); }
  void reset() { global.reset_for_testing(); }
  std::size_t constructed() { return global.constructed(); }

  BasicGlobalTelemetry<StdSync, Init> global;
};

template <class Global>
void expect_constructed_once(Global& global) {
  if constexpr (requires { global.constructed(); }) {
    EXPECT_EQ(global.constructed(), 1U) << "emitters constructed, expected exactly one (P4)";
  }
}

// ---------------------------------------------------------------------------------------------
// RC-002: the metrics lock (emitter bodies).

// 100 threads released together, one ok call each of 10 ms / 100 B in / 200 B out (P1).
template <class Emitter>
void ConcurrentToolCallsPreserveAllMetrics() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  constexpr int kThreads = 100;
  run_together(kThreads, [&](int) { emitter.emit_tool_call("test_tool", "ok", 10, 100, 200); });
  EXPECT_EQ(emitter.get_session_summary().metrics,
            (Metrics{kThreads, 100 * kThreads, 200 * kThreads, 10 * kThreads, 0}))
      << "lost updates (P1)";
}

// 50 threads released together, one error call each: 50 calls, 50 errors (P1).
template <class Emitter>
void ConcurrentErrorIncrements() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  constexpr int kThreads = 50;
  run_together(kThreads, [&](int) {
    emitter.emit_tool_call("failing_tool", "error", 5, 50, 100, "Test error");
  });
  const Metrics m = emitter.get_session_summary().metrics;
  EXPECT_EQ(m.tool_calls, kThreads) << "lost call counts (P1)";
  EXPECT_EQ(m.errors, kThreads) << "lost error counts (P1)";
  EXPECT_EQ(m, (Metrics{kThreads, 50 * kThreads, 100 * kThreads, 5 * kThreads, kThreads}));
}

// A writer makes 100 calls of 1 ms / 10 B / 20 B while a reader snapshots continuously: every
// snapshot is the state after a whole number of calls, and they never go backwards (P2).
template <class Emitter>
void GetSessionSummaryReturnsConsistentSnapshot() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  std::atomic<bool> writer_done{false};
  std::vector<Metrics> snapshots;
  run_together(2, [&](int role) {
    if (role == 0) {
      for (int i = 0; i < 100; ++i) emitter.emit_tool_call("writer_tool", "ok", 1, 10, 20);
      writer_done.store(true, std::memory_order_release);
    } else {
      do {
        snapshots.push_back(emitter.get_session_summary().metrics);
      } while (!writer_done.load(std::memory_order_acquire));
    }
  });
  ASSERT_FALSE(snapshots.empty());
  std::int64_t previous_calls = 0;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const Metrics& m = snapshots[i];
    EXPECT_TRUE(is_whole_calls_of_1_10_20(m))
        << "torn snapshot " << i << " of " << snapshots.size()
        << " (P2): expected bytes_in = 10 x calls, bytes_out = 20 x calls, duration = calls; got "
        << ::testing::PrintToString(m);
    EXPECT_GE(m.tool_calls, previous_calls) << "snapshot " << i << " went backwards";
    previous_calls = m.tool_calls;
  }
  EXPECT_EQ(emitter.get_session_summary().metrics, (Metrics{100, 1000, 2000, 100, 0}));
}

// 10 calls (from 10 threads released together) then stop: the file's server_stop event has the
// exact totals, 10 calls, 100 B in, 200 B out (P3).
template <class Emitter>
void EmitServerStopCapturesFinalMetricsAtomically() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  run_together(10, [&](int) { emitter.emit_tool_call("test", "ok", 1, 10, 20); });
  emitter.emit_server_stop("test");

  const auto stops = testing_support::events_named(file_events(dir), "server_stop");
  ASSERT_EQ(stops.size(), 1U) << "expected one server_stop event in the file";
  EXPECT_EQ(stops[0].at("reason"), "test");
  const Json& metrics = stops[0].at("metrics");
  EXPECT_EQ(metrics.at("tool_calls"), 10) << metrics.dump();
  EXPECT_EQ(metrics.at("total_bytes_in"), 100) << metrics.dump();
  EXPECT_EQ(metrics.at("total_bytes_out"), 200) << metrics.dump();
  EXPECT_EQ(metrics.at("total_duration_ms"), 10) << metrics.dump();
  EXPECT_EQ(metrics.at("errors"), 0) << metrics.dump();
}

// More than the 8: server_stop emitted while 4 writers x 50 calls run carries a consistent
// snapshot each time, and the stop after the join the exact totals (P3).
template <class Emitter>
void EmitServerStopRacingWritersCarriesConsistentSnapshots() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  constexpr int kWriters = 4;
  constexpr int kCalls = 50;
  run_together(kWriters + 1, [&](int role) {
    if (role < kWriters) {
      for (int i = 0; i < kCalls; ++i) emitter.emit_tool_call("writer", "ok", 1, 10, 20);
    } else {
      for (int i = 0; i < 20; ++i) emitter.emit_server_stop("racing");
    }
  });
  emitter.emit_server_stop("final");

  const auto stops = testing_support::events_named(file_events(dir), "server_stop");
  ASSERT_EQ(stops.size(), 21U);
  for (const auto& stop : stops) {
    const Json& j = stop.at("metrics");
    const auto field = [&j](const char* key) { return j.at(key).get<std::int64_t>(); };
    const Metrics m{field("tool_calls"), field("total_bytes_in"), field("total_bytes_out"),
                    field("total_duration_ms"), field("errors")};
    EXPECT_TRUE(is_whole_calls_of_1_10_20(m)) << "torn server_stop snapshot (P3): " << j.dump();
  }
  EXPECT_EQ(stops.back().at("reason"), "final");
  EXPECT_EQ(stops.back().at("metrics").at("tool_calls"), kWriters * kCalls);
  EXPECT_EQ(emitter.get_session_summary().metrics,
            (Metrics{kWriters * kCalls, 10 * kWriters * kCalls, 20 * kWriters * kCalls,
                     kWriters * kCalls, 0}));
}

// More than the 8: 8 threads x 100 calls, every other one an error, count errors exactly (P1).
template <class Emitter>
void ConcurrentMixedStatusesCountExactlyTheErrorCalls() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  constexpr int kThreads = 8;
  constexpr int kCalls = 100;
  run_together(kThreads, [&](int) {
    for (int i = 0; i < kCalls; ++i) {
      emitter.emit_tool_call("mixed", i % 2 == 0 ? "error" : "ok", 2, 3, 4);
    }
  });
  constexpr int kTotal = kThreads * kCalls;
  EXPECT_EQ(emitter.get_session_summary().metrics,
            (Metrics{kTotal, 3 * kTotal, 4 * kTotal, 2 * kTotal, kTotal / 2}));
}

// 10 threads x 100 calls: all counted, in under 5 s (the original's performance test).
template <class Emitter>
void HighVolumeConcurrentMetrics() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  constexpr int kThreads = 10;
  constexpr int kCalls = 100;
  const auto started = std::chrono::steady_clock::now();
  run_together(kThreads, [&](int) {
    for (int i = 0; i < kCalls; ++i) emitter.emit_tool_call("perf_test", "ok", 1, 100, 200);
  });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  constexpr int kTotal = kThreads * kCalls;
  EXPECT_EQ(emitter.get_session_summary().metrics,
            (Metrics{kTotal, 100 * kTotal, 200 * kTotal, kTotal, 0}));
  EXPECT_LT(elapsed, std::chrono::seconds(5))
      << "expected 1000 calls in under 5 s, took " << std::chrono::duration<double>(elapsed).count()
      << " s";
}

// ---------------------------------------------------------------------------------------------
// RC-004: the global's init lock (global bodies).

// 50 threads released together call init: all get one instance, the one get() returns (P4).
template <class Global>
void ConcurrentInitCreatesSingleInstance() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 50;
  std::vector<typename Global::Emitter*> seen(kThreads, nullptr);
  run_together(kThreads,
               [&](int i) { seen[static_cast<std::size_t>(i)] = &global.init(true, dir.path()); });
  const std::set<typename Global::Emitter*> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), 1U) << "expected one instance for all " << kThreads << " callers";
  EXPECT_EQ(global.get(), seen[0]);
  expect_constructed_once(global);
}

// Two inits with different dirs: the same instance, the first dir kept, the second never made.
template <class Global>
void InitTelemetryIdempotent() {
  const TempDir dir("dc-race");
  Global global;
  auto& first = global.init(true, dir / "dir1");
  auto& second = global.init(true, dir / "dir2");
  EXPECT_EQ(&first, &second) << "expected the second init to return the first instance";
  EXPECT_EQ(second.output_dir(), dir / "dir1") << "expected the first configuration kept";
  EXPECT_FALSE(std::filesystem::exists(dir / "dir2")) << "the second init built an emitter";
  expect_constructed_once(global);
}

// 20 threads released together init and read the session id (and `enabled`, a field the
// constructor wrote): one id for all, the global's (P4; with P5/P6 the reads are race-free).
template <class Global>
void InitTelemetryPreservesSessionId() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 20;
  std::vector<std::string> ids(kThreads);
  std::atomic<int> disabled{0};
  run_together(kThreads, [&](int i) {
    auto& emitter = global.init(true, dir.path());
    ids[static_cast<std::size_t>(i)] = emitter.session_id();
    if (!emitter.enabled()) disabled.fetch_add(1);
  });
  const std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 1U) << "expected one session id, got " << distinct.size();
  ASSERT_NE(global.get(), nullptr);
  EXPECT_EQ(ids[0], global.get()->session_id());
  EXPECT_EQ(disabled.load(), 0) << "callers saw enabled == false from an enabled init";
}

// More than the 8: readers spin on get() while one thread inits; each reader sees null or the
// fully constructed emitter, never a half-built one (P5).
template <class Global>
void GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kReaders = 7;
  struct Seen {
    typename Global::Emitter* emitter = nullptr;
    std::string session_id;
    bool enabled = false;
    std::filesystem::path output_dir;
  };
  std::vector<Seen> seen(kReaders);
  typename Global::Emitter* initialised = nullptr;
  run_together(kReaders + 1, [&](int role) {
    if (role == kReaders) {
      initialised = &global.init(true, dir.path());
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    typename Global::Emitter* emitter = nullptr;
    while ((emitter = global.get()) == nullptr && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (emitter == nullptr) return;
    Seen& mine = seen[static_cast<std::size_t>(role)];
    mine.emitter = emitter;
    mine.session_id = emitter->session_id();
    mine.enabled = emitter->enabled();
    mine.output_dir = emitter->output_dir();
  });
  ASSERT_NE(initialised, nullptr);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].emitter, initialised) << "reader " << i << " saw another instance (or none)";
    EXPECT_EQ(seen[i].session_id, initialised->session_id()) << "reader " << i;
    EXPECT_TRUE(seen[i].enabled) << "reader " << i << " saw a half-built emitter";
    EXPECT_EQ(seen[i].output_dir, dir.path()) << "reader " << i;
  }
}

// More than the 8: 16 threads init with 16 different dirs: all get one instance whose dir is one
// of theirs, and only that dir exists (the winner's configuration, P4).
template <class Global>
void ConcurrentInitsWithDifferentDirsKeepOneConfiguration() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 16;
  std::vector<typename Global::Emitter*> seen(kThreads, nullptr);
  run_together(kThreads, [&](int i) {
    seen[static_cast<std::size_t>(i)] = &global.init(true, dir / ("d" + std::to_string(i)));
  });
  const std::set<typename Global::Emitter*> distinct(seen.begin(), seen.end());
  ASSERT_EQ(distinct.size(), 1U) << "expected one instance";
  int dirs_made = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (std::filesystem::exists(dir / ("d" + std::to_string(i)))) ++dirs_made;
  }
  EXPECT_EQ(dirs_made, 1) << "expected only the winning call's directory to exist";
  EXPECT_TRUE(std::filesystem::exists(seen[0]->output_dir()))
      << "the instance's dir " << seen[0]->output_dir() << " is not the one that was made";
  expect_constructed_once(global);
}

}  // namespace doublecheck::race
