// The race tests of race_bodies.hpp instantiated against the pre-fix code and the broken
// double-checked locks (impl/variants/). Built in the tsan build only; not run by ctest directly:
// tsan/run_negative_control.py runs one test at a time and passes only when ThreadSanitizer
// reports a data race whose stack names the variant's racing source line (label `tsan-negative`).
// Test names: <the fixed test's suite>/<variant>.<the fixed test's name>.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>

#include "seam/std_sync.hpp"
#include "impl/telemetry_emitter.hpp"
#include "impl/variants/naive_dcl.hpp"
#include "impl/variants/prefix_rc002.hpp"
#include "impl/variants/prefix_rc004.hpp"
#include "impl/variants/relaxed_dcl.hpp"
#include "impl/variants/unlocked_snapshot.hpp"
#include "tests/race/race_bodies.hpp"

namespace doublecheck::race {
namespace {

// ---- RC-002 with the fix removed at one site: updates unlocked, or snapshots unlocked.

using PreFixRC002Emitter = BasicTelemetryEmitter<StdSync, variants::PreFixRC002>;
using UnlockedSnapshotEmitter = BasicTelemetryEmitter<StdSync, variants::UnlockedSnapshot>;

struct EmitterName {
  template <class Emitter>
  static std::string GetName(int /*index*/) {
    if constexpr (std::is_same_v<Emitter, PreFixRC002Emitter>) return "PreFixRC002";
    if constexpr (std::is_same_v<Emitter, UnlockedSnapshotEmitter>) return "UnlockedSnapshot";
    return "Unknown";
  }
};
using BrokenEmitters = ::testing::Types<PreFixRC002Emitter, UnlockedSnapshotEmitter>;

template <class Emitter>
class RC002MetricsLock : public ::testing::Test {};
TYPED_TEST_SUITE(RC002MetricsLock, BrokenEmitters, EmitterName);

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
TYPED_TEST_SUITE(PerformanceUnderLoad, BrokenEmitters, EmitterName);

TYPED_TEST(PerformanceUnderLoad, HighVolumeConcurrentMetrics) {
  HighVolumeConcurrentMetrics<TypeParam>();
}

// ---- RC-004: the pre-fix replace-on-every-call and the broken double-checked locks.

struct StrategyName {
  template <class Global>
  static std::string GetName(int /*index*/) {
    if constexpr (std::is_same_v<Global, StrategyGlobal<variants::ReplaceEveryCall>>) {
      return "ReplaceEveryCall";
    }
    if constexpr (std::is_same_v<Global, StrategyGlobal<variants::NaiveDcl>>) return "NaiveDcl";
    if constexpr (std::is_same_v<Global, StrategyGlobal<variants::RelaxedDcl>>) return "RelaxedDcl";
    return "Unknown";
  }
};
using BrokenStrategies =
    ::testing::Types<StrategyGlobal<variants::ReplaceEveryCall>, StrategyGlobal<variants::NaiveDcl>,
                     StrategyGlobal<variants::RelaxedDcl>>;

template <class Global>
class RC004GlobalTelemetryLock : public ::testing::Test {};
TYPED_TEST_SUITE(RC004GlobalTelemetryLock, BrokenStrategies, StrategyName);

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
