// What the emitter models share: the emitter on a runtime's policy, a deterministic environment,
// sinks, and checks that format their message only when they fail.
//
// Every model body is a template over its runtime `Sync`: ModelSync, where the explorer runs it
// once per interleaving, and ScheduledSync (replay/scheduled_sync.hpp), where real threads follow
// one schedule of the explorer's under ThreadSanitizer. So the harness's own bookkeeping shared by
// model threads (ids, counts) is std::atomic with relaxed order: invisible to the explorer, and
// neither a race nor a happens-before edge for TSan.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "impl/event_sink.hpp"
#include "impl/global_telemetry.hpp"
#include "impl/telemetry_emitter.hpp"
#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/emitter/matrix.hpp"
#include "model/emitter/matrix_code.hpp"  // generated from matrix/variants.json
#include "model/engine/model_sync.hpp"
#include "properties/emitter_properties.hpp"
#include "replay/scheduled_sync.hpp"
#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#ifdef DC_WITH_RELACY
// The Relacy backend's build compiles these models a third time, on RelacySync. Last: Relacy's
// header defines macros (relacy_backend/relacy_sync.hpp).
#include "relacy_backend/relacy_sync.hpp"
#endif

namespace doublecheck::model::checks {

template <class Sync, class Locking = LockedMetrics>
using EmitterOn = BasicTelemetryEmitter<Sync, Locking>;

// A fixed clock and session ids from a counter: the same execution gives the same events.
EmitterEnvironment deterministic_environment(std::atomic<std::uint64_t>& next_id);

// Stands for the telemetry file: keeps every line. The kernel orders appends to a real file, so
// the sink is not a model object; it only records what was written, for the properties to read.
// Its mutex is native (never contended inside the explorer, whose threads take turns on one OS
// thread); on real threads it stands for the real file sink's own lock.
class RecordingSink final : public EventSink {
 public:
  void write_line(std::string_view line,
                  std::chrono::system_clock::time_point time) noexcept override;
  // After the writers joined.
  [[nodiscard]] std::vector<std::string> lines() const;

 private:
  mutable StdSync::Mutex mutex_;
  std::vector<std::string> lines_ DC_GUARDED_BY(mutex_);
};

// The model fails with the violation's text ("P2 ...") when a property (properties/) is broken.
template <class Sync>
void require(const properties::Verdict& verdict, SourceLoc loc = SourceLoc::current()) {
  if (verdict) Sync::check(false, verdict->text(), loc);
}

// The writers of `plan`, each making its calls on `emitter`, followed by room for `others` more
// threads. A symmetric plan's writers make the same calls, so they are spawned symmetric
// (Sync::symmetric_threads): the explorer runs them up to renaming (model/engine/symmetry.hpp).
template <class Sync, class Emitter>
std::vector<typename Sync::Thread> spawn_writers(Emitter& emitter, const properties::CallPlan& plan,
                                                 std::size_t others = 0) {
  using Thread = typename Sync::Thread;
  const auto writers = static_cast<std::size_t>(plan.writers());
  if (plan.symmetric()) {
    std::vector<Thread> threads = Sync::symmetric_threads(
        writers, [&emitter, &plan] { properties::make_calls(emitter, plan, 0); });
    threads.reserve(writers + others);
    return threads;
  }
  std::vector<Thread> threads;
  threads.reserve(writers + others);
  for (int w = 0; w < plan.writers(); ++w) {
    threads.push_back(Thread([&emitter, &plan, w] { properties::make_calls(emitter, plan, w); }));
  }
  return threads;
}

// The plan of `writers` x `calls`, symmetric or not (properties::CallPlan::symmetric), made once
// for the whole process and never changed. A model's body refers to it, not a copy: the explorer
// copies a model's body for every execution it runs, and a body of a few words that are trivially
// copied (no plan, no shared pointer) is copied without allocating.
const properties::CallPlan& plan_of(int writers, int calls, bool symmetric);

// The sink that keeps nothing, one for every model (it has no state to share), not owned: it
// lives as long as the process.
std::shared_ptr<EventSink> discarding_sink();

// The model fails with "<what>: expected <expected>, got <actual>" unless they are equal.
template <class Sync>
void check_equal(std::string_view what, std::int64_t actual, std::int64_t expected,
                 SourceLoc loc = SourceLoc::current()) {
  if (actual == expected) return;
  Sync::check(false,
              std::string(what) + ": expected " + std::to_string(expected) + ", got " +
                  std::to_string(actual),
              loc);
}

// Every variant of the matrix whose models run on `path`, with its code of the path's kind: calls
// `f.template operator()<Locking>(variant)` (a metrics locking: increment, snapshot, stop) or
// `f.template operator()<Init>(variant)` (an init strategy: init, get). The list of code is
// written from the matrix at configure time (matrix_code.hpp), so no path names a variant.
template <class F>
void for_each_locking_variant(std::string_view path, F&& f) {
  matrix_code::for_each_locking([&]<class Locking>(std::string_view id) {
    const MatrixVariant& variant = matrix_variant(id);
    if (variant.runs_on(path)) f.template operator()<Locking>(variant);
  });
}
template <class F>
void for_each_init_variant(std::string_view path, F&& f) {
  matrix_code::for_each_init([&]<template <class, class> class Init>(std::string_view id) {
    const MatrixVariant& variant = matrix_variant(id);
    if (variant.runs_on(path)) f.template operator()<Init>(variant);
  });
}

// Registration, one function a path (model/emitter/<path>.cpp), instantiated for ModelSync (the
// catalogue the explorer runs) and ScheduledSync (the same models, by the same names, for
// replays on real threads), and in the Relacy backend's build for RelacySync (the same models
// as Relacy's test suites, relacy_backend/).
template <class Sync>
void add_increment_models(Registry& registry);
template <class Sync>
void add_snapshot_models(Registry& registry);
template <class Sync>
void add_stop_models(Registry& registry);
template <class Sync>
void add_init_models(Registry& registry);
template <class Sync>
void add_get_models(Registry& registry);

// Every path's models on `Sync`, in DESIGN.md's order of paths.
template <class Sync>
void add_emitter_models(Registry& registry) {
  add_increment_models<Sync>(registry);
  add_snapshot_models<Sync>(registry);
  add_stop_models<Sync>(registry);
  add_init_models<Sync>(registry);
  add_get_models<Sync>(registry);
}

// Bodies of any size on the fixed code, for the benchmark's scaling rows.
std::function<void()> increment_model(int threads, int calls, int readers, bool symmetric = false);
std::function<void()> snapshot_model(int writers, int calls);  // and one reader
std::function<void()> mutex_init_model(int threads, bool symmetric = false);
std::function<void()> acq_rel_dcl_init_model(int threads, bool symmetric = false);

// Options of a model run in symptom mode: Shared accesses are decision points and the search goes
// past the data race, so the pre-fix code shows the Python symptom itself.
ExploreOptions symptom_options();

}  // namespace doublecheck::model::checks
