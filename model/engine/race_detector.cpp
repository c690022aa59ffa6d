#include "model/engine/race_detector.hpp"

namespace doublecheck::model {

Race AccessHistory::racing_read(Epoch epoch, const SourceLoc& loc, std::uint32_t row, bool traced) {
  const Race race{Access{write_.thread, true, write_loc(), traced ? write_row_ : row},
                  Access{epoch.thread, false, loc, row}};
  note_read(epoch, loc, row);
  return race;
}

Race AccessHistory::racing_write(Epoch epoch, const VectorClock& clock, const SourceLoc& loc,
                                 std::uint32_t row, bool traced) {
  // The last write's race first, else the first read (by thread id) not before this write.
  const Access write{epoch.thread, true, loc, row};
  Race race{Access{write_.thread, true, write_loc(), traced ? write_row_ : row}, write};
  if (last_write_before(epoch, clock)) {
    for (std::uint32_t others = readers_ & ~(1U << epoch.thread); others != 0;
         others &= others - 1) {
      const auto reader = static_cast<ThreadId>(std::countr_zero(others));
      const ReadStamp& read = reads_[reader];
      if (!Epoch{reader, read.tick}.happens_before(clock)) {
        race = Race{Access{reader, false, SourceLoc{read.file, read.line},
                           traced ? read_rows_[reader] : row},
                    write};
        break;
      }
    }
  }
  note_write(epoch, loc, row);
  return race;
}

}  // namespace doublecheck::model
