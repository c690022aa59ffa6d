// The command-line front end of a replay runner: a registry of models built on ScheduledSync
// (replay/scheduled_sync.hpp) — the same models, by the same names, as a model runner's — and one
// call. It runs schedules the model runner wrote (`--schedules-out`) on real threads, one after
// another in this process, so that ThreadSanitizer (the runner is built with -fsanitize=thread)
// judges exactly the explorer's interleavings:
//
//   dc_model --filter 'snapshot/unlocked_snapshot/' --schedules-out s.txt
//   dc_replay --schedules s.txt        # under TSan: the same race, at the same lines
//
// Each replay prints "replay <model>: <origin>" before it starts (so a TSan report that follows
// belongs to it) and one line of its outcome after. Exit status: 0 every schedule followed to its
// end with no failed check; 1 a model's check failed on real threads; 2 a replay left its
// schedule (a thread came to another operation than the explorer's, or nothing could move), which
// a person must look at: the two runs are then not the same interleaving; 3 a replay did not
// finish in --timeout seconds; 64 bad usage (an unreadable or malformed schedule file, a schedule
// of a model this runner does not have). A data race stops the process under TSan's
// halt_on_error with TSan's exit code (66 in tsan/options).
#pragma once

#include <string>

#include "model/catalogue/registry.hpp"

namespace doublecheck::model {

struct ReplayRunnerInfo {
  std::string program;      // "dc_replay"
  std::string description;  // one line for --help
};

int run_replays(const Registry& registry, const ReplayRunnerInfo& info, int argc, char** argv);

}  // namespace doublecheck::model
