// P4, the init path: all concurrent init_telemetry() callers get one instance, one session id and
// the first call's configuration; exactly one emitter is constructed. P6: no race on the global.
#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "impl/variants/acq_rel_dcl.hpp"
#include "impl/variants/call_once_init.hpp"
#include "impl/variants/naive_dcl.hpp"
#include "impl/variants/prefix_rc004.hpp"
#include "impl/variants/relaxed_dcl.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

// The directory a caller passes: symmetric callers all pass "/m/init", the others "/m/<slot>".
// Made once for the process (read only after that, so the jobs of a search share it freely): a
// path made from a string per call splits it into components and allocates, about a tenth of an
// init model's instructions.
const std::filesystem::path& caller_dir(std::size_t slot, bool symmetric) {
  static const std::filesystem::path shared_dir("/m/init");
  static const auto own_dirs = [] {
    std::array<std::filesystem::path, kMaxThreads> dirs;
    for (std::size_t t = 0; t < dirs.size(); ++t) dirs[t] = "/m/" + std::to_string(t);
    return dirs;
  }();
  return symmetric ? shared_dir : own_dirs.at(slot);
}

// Symmetric callers all pass the same configuration and are explored up to renaming them; the
// others each pass their own, so that P4 can tell whose call built the instance.
template <class Sync, template <class, class> class Init>
std::function<void()> init(int threads, bool symmetric) {
  // Made here, before any search: inside one, the Relacy backend would take the paths' memory for
  // the execution's own and collect it at its end.
  (void)caller_dir(0, symmetric);
  return [=] {
    using Thread = typename Sync::Thread;
    using Global = BasicGlobalTelemetry<Sync, Init>;
    using Emitter = typename Global::Emitter;
    std::atomic<std::uint64_t> ids{0};
    // Factory runs: every emitter built, kept or not, and the directory each was built with (the
    // k-th run writes slot k; read after the callers joined).
    std::atomic<std::size_t> constructed{0};
    std::array<std::filesystem::path, kMaxThreads> built_with{};
    Global global([&](bool enabled, const std::filesystem::path& dir) {
      built_with[constructed.fetch_add(1, std::memory_order_relaxed)] = dir;
      return std::make_unique<Emitter>(enabled, std::make_shared<DiscardingSink>(),
                                       deterministic_environment(ids), dir);
    });
    // What each caller saw; written by its own thread, read by the main thread after join.
    std::array<properties::Seen, kMaxThreads> seen{};
    // Caller `slot`, passing `dir`; `slot` only says where it leaves what it saw.
    const auto call = [&global, &seen](std::size_t slot, const std::filesystem::path& dir) {
      Emitter& emitter = global.init(true, dir);
      seen[slot] =
          properties::Seen{&emitter, emitter.session_id(), emitter.enabled(), emitter.output_dir()};
    };
    std::vector<Thread> callers;
    if (symmetric) {
      callers = Sync::symmetric_threads(
          static_cast<std::size_t>(threads),
          [&call](std::size_t slot) { call(slot, caller_dir(slot, true)); });
    } else {
      callers.reserve(static_cast<std::size_t>(threads));
      for (int t = 0; t < threads; ++t) {
        const auto slot = static_cast<std::size_t>(t);
        callers.push_back(Thread([&call, slot] { call(slot, caller_dir(slot, false)); }));
      }
    }
    for (Thread& caller : callers) caller.join();
    const std::size_t runs = constructed.load(std::memory_order_relaxed);
    require<Sync>(properties::check_single_instance(
        std::span(seen.data(), static_cast<std::size_t>(threads)), runs,
        runs == 0 ? std::filesystem::path() : built_with[std::min(runs, kMaxThreads) - 1]));
  };
}

template <class Sync, template <class, class> class Init>
void add_init(Registry& registry, const std::string& variant, int threads, Expectation expected,
              ExploreOptions options = {}, const std::string& suffix = {}) {
  const bool symmetric = threads > 2;  // two callers keep a configuration each (P4's whose call)
  registry.add(
      {"init/" + variant + "/" + std::to_string(threads) + suffix, variant, "P4",
       std::to_string(threads) + (symmetric ? " symmetric" : "") + " threads race init_telemetry()",
       std::move(options), std::move(expected), init<Sync, Init>(threads, symmetric)});
}

}  // namespace

std::function<void()> mutex_init_model(int threads, bool symmetric) {
  return init<ModelSync, MutexInit>(threads, symmetric);
}
std::function<void()> acq_rel_dcl_init_model(int threads, bool symmetric) {
  return init<ModelSync, variants::AcqRelDcl>(threads, symmetric);
}

template <class Sync>
void add_init_models(Registry& registry) {
  for_each_init_variant("init", [&]<template <class, class> class Init>(const MatrixVariant& v) {
    if (!v.fix()) {
      add_init<Sync, Init>(registry, v.id, 2, expected_of(v));
      return;
    }
    for (const int threads : {2, 3, 4})
      add_init<Sync, Init>(registry, v.id, threads, expected_of(v));
  });
  // The teaching model: the pre-fix init run past its race builds two instances.
  add_init<Sync, variants::ReplaceEveryCall>(registry, "prefix_rc004", 2,
                                             Expectation::fails(FailureKind::kAssertion),
                                             symptom_options(), "/symptom");
}

template void add_init_models<ModelSync>(Registry& registry);
template void add_init_models<ScheduledSync>(Registry& registry);
#ifdef DC_WITH_RELACY  // the Relacy backend's build (relacy_backend/CMakeLists.txt)
template void add_init_models<RelacySync>(Registry& registry);
#endif

}  // namespace doublecheck::model::checks
