// P3, the stop path: a server_stop event emitted while writers run carries a consistent snapshot;
// the one emitted after they joined carries the exact totals.
#include <string>
#include <vector>

#include "impl/variants/unlocked_snapshot.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

template <class Sync, class Locking>
std::function<void()> stop(int writers) {
  return [&plan = plan_of(writers, 1, false), writers] {
    using Thread = typename Sync::Thread;
    // (The plan is made once, for every execution: harness.hpp, plan_of.)
    std::atomic<std::uint64_t> ids{0};
    auto sink = std::make_shared<RecordingSink>();
    EmitterOn<Sync, Locking> emitter(true, sink, deterministic_environment(ids));
    std::vector<Thread> threads;
    threads.reserve(static_cast<std::size_t>(writers) + 1);
    for (int w = 0; w < writers; ++w) {
      threads.push_back(Thread([&emitter, &plan, w] { properties::make_calls(emitter, plan, w); }));
    }
    threads.push_back(Thread([&emitter] { emitter.emit_server_stop("racing"); }));
    for (Thread& t : threads) t.join();
    emitter.emit_server_stop();

    int stops = 0;
    for (const std::string& line : sink->lines()) {
      const Json event = Json::parse(line);
      if (event["event"] != "server_stop") continue;
      const Metrics m = properties::metrics_of_event(event);
      if (event["reason"] == "normal") {
        require<Sync>(properties::check_totals(properties::Property::kP3, plan, m,
                                               "the server_stop event emitted after the join"));
      } else {
        require<Sync>(properties::check_snapshot(
            properties::Property::kP3, plan, m, "the server_stop event emitted while writers run"));
      }
      ++stops;
    }
    check_equal<Sync>("P3 server_stop events in the file", stops, 2);
  };
}

}  // namespace

template <class Sync>
void add_stop_models(Registry& registry) {
  for_each_locking_variant("stop", [&]<class Locking>(const MatrixVariant& v) {
    registry.add({"stop/" + v.id + "/2w+stop",
                  v.id,
                  v.fix() ? "P3" : "P6",
                  v.fix() ? "2 writers (ok, error) and a racing emit_server_stop: whole, then "
                            "exact, stop metrics"
                          : v.title + ": server_stop copying the metrics, a data race",
                  {},
                  expected_of(v),
                  stop<Sync, Locking>(2)});
  });
}

template void add_stop_models<ModelSync>(Registry& registry);
template void add_stop_models<ScheduledSync>(Registry& registry);
#ifdef DC_WITH_RELACY  // the Relacy backend's build (relacy_backend/CMakeLists.txt)
template void add_stop_models<RelacySync>(Registry& registry);
#endif

}  // namespace doublecheck::model::checks
