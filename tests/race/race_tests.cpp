// The race tests against the fixed code (label `race`; run in the default and the tsan builds,
// where ThreadSanitizer must stay silent). The 8 specified tests keep the names of the original
// Python suite; the bodies are the templates of race_bodies.hpp, shared with the negative controls.
#include <gtest/gtest.h>

#include "impl/telemetry.hpp"
#include "impl/variants/acq_rel_dcl.hpp"
#include "impl/variants/call_once_init.hpp"
#include "impl/variants/fence_dcl.hpp"
#include "tests/race/race_bodies.hpp"

// 1 in a ThreadSanitizer build (GCC defines __SANITIZE_THREAD__, Clang has the feature test).
#if defined(__SANITIZE_THREAD__)
#define DC_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DC_UNDER_TSAN 1
#endif
#endif
#if !defined(DC_UNDER_TSAN)
#define DC_UNDER_TSAN 0
#endif

namespace doublecheck::race {
namespace {

// ---- The 8 specified tests: the production emitter and init_telemetry()/get_telemetry().

TEST(RC002MetricsLock, ConcurrentToolCallsPreserveAllMetrics) {
  ConcurrentToolCallsPreserveAllMetrics<TelemetryEmitter>();
}

TEST(RC002MetricsLock, ConcurrentErrorIncrements) { ConcurrentErrorIncrements<TelemetryEmitter>(); }

TEST(RC002MetricsLock, GetSessionSummaryReturnsConsistentSnapshot) {
  GetSessionSummaryReturnsConsistentSnapshot<TelemetryEmitter>();
}

TEST(RC002MetricsLock, EmitServerStopCapturesFinalMetricsAtomically) {
  EmitServerStopCapturesFinalMetricsAtomically<TelemetryEmitter>();
}

TEST(RC004GlobalTelemetryLock, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<ProcessGlobal>();
}

TEST(RC004GlobalTelemetryLock, InitTelemetryIdempotent) {
  InitTelemetryIdempotent<ProcessGlobal>();
}

TEST(RC004GlobalTelemetryLock, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<ProcessGlobal>();
}

TEST(PerformanceUnderLoad, HighVolumeConcurrentMetrics) {
  HighVolumeConcurrentMetrics<TelemetryEmitter>();
}

// ---- More than the 8, same subject.

TEST(RC002MetricsLock, EmitServerStopRacingWritersCarriesConsistentSnapshots) {
  EmitServerStopRacingWritersCarriesConsistentSnapshots<TelemetryEmitter>();
}

TEST(RC002MetricsLock, ConcurrentMixedStatusesCountExactlyTheErrorCalls) {
  ConcurrentMixedStatusesCountExactlyTheErrorCalls<TelemetryEmitter>();
}

TEST(RC004GlobalTelemetryLock, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<ProcessGlobal>();
}

TEST(RC004GlobalTelemetryLock, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<ProcessGlobal>();
}

// ---- Positive controls: the correct init strategies pass the same global bodies and stay clean
// under ThreadSanitizer. MutexInit is the production strategy (the RC-004 fix), here on its own
// object so that the number of emitters constructed is checked too; AcqRelDcl, CallOnceInit and
// FenceDcl are the correct double-checked locks of impl/variants/ (FenceDcl not under TSan, below).

using MutexInitGlobal = StrategyGlobal<MutexInit>;
using AcqRelDclGlobal = StrategyGlobal<variants::AcqRelDcl>;
using CallOnceInitGlobal = StrategyGlobal<variants::CallOnceInit>;

TEST(RC004MutexInit, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<MutexInitGlobal>();
}
TEST(RC004MutexInit, InitTelemetryIdempotent) { InitTelemetryIdempotent<MutexInitGlobal>(); }
TEST(RC004MutexInit, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<MutexInitGlobal>();
}
TEST(RC004MutexInit, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<MutexInitGlobal>();
}
TEST(RC004MutexInit, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<MutexInitGlobal>();
}

TEST(RC004AcqRelDcl, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<AcqRelDclGlobal>();
}
TEST(RC004AcqRelDcl, InitTelemetryIdempotent) { InitTelemetryIdempotent<AcqRelDclGlobal>(); }
TEST(RC004AcqRelDcl, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<AcqRelDclGlobal>();
}
TEST(RC004AcqRelDcl, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<AcqRelDclGlobal>();
}
TEST(RC004AcqRelDcl, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<AcqRelDclGlobal>();
}

TEST(RC004CallOnceInit, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<CallOnceInitGlobal>();
}
TEST(RC004CallOnceInit, InitTelemetryIdempotent) { InitTelemetryIdempotent<CallOnceInitGlobal>(); }
TEST(RC004CallOnceInit, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<CallOnceInitGlobal>();
}
TEST(RC004CallOnceInit, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<CallOnceInitGlobal>();
}
TEST(RC004CallOnceInit, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<CallOnceInitGlobal>();
}

// FenceDcl publishes through a release fence and an acquire fence around relaxed accesses, which
// ThreadSanitizer does not model: under it these tests report the construction racing with the
// reads, a race the models prove absent (fence_dcl in matrix/variants.json, which therefore names
// no race suite). They run in the builds without TSan, where they check the results only.
#if !DC_UNDER_TSAN
using FenceDclGlobal = StrategyGlobal<variants::FenceDcl>;

TEST(RC004FenceDcl, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<FenceDclGlobal>();
}
TEST(RC004FenceDcl, InitTelemetryIdempotent) { InitTelemetryIdempotent<FenceDclGlobal>(); }
TEST(RC004FenceDcl, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<FenceDclGlobal>();
}
TEST(RC004FenceDcl, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<FenceDclGlobal>();
}
TEST(RC004FenceDcl, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<FenceDclGlobal>();
}
#endif  // !DC_UNDER_TSAN

}  // namespace
}  // namespace doublecheck::race
