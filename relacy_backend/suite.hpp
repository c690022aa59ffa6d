// One model body run as a Relacy test suite: Relacy's own search over every interleaving (and, for
// its atomics, every value a load may read under its memory model), in a child process.
//
// A child, because Relacy's search cannot be stopped from outside and a model may crash it: the
// child stops itself after its execution budget (a count, so the result is the same on every
// machine), a CPU and a memory limit end a search that hangs inside one execution or grows without
// end, and a crash (a signal, or Relacy's internal check: the backend builds with RL_DO_ASSERT)
// becomes a result the parent reports instead of ending the runner. The model's own output is
// collected with Relacy's, never mixed into the runner's.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/failure.hpp"

namespace doublecheck::relacy {

// Relacy's schedulers that search exhaustively: every interleaving (its "full search"), or every
// interleaving with at most `context_bound` preemptions (its "context bound scheduler").
enum class Search : std::uint8_t { kFull, kContextBound };

struct SearchOptions {
  Search search = Search::kFull;
  unsigned context_bound = 2;
  std::uint64_t max_executions = 200'000;  // the budget: more and the search is not finished
  // Relacy's bound on the visible operations of one execution (more: its LIVELOCK); the
  // catalogue passes each model's step bound (ExploreOptions::max_steps).
  unsigned execution_depth_limit = 100'000;
  std::chrono::seconds cpu_limit{120};  // a search stuck in one execution (the catalogue's
                                        // longest search takes about 8 s)
};

// How one Relacy search ended.
struct Outcome {
  enum class End : std::uint8_t {
    kFinished,  // Relacy searched everything its scheduler covers: `result` is its verdict
    kFailed,    // Relacy stopped at a failure: `result` names it
    kBudget,    // max_executions ran out first: no verdict
    kCrashed,   // the child died (a signal, a Relacy internal check, the CPU limit): `detail` says
  };
  End end = End::kCrashed;
  Search search = Search::kFull;
  unsigned context_bound = 0;
  int result = 0;           // rl::test_result_e, when kFinished or kFailed
  std::string result_name;  // Relacy's own words: "SUCCESS", "DATA RACE", ...
  std::uint64_t executions = 0;
  std::size_t threads = 0;  // the model's threads (Relacy's dynamic threads of the search)
  double cpu_seconds = 0;   // the child's CPU time
  std::string report;       // Relacy's report of the failure (its history), or what went wrong

  [[nodiscard]] bool passed() const { return end == End::kFinished && result == 0; }
  [[nodiscard]] bool exhaustive() const { return end == End::kFinished && search == Search::kFull; }
};

// Runs `body` under Relacy with `options`. Never throws for what the model does; a failure to
// start the child (fork, pipe) is std::system_error.
Outcome run(const std::function<void()>& body, const SearchOptions& options);
// Each search of `ladder` in order until one does not run out of its budget (the last one run
// decides); the model's threads are counted once, for all of them.
std::vector<Outcome> run(const std::function<void()>& body,
                         const std::vector<SearchOptions>& ladder);

// How a search ended, as reports name it: "finished", "failed", "budget", "crashed".
std::string_view end_name(Outcome::End end);

// "full search" or "context bound 2".
std::string search_name(Search search, unsigned context_bound);

// The Relacy result a failure of the explorer's `kind` corresponds to (rl::test_result_e), if
// Relacy has one: a data race is its "DATA RACE", a model check its "USER ASSERT FAILED", ...
std::optional<int> relacy_result_for(model::FailureKind kind);

// Relacy's name of result `result` ("DATA RACE").
std::string_view result_name(int result);

}  // namespace doublecheck::relacy
