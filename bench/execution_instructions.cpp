// One search of one catalogue model, for counting instructions per execution under callgrind
// (issue 16, "lean execution"): bench/instructions_per_execution.sh runs it with
// --toggle-collect on measured_search(), so only the search is counted (not the catalogue's
// construction, start-up or shutdown), and divides by the executions it prints.
//
//   build/default/bench/execution_instructions MODEL plain|dpor
//
// The search runs on one job, without symmetry reduction (every permutation of symmetric threads
// is an execution of its own, as the numbers are), and prints "EXECUTIONS PRUNED".
#include <cstdio>
#include <cstring>
#include <string>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/explorer.hpp"

namespace {

using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::ExploreResult;
using doublecheck::model::ModelSpec;
using doublecheck::model::Search;

// The function callgrind counts (--toggle-collect='*measured_search*'); not inlined, so that it
// is one.
[[gnu::noinline]] ExploreResult measured_search(const ModelSpec& spec,
                                                const ExploreOptions& options) {
  return Explorer(options).run(spec.name, spec.body);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[2], "plain") != 0 && std::strcmp(argv[2], "dpor") != 0)) {
    std::fputs("usage: execution_instructions MODEL plain|dpor\n", stderr);
    return 64;
  }
  const ModelSpec* spec = doublecheck::model::emitter_models().find(argv[1]);
  if (spec == nullptr) {
    std::fprintf(stderr, "execution_instructions: no model %s\n", argv[1]);
    return 64;
  }
  ExploreOptions options = spec->options;
  options.search = std::strcmp(argv[2], "plain") == 0 ? Search::kPlain : Search::kDpor;
  options.symmetry = false;
  options.jobs = 1;
  options.progress = false;
  const ExploreResult result = measured_search(*spec, options);
  std::printf("%llu %llu\n", static_cast<unsigned long long>(result.executions),
              static_cast<unsigned long long>(result.pruned));
  return result.passed() ? 0 : 1;
}
