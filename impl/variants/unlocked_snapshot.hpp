// The other half of pre-fix RC-002: get_session_summary and emit_server_stop copy the counters with
// no lock while updates run under it (a torn snapshot: bytes of one call without its count).
#pragma once

#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

struct UnlockedSnapshot {
  template <class Mutex>
  using UpdateGuard = ScopedLock<Mutex>;
  template <class Mutex>
  using ReadGuard = NoLock<Mutex>;  // the removed fix: counters copied unlocked
};

}  // namespace doublecheck::variants
