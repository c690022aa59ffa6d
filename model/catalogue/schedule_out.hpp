// The explorer's executions as schedules for a replay on real threads (replay/schedule.hpp):
// `dc_model --schedules-out FILE` writes every counterexample's, and in random and PCT search
// every sampled execution's, so that replay/ can run the same interleaving under ThreadSanitizer.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/engine/explorer.hpp"
#include "replay/schedule.hpp"

namespace doublecheck::model {

// The schedule of one execution's steps (files relative to the source root).
replay::Schedule schedule_of(const std::string& model, const std::vector<StepRecord>& steps,
                             std::string origin, bool symptom);

// A counterexample's schedule: its steps, the failure and its token as origin, and for a data
// race the racing pair of accesses.
replay::Schedule schedule_of(const std::string& model, const Failure& failure, bool symptom);

}  // namespace doublecheck::model
