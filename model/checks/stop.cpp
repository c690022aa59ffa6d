// P3, the stop path: a server_stop event emitted while writers run carries a consistent snapshot;
// the one emitted after they joined carries the exact totals.
#include <string>
#include <vector>

#include "impl/variants/unlocked_snapshot.hpp"
#include "model/checks/harness.hpp"

namespace doublecheck::model::checks {
namespace {

template <class Locking>
std::function<void()> stop(int writers) {
  return [=] {
    std::uint64_t ids = 0;
    auto sink = std::make_shared<RecordingSink>();
    ModelEmitter<Locking> emitter(true, sink, deterministic_environment(ids));
    std::vector<thread> threads;
    threads.reserve(static_cast<std::size_t>(writers) + 1);
    for (int w = 0; w < writers; ++w)
      threads.push_back(thread([&emitter] { emit_unit_call(emitter); }));
    threads.push_back(thread([&emitter] { emitter.emit_server_stop("racing"); }));
    for (thread& t : threads) t.join();
    emitter.emit_server_stop();

    int stops = 0;
    for (const std::string& line : sink->lines()) {
      const Json event = Json::parse(line);
      if (event["event"] != "server_stop") continue;
      const Json& j = event["metrics"];
      const Metrics m{j["tool_calls"].get<std::int64_t>(), j["total_bytes_in"].get<std::int64_t>(),
                      j["total_bytes_out"].get<std::int64_t>(),
                      j["total_duration_ms"].get<std::int64_t>(), j["errors"].get<std::int64_t>()};
      check_whole_calls("P3 the server_stop event's metrics", m);
      if (event["reason"] == "normal")
        check_equal("P3 final server_stop tool_calls", m.tool_calls, writers);
      ++stops;
    }
    check_equal("P3 server_stop events in the file", stops, 2);
  };
}

}  // namespace

void add_stop_models(Registry& registry) {
  registry.add({"stop/fixed/2w+stop",
                "fixed",
                "P3",
                "2 writers and a racing emit_server_stop: consistent, then exact, stop metrics",
                {},
                Expectation::passes(),
                stop<LockedMetrics>(2)});
  registry.add({"stop/unlocked_snapshot/2w+stop",
                "unlocked_snapshot",
                "P6",
                "server_stop copying the metrics without the lock: a data race",
                {},
                Expectation::fails(FailureKind::kDataRace, "impl/telemetry_emitter.hpp",
                                   "return Metrics{tool_calls_.load()"),
                stop<variants::UnlockedSnapshot>(2)});
}

}  // namespace doublecheck::model::checks
