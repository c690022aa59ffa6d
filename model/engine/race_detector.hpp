// Data-race detection for one plain shared variable (Shared<T>), by happens-before.
//
// Two accesses race when at least one writes and neither happens before the other. The history
// keeps what FastTrack keeps: the last write, and the reads since it (one per thread), each as an
// epoch, so a check is a few comparisons against the accessing thread's vector clock. Those
// comparisons are inlined into the access, always (a model's plain data is accessed several times
// a step, and GCC keeps them out of line otherwise); a race, once found, is described out of line.
//
// An access's trace row (the report's Access::step) is kept only where the execution keeps a
// trace (`traced`, Execution::tracing()). Untraced, rows are not kept (Execution::trace_row() does
// not move; the general path still stores that one row, which nothing reads), so the earlier access
// of a race has the row of the later one, which the report takes: the common case of Shared<T>,
// never traced, stores no row.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <optional>

#include "model/engine/failure.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

// The two accesses of a race: `earlier` (in the interleaving) and `later`.
struct Race {
  Access earlier;
  Access later;
};

class AccessHistory {
 public:
  // Records a read by `epoch.thread`, whose clock is `clock`, at trace row `row`; returns the
  // race with the last write, if that write does not happen before this read.
  [[gnu::always_inline]] std::optional<Race> on_read(Epoch epoch, const VectorClock& clock,
                                                     const SourceLoc& loc, std::uint32_t row,
                                                     bool traced) {
    if (!last_write_before(epoch, clock)) [[unlikely]] {
      return racing_read(epoch, loc, row, traced);
    }
    note_read(epoch, loc, row);
    return std::nullopt;
  }

  // Records a write; returns a race with the last write or with a read since it.
  [[gnu::always_inline]] std::optional<Race> on_write(Epoch epoch, const VectorClock& clock,
                                                      const SourceLoc& loc, std::uint32_t row,
                                                      bool traced) {
    if (!last_write_before(epoch, clock) || !reads_before(epoch, clock)) [[unlikely]] {
      return racing_write(epoch, clock, loc, row, traced);
    }
    note_write(epoch, loc, row);
    return std::nullopt;
  }

  // Whether a write by `epoch.thread` with `clock` would race with nothing (on_write() finds no
  // race), recording nothing.
  [[nodiscard]] bool write_ordered(Epoch epoch, const VectorClock& clock) const {
    return last_write_before(epoch, clock) && reads_before(epoch, clock);
  }
  // The first write, on a new history, untraced: it races with nothing (on_write() without the
  // check).
  void note_construction(Epoch epoch, const SourceLoc& loc) { note_untraced_write(epoch, loc); }

  // on_read() and on_write() of an untraced access that races with nothing, for the inline common
  // case of Shared<T> (whose frame then needs no call): false, with nothing recorded, where
  // on_read() or on_write() would find a race.
  [[gnu::always_inline]] bool read_if_ordered(Epoch epoch, const VectorClock& clock,
                                              const SourceLoc& loc) {
    if (!last_write_before(epoch, clock)) [[unlikely]]
      return false;
    note_untraced_read(epoch, loc);
    return true;
  }
  [[gnu::always_inline]] bool write_if_ordered(Epoch epoch, const VectorClock& clock,
                                               const SourceLoc& loc) {
    if (!last_write_before(epoch, clock) || !reads_before(epoch, clock)) [[unlikely]]
      return false;
    note_untraced_write(epoch, loc);
    return true;
  }

 private:
  // Whether the last write, if any, happens before an access by epoch.thread with `clock` (or is
  // that thread's own). One comparison serves all three: a thread's own lane of its clock never
  // falls and no two threads of an execution share an id, so the accessing thread's own last
  // write (at most its tick now) passes it, and so does no write (tick 0).
  [[nodiscard]] bool last_write_before(Epoch /*epoch*/, const VectorClock& clock) const {
    return write_.happens_before(clock);
  }
  // Whether every other thread's read since the last write happens before `clock`. (The thread's
  // own read would pass for last_write_before()'s reason; it is masked out all the same, as a
  // write after the thread's own read, `x = x + 1`, is the common case, and the mask then leaves
  // nothing to look at.)
  [[nodiscard]] bool reads_before(Epoch epoch, const VectorClock& clock) const {
    for (std::uint32_t others = readers_ & ~(1U << epoch.thread); others != 0;
         others &= others - 1) {
      const auto reader = static_cast<ThreadId>(std::countr_zero(others));
      if (!Epoch{reader, reads_[reader].tick}.happens_before(clock)) return false;
    }
    return true;
  }
  void note_read(Epoch epoch, const SourceLoc& loc, std::uint32_t row) {
    read_rows_[epoch.thread] = row;
    note_untraced_read(epoch, loc);
  }
  void note_write(Epoch epoch, const SourceLoc& loc, std::uint32_t row) {
    write_row_ = row;
    note_untraced_write(epoch, loc);
  }
  // The same, with no row (the stamp's is then left as it was: read only when traced).
  void note_untraced_read(Epoch epoch, const SourceLoc& loc) {
    ReadStamp& stamp = reads_[epoch.thread];
    stamp.tick = epoch.tick;
    stamp.line = loc.line;
    stamp.file = loc.file;
    readers_ |= 1U << epoch.thread;
  }
  void note_untraced_write(Epoch epoch, const SourceLoc& loc) {
    write_ = epoch;
    write_line_ = loc.line;
    write_file_ = loc.file;
    readers_ = 0;
  }
  // The accesses that race (out of line, and rare): recorded all the same, with the race found.
  Race racing_read(Epoch epoch, const SourceLoc& loc, std::uint32_t row, bool traced);
  Race racing_write(Epoch epoch, const VectorClock& clock, const SourceLoc& loc, std::uint32_t row,
                    bool traced);

  // The last write, word by word (a write stores each; a stamp built and then copied cost every
  // write half a dozen instructions more): its thread and the thread's clock then (tick 0: no
  // write yet), its trace row, for the report (traced only), and its place.
  Epoch write_;
  std::uint32_t write_row_ = 0;
  std::uint32_t write_line_ = 0;
  const char* write_file_ = "";
  [[nodiscard]] SourceLoc write_loc() const { return SourceLoc{write_file_, write_line_}; }
  // A read's stamp: trivially constructible and left uninitialised, as a Shared<T> is built many
  // times an execution and zero-filling kMaxThreads stamps cost more than the rest of its
  // constructor. Entry t is valid only while bit t of readers_ is set (and its row only when
  // traced). Sixteen bytes, as a thread's place in Lifetimes is: a read indexes both by the thread
  // with one shift. The rows apart, as only a traced access stores one.
  struct ReadStamp {
    const char* file;
    std::uint32_t line;
    std::uint32_t tick;
  };
  std::uint32_t readers_ = 0;                 // bit t: thread t read since the last write
  std::array<ReadStamp, kMaxThreads> reads_;  // per thread: its last read since the last write
  std::array<std::uint32_t, kMaxThreads> read_rows_;  // and that read's trace row
};

}  // namespace doublecheck::model
