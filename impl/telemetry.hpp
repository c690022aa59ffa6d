// The production emitter and the process-wide global (the module-level functions of the original).
#pragma once

#include <filesystem>

#include "impl/global_telemetry.hpp"
#include "seam/std_sync.hpp"
#include "impl/telemetry_emitter.hpp"

namespace doublecheck {

using TelemetryEmitter = BasicTelemetryEmitter<StdSync>;
using GlobalTelemetry = BasicGlobalTelemetry<StdSync>;

// The global emitter; the first call creates it with its arguments, later calls return it (RC-004).
TelemetryEmitter& init_telemetry(bool enabled, const std::filesystem::path& output_dir);
// The global emitter, or null before init_telemetry(). Safe to call concurrently with it.
TelemetryEmitter* get_telemetry();
// Test-only: forgets the global; later inits build with `make` (see
// BasicGlobalTelemetry::reset_for_testing).
void reset_telemetry_for_testing(
    GlobalTelemetry::Factory make = GlobalTelemetry::default_factory());

}  // namespace doublecheck
