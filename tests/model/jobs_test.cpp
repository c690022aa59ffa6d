// --jobs N explores exactly the executions of --jobs 1 (issue 16): the DPOR search shared by work
// stealing (model/search/work_stealing.hpp) runs the same executions as the sequential one — the
// same replay tokens, counted, pruned as repeats or cut short by a sleep set alike — and the
// explorer reports the same counts, steps and failures for 1, 2 and 3 jobs. The controls show that
// the comparison sees a difference: the fixed split the jobs used before (the first decision points
// branching fully, shard 1 of 1) explores another set.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/emitter/harness.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/fiber.hpp"
#include "model/search/dpor.hpp"
#include "model/search/work_stealing.hpp"
#include "tests/model/litmus_programs.hpp"

namespace doublecheck::model {
namespace {

using Tokens = std::multiset<std::string>;

// The replay token of every execution a DPOR search of `body` runs, with `jobs` OS threads
// sharing it (1: the sequential search; `fixed_split`: with its first three decision points
// branching fully, as the fixed split did).
Tokens explored(const std::function<void()>& body, MemoryModel memory_model, std::uint32_t jobs,
                bool fixed_split = false) {
  ExecutionConfig config;
  config.memory_model = memory_model;
  Tokens tokens;
  if (jobs == 1) {
    StackPool stacks;
    DporScheduler scheduler;
    if (fixed_split) scheduler.branch_fully_above(3);
    do {
      Execution execution(stacks, scheduler, config);
      execution.run(body);
      tokens.insert(execution.token());
    } while (scheduler.next_execution());
    return tokens;
  }
  WorkStealingSearch search;
  std::mutex mutex;
  auto work = [&](std::uint32_t worker) {
    StackPool stacks;
    search.work(worker, [&](Scheduler& scheduler) {
      Execution execution(stacks, scheduler, config);
      execution.run(body);
      const std::lock_guard guard(mutex);
      tokens.insert(execution.token());
      return true;
    });
  };
  std::vector<std::thread> workers;
  for (std::uint32_t worker = 1; worker < jobs; ++worker) workers.emplace_back(work, worker);
  work(0);
  for (std::thread& worker : workers) worker.join();
  EXPECT_TRUE(search.finished());
  return tokens;
}

struct Named {
  std::string name;
  std::function<void()> body;
};

std::vector<Named> token_models() {
  namespace checks = model::checks;
  std::vector<Named> models;
  for (const litmus::Program& program : litmus::programs()) {
    models.push_back({"litmus " + program.name, program.body});
  }
  models.push_back({"init/acq_rel_dcl/4", checks::acq_rel_dcl_init_model(4)});
  models.push_back({"init/acq_rel_dcl/5", checks::acq_rel_dcl_init_model(5)});
  models.push_back({"increment/3x2", checks::increment_model(3, 2, 0)});
  models.push_back({"increment/2x2+1r", checks::increment_model(2, 2, 1)});
  return models;
}

TEST(JobsExploreTheSameExecutions, EveryReplayTokenOfTheSequentialSearchAndNoOther) {
  for (const MemoryModel memory_model : {MemoryModel::kRc11, MemoryModel::kSc}) {
    for (const Named& model : token_models()) {
      const Tokens one = explored(model.body, memory_model, 1);
      ASSERT_FALSE(one.empty());
      for (const std::uint32_t jobs : {2U, 3U}) {
        const Tokens many = explored(model.body, memory_model, jobs);
        EXPECT_EQ(many.size(), one.size()) << model.name << ", " << jobs << " jobs";
        EXPECT_TRUE(many == one) << model.name << ", " << jobs
                                 << " jobs: another set of executions";
      }
    }
  }
}

TEST(JobsExploreTheSameExecutions, RepeatedRunsAgreeToo) {
  // Which worker takes which part changes from run to run; the executions must not.
  const auto body = model::checks::acq_rel_dcl_init_model(4);
  const Tokens one = explored(body, MemoryModel::kRc11, 1);
  for (int run = 0; run < 10; ++run) {
    EXPECT_TRUE(explored(body, MemoryModel::kRc11, 2) == one) << "run " << run;
  }
}

TEST(JobsExploreTheSameExecutions, ControlTheComparisonSeesTheFixedSplit) {
  // The fixed split's decision points above its depth branch fully: another set of executions
  // (more of them cut short by sleep sets), which the comparison above must see.
  const auto body = model::checks::acq_rel_dcl_init_model(4);
  const Tokens one = explored(body, MemoryModel::kRc11, 1);
  const Tokens split = explored(body, MemoryModel::kRc11, 1, true);
  EXPECT_FALSE(split == one);
  EXPECT_GT(split.size(), one.size());
}

// --- through the explorer ------------------------------------------------------------------------

ExploreResult run(const std::function<void()>& body, const std::string& name,
                  ExploreOptions options, std::uint32_t jobs) {
  options.jobs = jobs;
  options.progress = false;
  return Explorer(options).run(name, body);
}

std::set<std::string> signatures(const ExploreResult& result) {
  std::set<std::string> out;
  for (const Failure& failure : result.failures) out.insert(failure.signature());
  return out;
}

// The same counts, steps (over every execution run, pruned ones too) and failures.
void expect_same_search(const std::function<void()>& body, const std::string& name,
                        const ExploreOptions& options) {
  const ExploreResult one = run(body, name, options, 1);
  for (const std::uint32_t jobs : {2U, 3U}) {
    const ExploreResult many = run(body, name, options, jobs);
    EXPECT_EQ(many.executions, one.executions) << name << ", " << jobs << " jobs";
    EXPECT_EQ(many.pruned, one.pruned) << name << ", " << jobs << " jobs";
    EXPECT_EQ(many.steps, one.steps) << name << ", " << jobs << " jobs";
    EXPECT_EQ(many.exhaustive, one.exhaustive) << name << ", " << jobs << " jobs";
    EXPECT_EQ(many.stopped_by, one.stopped_by) << name << ", " << jobs << " jobs";
    EXPECT_EQ(signatures(many), signatures(one)) << name << ", " << jobs << " jobs";
  }
}

TEST(JobsExploreTheSameExecutions, TheCataloguesModelsCountTheSame) {
  for (const char* name : {"increment/fixed/3x2", "increment/fixed/4x2+1r", "init/acq_rel_dcl/4",
                           "get/acq_rel_dcl/1init+1get", "init/call_once/3"}) {
    const ModelSpec* spec = emitter_models().find(name);
    ASSERT_NE(spec, nullptr) << name;
    expect_same_search(spec->body, spec->name, spec->options);
  }
}

TEST(JobsExploreTheSameExecutions, TheDclInitOfSixCallersCountsTheSame) {
  expect_same_search(model::checks::acq_rel_dcl_init_model(6), "init/acq_rel_dcl/6", {});
}

TEST(JobsExploreTheSameExecutions, NegativeControlsFailTheSameWays) {
  // Every distinct failure (keep going: a search stopped at its first failure stops wherever a
  // job meets one first).
  for (const char* name : {"snapshot/unlocked_snapshot/2w1+1r", "init/naive_dcl/2",
                           "init/check_then_lock_no_recheck/2", "increment/prefix_rc002/2x1"}) {
    const ModelSpec* spec = emitter_models().find(name);
    ASSERT_NE(spec, nullptr) << name;
    ExploreOptions options = spec->options;
    options.keep_going = true;
    expect_same_search(spec->body, spec->name, options);
    EXPECT_FALSE(run(spec->body, spec->name, options, 2).passed()) << name;
  }
}

TEST(JobsExploreTheSameExecutions, SequentiallyConsistentExecutionsAreTheSameSchedules) {
  // Under sc every execution run is counted (no graph is a repeat): the schedules handed to
  // on_execution are the same multiset for every number of jobs.
  const ModelSpec* spec = emitter_models().find("init/acq_rel_dcl/4");
  ASSERT_NE(spec, nullptr);
  const auto schedules = [&](std::uint32_t jobs) {
    std::mutex mutex;
    std::multiset<std::string> out;
    ExploreOptions options = spec->options;
    options.memory_model = MemoryModel::kSc;
    options.on_execution = [&](const std::vector<StepRecord>& steps, const std::string&) {
      std::string text;
      for (const StepRecord& step : steps) {
        text += std::to_string(step.thread) + ":" + std::to_string(step.loc.line) + " ";
      }
      const std::lock_guard guard(mutex);
      out.insert(text);
    };
    (void)run(spec->body, spec->name, options, jobs);
    return out;
  };
  const auto one = schedules(1);
  EXPECT_TRUE(schedules(2) == one);
  EXPECT_TRUE(schedules(3) == one);
}

TEST(JobsExploreTheSameExecutions, ControlTheFixedSplitOfShardOneOfOneDiffers) {
  // Shard 1 of 1 keeps the fixed split (for --shard i/n): its jobs give up reduction above the
  // split, which this comparison sees (more executions cut short, more steps).
  const ModelSpec* spec = emitter_models().find("init/acq_rel_dcl/4");
  ASSERT_NE(spec, nullptr);
  ExploreOptions split = spec->options;
  split.shard_count = 1;
  const ExploreResult one = run(spec->body, spec->name, spec->options, 1);
  const ExploreResult fixed = run(spec->body, spec->name, split, 2);
  EXPECT_EQ(fixed.executions, one.executions);
  EXPECT_NE(fixed.steps, one.steps);
}

}  // namespace
}  // namespace doublecheck::model
