// What Relacy's searches of one model show, against what the catalogue expects of the model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "relacy_backend/suite.hpp"

namespace doublecheck::relacy {

// A place in the sources, relative to the source root ("impl/telemetry_emitter.hpp", 168).
struct Place {
  std::string file;
  std::uint32_t line = 0;
};

// Where Relacy stopped, in the model's sources: the file and line of its report's failing event
// ("DATA RACE ..., in f, /src/impl/telemetry_emitter.hpp(168)") and, for a data race, of the
// other thread's earlier access to the same address; a place in Relacy's own headers (a deadlock
// found as a thread ends, a livelock) is none.
std::vector<Place> failure_places(const Outcome& outcome);

struct Verdict {
  bool as_expected = false;
  std::string text;  // "pass (full search, 57,600 executions)", "DATA RACE at impl/...:168", ...
  std::optional<Place> place;
};

// The verdict of the searches run on a model, in order (the last one decides: a full search, then,
// when it ran out of its budget, the context-bound one): a passing model must pass a search that
// finished; a failing one must fail with the Relacy result of its expected kind, on one of its
// expected lines when it names some.
Verdict judge(const model::Expectation& expected, const std::vector<Outcome>& searches);

}  // namespace doublecheck::relacy
