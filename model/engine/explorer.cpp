#include "model/engine/explorer.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "model/engine/crash.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/foreign_thread.hpp"
#include "model/search/dpor.hpp"
#include "model/search/partition.hpp"
#include "model/search/path.hpp"
#include "model/search/random_scheduler.hpp"
#include "model/search/scheduler.hpp"
#include "model/search/work_stealing.hpp"

namespace doublecheck::model {
namespace {

using Clock = std::chrono::steady_clock;

// Decision points above this depth are split among jobs or shards.
constexpr std::uint32_t kSplitDepth = 3;
// Iterative deepening looks at most this many executions per preemption bound.
constexpr std::uint64_t kMinimizeBudget = 200'000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The replay token DC_REPLAY asks for this model, if any.
std::optional<std::string> replay_from_environment(std::string_view model) {
  const char* value = std::getenv("DC_REPLAY");
  if (value == nullptr || *value == '\0') return std::nullopt;
  const std::string_view text(value);
  const auto equals = text.rfind('=');
  if (equals == std::string_view::npos) return std::string(text);
  if (text.substr(0, equals) != model) return std::nullopt;
  return std::string(text.substr(equals + 1));
}

// The executions' config, with `hook` (owned by the caller) at the interception point.
ExecutionConfig config_of(const ExploreOptions& options, OperationHook* hook) {
  ExecutionConfig config;
  config.memory_model = options.memory_model;
  config.symptom_mode = options.symptom_mode;
  config.continue_past_race = options.continue_past_race;
  config.fair_spinning = options.fair_spinning;
  config.unmarked_spins = options.unmarked_spins;
  config.spurious_wakeups = options.spurious_wakeups;
  config.symmetry = options.symmetry;
  config.max_steps = options.max_steps;
  config.max_shared_accesses = options.max_shared_accesses;
  config.hook = hook;
  return config;
}

// The hook of the executions run besides the search (counterexamples, their fewest preemptions,
// a replay), if any.
std::unique_ptr<OperationHook> replay_hook(const ExploreOptions& options) {
  return options.hooks ? options.hooks->for_replay() : nullptr;
}

// Whether a failure ends the search (a race does not, when the search goes past races).
bool stops_search(const Failure& failure, const ExploreOptions& options) {
  if (failure.kind == FailureKind::kUsageError) return true;
  if (failure.kind == FailureKind::kDataRace && options.continue_past_race) return false;
  return !options.keep_going;
}

// A failure as first seen, with what it takes to run its interleaving again.
struct Found {
  Failure failure;
  std::vector<ScheduleChoice> choices;
  std::uint64_t execution = 0;
  std::string found_by;  // random and PCT: the seed and iteration
};

// What one sequential search (of the whole tree or of one part) saw.
struct Outcome {
  std::uint64_t executions = 0;
  std::uint64_t pruned = 0;
  std::uint64_t steps = 0;
  bool finished = false;  // the scheduler ran out of executions
  bool cut_off = false;   // a preemption bound left interleavings out
  std::string stopped_by;
  std::uint64_t cut_short_at = 0;  // the steps of an execution the time limit ended inside, or 0
  std::vector<Found> found;

  void add(const Found& candidate) {
    const std::string signature = candidate.failure.signature();
    for (Found& seen : found) {
      if (seen.failure.signature() == signature) {
        ++seen.failure.occurrences;
        return;
      }
    }
    found.push_back(candidate);
  }
};

// A set of execution keys (MemoryGraph::key()): one insert per execution under rc11, so open
// addressing in one array (no node allocated per key, as std::unordered_set does) with the key's
// own low bits as the slot (a key is already a well-mixed hash). 0 marks an empty slot; the key 0
// itself is kept aside.
class KeySet {
 public:
  // Whether `key` was not in the set (it is now).
  bool insert(std::uint64_t key) {
    if (key == 0) return !std::exchange(has_zero_, true);
    if (2 * (size_ + 1) > slots_.size()) grow();
    if (!place(slots_, key)) return false;
    ++size_;
    return true;
  }

 private:
  // Puts `key` into `slots` (a power of two long); false if it was there.
  static bool place(std::vector<std::uint64_t>& slots, std::uint64_t key) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = key & mask;; i = (i + 1) & mask) {
      if (slots[i] == key) return false;
      if (slots[i] == 0) {
        slots[i] = key;
        return true;
      }
    }
  }
  void grow() {
    std::vector<std::uint64_t> bigger(slots_.empty() ? 64 : 2 * slots_.size(), 0);
    for (const std::uint64_t key : slots_) {
      if (key != 0) place(bigger, key);
    }
    slots_.swap(bigger);
  }

  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;  // keys in slots_
  bool has_zero_ = false;
};

// The size of a cache line on the machines this runs on (x86-64, AArch64): what two objects
// written by different jobs keep between them.
constexpr std::size_t kCacheLine = 64;

// What the parallel jobs of one search share. Every job reads the cancel flag after each execution,
// takes the graph set's lock after each under RC11 and adds to the progress count every 256, so
// each has a cache line of its own: on one line, a job's write would take the line from the other
// jobs, whose next read of any member then misses (false sharing).
struct Shared {
  alignas(kCacheLine) std::atomic<bool> cancel{
      false};  // a job found a failure that ends the search
  // For the progress line: each job adds its own count now and then (Job::publish()), not on
  // every execution.
  alignas(kCacheLine) std::atomic<std::uint64_t> executions{0};

  // Whether the execution graph of `key` (MemoryGraph::key()) is met for the first time. Several
  // interleavings give one graph when a load reads an older store than the newest (the order of
  // the load and the newer store does not matter then): the graph is counted once.
  bool first_time(std::uint64_t key) {
    const std::lock_guard guard(graphs_mutex);
    return graphs.insert(key);
  }
  alignas(kCacheLine) std::mutex graphs_mutex;
  KeySet graphs;  // guarded by graphs_mutex
};

std::unique_ptr<Scheduler> make_scheduler(const ExploreOptions& options, std::uint32_t split) {
  // A preemption bound is a property of the plain search (DPOR and bounding do not compose
  // soundly), so a bounded run uses it.
  if (options.preemption_bound || options.search == Search::kPlain) {
    return std::make_unique<DfsScheduler>(options.preemption_bound);
  }
  switch (options.search) {
    case Search::kRandom:
      return std::make_unique<RandomScheduler>(options.seed, options.iterations);
    case Search::kPct:
      return std::make_unique<PctScheduler>(options.seed, options.iterations, options.pct_depth);
    default: {
      auto dpor = std::make_unique<DporScheduler>();
      dpor->branch_fully_above(split);
      return dpor;
    }
  }
}

std::string found_by(const ExploreOptions& options, const Scheduler& scheduler) {
  std::uint64_t iteration = 0;
  if (const auto* random = dynamic_cast<const RandomScheduler*>(&scheduler)) {
    iteration = random->iteration();
  } else if (const auto* pct = dynamic_cast<const PctScheduler*>(&scheduler)) {
    iteration = pct->iteration();
  } else {
    return {};
  }
  return std::string(search_name(options.search)) + " seed " + std::to_string(options.seed) +
         ", iteration " + std::to_string(iteration);
}

void print_progress(std::string_view model, const Shared& shared, Clock::time_point start,
                    double covered) {
  const double elapsed = seconds_since(start);
  const auto executions = shared.executions.load(std::memory_order_relaxed);
  std::fprintf(stderr, "\r  %.*s: %s executions  %.0f/s  %.1f s", static_cast<int>(model.size()),
               model.data(), with_thousands(executions).c_str(),
               elapsed > 0 ? static_cast<double>(executions) / elapsed : 0.0, elapsed);
  if (covered >= 0) std::fprintf(stderr, "  ~%.0f%% of the tree", covered * 100);
  std::fflush(stderr);
}

// One job of a search: what it runs executions with, and what they saw.
class Job {
 public:
  Job(std::string_view model, const ExploreOptions& options, const std::function<void()>& body,
      Shared& shared, Clock::time_point start, bool show_progress)
      : model_(model),
        options_(options),
        body_(body),
        shared_(shared),
        start_(start),
        show_progress_(show_progress),
        stacks_(options.stack_size),
        hook_(options.hooks ? options.hooks->for_search() : nullptr),  // this job's
        config_(config_of(options, hook_.get())),
        last_progress_(Clock::now()) {
    config_.record_steps = static_cast<bool>(options.on_execution);
    if (options.time_limit_seconds > 0) {
      // Inside an execution too: one that runs long (a spin loop under a high --max-steps) ends
      // at the limit instead of holding the search past it.
      config_.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(options.time_limit_seconds));
    }
  }

  // Runs one execution with `driver` (`scheduler` is the search inside it, `partition` the
  // partition it is, if any) and counts it. False when the search stops (outcome().stopped_by
  // says why). The execution is over when it returns (a search that shares its work may run
  // others on this thread inside next_execution(), with other jobs: each its own Execution).
  bool run_one(Scheduler& driver, const Scheduler& scheduler,
               PartitionedScheduler* partition = nullptr) {
    if (shared_.cancel.load(std::memory_order_relaxed)) {
      outcome_.stopped_by = "failure";
      return false;
    }
    // One Execution for all of the job's executions, reset for each: what it allocated (its
    // vectors) serves the next one, and constructing its threads' state each time would cost
    // more than a short execution.
    if (!execution_) {
      execution_.emplace(stacks_, driver, config_);
    } else {
      execution_->reset(driver);
    }
    Execution& execution = *execution_;
    execution.run(body_);
    outcome_.steps += execution.steps();
    // An execution the deadline cut short is pruned (a pruned execution is cheap to check, and a
    // time limit is the only reason to stop the search after one).
    if (execution.pruned() && config_.deadline && Clock::now() >= *config_.deadline) {
      ++outcome_.pruned;
      outcome_.stopped_by = "time limit";
      outcome_.cut_short_at = execution.steps();
      return false;
    }
    bool stop = false;
    if (execution.pruned() || (partition != nullptr && !partition->owns_finished_execution()) ||
        (options_.memory_model == MemoryModel::kRc11 &&
         !shared_.first_time(execution.memory_key()))) {
      ++outcome_.pruned;
    } else {
      ++outcome_.executions;
      if (options_.on_execution) {
        options_.on_execution(execution.step_log(), found_by(options_, scheduler));
      }
      for (const Failure& failure : execution.failures()) {
        outcome_.add(Found{failure, execution.choices(), outcome_.executions,
                           found_by(options_, scheduler)});
        stop |= stops_search(failure, options_);
      }
    }
    if (stop) {
      shared_.cancel.store(true, std::memory_order_relaxed);
      outcome_.stopped_by = "failure";
      return false;
    }
    return true;
  }

  // Whether a limit ends the search before the next execution (false: it does; stopped_by says
  // which), with the progress line now and then.
  bool within_limits(const Scheduler& driver) {
    if (options_.max_executions != 0 &&
        outcome_.executions + outcome_.pruned >= options_.max_executions) {
      outcome_.stopped_by = "execution limit";
      return false;
    }
    // Every 256 executions run, pruned ones included: a plain search can run thousands of
    // interleavings that repeat an execution graph already counted, and a check on the counted
    // ones alone left the time limit unread (and the progress line still) for as long.
    if (((outcome_.executions + outcome_.pruned) & 0xFF) == 0) {
      publish();
      if (options_.time_limit_seconds > 0 && seconds_since(start_) > options_.time_limit_seconds) {
        outcome_.stopped_by = "time limit";
        return false;
      }
      if (show_progress_ && Clock::now() - last_progress_ > std::chrono::milliseconds(500)) {
        last_progress_ = Clock::now();
        print_progress(model_, shared_, start_, driver.progress());
      }
    }
    return true;
  }

  Outcome& outcome() { return outcome_; }
  // Adds this job's executions since the last call to the count the progress line shows.
  void publish() {
    if (outcome_.executions == published_) return;  // (a write all the same, to a shared line)
    shared_.executions.fetch_add(outcome_.executions - published_, std::memory_order_relaxed);
    published_ = outcome_.executions;
  }
  // The search is over (`cut_off`: a preemption bound left interleavings out).
  void end_search(bool cut_off) {
    publish();
    outcome_.cut_off |= cut_off;
    if (hook_) hook_->end_search();
  }

 private:
  std::string_view model_;
  const ExploreOptions& options_;
  const std::function<void()>& body_;
  Shared& shared_;
  Clock::time_point start_;
  bool show_progress_;
  StackPool stacks_;
  std::unique_ptr<OperationHook> hook_;
  ExecutionConfig config_;
  Outcome outcome_;
  Clock::time_point last_progress_;
  std::uint64_t published_ = 0;         // of outcome_.executions, in shared_.executions
  std::optional<Execution> execution_;  // the last one run (after stacks_: it uses them)
};

// Runs executions until the scheduler is done, a failure ends the search, or a limit is hit.
Outcome explore_part(std::string_view model, const ExploreOptions& options, Scheduler& scheduler,
                     PartitionedScheduler* partition, const std::function<void()>& body,
                     Shared& shared, Clock::time_point start, bool show_progress) {
  Job job(model, options, body, shared, start, show_progress);
  Scheduler& driver = partition != nullptr ? static_cast<Scheduler&>(*partition) : scheduler;
  while (job.run_one(driver, scheduler, partition)) {
    if (!driver.next_execution()) {
      job.outcome().finished = true;
      job.outcome().stopped_by = "exhausted";
      break;
    }
    if (!job.within_limits(driver)) break;
  }
  job.end_search(driver.cut_off());
  return std::move(job.outcome());
}

// A DPOR search shared by `jobs` OS threads by work stealing (work_stealing.hpp): exactly the
// executions of one job's search.
std::vector<Outcome> explore_stealing(std::string_view model, const ExploreOptions& options,
                                      const std::function<void()>& body, Shared& shared,
                                      Clock::time_point start, std::uint32_t jobs,
                                      bool show_progress) {
  WorkStealingSearch search;
  std::vector<Outcome> outcomes(jobs);
  auto work = [&](std::uint32_t worker) {
    Job job(model, options, body, shared, start, show_progress && worker == 0);
    search.work(worker, [&job](Scheduler& scheduler) {
      return job.run_one(scheduler, scheduler) && job.within_limits(scheduler);
    });
    job.end_search(false);  // (DPOR has no preemption bound)
    outcomes[worker] = std::move(job.outcome());
  };
  std::vector<std::thread> workers;
  for (std::uint32_t worker = 1; worker < jobs; ++worker) {
    workers.emplace_back([&, worker] {
      const CrashScope crashes(model);  // this OS thread runs executions too
      work(worker);
    });
  }
  work(0);
  for (std::thread& worker : workers) worker.join();
  for (Outcome& outcome : outcomes) {
    outcome.finished = search.finished();
    if (search.finished()) outcome.stopped_by = "exhausted";
  }
  return outcomes;
}

// What the jobs saw, as one search.
Outcome merge(std::vector<Outcome> outcomes) {
  Outcome merged = std::move(outcomes[0]);
  for (std::size_t job = 1; job < outcomes.size(); ++job) {
    Outcome& other = outcomes[job];
    merged.executions += other.executions;
    merged.pruned += other.pruned;
    merged.steps += other.steps;
    merged.finished &= other.finished;
    merged.cut_off |= other.cut_off;
    merged.cut_short_at = std::max(merged.cut_short_at, other.cut_short_at);
    if (merged.stopped_by == "exhausted" || merged.stopped_by.empty()) {
      merged.stopped_by = other.stopped_by;
    }
    for (const Found& found : other.found) merged.add(found);
  }
  if (merged.stopped_by.empty()) merged.stopped_by = "failure";
  return merged;
}

// Runs the search, split into parts when there are jobs or shards, and merges what they saw. A
// DPOR search on several jobs shares its work (work_stealing.hpp); a sharded one, or a plain one,
// is split at a fixed depth, its subtrees claimed by the first job to reach them.
Outcome explore(std::string_view model, const ExploreOptions& options,
                const std::function<void()>& body, Clock::time_point start) {
  const bool exhaustive_search = options.search == Search::kDpor ||
                                 options.search == Search::kPlain || options.preemption_bound;
  const std::uint32_t jobs = exhaustive_search ? std::max<std::uint32_t>(1, options.jobs) : 1;
  const bool show_progress = options.progress && ::isatty(STDERR_FILENO) == 1;
  Shared shared;
  std::vector<Outcome> outcomes(jobs);
  if (jobs > 1 && options.shard_count == 0 && !options.preemption_bound &&
      options.search == Search::kDpor) {
    outcomes = explore_stealing(model, options, body, shared, start, jobs, show_progress);
    if (show_progress) std::fprintf(stderr, "\r\033[K");
    return merge(std::move(outcomes));
  }

  const bool split = exhaustive_search && (jobs > 1 || options.shard_count > 0);
  ClaimRegistry claims;
  auto run_job = [&](std::uint32_t job) {
    auto scheduler = make_scheduler(options, split ? kSplitDepth : 0);
    if (!split) {
      return explore_part(model, options, *scheduler, nullptr, body, shared, start, show_progress);
    }
    SubtreeOwner owner(options.shard_index, std::max<std::uint32_t>(1, options.shard_count));
    if (jobs > 1) owner.claim_with([&claims](const std::string& key) { return claims.claim(key); });
    PartitionedScheduler partition(*scheduler, kSplitDepth, std::move(owner));
    return explore_part(model, options, *scheduler, &partition, body, shared, start,
                        show_progress && job == 0);
  };

  std::vector<std::thread> workers;
  for (std::uint32_t job = 1; job < jobs; ++job) {
    workers.emplace_back([&, job] {
      const CrashScope crashes(model);  // this OS thread runs executions too
      outcomes[job] = run_job(job);
    });
  }
  outcomes[0] = run_job(0);
  for (std::thread& worker : workers) worker.join();
  if (show_progress) std::fprintf(stderr, "\r\033[K");
  return merge(std::move(outcomes));
}

// The failure again, with its history: exploration keeps none (it would cost on every step),
// so the interleaving is run once more, deterministically, with the history on.
Failure counterexample(const ExploreOptions& options, const Found& found,
                       const std::function<void()>& body) {
  StackPool stacks(options.stack_size);
  ReplayScheduler scheduler(found.choices);
  const std::unique_ptr<OperationHook> hook = replay_hook(options);
  ExecutionConfig config = config_of(options, hook.get());
  config.tracing = true;
  config.record_steps = true;
  Execution replay(stacks, scheduler, config);
  replay.run(body);
  Failure failure = found.failure;
  const std::string signature = failure.signature();
  for (const Failure& replayed : replay.failures()) {
    if (replayed.signature() == signature) {
      failure.accesses = replayed.accesses;  // rows of the traced run
      break;
    }
  }
  failure.replay_token = replay.token();
  failure.preemptions = replay.preemptions();
  failure.execution = found.execution;
  failure.found_by = found.found_by;
  failure.trace = replay.render_trace();
  failure.events = replay.trace().events();
  failure.threads = replay.thread_count();
  failure.schedule = replay.step_log();
  return failure;
}

// Iterative deepening over the preemption bound: the first bound under which the plain search
// meets the same failure gives its shortest counterexample (in preemptions).
std::optional<Found> fewest_preemptions(const ExploreOptions& options, const Found& found,
                                        std::uint32_t preemptions,
                                        const std::function<void()>& body) {
  const std::string signature = found.failure.signature();
  StackPool stacks(options.stack_size);
  const std::unique_ptr<OperationHook> hook = replay_hook(options);
  const ExecutionConfig config = config_of(options, hook.get());
  for (std::uint32_t bound = 0; bound < preemptions; ++bound) {
    DfsScheduler scheduler(bound);
    for (std::uint64_t n = 1; n <= kMinimizeBudget; ++n) {
      Execution execution(stacks, scheduler, config);
      execution.run(body);
      for (const Failure& failure : execution.failures()) {
        if (failure.signature() == signature) {
          return Found{found.failure, execution.choices(), found.execution, found.found_by};
        }
      }
      if (!scheduler.next_execution()) break;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view search_name(Search search) {
  switch (search) {
    case Search::kDpor:
      return "dpor";
    case Search::kPlain:
      return "plain";
    case Search::kRandom:
      return "random";
    case Search::kPct:
      return "pct";
  }
  return "?";
}

ExploreResult Explorer::run(std::string_view model_name, const std::function<void()>& body) {
  const auto start = Clock::now();
  ExploreResult result;
  result.model = std::string(model_name);
  // A fatal signal in a model thread is a failure of its execution (crash.hpp), from here on.
  const CrashScope crashes(result.model);
  // A model object used from a thread the explorer does not run is a failure of the search.
  const ForeignThreadWatch foreign_threads;

  if (options_.stack_size < StackPool::kMinStackSize ||
      options_.stack_size > StackPool::kMaxStackSize) {
    result.search = std::string(search_name(options_.search));
    result.stopped_by = "usage error";
    result.failures.push_back(Failure::make(
        FailureKind::kUsageError, "ExploreOptions::stack_size must be from " +
                                      std::to_string(StackPool::kMinStackSize >> 10) + " KiB to " +
                                      std::to_string(StackPool::kMaxStackSize >> 10) +
                                      " KiB, not " + std::to_string(options_.stack_size) +
                                      " bytes"));
    return result;
  }

  std::optional<std::string> replay = options_.replay_token;
  if (!replay) replay = replay_from_environment(model_name);
  if (replay) {
    result.search = "replay";
    result.stopped_by = "replay";
    result.bound = "one given interleaving";
    const auto schedule = Path::parse_token(*replay);
    if (!schedule) {
      result.failures.push_back(Failure::make(
          FailureKind::kUsageError,
          "not a replay token: '" + *replay + "' (a token looks like rc11:01-2.10 or dc1:0110)"));
    } else {
      // The token says which memory model its execution followed.
      ExploreOptions options = options_;
      options.memory_model = schedule->memory_model;
      result.memory_model = schedule->memory_model;
      result.executions = 1;
      StackPool stacks(options.stack_size);
      ReplayScheduler probe(schedule->choices);
      const std::unique_ptr<OperationHook> hook = replay_hook(options);
      Execution execution(stacks, probe, config_of(options, hook.get()));
      execution.run(body);
      result.steps = execution.steps();
      for (const Failure& failure : execution.failures()) {
        result.failures.push_back(
            counterexample(options, Found{failure, schedule->choices, 1, {}}, body));
      }
    }
    result.seconds = seconds_since(start);
    return result;
  }

  result.memory_model = options_.memory_model;
  Outcome outcome = explore(model_name, options_, body, start);
  result.search = options_.preemption_bound ? "plain" : std::string(search_name(options_.search));
  result.executions = outcome.executions;
  result.pruned = outcome.pruned;
  result.steps = outcome.steps;
  result.stopped_by = outcome.stopped_by;
  const bool exhaustive_search =
      options_.search == Search::kDpor || options_.search == Search::kPlain;
  result.part_exhausted = exhaustive_search && outcome.finished && !outcome.cut_off;
  result.exhaustive = result.part_exhausted && options_.shard_count <= 1;
  if (!result.exhaustive) {
    if (options_.shard_count > 1) {
      result.bound = "shard " + std::to_string(options_.shard_index + 1) + " of " +
                     std::to_string(options_.shard_count);
    } else if (outcome.cut_off) {
      result.bound = "preemption bound " + std::to_string(*options_.preemption_bound);
    } else if (!exhaustive_search) {
      result.bound =
          std::to_string(options_.iterations) + " iterations, seed " +
          std::to_string(options_.seed) +
          (options_.search == Search::kPct ? ", depth " + std::to_string(options_.pct_depth)
                                           : std::string());
    } else if (outcome.stopped_by == "failure") {
      result.bound = "stopped at the first failure";
    } else if (outcome.stopped_by == "time limit" && outcome.cut_short_at != 0) {
      result.bound = "time limit, reached inside an execution after " +
                     with_thousands(outcome.cut_short_at) + " steps";
    } else {
      result.bound = outcome.stopped_by;
    }
  }

  for (Found& found : outcome.found) {
    Failure shown = counterexample(options_, found, body);
    if (options_.minimize_preemptions && shown.preemptions > 0) {
      if (auto shorter = fewest_preemptions(options_, found, shown.preemptions, body)) {
        shorter->failure.occurrences = found.failure.occurrences;
        shown = counterexample(options_, *shorter, body);
      }
    }
    result.failures.push_back(std::move(shown));
  }
  result.seconds = seconds_since(start);
  return result;
}

std::string format_verdict(const ExploreResult& result) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f s", result.seconds);
  std::string line = result.passed() ? "PASS  " : "FAIL  ";
  line += result.model + "  " + result.search;
  if (result.memory_model == MemoryModel::kSc) line += " (sc)";
  line += result.exhaustive ? ", exhaustive" : " (" + result.bound + ")";
  line += "  " + with_thousands(result.executions) + " executions  " +
          with_thousands(result.steps) + " steps  " + seconds;
  if (!result.passed()) {
    // Headline: what the race led to, when the search went past it (symptom mode), else the first.
    const Failure* headline = &result.failures.front();
    for (const Failure& failure : result.failures) {
      if (failure.kind != FailureKind::kDataRace) {
        headline = &failure;
        break;
      }
    }
    line += "  " + std::string(kind_name(headline->kind)) + " at " + headline->location() + ", " +
            std::to_string(headline->preemptions) + " preemption" +
            (headline->preemptions == 1 ? "" : "s");
    if (result.failures.size() > 1) {
      line += " (+" + std::to_string(result.failures.size() - 1) + " more)";
    }
  }
  return line;
}

std::string format_report(const ExploreResult& result) {
  std::string out = format_verdict(result) + "\n";
  int index = 0;
  for (const Failure& failure : result.failures) {
    out += "\n  failure " + std::to_string(++index) + ": " + std::string(kind_name(failure.kind)) +
           "\n";
    out += "    " + failure.message + "\n";
    for (const Access& access : failure.accesses) {
      out += "    at " + location_text(access.loc) + " (T" + std::to_string(access.thread) +
             ", step " + std::to_string(access.step) + ")\n";
    }
    out += "    found in execution " + with_thousands(failure.execution);
    if (!failure.found_by.empty()) out += " (" + failure.found_by + ")";
    if (failure.occurrences > 1) out += ", seen in " + with_thousands(failure.occurrences);
    out += "; preemptions: " + std::to_string(failure.preemptions) + "\n";
    out += "    replay: --replay " + failure.replay_token + "   or   DC_REPLAY='" + result.model +
           "=" + failure.replay_token + "'\n\n";
    // The history is printed once: failures found in the same interleaving point to the first.
    int same = 0;
    for (int earlier = 0; earlier + 1 < index && same == 0; ++earlier) {
      if (result.failures[static_cast<std::size_t>(earlier)].replay_token == failure.replay_token) {
        same = earlier + 1;
      }
    }
    out += same != 0 ? "    interleaving: as in failure " + std::to_string(same) + " above\n"
                     : failure.trace;
  }
  return out;
}

std::string with_thousands(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace doublecheck::model
