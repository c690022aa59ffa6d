// The emitter's models: every path of DESIGN.md (increment, snapshot, stop, init, get) against the
// fixed emitter and every variant of the matrix (matrix/variants.json).
#pragma once

#include "model/catalogue/registry.hpp"

namespace doublecheck::model {

// Every model of the emitter (model/emitter/), with the matrix's fix objects and mutation gate.
const Registry& emitter_models();

// The same models by the same names, on ScheduledSync (replay/scheduled_sync.hpp): what a replay
// of one of their schedules runs on real threads (dc_replay).
const Registry& emitter_replays();

}  // namespace doublecheck::model
