#include "impl/telemetry.hpp"

#include <utility>

namespace doublecheck {
namespace {

// The process-wide global. A function-local static is initialised exactly once even when first
// reached by several threads (C++11 "magic statics"), so the holder itself needs no lock; the
// emitter inside it is guarded by MutexInit's mutex (RC-004).
GlobalTelemetry& global() {
  static GlobalTelemetry instance;
  return instance;
}

}  // namespace

TelemetryEmitter& init_telemetry(bool enabled, const std::filesystem::path& output_dir) {
  return global().init(enabled, output_dir);
}

TelemetryEmitter* get_telemetry() { return global().get(); }

void reset_telemetry_for_testing(GlobalTelemetry::Factory make) {
  global().reset_for_testing(std::move(make));
}

}  // namespace doublecheck
