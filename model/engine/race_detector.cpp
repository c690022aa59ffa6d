#include "model/engine/race_detector.hpp"

#include <bit>

namespace doublecheck::model {

std::optional<Race> AccessHistory::with_last_write(Epoch epoch, const VectorClock& clock,
                                                   const Access& access) const {
  if (last_write_.tick == 0 || writer_ == epoch.thread ||
      Epoch{writer_, last_write_.tick}.happens_before(clock)) {
    return std::nullopt;
  }
  return Race{Access{writer_, true, last_write_.loc, last_write_.row}, access};
}

std::optional<Race> AccessHistory::on_read(Epoch epoch, const VectorClock& clock,
                                           const SourceLoc& loc, std::uint32_t row) {
  const std::optional<Race> race =
      with_last_write(epoch, clock, Access{epoch.thread, false, loc, row});
  reads_[epoch.thread] = Stamp{epoch.tick, loc, row};
  readers_ |= 1U << epoch.thread;
  return race;
}

std::optional<Race> AccessHistory::on_write(Epoch epoch, const VectorClock& clock,
                                            const SourceLoc& loc, std::uint32_t row) {
  std::optional<Race> race = with_last_write(epoch, clock, Access{epoch.thread, true, loc, row});
  for (std::uint32_t others = readers_ & ~(1U << epoch.thread); others != 0 && !race;
       others &= others - 1) {
    const auto reader = static_cast<ThreadId>(std::countr_zero(others));
    const Stamp& read = reads_[reader];
    if (!Epoch{reader, read.tick}.happens_before(clock)) {
      race = Race{Access{reader, false, read.loc, read.row}, Access{epoch.thread, true, loc, row}};
    }
  }
  writer_ = epoch.thread;
  last_write_ = Stamp{epoch.tick, loc, row};
  readers_ = 0;
  return race;
}

}  // namespace doublecheck::model
