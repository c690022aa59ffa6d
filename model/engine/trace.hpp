// The history of one execution, kept only when a counterexample is replayed for its report, and
// its rendering as swimlanes: one column per thread, one row per step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/engine/operation.hpp"
#include "seam/source_loc.hpp"

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
  // A load or read-modify-write under the C++ memory model: the row of the store it read (0: the
  // initial value), and whether a newer store to the location had already been made (a stale read).
  std::uint32_t reads_from = 0;
  bool stale = false;
};

// One decision step of an execution, as a schedule replayed on real threads names it
// (replay/schedule.hpp): which thread took which visible operation where. Recorded only when
// asked (ExecutionConfig::record_steps), every step, unlike the trace's last kMaxEvents rows.
struct StepRecord {
  ThreadId thread = 0;
  OpKind kind = OpKind::kYield;
  SourceLoc loc;
};

// Keeps the last kMaxEvents rows: a livelock's history is millions of steps, and its tail is what
// shows the loop.
class Trace {
 public:
  static constexpr std::size_t kMaxEvents = 400;

  void add(TraceEvent event) {
    event.row = next_row_++;
    if (ring_.size() < kMaxEvents) {
      ring_.push_back(std::move(event));
    } else {
      ring_[(event.row - 1) % kMaxEvents] = std::move(event);  // overwrite the oldest
    }
  }
  void highlight(std::uint32_t row) {
    if (row == 0 || row >= next_row_ || next_row_ - row > ring_.size()) return;
    ring_[(row - 1) % kMaxEvents].highlight = true;
  }
  [[nodiscard]] std::uint32_t next_row() const { return next_row_; }
  // The newest row (there is one).
  TraceEvent& last() { return ring_[(next_row_ - 2) % kMaxEvents]; }
  // The kept rows, oldest first.
  [[nodiscard]] std::vector<TraceEvent> events() const;

  // The swimlane table: a header "T0 (main) | T1 | ...", then one row per event with the cell in
  // its thread's column, e.g. "lock metrics_mutex  telemetry_emitter.hpp:170". Highlighted rows
  // are marked with ">>", preemptions with "~".
  [[nodiscard]] std::string render(std::uint32_t thread_count) const;

 private:
  // The last kMaxEvents rows, as a ring: row r is at (r - 1) % kMaxEvents. A vector, not a
  // deque: an execution that is not traced must not pay for an allocation.
  std::vector<TraceEvent> ring_;
  std::uint32_t next_row_ = 1;  // rows recorded so far + 1
};

// The text of one cell: "write metrics.tool_calls = 1  telemetry_emitter.hpp:171".
std::string describe(const TraceEvent& event);

}  // namespace doublecheck::model
