// P2, the snapshot path: every get_session_summary() taken while writers run is the metrics of
// exactly a set of whole calls, a prefix of each writer's (properties/) — never torn.
#include <string>
#include <vector>

#include "impl/variants/unlocked_snapshot.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

template <class Sync, class Locking>
std::function<void()> snapshot(int writers, int calls, int snapshots, bool symmetric) {
  return [&plan = plan_of(writers, calls, symmetric), snapshots] {
    using Thread = typename Sync::Thread;
    // The plan and the sink are made once, for every execution (harness.hpp: plan_of); what an
    // execution makes is the emitter and its threads.
    std::atomic<std::uint64_t> ids{0};
    EmitterOn<Sync, Locking> emitter(true, discarding_sink(), deterministic_environment(ids));
    std::vector<Thread> threads = spawn_writers<Sync>(emitter, plan, 1);
    threads.push_back(Thread([&emitter, &plan, snapshots] {
      Metrics previous;
      for (int s = 0; s < snapshots; ++s) {
        const Metrics m = emitter.get_session_summary().metrics;
        require<Sync>(properties::check_snapshot(
            properties::Property::kP2, plan, m, "a get_session_summary() taken while writers run"));
        require<Sync>(properties::check_snapshots_grow(properties::Property::kP2, plan, previous, m,
                                                       "the reader's snapshots"));
        previous = m;
      }
    }));
    for (Thread& t : threads) t.join();
    require<Sync>(properties::check_totals(properties::Property::kP1, plan,
                                           emitter.get_session_summary().metrics,
                                           "get_session_summary() after the writers joined"));
  };
}

}  // namespace

std::function<void()> snapshot_model(int writers, int calls) {
  return snapshot<ModelSync, LockedMetrics>(writers, calls, 1, false);
}

template <class Sync>
void add_snapshot_models(Registry& registry) {
  for_each_locking_variant("snapshot", [&]<class Locking>(const MatrixVariant& v) {
    if (!v.fix()) {
      registry.add({"snapshot/" + v.id + "/2w1+1r",
                    v.id,
                    "P6",
                    v.title + ": a data race on a counter",
                    {},
                    expected_of(v),
                    snapshot<Sync, Locking>(2, 1, 1, false)});
      return;
    }
    for (const auto& [writers, calls] : {std::pair{2, 1}, {2, 2}, {3, 1}, {4, 1}}) {
      registry.add(
          {"snapshot/" + v.id + "/" + std::to_string(writers) + "w" + std::to_string(calls) + "+1r",
           v.id,
           "P2",
           std::to_string(writers) + (writers > 2 ? " symmetric" : "") + " writers x " +
               std::to_string(calls) + " calls, 1 reader: no torn snapshot",
           {},
           expected_of(v),
           snapshot<Sync, Locking>(writers, calls, 1, writers > 2)});
    }
  });
  // The teaching model: the unlocked snapshot run past its race shows the torn snapshot itself.
  registry.add({"snapshot/unlocked_snapshot/1w1+1r/symptom", "unlocked_snapshot", "P2",
                "snapshot without the lock, run past the race: a torn snapshot", symptom_options(),
                Expectation::fails(FailureKind::kAssertion),
                snapshot<Sync, variants::UnlockedSnapshot>(1, 1, 1, false)});
}

template void add_snapshot_models<ModelSync>(Registry& registry);
template void add_snapshot_models<ScheduledSync>(Registry& registry);
#ifdef DC_WITH_RELACY  // the Relacy backend's build (relacy_backend/CMakeLists.txt)
template void add_snapshot_models<RelacySync>(Registry& registry);
#endif

}  // namespace doublecheck::model::checks
