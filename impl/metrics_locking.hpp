// Where the emitter takes its metrics lock: the RC-002 fix, as a policy the pre-fix variants in
// impl/variants/ can take apart one site at a time (same template, fix removed).
#pragma once

#include "seam/scoped_lock.hpp"

namespace doublecheck {

// The fix (RC-002): every update of the five counters and every copy of them runs under the
// one metrics mutex, so no update is lost (P1) and no snapshot is torn (P2, P3).
struct LockedMetrics {
  template <class Mutex>
  using UpdateGuard = ScopedLock<Mutex>;  // emit_tool_call's increments
  template <class Mutex>
  using ReadGuard = ScopedLock<Mutex>;  // get_session_summary's and emit_server_stop's copies
};

}  // namespace doublecheck
