#include "model/catalogue/schedule_out.hpp"

#include <utility>

#include "model/engine/source_path.hpp"

namespace doublecheck::model {
namespace {

replay::Place place_of(const SourceLoc& loc) {
  return replay::Place{std::string(relative_path(loc.file)), loc.line};
}

}  // namespace

replay::Schedule schedule_of(const std::string& model, const std::vector<StepRecord>& steps,
                             std::string origin, bool symptom) {
  replay::Schedule schedule;
  schedule.model = model;
  schedule.origin = std::move(origin);
  schedule.symptom = symptom;
  schedule.steps.reserve(steps.size());
  for (const StepRecord& step : steps) {
    schedule.steps.push_back(
        replay::ScheduledStep{step.thread, std::string(op_name(step.kind)), place_of(step.loc)});
  }
  return schedule;
}

replay::Schedule schedule_of(const std::string& model, const Failure& failure, bool symptom) {
  std::string origin = "counterexample: " + std::string(kind_name(failure.kind));
  if (!failure.replay_token.empty()) origin += ", replay token " + failure.replay_token;
  replay::Schedule schedule = schedule_of(model, failure.schedule, std::move(origin), symptom);
  if (failure.kind == FailureKind::kDataRace && failure.accesses.size() >= 2) {
    schedule.race = std::pair{place_of(failure.accesses[0].loc), place_of(failure.accesses[1].loc)};
  }
  return schedule;
}

}  // namespace doublecheck::model
