// The history of one execution, kept only when a counterexample is replayed for its report, and
// its rendering as swimlanes: one column per thread, one row per step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/source_loc.hpp"
#include "model/operation.hpp"

namespace doublecheck::model {

struct TraceEvent {
  std::uint32_t row = 0;  // 1-based position in the history
  ThreadId thread = 0;
  OpKind kind = OpKind::kYield;
  std::string object;  // name or "mutex#3"; empty for thread operations
  std::string detail;  // the value read or written, "blocked", "-> T2", ...
  SourceLoc loc;
  bool preemption = false;  // the scheduler switched away from a thread that could go on
  bool highlight = false;   // one of the accesses the failure is about
};

class Trace {
 public:
  void add(TraceEvent event) {
    event.row = static_cast<std::uint32_t>(events_.size() + 1);
    events_.push_back(std::move(event));
  }
  void highlight(std::uint32_t row) {
    if (row >= 1 && row <= events_.size()) events_[row - 1].highlight = true;
  }
  [[nodiscard]] std::uint32_t next_row() const {
    return static_cast<std::uint32_t>(events_.size() + 1);
  }
  [[nodiscard]] const std::vector<TraceEvent>& events() const { return events_; }
  void clear() { events_.clear(); }

  // The swimlane table: a header "T0 (main) | T1 | ...", then one row per event with the cell in
  // its thread's column, e.g. "lock metrics_mutex  telemetry_emitter.hpp:170". Highlighted rows
  // are marked with ">>", preemptions with "~".
  [[nodiscard]] std::string render(std::uint32_t thread_count) const;

 private:
  std::vector<TraceEvent> events_;
};

// The text of one cell: "write metrics.tool_calls = 1  telemetry_emitter.hpp:171".
std::string describe(const TraceEvent& event);

}  // namespace doublecheck::model
