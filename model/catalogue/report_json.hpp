// The machine-readable form of model runs (dc_model --json), read by scripts/verify for its
// reports. Schema "doublecheck-model-run/1": see docs in README.md ("Reports").
#pragma once

#include <nlohmann/json.hpp>

#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"
#include "model/mutation/mutation_run.hpp"

namespace doublecheck::model {

// One failure with its counterexample: kind, message, accesses, preemptions, replay token, and the
// interleaving both as text and as events (row, thread, op, object, detail, file, line, highlight).
nlohmann::ordered_json to_json(const Failure& failure);

// One model as the catalogue declares it (--list --json): name, variant, property, summary and
// the expected verdict.
nlohmann::ordered_json to_json(const ModelSpec& spec);

// One model's run: its spec (name, variant, property, expected verdict), the verdict reached, the
// search statistics and the failures.
nlohmann::ordered_json to_json(const ModelSpec& spec, const ExploreResult& result);

// One mutant of a model (dc_model --mutate, the top-level "mutants" list): model, variant, site,
// weakening, verdict (killed | survived | not judged), killed_by (the failure kind and location),
// executions, replay (the mutant id and token that replay the counterexample), and more.
nlohmann::ordered_json to_json(const ModelSpec& spec, const MutantResult& result, bool in_fix);

// Each mutant over every model of its variant ("mutation_summary"): the models that killed it.
nlohmann::ordered_json to_json(const MutationSummary& summary);

}  // namespace doublecheck::model
