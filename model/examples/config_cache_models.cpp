// The models of the example class (config_cache.hpp): its properties, proved for every
// interleaving of 2-3 threads, and the negative control that shows the checker failing on the
// code without the fix. Registered like model/emitter/ registers the emitter's models.
//
// Properties (write yours down the same way: each is a Sync::check() in the model body):
//   C1  every caller of get() gets the loaded value
//   C2  the loader runs exactly once, however many threads call get() at once
//   C3  lookups() counts every completed get(): between 0 and N while callers run, N after
//   C4  no data race on any field of the cache (the explorer checks this one by itself)
#include <atomic>
#include <string>
#include <vector>

#include "model/engine/model_sync.hpp"
#include "model/examples/config_cache.hpp"
#include "model/examples/examples.hpp"
#include "replay/scheduled_sync.hpp"

namespace doublecheck::examples {
namespace {

using model::Expectation;
using model::ExploreOptions;
using model::FailureKind;
using model::ModelSync;
using model::Registry;
using model::SourceLines;

// `callers` threads call get() at once; with `reader`, one more thread reads lookups() meanwhile.
// Everything the body creates lives inside it: the explorer runs the body once per interleaving.
// A template over its runtime `Sync` too: ModelSync for the explorer, ScheduledSync to replay the
// explorer's schedules of it on real threads under ThreadSanitizer (example_replays(),
// dc_examples_replay).
template <class Sync, class Locking>
std::function<void()> concurrent_get(int callers, bool reader) {
  return [=] {
    using Thread = typename Sync::Thread;
    // Runs of the loader, which the cache must run once (C2). The test's own bookkeeping: atomic
    // (relaxed), so that on real threads a broken cache's two loads are not a race of the test's.
    std::atomic<int> loads{0};
    BasicConfigCache<Sync, Locking> cache([&loads] {
      return std::string("v") + std::to_string(loads.fetch_add(1, std::memory_order_relaxed) + 1);
    });
    std::vector<std::string> got(static_cast<std::size_t>(callers));
    std::vector<Thread> threads;
    threads.reserve(static_cast<std::size_t>(callers) + 1);
    for (int t = 0; t < callers; ++t) {
      threads.push_back(
          Thread([&cache, &got, t] { got[static_cast<std::size_t>(t)] = cache.get(); }));
    }
    if (reader) {
      threads.push_back(Thread([&cache, callers] {
        const std::int64_t seen = cache.lookups();
        Sync::check(seen >= 0 && seen <= callers,
                    "C3 lookups() while callers run is between 0 and N");
      }));
    }
    for (Thread& t : threads) t.join();

    // A check's message is a plain string: build it only when the check fails.
    if (loads.load() != 1) {
      Sync::check(false, "C2 the loader ran " + std::to_string(loads.load()) + " times, not once");
    }
    for (const std::string& value : got) {
      if (value != "v1") Sync::check(false, "C1 a caller got '" + value + "', not the loaded 'v1'");
    }
    Sync::check(cache.lookups() == callers,
                "C3 lookups() after every caller joined counts them all");
  };
}

// The explorer's "symptom mode": plain accesses become scheduling points and the search goes on
// past the first data race, so the negative control also shows what the race does (a double load).
ExploreOptions past_the_race() {
  ExploreOptions options;
  options.symptom_mode = true;
  options.continue_past_race = true;
  return options;
}

template <class Sync>
void add_config_cache_models(Registry& registry) {
  // The fix: each model must pass, exhaustively (every interleaving, up to DPOR equivalence).
  for (const int callers : {2, 3}) {
    registry.add({"cache/locked/" + std::to_string(callers),
                  "cache_locked",
                  "C1-C4",
                  std::to_string(callers) + " threads call get() on a cold cache",
                  {},
                  Expectation::passes(),
                  concurrent_get<Sync, LockedCache>(callers, false)});
  }
  registry.add({"cache/locked/2+reader",
                "cache_locked",
                "C3",
                "2 threads call get() while a third reads lookups()",
                {},
                Expectation::passes(),
                concurrent_get<Sync, LockedCache>(2, true)});

  // The negative control: the same models against the code without the lock. Each must FAIL, with
  // the kind of failure and the source line said here (the line is found by its text at run time).
  registry.add({"cache/unlocked/2",
                "cache_unlocked",
                "C4",
                "pre-fix cache (check, then load, no lock): a data race on the flag",
                {},
                Expectation::fails(FailureKind::kDataRace,
                                   {SourceLines::containing("model/examples/config_cache.hpp",
                                                            "if (!loaded_.load()) {")}),
                concurrent_get<Sync, UnlockedCache>(2, false)});
  registry.add({"cache/unlocked/2/symptom", "cache_unlocked", "C2, C3",
                "pre-fix cache run past the race: a lookup count lost, or the loader run twice",
                past_the_race(), Expectation::fails(FailureKind::kAssertion),
                concurrent_get<Sync, UnlockedCache>(2, false)});
}

}  // namespace

const Registry& example_models() {
  static const Registry registry = [] {
    Registry r;
    add_config_cache_models<ModelSync>(r);
    add_peterson_models(r);
    add_store_load_models(r);
    add_spsc_ring_models(r);
    add_refcount_models(r);
    return r;
  }();
  return registry;
}

const Registry& example_replays() {
  static const Registry registry = [] {
    Registry r;
    add_config_cache_models<ScheduledSync>(r);
    return r;
  }();
  return registry;
}

// The production type compiles too (and, in Clang builds, passes -Wthread-safety).
template class BasicConfigCache<StdSync>;

}  // namespace doublecheck::examples
