// P1, the increment path: after N threads x K calls join, each metric is the exact sum and
// `errors` counts exactly the status=="error" calls (one in three of a plan's calls).
#include <string>
#include <vector>

#include "impl/variants/prefix_rc002.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

// N writers x K calls of a decodable plan (properties/: values that name each call, one in three
// an error); `readers` threads take a snapshot while they run.
template <class Sync, class Locking>
std::function<void()> increment(int threads, int calls, int readers = 0) {
  return [=] {
    using Thread = typename Sync::Thread;
    const properties::CallPlan plan(threads, calls);
    std::atomic<std::uint64_t> ids{0};
    EmitterOn<Sync, Locking> emitter(true, std::make_shared<DiscardingSink>(),
                                     deterministic_environment(ids));
    std::vector<Thread> workers;
    workers.reserve(static_cast<std::size_t>(threads) + static_cast<std::size_t>(readers));
    for (int t = 0; t < threads; ++t) {
      workers.push_back(Thread([&emitter, &plan, t] { properties::make_calls(emitter, plan, t); }));
    }
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

std::function<void()> increment_model(int threads, int calls, int readers) {
  return increment<ModelSync, LockedMetrics>(threads, calls, readers);
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
                    increment<Sync, Locking>(2, 1)});
      return;
    }
    for (const auto& [threads, calls] : {std::pair{2, 1}, {3, 1}, {4, 1}, {2, 2}, {3, 2}}) {
      registry.add({"increment/" + v.id + "/" + shape(threads, calls),
                    v.id,
                    "P1",
                    std::to_string(threads) + " threads x " + std::to_string(calls) +
                        " calls, ok and error mixed: exact totals",
                    {},
                    expected_of(v),
                    increment<Sync, Locking>(threads, calls)});
    }
    registry.add({"increment/" + v.id + "/4x2+1r",
                  v.id,
                  "P1",
                  "4 threads x 2 mixed calls and a snapshot reader: exact totals, whole snapshots",
                  {},
                  expected_of(v),
                  increment<Sync, Locking>(4, 2, 1)});
  });
  // The teaching model: the pre-fix code run past its race shows the lost update itself.
  registry.add({"increment/prefix_rc002/2x1/symptom", "prefix_rc002", "P1",
                "pre-fix RC-002 run past the race: the lost update itself", symptom_options(),
                Expectation::fails(FailureKind::kAssertion),
                increment<Sync, variants::PreFixRC002>(2, 1)});
}

template void add_increment_models<ModelSync>(Registry& registry);
template void add_increment_models<ScheduledSync>(Registry& registry);

}  // namespace doublecheck::model::checks
