// P1, the increment path: after N threads x K calls join, each metric is the exact sum and
// `errors` counts exactly the status=="error" calls.
#include <string>
#include <vector>

#include "impl/variants/prefix_rc002.hpp"
#include "model/checks/harness.hpp"

namespace doublecheck::model::checks {
namespace {

template <class Locking>
std::function<void()> increment(int threads, int calls, bool mixed, int readers = 0) {
  return [=] {
    std::uint64_t ids = 0;
    ModelEmitter<Locking> emitter(true, std::make_shared<DiscardingSink>(),
                                  deterministic_environment(ids));
    std::vector<thread> workers;
    workers.reserve(static_cast<std::size_t>(threads + readers));
    for (int t = 0; t < threads; ++t) {
      workers.push_back(thread([&emitter, t, calls, mixed] {
        for (int c = 0; c < calls; ++c) {
          const bool error = mixed && (t + c) % 2 == 1;
          emitter.emit_tool_call("model_tool", error ? "error" : "ok", 3, 100, 200);
        }
      }));
    }
    // P2 on the way: a reader's snapshot is a whole number of calls (3 ms, 100 B, 200 B each).
    for (int r = 0; r < readers; ++r) {
      workers.push_back(thread([&emitter] {
        const Metrics m = emitter.get_session_summary().metrics;
        check(m.total_bytes_in == 100 * m.tool_calls && m.total_bytes_out == 200 * m.tool_calls &&
                  m.total_duration_ms == 3 * m.tool_calls,
              "P2 a snapshot taken while writers run is torn");
      }));
    }
    for (thread& worker : workers) worker.join();

    std::int64_t errors = 0;
    for (int t = 0; t < threads; ++t) {
      for (int c = 0; c < calls; ++c) errors += mixed && (t + c) % 2 == 1 ? 1 : 0;
    }
    const std::int64_t n = threads * calls;
    const Metrics m = emitter.get_session_summary().metrics;
    check_equal("P1 tool_calls after all calls joined", m.tool_calls, n);
    check_equal("P1 total_bytes_in", m.total_bytes_in, 100 * n);
    check_equal("P1 total_bytes_out", m.total_bytes_out, 200 * n);
    check_equal("P1 total_duration_ms", m.total_duration_ms, 3 * n);
    check_equal("P1 errors (status==\"error\" calls)", m.errors, errors);
  };
}

std::string shape(int threads, int calls) {
  return std::to_string(threads) + "x" + std::to_string(calls);
}

}  // namespace

std::function<void()> increment_model(int threads, int calls, int readers) {
  return increment<LockedMetrics>(threads, calls, false, readers);
}

void add_increment_models(Registry& registry) {
  for (const auto& [threads, calls] : {std::pair{2, 1}, {3, 1}, {4, 1}, {2, 2}, {3, 2}}) {
    registry.add({"increment/fixed/" + shape(threads, calls),
                  "fixed",
                  "P1",
                  std::to_string(threads) + " threads x " + std::to_string(calls) +
                      " ok calls: exact totals",
                  {},
                  Expectation::passes(),
                  increment<LockedMetrics>(threads, calls, false)});
  }
  registry.add({"increment/fixed/4x2+1r", "fixed", "P1",
                "4 threads x 2 calls and a snapshot reader: exact totals, whole snapshots", {},
                Expectation::passes(), increment_model(4, 2, 1)});
  registry.add({"increment/fixed/2x2-mixed",
                "fixed",
                "P1",
                "2 threads x 2 calls, ok and error mixed: exact totals and error count",
                {},
                Expectation::passes(),
                increment<LockedMetrics>(2, 2, true)});

  registry.add({"increment/prefix_rc002/2x1",
                "prefix_rc002",
                "P6",
                "pre-fix RC-002 (unlocked updates): a data race on a counter",
                {},
                Expectation::fails(FailureKind::kDataRace, "impl/telemetry_emitter.hpp",
                                   "tool_calls_.add(1)"),
                increment<variants::PreFixRC002>(2, 1, false)});
  registry.add({"increment/prefix_rc002/2x1/symptom", "prefix_rc002", "P1",
                "pre-fix RC-002 run past the race: the lost update itself", symptom_options(),
                Expectation::fails(FailureKind::kAssertion),
                increment<variants::PreFixRC002>(2, 1, false)});
}

}  // namespace doublecheck::model::checks
