// Fix-necessity mutation attached to the engine through its one interception point
// (model/engine/operation_hook.hpp): a MutationHook sees every synchronisation operation and
// Shared access unit of the executions of one job of a search, records the sites and section
// points met (when recording), and decides how each operation runs under the active mutant (when
// there is one): a removed lock and the unlock paired with it skipped, a weaker memory order, an
// RMW split, a critical section cut before or around one of its accesses.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "model/engine/operation_hook.hpp"
#include "model/mutation/mutation.hpp"
#include "model/mutation/section_cut.hpp"

namespace doublecheck::model {

class MutationHook final : public OperationHook {
 public:
  // `mutant`: the site weakened, or null; `recorder`: where the sites met go at the end of the
  // search, or null (nothing recorded).
  MutationHook(std::shared_ptr<const Mutant> mutant, std::shared_ptr<SiteRecorder> recorder);

  void begin_execution() override;
  Decision on_operation(const Execution& execution, const OperationSite& site) override;
  void on_acquired(const Execution& execution, const OperationSite& site) override;
  void end_search() override;

 private:
  // A lock or try_lock: records its site; skipped when the mutant removes it.
  Decision lock(const Execution& execution, const OperationSite& site);
  // An unlock: skipped when it pairs with a lock this thread skipped, else it ends a section.
  Decision unlock(const Execution& execution, const OperationSite& site);
  // An access unit (an atomic operation or a Shared access): an atomic's site is recorded and
  // weakened; the section it is in may be cut around it.
  Decision access(const Execution& execution, const OperationSite& site);

  std::shared_ptr<const Mutant> mutant_;
  std::shared_ptr<SiteRecorder> recorder_;
  SiteLog log_;         // this job's sites (only when recording)
  SiteLog* recording_;  // &log_, or null
  // Per execution: the locks skipped under the mutant, by thread (their unlocks are skipped too),
  // and the sections each thread holds.
  std::vector<std::pair<ThreadId, const MutexState*>> skipped_locks_;
  std::vector<std::pair<ThreadId, const MutexState*>> shared_locks_;  // locks taken shared
  SectionTracker sections_;
};

// The hooks that attach mutation to a search (ExploreOptions::hooks): its executions run with
// `mutant` active (if any), and the search records every synchronisation site and section point
// its executions meet into `recorder` (if any; each job its own log, merged there at its end).
// Null when both are null: mutation off.
std::shared_ptr<const OperationHooks> mutation_hooks(std::shared_ptr<const Mutant> mutant,
                                                     std::shared_ptr<SiteRecorder> recorder = {});

}  // namespace doublecheck::model
