// Data-race detection for one plain shared variable (Shared<T>), by happens-before.
//
// Two accesses race when at least one writes and neither happens before the other. The history
// keeps what FastTrack keeps: the last write, and the reads since it (one per thread), each as an
// epoch, so a check is a few comparisons against the accessing thread's vector clock. Those
// comparisons are inline (a model's plain data is accessed several times a step); a race, once
// found, is described out of line.
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
  // Records a read by `epoch.thread`, whose clock is `clock`; returns the race with the last
  // write, if that write does not happen before this read.
  std::optional<Race> on_read(Epoch epoch, const VectorClock& clock, const SourceLoc& loc,
                              std::uint32_t row) {
    std::optional<Race> race;
    if (!last_write_before(epoch, clock)) [[unlikely]] {
      race = with_last_write(Access{epoch.thread, false, loc, row});
    }
    reads_[epoch.thread] = Stamp{epoch.tick, loc, row};
    readers_ |= 1U << epoch.thread;
    return race;
  }

  // Records a write; returns a race with the last write or with a read since it.
  std::optional<Race> on_write(Epoch epoch, const VectorClock& clock, const SourceLoc& loc,
                               std::uint32_t row) {
    std::optional<Race> race;
    if (!last_write_before(epoch, clock)) [[unlikely]] {
      race = with_last_write(Access{epoch.thread, true, loc, row});
    }
    for (std::uint32_t others = readers_ & ~(1U << epoch.thread); others != 0 && !race;
         others &= others - 1) {
      const auto reader = static_cast<ThreadId>(std::countr_zero(others));
      if (!Epoch{reader, reads_[reader].tick}.happens_before(clock)) [[unlikely]] {
        race = with_read(reader, Access{epoch.thread, true, loc, row});
      }
    }
    writer_ = epoch.thread;
    last_write_ = Stamp{epoch.tick, loc, row};
    readers_ = 0;
    return race;
  }

 private:
  // Whether the last write, if any, happens before an access by epoch.thread with `clock` (or is
  // that thread's own).
  [[nodiscard]] bool last_write_before(Epoch epoch, const VectorClock& clock) const {
    return last_write_.tick == 0 || writer_ == epoch.thread ||
           Epoch{writer_, last_write_.tick}.happens_before(clock);
  }
  // The race of `access` with the last write, or with the last read of `reader`.
  [[nodiscard]] Race with_last_write(const Access& access) const;
  [[nodiscard]] Race with_read(ThreadId reader, const Access& access) const;

  struct Stamp {
    std::uint32_t tick = 0;  // the accessing thread's clock at the access; 0: no access
    SourceLoc loc;
    std::uint32_t row = 0;  // trace row, for the report
  };
  ThreadId writer_ = 0;  // thread of the last write (valid when last_write_.tick != 0)
  Stamp last_write_;
  std::uint32_t readers_ = 0;               // bit t: thread t read since the last write
  std::array<Stamp, kMaxThreads> reads_{};  // per thread: its last read since the last write
};

}  // namespace doublecheck::model
