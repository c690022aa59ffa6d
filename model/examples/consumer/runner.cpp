// The consumer's runner: the same models as a catalogue with expected verdicts, under dc_model's
// whole command line (--list, --filter, --json, --replay, --mutate, the searches), so that
// `scripts/verify --models hits=<this program>` checks the fix like the emitter's.
#include <doublecheck/model.hpp>

#include "hit_counter_models.hpp"

int main(int argc, char** argv) {
  namespace dc = doublecheck::model;
  dc::Registry registry;
  registry.add({"hits/locked/2",
                "locked",
                "no lost hit",
                "two hits under the lock",
                {},
                dc::Expectation::passes(),
                hits::two_hits<hits::Locked>});
  registry.add({"hits/unlocked/2",
                "unlocked",
                "no lost hit",
                "two hits, no lock",
                {},
                dc::Expectation::fails(dc::FailureKind::kDataRace,
                                       {dc::SourceLines::containing(
                                           "hit_counter.hpp", "count_.store(count_.load() + 1)")}),
                hits::two_hits<hits::Unlocked>});
  registry.gate("locked");  // --mutate fails when a mutant of the lock survives
  registry.set_fix_objects("locked", {"hits.mutex"});
  return dc::run_catalogue(registry, {"hit_counter_models", "the hit counter", HITS_SOURCE_DIR},
                           argc, argv);
}
