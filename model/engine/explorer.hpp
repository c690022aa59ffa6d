// The entry point: runs a model body once per interleaving until the search is exhausted or a
// failure is found, and reports what it saw.
//
//   doublecheck::model::Explorer explorer;
//   auto result = explorer.run("increment 2x1", [] {
//     Counter c;                                   // model objects live inside the body
//     model::thread t([&] { c.add(); });
//     c.add();
//     t.join();
//     model::check(c.value() == 2, "both increments counted");
//   });
//   if (!result.passed()) std::cout << format_report(result);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/failure.hpp"
#include "model/engine/fiber.hpp"
#include "model/engine/memory_model.hpp"
#include "model/engine/operation_hook.hpp"

namespace doublecheck::model {

enum class Search : std::uint8_t {
  kDpor,    // exhaustive, one execution per class of equivalent interleavings (the default)
  kPlain,   // exhaustive, every interleaving
  kRandom,  // `iterations` executions, each thread chosen uniformly at random
  kPct,     // `iterations` executions of probabilistic concurrency testing, depth `pct_depth`
};

std::string_view search_name(Search search);

struct ExploreOptions {
  Search search = Search::kDpor;
  // What a load may read (memory_model.hpp): C++20 as RC11 formalises it, or sequential
  // consistency for comparison. Under RC11 the exhaustive searches count each execution graph once
  // (interleavings that give the same reads-from and modification orders are one execution).
  MemoryModel memory_model = MemoryModel::kRc11;
  bool symptom_mode = false;        // Shared accesses are decision points too (shows lost updates)
  bool continue_past_race = false;  // a data race is recorded and the execution goes on
  bool keep_going = false;          // collect every distinct failure instead of stopping
  // A thread that re-reads an atomic with no progress since, or yields, waits for another's
  // progress, so that spin loops end (model/engine/spin_watch.hpp).
  bool fair_spinning = true;
  // Fair spinning takes a re-read for a spin's only after a yield of the thread; this takes every
  // re-read with nothing new since for one, so that spin loops without yield end too — at the
  // risk of missing the interleavings of a thread that reads an atomic twice in straight-line
  // code (spin_watch.hpp).
  bool unmarked_spins = false;
  // A condition variable's wait may also end without a notify (C++ allows it), once per thread
  // per execution — enough to catch a wait not in a loop over its predicate; off, only notifies
  // wake.
  bool spurious_wakeups = true;
  // Threads spawned symmetric (model::symmetric_threads) are explored up to renaming them
  // (model/engine/symmetry.hpp); off, every one of their permutations is explored too.
  bool symmetry = true;
  std::uint64_t max_steps = 100'000;  // per execution; more is a livelock / infinite loop
  // Shared<T> accesses per execution (not decision points, so not steps); more is taken for a
  // loop on plain data only.
  std::uint64_t max_shared_accesses = 1'000'000;
  // Bytes of stack per model thread, from StackPool::kMinStackSize to kMaxStackSize (fiber.hpp).
  // Reserved, not committed: only the pages a thread touches cost memory. An overflow is reported
  // as a crash (a stack overflow) of the execution.
  std::size_t stack_size = StackPool::kDefaultStackSize;
  // Executions run, counted or not (0: no limit; a limit makes the search bounded).
  std::uint64_t max_executions = 0;
  double time_limit_seconds = 0;  // 0: no limit (a limit makes the search bounded)
  // Plain and DPOR search: at most this many preemptions per execution (makes it bounded).
  std::optional<std::uint32_t> preemption_bound;
  // Report each failure with the fewest preemptions that show it (iterative deepening).
  bool minimize_preemptions = true;
  std::uint64_t iterations = 1000;  // random and PCT search
  std::uint64_t seed = 1;           // random and PCT search
  std::uint32_t pct_depth = 3;      // PCT: the bug depth it aims at
  std::uint32_t jobs = 1;           // parallel exploration (exhaustive searches)
  // Sharding: this run explores part shard_index (0-based) of shard_count. 0 parts: not sharded.
  // A sharded search (also "1 of 1") splits the tree at its first decision points, where it gives
  // up reduction (DPOR) so that the parts are independent: their counts add up to "1 of 1".
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 0;
  bool progress = false;  // a progress line on standard error (when it is a terminal)
  // Run exactly this interleaving once (a token from a report). Also read from the environment
  // variable DC_REPLAY, as "<model name>=<token>" (or just "<token>" for every model).
  std::optional<std::string> replay_token;
  // The interception point (model/engine/operation_hook.hpp): the hooks that see every
  // synchronisation operation of the executions, each job of the search its own. Fix-necessity
  // mutation attaches here (model/mutation/mutation_hook.hpp: mutation_hooks()).
  std::shared_ptr<const OperationHooks> hooks;
  // Called after each counted execution with its steps (a schedule for a replay on real threads,
  // replay/) and, in random and PCT search, where it came from ("random seed 3, iteration 9").
  // Set, every step is recorded; a search with more than one job calls it from each job.
  std::function<void(const std::vector<StepRecord>&, const std::string&)> on_execution;
};

struct ExploreResult {
  std::string model;
  std::uint64_t executions = 0;  // complete executions (pruned ones are not counted)
  // Executions not counted: cut short as repeats (DPOR sleep sets, shards), repeats of an execution
  // graph already explored, or graphs the memory model does not allow (a cycle in psc).
  std::uint64_t pruned = 0;
  std::uint64_t steps = 0;  // decision steps over all executions
  double seconds = 0;
  bool exhaustive = false;      // every interleaving (or every class of them) was explored
  bool part_exhausted = false;  // the part searched (the tree, or this shard's share) was finished
  std::string search;           // "dpor", "plain", "random", "pct", "replay"
  MemoryModel memory_model = MemoryModel::kRc11;
  std::string bound;              // why the search is not exhaustive: "preemption bound 2", ...
  std::string stopped_by;         // "exhausted", "failure", "execution limit", "time limit", ...
  std::vector<Failure> failures;  // distinct failures; each with its counterexample

  [[nodiscard]] bool passed() const { return failures.empty(); }
};

class Explorer {
 public:
  explicit Explorer(ExploreOptions options = {}) : options_(std::move(options)) {}

  ExploreResult run(std::string_view model_name, const std::function<void()>& body);

  [[nodiscard]] const ExploreOptions& options() const { return options_; }

 private:
  ExploreOptions options_;
};

// The verdict line: "PASS  increment/fixed/2x1  dpor, exhaustive  2 executions  15 steps  0.000 s"
// ("dpor (sc), exhaustive ..." under --memory-model sc).
std::string format_verdict(const ExploreResult& result);
// The verdict line, then for each failure: kind, message, accesses, preemptions, replay token and
// the interleaving.
std::string format_report(const ExploreResult& result);

// A count as the reports print it: 57600 -> "57,600".
std::string with_thousands(std::uint64_t n);

}  // namespace doublecheck::model
