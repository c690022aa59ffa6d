// P1, the increment path: after N threads x K calls join, each metric is the exact sum and
// `errors` counts exactly the status=="error" calls (one in three of a plan's calls).
#include <string>
#include <vector>

#include "impl/variants/prefix_rc002.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

// N writers x K calls of a decodable plan (properties/: values that name each call, one in three
// an error); `readers` threads take a snapshot while they run. A symmetric plan's writers all make
// the same calls, and are explored up to renaming them.
template <class Sync, class Locking>
std::function<void()> increment(int threads, int calls, int readers, bool symmetric) {
  return [&plan = plan_of(threads, calls, symmetric), readers] {
    using Thread = typename Sync::Thread;
    // The plan and the sink are made once, for every execution (harness.hpp: plan_of); what an
    // execution makes is the emitter and its threads.
    std::atomic<std::uint64_t> ids{0};
    EmitterOn<Sync, Locking> emitter(true, discarding_sink(), deterministic_environment(ids));
    std::vector<Thread> workers =
        spawn_writers<Sync>(emitter, plan, static_cast<std::size_t>(readers));
    for (int r = 0; r < readers; ++r) {
      workers.push_back(Thread([&emitter, &plan] {
        require<Sync>(properties::check_snapshot(
            properties::Property::kP2, plan, emitter.get_session_summary().metrics,
            "a get_session_summary() taken while writers run"));
      }));
    }
    for (Thread& worker : workers) worker.join();
    require<Sync>(properties::check_totals(properties::Property::kP1, plan,
                                           emitter.get_session_summary().metrics,
                                           "get_session_summary()"));
  };
}

std::string shape(int threads, int calls) {
  return std::to_string(threads) + "x" + std::to_string(calls);
}

}  // namespace

std::function<void()> increment_model(int threads, int calls, int readers, bool symmetric) {
  return increment<ModelSync, LockedMetrics>(threads, calls, readers, symmetric);
}

template <class Sync>
void add_increment_models(Registry& registry) {
  for_each_locking_variant("increment", [&]<class Locking>(const MatrixVariant& v) {
    if (!v.fix()) {
      registry.add({"increment/" + v.id + "/2x1",
                    v.id,
                    "P6",
                    v.title + ": a data race on a counter",
                    {},
                    expected_of(v),
                    increment<Sync, Locking>(2, 1, 0, false)});
      return;
    }
    // Two writers make calls of their own (a snapshot names whose calls it holds); more make the
    // same calls, as symmetric threads (explored up to renaming them: 4x1 is one execution).
    for (const auto& [threads, calls] : {std::pair{2, 1}, {3, 1}, {4, 1}, {2, 2}, {3, 2}, {4, 2}}) {
      const bool symmetric = threads > 2;
      registry.add({"increment/" + v.id + "/" + shape(threads, calls),
                    v.id,
                    "P1",
                    std::to_string(threads) + (symmetric ? " symmetric" : "") + " threads x " +
                        std::to_string(calls) + " calls" +
                        (calls > 1 || !symmetric ? ", ok and error mixed" : "") + ": exact totals",
                    {},
                    expected_of(v),
                    increment<Sync, Locking>(threads, calls, 0, symmetric)});
    }
    registry.add({"increment/" + v.id + "/4x2+1r",
                  v.id,
                  "P1",
                  "4 symmetric threads x 2 mixed calls and a snapshot reader: exact totals, whole "
                  "snapshots",
                  {},
                  expected_of(v),
                  increment<Sync, Locking>(4, 2, 1, true)});
  });
  // The teaching model: the pre-fix code run past its race shows the lost update itself.
  registry.add({"increment/prefix_rc002/2x1/symptom", "prefix_rc002", "P1",
                "pre-fix RC-002 run past the race: the lost update itself", symptom_options(),
                Expectation::fails(FailureKind::kAssertion),
                increment<Sync, variants::PreFixRC002>(2, 1, 0, false)});
}

template void add_increment_models<ModelSync>(Registry& registry);
template void add_increment_models<ScheduledSync>(Registry& registry);
#ifdef DC_WITH_RELACY  // the Relacy backend's build (relacy_backend/CMakeLists.txt)
template void add_increment_models<RelacySync>(Registry& registry);
#endif

}  // namespace doublecheck::model::checks
