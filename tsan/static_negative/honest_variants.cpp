// The static checks (DESIGN.md, checker 4): a variant's own source, with nothing lying to Clang's
// thread-safety analysis. The pre-fix variants compile under -Wthread-safety -Werror only thanks to
// the annotation lies of seam/thread_annotations.hpp (NoLock claims the mutex it does not take;
// DC_VARIANT_UNCHECKED switches the analysis off where a guarded field is read unlocked on
// purpose). check.cmake compiles this file with -DDC_HONEST_VARIANTS, under which those lies
// expand to nothing, and one subject, named by the matrix (matrix/variants.json, a variant's
// "code" of the static check's "kind"; tsan/CMakeLists.txt passes it):
//
//   DC_STATIC_LOCKING=<type>  the emitter with that metrics locking (e.g. variants::PreFixRC002)
//   DC_STATIC_INIT=<type>     the global with that init strategy (e.g. variants::NaiveDcl)
//   DC_STATIC_HEADER=<path>   the header that declares the type (e.g. impl/variants/naive_dcl.hpp)
//
// Each subject instantiates the code paths the analysis then checks: the update path
// (emit_tool_call -> record_call) and the snapshot path (emit_server_stop, get_session_summary ->
// snapshot()) of the emitter; init() and get() of the global.
#include "impl/global_telemetry.hpp"
#include "impl/metrics_locking.hpp"
#include "impl/telemetry_emitter.hpp"
#include "seam/std_sync.hpp"

#if !defined(DC_STATIC_HEADER)
#error "define DC_STATIC_HEADER=<the header of the subject's type> (see above)"
#endif
// The header's path arrives as tokens (-DDC_STATIC_HEADER=impl/variants/x.hpp): made a string
// here, since quotes do not survive the ctest -> cmake -P -> compiler hops intact.
#define DC_STATIC_STRING(path) #path
#define DC_STATIC_INCLUDE(path) DC_STATIC_STRING(path)
#include DC_STATIC_INCLUDE(DC_STATIC_HEADER)

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

#if defined(DC_STATIC_LOCKING)
Metrics check(BasicTelemetryEmitter<StdSync, DC_STATIC_LOCKING>& emitter) {
  return exercise(emitter);
}
#elif defined(DC_STATIC_INIT)
BasicTelemetryEmitter<StdSync>* check(BasicGlobalTelemetry<StdSync, DC_STATIC_INIT>& global) {
  return exercise(global);
}
#else
#error "define one subject: DC_STATIC_LOCKING=<type> or DC_STATIC_INIT=<type> (see above)"
#endif

}  // namespace doublecheck::static_negative
