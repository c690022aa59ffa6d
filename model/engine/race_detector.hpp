// Data-race detection for one plain shared variable (Shared<T>), by happens-before.
//
// Two accesses race when at least one writes and neither happens before the other. The history
// keeps what FastTrack keeps: the last write, and the reads since it (one per thread), each as an
// epoch, so a check is a few comparisons against the accessing thread's vector clock.
#pragma once

#include <array>
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
                              std::uint32_t row);
  // Records a write; returns a race with the last write or with a read since it.
  std::optional<Race> on_write(Epoch epoch, const VectorClock& clock, const SourceLoc& loc,
                               std::uint32_t row);

 private:
  // The race of `access` (by epoch.thread) with the last write, if that write is not before it.
  [[nodiscard]] std::optional<Race> with_last_write(Epoch epoch, const VectorClock& clock,
                                                    const Access& access) const;

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
