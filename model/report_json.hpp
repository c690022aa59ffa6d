// The machine-readable form of model runs (dc_model --json), read by scripts/verify for its
// reports. Schema "doublecheck-model-run/1": see docs in README.md ("Reports").
#pragma once

#include <nlohmann/json.hpp>

#include "model/explorer.hpp"
#include "model/registry.hpp"

namespace doublecheck::model {

// One failure with its counterexample: kind, message, accesses, preemptions, replay token, and the
// interleaving both as text and as events (row, thread, op, object, detail, file, line, highlight).
nlohmann::ordered_json to_json(const Failure& failure);

// One model's run: its spec (name, variant, property, expected verdict), the verdict reached, the
// search statistics and the failures.
nlohmann::ordered_json to_json(const ModelSpec& spec, const ExploreResult& result);

}  // namespace doublecheck::model
