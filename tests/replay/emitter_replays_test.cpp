// Every emitter model's interleavings, replayed on real threads (in this build without TSan: the
// gate's mechanics; the tsan build's replay_control.py tests add TSan's judgement): each
// counterexample's schedule and a sample of each fix's executions are followed to their end, and
// a counterexample of a broken property breaks the same property on real threads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/catalogue/schedule_out.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/explorer.hpp"
#include "replay/gate.hpp"

namespace doublecheck::replay {
namespace {

using model::ExploreOptions;
using model::FailureKind;
using model::ModelSpec;

// The options the explorer's schedules for a replay are made under (tsan/replay_control.py's).
ExploreOptions replay_options(const ModelSpec& spec) {
  ExploreOptions options = spec.options;
  options.memory_model = model::MemoryModel::kSc;
  options.jobs = 1;
  return options;
}

Outcome replay(const Schedule& schedule) {
  const ModelSpec* spec = model::emitter_replays().find(schedule.model);
  EXPECT_NE(spec, nullptr) << schedule.model << " has no replay of the same name";
  if (spec == nullptr) return {};
  Gate gate(schedule, GateMode::kInvisible, std::chrono::seconds(10));
  spec->body();
  gate.body_done();
  return gate.outcome();
}

TEST(EmitterReplays, EveryModelHasItsReplayByTheSameName) {
  const auto& models = model::emitter_models().models();
  ASSERT_EQ(models.size(), model::emitter_replays().models().size());
  for (const ModelSpec& spec : models) {
    EXPECT_NE(model::emitter_replays().find(spec.name), nullptr) << spec.name;
  }
}

TEST(EmitterReplays, EveryCounterexampleIsFollowedAndABrokenCheckBreaksOnRealThreadsToo) {
  int replayed = 0;
  int checks_reproduced = 0;
  for (const ModelSpec& spec : model::emitter_models().models()) {
    const ExploreOptions options = replay_options(spec);
    const auto result = model::Explorer(options).run(spec.name, spec.body);
    for (const model::Failure& failure : result.failures) {
      const Schedule schedule = model::schedule_of(spec.name, failure, options.symptom_mode);
      const Outcome outcome = replay(schedule);
      ++replayed;
      EXPECT_TRUE(outcome.followed_all())
          << spec.name << " (" << schedule.origin << "): " << outcome.divergence;
      if (failure.kind == FailureKind::kAssertion) {
        // The explorer stops at the failed check; the replay's threads run on to their end, so
        // the same check fails (and perhaps later ones too).
        bool same = false;
        for (const std::string& failed : outcome.failed_checks) {
          same |= failed.find(failure.message.substr(0, 40)) != std::string::npos;
        }
        EXPECT_TRUE(same) << spec.name << ": the model's failed check '" << failure.message
                          << "' did not fail on real threads";
        checks_reproduced += same ? 1 : 0;
      }
    }
  }
  EXPECT_GE(replayed, 20);  // every negative control's counterexample, and the teaching models'
  EXPECT_GE(checks_reproduced, 3);  // the lost update, the torn snapshot, two instances
}

TEST(EmitterReplays, SampledExecutionsOfTheFixesAreFollowedWithEveryCheckHolding) {
  int replayed = 0;
  for (const ModelSpec& spec : model::emitter_models().models()) {
    if (!spec.expected.pass) continue;
    ExploreOptions options = replay_options(spec);
    options.search = model::Search::kRandom;
    options.iterations = 10;
    std::vector<Schedule> schedules;
    options.on_execution = [&](const std::vector<model::StepRecord>& steps,
                               const std::string& origin) {
      schedules.push_back(model::schedule_of(spec.name, steps, origin, options.symptom_mode));
    };
    ASSERT_TRUE(model::Explorer(options).run(spec.name, spec.body).passed()) << spec.name;
    ASSERT_FALSE(schedules.empty()) << spec.name;
    for (const Schedule& schedule : schedules) {
      const Outcome outcome = replay(schedule);
      ++replayed;
      EXPECT_TRUE(outcome.followed_all()) << spec.name << ": " << outcome.divergence;
      EXPECT_TRUE(outcome.failed_checks.empty())
          << spec.name << ": " << outcome.failed_checks.front();
    }
  }
  EXPECT_GE(replayed, 100);
}

}  // namespace
}  // namespace doublecheck::replay
