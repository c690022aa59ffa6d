// The static negative control (DESIGN.md, checker 4): the pre-fix RC-002 code *without* the
// annotation lie. impl/variants/ remove the lock with NoLock, which tells Clang's thread-safety
// analysis that the mutex is held so that the pre-fix code compiles and can be run. Here the
// guard is honest -- a type that does nothing and claims nothing -- and the analysis must reject
// the emitter under -Wthread-safety -Werror with "requires holding mutex 'metrics_mutex_'".
//
// tsan/static_negative/check.cmake compiles this file three ways:
//   DC_HONEST_UNLOCKED_UPDATE    updates unlocked (pre-fix RC-002)      -> must fail to compile
//   DC_HONEST_UNLOCKED_SNAPSHOT  snapshot copied unlocked               -> must fail to compile
//   (neither)                    the fixed emitter (LockedMetrics)      -> must compile clean
#include "impl/metrics_locking.hpp"
#include "impl/scoped_lock.hpp"
#include "impl/std_sync.hpp"
#include "impl/telemetry_emitter.hpp"

namespace doublecheck::static_negative {

// Takes no lock and, unlike NoLock, does not say it does: no capability attributes at all.
template <class Mutex>
class HonestNoLock {
 public:
  explicit HonestNoLock(Mutex& /*mutex*/) {}
};

struct HonestUnlockedUpdate {
  template <class Mutex>
  using UpdateGuard = HonestNoLock<Mutex>;
  template <class Mutex>
  using ReadGuard = ScopedLock<Mutex>;
};

struct HonestUnlockedSnapshot {
  template <class Mutex>
  using UpdateGuard = ScopedLock<Mutex>;
  template <class Mutex>
  using ReadGuard = HonestNoLock<Mutex>;
};

#if defined(DC_HONEST_UNLOCKED_UPDATE)
using Locking = HonestUnlockedUpdate;
#elif defined(DC_HONEST_UNLOCKED_SNAPSHOT)
using Locking = HonestUnlockedSnapshot;
#else
using Locking = LockedMetrics;
#endif

// Instantiates the update path (emit_tool_call -> record_call) and the snapshot path
// (get_session_summary / emit_server_stop -> snapshot), which the analysis then checks.
Metrics exercise(BasicTelemetryEmitter<StdSync, Locking>& emitter) {
  emitter.emit_tool_call("tool", "ok", 1, 2, 3);
  emitter.emit_server_stop();
  return emitter.get_session_summary().metrics;
}

}  // namespace doublecheck::static_negative
