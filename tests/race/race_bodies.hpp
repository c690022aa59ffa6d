// The race tests, written once as templates over the subject, so that the very same bodies run
//   - against the fixed code (race_tests.cpp: the 8 specified tests and more, label `race`), and
//   - against the pre-fix variants (negative_controls.cpp, run under ThreadSanitizer by
//     tsan/run_negative_control.py, label `tsan-negative`), where they must be caught.
//
// Emitter bodies take an emitter type (BasicTelemetryEmitter<StdSync, Locking>); global bodies
// take a Global adapter (below) over the process-wide API or a BasicGlobalTelemetry<StdSync, Init>.
// Threads are released together (run_together.hpp). Assertions are made on the main thread after
// the join, from what the threads recorded, against the properties of properties/ (P1-P6), the
// very definitions the explorer's models check.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "impl/global_telemetry.hpp"
#include "impl/telemetry.hpp"
#include "properties/emitter_properties.hpp"
#include "seam/source_loc.hpp"
#include "seam/std_sync.hpp"
#include "tests/impl/test_support.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck::race {

using testing_support::TempDir;

using properties::CallPlan;
using properties::Property;

// Fails the test, at the caller's line, with the violation's text ("P2 ...") when a property of
// properties/ is broken.
inline void expect_holds(const properties::Verdict& verdict, SourceLoc loc = SourceLoc::current()) {
  if (verdict) ADD_FAILURE_AT(loc.file, static_cast<int>(loc.line)) << verdict->text();
}

// P2/P3 on every snapshot one reader took, in order: each is the metrics of whole calls, and each
// counts every call the one before it counted. Reports the first broken snapshot and how many
// others broke, so a torn run does not print thousands of lines.
inline void expect_whole_snapshots(Property property, const CallPlan& plan,
                                   const std::vector<Metrics>& snapshots, std::string_view what,
                                   SourceLoc loc = SourceLoc::current()) {
  std::optional<properties::Violation> first;
  std::size_t broken = 0;
  Metrics previous;
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    const std::string name =
        std::string(what) + " " + std::to_string(i + 1) + " of " + std::to_string(snapshots.size());
    auto verdict = properties::check_snapshot(property, plan, snapshots[i], name);
    if (!verdict)
      verdict = properties::check_snapshots_grow(property, plan, previous, snapshots[i], name);
    if (verdict) {
      ++broken;
      if (!first) first = std::move(verdict);
    }
    previous = snapshots[i];
  }
  if (first) {
    ADD_FAILURE_AT(loc.file, static_cast<int>(loc.line))
        << first->text() << "\n(" << broken << " of " << snapshots.size() << " snapshots broken)";
  }
}

inline std::vector<Json> file_events(const TempDir& dir) {
  return testing_support::read_events(testing_support::only_file_in(dir.path()));
}

// What a caller of init() (or get()) saw of the emitter it was handed.
template <class Emitter>
properties::Seen observe(const Emitter* emitter) {
  if (emitter == nullptr) return {};
  return properties::Seen{emitter, emitter->session_id(), emitter->enabled(),
                          emitter->output_dir()};
}

// Counts constructor runs (P4 wants exactly one), not the emitters a strategy kept: a strategy that
// builds one per caller and keeps the first is caught here, by its count.
class Constructions {
 public:
  void note(const std::filesystem::path& dir) {
    const std::scoped_lock lock(mutex_);
    ++runs_;
    dir_ = dir;
  }
  [[nodiscard]] std::size_t runs() {
    const std::scoped_lock lock(mutex_);
    return runs_;
  }
  // The configuration of the last emitter constructed.
  [[nodiscard]] std::filesystem::path dir() {
    const std::scoped_lock lock(mutex_);
    return dir_;
  }

 private:
  std::mutex mutex_;  // callers of a broken strategy may construct concurrently
  std::size_t runs_ = 0;
  std::filesystem::path dir_;
};

// The default factory of `Telemetry` (a BasicGlobalTelemetry), counted in `log`.
template <class Telemetry>
typename Telemetry::Factory counting_factory(Constructions& log) {
  return
      [&log, make = Telemetry::default_factory()](bool enabled, const std::filesystem::path& dir) {
        log.note(dir);
        return make(enabled, dir);
      };
}

// ---------------------------------------------------------------------------------------------
// Global adapters: the same init/get/reset surface over the production functions and over a
// BasicGlobalTelemetry object with any init strategy.

// init_telemetry() / get_telemetry(): the code that ships, its constructions counted.
struct ProcessGlobal {
  using Emitter = TelemetryEmitter;
  ProcessGlobal() { reset_telemetry_for_testing(counting_factory<GlobalTelemetry>(built)); }
  ~ProcessGlobal() { reset_telemetry_for_testing(); }
  ProcessGlobal(const ProcessGlobal&) = delete;
  ProcessGlobal& operator=(const ProcessGlobal&) = delete;

  // Members, not static, like StrategyGlobal's: the bodies take either, and the process global
  // may be used only while this object has it reset and counting.
  // NOLINTNEXTLINE(readability-convert-member-functions-to-static): see above
  Emitter& init(bool enabled, const std::filesystem::path& dir) {
    return init_telemetry(enabled, dir);
  }
  // NOLINTNEXTLINE(readability-convert-member-functions-to-static): see above
  Emitter* get() { return get_telemetry(); }

  Constructions built;
};

// A global with the init strategy `Init` (MutexInit, or one of impl/variants/).
template <template <class, class> class Init>
struct StrategyGlobal {
  using Telemetry = BasicGlobalTelemetry<StdSync, Init>;
  using Emitter = typename Telemetry::Emitter;

  Emitter& init(bool enabled, const std::filesystem::path& dir) {
    return global.init(enabled, dir);
  }
  Emitter* get() { return global.get(); }

  Constructions built;  // declared first: the factory below refers to it
  Telemetry global{counting_factory<Telemetry>(built)};
};

// ---------------------------------------------------------------------------------------------
// RC-002: the metrics lock (emitter bodies).

// 100 threads released together, one call each of a plan (values that name each call, one in
// three an error): every counter is the exact sum (P1).
template <class Emitter>
void ConcurrentToolCallsPreserveAllMetrics() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  const CallPlan plan(100, 1);
  run_together(plan.writers(), [&](int w) { properties::make_calls(emitter, plan, w); });
  expect_holds(properties::check_totals(Property::kP1, plan, emitter.get_session_summary().metrics,
                                        "get_session_summary()"));
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
  EXPECT_EQ(m.tool_calls, kThreads) << "P1 lost call counts";
  EXPECT_EQ(m.errors, kThreads) << "P1 lost error counts";
  constexpr std::int64_t kCalls = kThreads;  // the counters' type: no int product widened
  EXPECT_EQ(m, (Metrics{kCalls, 50 * kCalls, 100 * kCalls, 5 * kCalls, kCalls}))
      << "P1 the exact totals";
}

// Writers make the calls of a decodable plan (ok and error mixed) while a reader snapshots
// continuously: every snapshot is the metrics of exactly a set of whole calls, a prefix of each
// writer's, and they never go backwards (P2). Several rounds, each on a fresh emitter, so that the
// reader overlaps the writers many times.
template <class Emitter>
void GetSessionSummaryReturnsConsistentSnapshot() {
  constexpr int kRounds = 50;
  const CallPlan plan(3, 20);
  for (int round = 0; round < kRounds; ++round) {
    const TempDir dir("dc-race");
    Emitter emitter(true, dir.path());
    std::atomic<int> writing{plan.writers()};
    std::vector<Metrics> snapshots;
    run_together(plan.writers() + 1, [&](int role) {
      if (role < plan.writers()) {
        properties::make_calls(emitter, plan, role);
        writing.fetch_sub(1, std::memory_order_release);
        return;
      }
      do {
        snapshots.push_back(emitter.get_session_summary().metrics);
      } while (writing.load(std::memory_order_acquire) > 0);
    });
    const std::string where = "round " + std::to_string(round + 1) + ": snapshot";
    expect_whole_snapshots(Property::kP2, plan, snapshots, where);
    expect_holds(properties::check_totals(
        Property::kP1, plan, emitter.get_session_summary().metrics,
        "round " + std::to_string(round + 1) + ": get_session_summary() after the join"));
    if (::testing::Test::HasFailure()) return;
  }
}

// 10 calls of a plan (from 10 threads released together) then stop: the file's server_stop event
// carries their exact totals (P3).
template <class Emitter>
void EmitServerStopCapturesFinalMetricsAtomically() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  const CallPlan plan(10, 1);
  run_together(plan.writers(), [&](int w) { properties::make_calls(emitter, plan, w); });
  emitter.emit_server_stop("test");

  const auto stops = testing_support::events_named(file_events(dir), "server_stop");
  ASSERT_EQ(stops.size(), 1U) << "P3 expected one server_stop event in the file";
  EXPECT_EQ(stops[0].at("reason"), "test");
  expect_holds(properties::check_totals(Property::kP3, plan, properties::metrics_of_event(stops[0]),
                                        "the server_stop event"));
}

// More than the 8: server_stop emitted 20 times while 4 writers make the calls of a decodable plan
// carries the metrics of whole calls each time, and the stop after the join the exact totals (P3).
template <class Emitter>
void EmitServerStopRacingWritersCarriesConsistentSnapshots() {
  constexpr int kRounds = 10;
  constexpr int kStops = 20;
  const CallPlan plan(4, 15);
  for (int round = 0; round < kRounds; ++round) {
    const TempDir dir("dc-race");
    Emitter emitter(true, dir.path());
    run_together(plan.writers() + 1, [&](int role) {
      if (role < plan.writers()) {
        properties::make_calls(emitter, plan, role);
      } else {
        for (int i = 0; i < kStops; ++i) emitter.emit_server_stop("racing");
      }
    });
    emitter.emit_server_stop("final");

    const auto stops = testing_support::events_named(file_events(dir), "server_stop");
    ASSERT_EQ(stops.size(), std::size_t{kStops + 1}) << "P3 server_stop events in the file";
    std::vector<Metrics> racing;
    for (std::size_t i = 0; i + 1 < stops.size(); ++i) {
      racing.push_back(properties::metrics_of_event(stops[i]));
    }
    const std::string round_name = "round " + std::to_string(round + 1);
    // File order is the order the stops were written by one thread: they must grow too.
    expect_whole_snapshots(Property::kP3, plan, racing, round_name + ": racing server_stop");
    EXPECT_EQ(stops.back().at("reason"), "final");
    expect_holds(properties::check_totals(Property::kP3, plan,
                                          properties::metrics_of_event(stops.back()),
                                          round_name + ": the server_stop after the join"));
    if (::testing::Test::HasFailure()) return;
  }
}

// More than the 8: 8 threads x 100 calls, one in three an error: errors counted exactly (P1).
template <class Emitter>
void ConcurrentMixedStatusesCountExactlyTheErrorCalls() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  const CallPlan plan(8, 100);
  run_together(plan.writers(), [&](int w) { properties::make_calls(emitter, plan, w); });
  expect_holds(properties::check_totals(Property::kP1, plan, emitter.get_session_summary().metrics,
                                        "get_session_summary()"));
}

// 10 threads x 100 calls: all counted, in under 5 s (the original's performance test).
template <class Emitter>
void HighVolumeConcurrentMetrics() {
  const TempDir dir("dc-race");
  Emitter emitter(true, dir.path());
  const CallPlan plan(10, 100);
  const auto started = std::chrono::steady_clock::now();
  run_together(plan.writers(), [&](int w) { properties::make_calls(emitter, plan, w); });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  expect_holds(properties::check_totals(Property::kP1, plan, emitter.get_session_summary().metrics,
                                        "get_session_summary()"));
  EXPECT_LT(elapsed, std::chrono::seconds(5))
      << "expected 1000 calls in under 5 s, took " << std::chrono::duration<double>(elapsed).count()
      << " s";
}

// ---------------------------------------------------------------------------------------------
// RC-004: the global's init lock (global bodies).

// 50 threads released together call init: all get one instance, the one get() returns, and one
// emitter is constructed (P4).
template <class Global>
void ConcurrentInitCreatesSingleInstance() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 50;
  std::vector<properties::Seen> seen(kThreads);
  run_together(kThreads, [&](int i) {
    seen[static_cast<std::size_t>(i)] = observe(&global.init(true, dir.path()));
  });
  expect_holds(properties::check_single_instance(seen, global.built.runs(), dir.path()));
  EXPECT_EQ(global.get(), seen[0].instance) << "P4 get() returns another instance than init";
}

// Two inits with different dirs: the same instance, the first dir kept, the second never made.
template <class Global>
void InitTelemetryIdempotent() {
  const TempDir dir("dc-race");
  Global global;
  const std::vector<properties::Seen> seen{observe(&global.init(true, dir / "dir1")),
                                           observe(&global.init(true, dir / "dir2"))};
  expect_holds(properties::check_single_instance(seen, global.built.runs(), dir / "dir1"));
  EXPECT_FALSE(std::filesystem::exists(dir / "dir2")) << "P4 the second init built an emitter";
}

// 20 threads released together init and read the session id (and `enabled`, a field the
// constructor wrote): one instance, one id for all, the global's (P4; with P5/P6 the reads are
// race-free).
template <class Global>
void InitTelemetryPreservesSessionId() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 20;
  std::vector<properties::Seen> seen(kThreads);
  run_together(kThreads, [&](int i) {
    seen[static_cast<std::size_t>(i)] = observe(&global.init(true, dir.path()));
  });
  expect_holds(properties::check_single_instance(seen, global.built.runs(), dir.path()));
  ASSERT_NE(global.get(), nullptr);
  EXPECT_EQ(seen[0].session_id, global.get()->session_id()) << "P4 the global's session id";
  EXPECT_TRUE(seen[0].enabled) << "P4 callers saw enabled == false from an enabled init";
}

// More than the 8: readers spin on get() while one thread inits; each reader sees the fully
// constructed emitter init returned, never a half-built one (P5).
template <class Global>
void GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kReaders = 7;
  std::vector<properties::Seen> seen(kReaders);
  properties::Seen initialised;
  run_together(kReaders + 1, [&](int role) {
    if (role == kReaders) {
      initialised = observe(&global.init(true, dir.path()));
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    typename Global::Emitter* emitter = nullptr;
    while ((emitter = global.get()) == nullptr && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    seen[static_cast<std::size_t>(role)] = observe(emitter);
  });
  ASSERT_NE(initialised.instance, nullptr);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_NE(seen[i].instance, nullptr) << "P5 reader " << i << " never saw the emitter in 20 s";
    expect_holds(properties::check_published(seen[i], initialised));
  }
}

// More than the 8: 16 threads init with 16 different dirs: one emitter constructed, all get it,
// with the configuration it was built with; only that dir exists (P4).
template <class Global>
void ConcurrentInitsWithDifferentDirsKeepOneConfiguration() {
  const TempDir dir("dc-race");
  Global global;
  constexpr int kThreads = 16;
  std::vector<properties::Seen> seen(kThreads);
  run_together(kThreads, [&](int i) {
    seen[static_cast<std::size_t>(i)] =
        observe(&global.init(true, dir / ("d" + std::to_string(i))));
  });
  expect_holds(properties::check_single_instance(seen, global.built.runs(), global.built.dir()));
  int dirs_made = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (std::filesystem::exists(dir / ("d" + std::to_string(i)))) ++dirs_made;
  }
  EXPECT_EQ(dirs_made, 1) << "P4 expected only the winning call's directory to exist";
}

}  // namespace doublecheck::race
