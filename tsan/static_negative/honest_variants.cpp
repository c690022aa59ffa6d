// The static negative controls (DESIGN.md, checker 4): the pre-fix variants of impl/variants/,
// their own source, with nothing lying to Clang's thread-safety analysis. The variants compile
// under -Wthread-safety -Werror only thanks to the annotation lies of seam/thread_annotations.hpp
// (NoLock claims the mutex it does not take; DC_VARIANT_UNCHECKED switches the analysis off where
// a guarded field is read unlocked on purpose). check.cmake compiles this file with
// -DDC_HONEST_VARIANTS, under which those lies expand to nothing, and one subject:
//
//   DC_STATIC_PREFIX_RC002       the emitter with PreFixRC002       rejected at record_call()'s
//                                                                   counter updates
//   DC_STATIC_UNLOCKED_SNAPSHOT  the emitter with UnlockedSnapshot  rejected at snapshot()'s copies
//   DC_STATIC_NAIVE_DCL          the global with NaiveDcl           rejected at the fast path's
//                                                                   unlocked read (and get())
//   DC_STATIC_FIXED_EMITTER      the emitter with LockedMetrics     accepted (the RC-002 fix)
//   DC_STATIC_FIXED_INIT         the global with MutexInit          accepted (the RC-004 fix)
//
// Each subject instantiates the code paths the analysis then checks: the update path
// (emit_tool_call -> record_call) and the snapshot path (emit_server_stop, get_session_summary ->
// snapshot()) of the emitter; init() and get() of the global.
#include "impl/global_telemetry.hpp"
#include "impl/metrics_locking.hpp"
#include "seam/std_sync.hpp"
#include "impl/telemetry_emitter.hpp"
#include "impl/variants/naive_dcl.hpp"
#include "impl/variants/prefix_rc002.hpp"
#include "impl/variants/unlocked_snapshot.hpp"

#if !defined(DC_HONEST_VARIANTS)
#error "compile with -DDC_HONEST_VARIANTS: otherwise the variants' annotation lies hide the bugs"
#endif

namespace doublecheck::static_negative {

template <class Locking>
Metrics exercise(BasicTelemetryEmitter<StdSync, Locking>& emitter) {
  emitter.emit_tool_call("tool", "ok", 1, 2, 3);
  emitter.emit_server_stop();
  return emitter.get_session_summary().metrics;
}

template <template <class, class> class Init>
BasicTelemetryEmitter<StdSync>* exercise(BasicGlobalTelemetry<StdSync, Init>& global) {
  global.init(true, "telemetry");
  return global.get();
}

#if defined(DC_STATIC_PREFIX_RC002)
Metrics check(BasicTelemetryEmitter<StdSync, variants::PreFixRC002>& emitter) {
  return exercise(emitter);
}
#elif defined(DC_STATIC_UNLOCKED_SNAPSHOT)
Metrics check(BasicTelemetryEmitter<StdSync, variants::UnlockedSnapshot>& emitter) {
  return exercise(emitter);
}
#elif defined(DC_STATIC_NAIVE_DCL)
BasicTelemetryEmitter<StdSync>* check(BasicGlobalTelemetry<StdSync, variants::NaiveDcl>& global) {
  return exercise(global);
}
#elif defined(DC_STATIC_FIXED_EMITTER)
Metrics check(BasicTelemetryEmitter<StdSync, LockedMetrics>& emitter) { return exercise(emitter); }
#elif defined(DC_STATIC_FIXED_INIT)
BasicTelemetryEmitter<StdSync>* check(BasicGlobalTelemetry<StdSync, MutexInit>& global) {
  return exercise(global);
}
#else
#error "define one subject: DC_STATIC_PREFIX_RC002, DC_STATIC_UNLOCKED_SNAPSHOT, ... (see above)"
#endif

}  // namespace doublecheck::static_negative
