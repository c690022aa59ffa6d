// Running the mutants of model/mutation/mutation.hpp: record a passing model's synchronisation
// sites, run the model once per mutant with the same search, and judge each: killed (the model
// fails: the counterexample shows why the site is needed), survived (the site is not necessary for
// the checked properties, or the model does not exercise it), or not judged (a seq_cst -> acquire/
// release step, which the explorer's memory model cannot tell apart: see kMemoryModel).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/explorer.hpp"
#include "model/engine/failure.hpp"
#include "model/mutation/mutation.hpp"
#include "model/mutation/mutation_hook.hpp"

namespace doublecheck::model {

enum class Verdict : std::uint8_t { kKilled, kSurvived, kNotJudged };

std::string_view verdict_name(Verdict verdict);  // "killed", "survived", "not judged"

struct MutantResult {
  Mutant mutant;
  Verdict verdict = Verdict::kSurvived;
  std::optional<Failure> killed_by;  // the counterexample that kills it, with its replay token
  std::uint64_t executions = 0;
  bool exhaustive = false;  // the mutant's search was exhaustive
  std::string search;       // "dpor, exhaustive", "dpor (stopped at the first failure)", ...
  std::string reason;       // survived / not judged: why, for a person
  MemoryModel memory_model = MemoryModel::kRc11;  // the one the mutant's run followed

  // "assertion failed at init.cpp:56", "data race at telemetry_emitter.hpp:138 (with
  // telemetry_emitter.hpp:148)" (a race: the later access, then the earlier), or "" when it was
  // not killed.
  [[nodiscard]] std::string killed_by_text() const;
};

// One model's mutation: its own (recording) run, the sites and section points it met, and its
// mutants' verdicts.
struct MutationRun {
  ExploreResult model;
  std::vector<Site> sites;
  std::vector<SectionPoint> points;
  std::vector<MutantResult> mutants;  // empty when the model did not pass
};

// The verdict of `mutant` from the run of the model with it.
MutantResult judge(const Mutant& mutant, const ExploreResult& run);

// Runs `body` once per mutant, with `options` (the model's search), `jobs` mutants at a time, each
// on its own thread with its own single-job Explorer. Results are in the mutants' order.
std::vector<MutantResult> run_mutants(std::string_view model, const std::function<void()>& body,
                                      const ExploreOptions& options,
                                      const std::vector<Mutant>& mutants, std::uint32_t jobs);

// Runs the model recording its sites and section points; when it passes, runs every mutant of
// them (run_mutants).
MutationRun mutate(std::string_view model, const std::function<void()>& body,
                   ExploreOptions options, std::uint32_t jobs);

// The per-model table: #, site, weakening, verdict, killed by, executions; then the sites with no
// weakening, the replay of each killed mutant and the reason of each survivor. Lines are indented
// by `indent`.
std::string format_mutation_table(std::string_view model, const std::vector<Site>& sites,
                                  const std::vector<MutantResult>& mutants,
                                  std::string_view indent = "  ");

// The arguments that replay a killed mutant's counterexample with dc_model.
std::string replay_arguments(std::string_view model, const MutantResult& result);

// One mutant over every model of a variant that met its site: killed when some model kills it.
struct MutantSummary {
  std::string variant;
  Mutant mutant;
  bool in_fix = true;  // the site belongs to the variant's fix (Registry::in_fix)
  Verdict verdict = Verdict::kSurvived;
  std::vector<std::string> killed_in;
  std::vector<std::string> survived_in;
  std::vector<std::string> not_judged_in;
  MemoryModel memory_model = MemoryModel::kRc11;
};

class MutationSummary {
 public:
  void add(const std::string& model, const std::string& variant, bool in_fix,
           const MutantResult& result);
  [[nodiscard]] const std::vector<MutantSummary>& entries() const { return entries_; }
  // The mutants of `variant`'s fix that no model killed (survivors; "not judged" ones are not).
  [[nodiscard]] std::vector<const MutantSummary*> not_shown_necessary(
      std::string_view variant) const;
  // One line a mutant: variant, site, weakening, verdict, the models that killed it.
  [[nodiscard]] std::string format() const;

 private:
  std::vector<MutantSummary> entries_;
};

}  // namespace doublecheck::model
