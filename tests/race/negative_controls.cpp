// The race tests of race_bodies.hpp instantiated against the pre-fix code and the broken
// double-checked locks (impl/variants/). Built in the tsan build only; not run by ctest directly:
// tsan/run_negative_control.py runs one test at a time and passes only when ThreadSanitizer
// reports a data race whose stack names the variant's racing source line (label `tsan-negative`).
// Test names: <the fixed test's suite>/<variant>.<the fixed test's name>.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>

#include "tests/race/matrix_variants.hpp"  // generated from matrix/variants.json

namespace doublecheck::race {
namespace {

// ---- RC-002 with the fix removed at one site: updates unlocked, or snapshots unlocked (the
// matrix's variants whose code is a metrics locking).

using BrokenEmitters = matrix::BrokenEmitters;
using VariantName = matrix::VariantName;

template <class Emitter>
class RC002MetricsLock : public ::testing::Test {};
TYPED_TEST_SUITE(RC002MetricsLock, BrokenEmitters, VariantName);

TYPED_TEST(RC002MetricsLock, ConcurrentToolCallsPreserveAllMetrics) {
  ConcurrentToolCallsPreserveAllMetrics<TypeParam>();
}
TYPED_TEST(RC002MetricsLock, ConcurrentErrorIncrements) { ConcurrentErrorIncrements<TypeParam>(); }
TYPED_TEST(RC002MetricsLock, GetSessionSummaryReturnsConsistentSnapshot) {
  GetSessionSummaryReturnsConsistentSnapshot<TypeParam>();
}
TYPED_TEST(RC002MetricsLock, EmitServerStopCapturesFinalMetricsAtomically) {
  EmitServerStopCapturesFinalMetricsAtomically<TypeParam>();
}
TYPED_TEST(RC002MetricsLock, EmitServerStopRacingWritersCarriesConsistentSnapshots) {
  EmitServerStopRacingWritersCarriesConsistentSnapshots<TypeParam>();
}
TYPED_TEST(RC002MetricsLock, ConcurrentMixedStatusesCountExactlyTheErrorCalls) {
  ConcurrentMixedStatusesCountExactlyTheErrorCalls<TypeParam>();
}

template <class Emitter>
class PerformanceUnderLoad : public ::testing::Test {};
TYPED_TEST_SUITE(PerformanceUnderLoad, BrokenEmitters, VariantName);

TYPED_TEST(PerformanceUnderLoad, HighVolumeConcurrentMetrics) {
  HighVolumeConcurrentMetrics<TypeParam>();
}

// ---- RC-004: the pre-fix replace-on-every-call and the broken double-checked locks (the
// matrix's variants whose code is an init strategy).

using BrokenStrategies = matrix::BrokenStrategies;

template <class Global>
class RC004GlobalTelemetryLock : public ::testing::Test {};
TYPED_TEST_SUITE(RC004GlobalTelemetryLock, BrokenStrategies, VariantName);

TYPED_TEST(RC004GlobalTelemetryLock, ConcurrentInitCreatesSingleInstance) {
  ConcurrentInitCreatesSingleInstance<TypeParam>();
}
TYPED_TEST(RC004GlobalTelemetryLock, InitTelemetryIdempotent) {
  InitTelemetryIdempotent<TypeParam>();
}
TYPED_TEST(RC004GlobalTelemetryLock, InitTelemetryPreservesSessionId) {
  InitTelemetryPreservesSessionId<TypeParam>();
}
TYPED_TEST(RC004GlobalTelemetryLock, GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter) {
  GetTelemetryRacingInitSeesNullOrTheFullyConstructedEmitter<TypeParam>();
}
TYPED_TEST(RC004GlobalTelemetryLock, ConcurrentInitsWithDifferentDirsKeepOneConfiguration) {
  ConcurrentInitsWithDifferentDirsKeepOneConfiguration<TypeParam>();
}

}  // namespace
}  // namespace doublecheck::race
