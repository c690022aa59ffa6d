#include "model/engine/race_detector.hpp"

namespace doublecheck::model {

Race AccessHistory::with_last_write(const Access& access) const {
  return Race{Access{writer_, true, last_write_.loc, last_write_.row}, access};
}

Race AccessHistory::with_read(ThreadId reader, const Access& access) const {
  const Stamp& read = reads_[reader];
  return Race{Access{reader, false, read.loc, read.row}, access};
}

}  // namespace doublecheck::model
