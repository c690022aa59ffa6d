// The emitter's properties P1-P6 (DESIGN.md), written once. Both checkers read them from here: the
// explorer's models (model/emitter/, through model::check) and the race suite (tests/race/, through
// GoogleTest), so a property cannot be strong in one checker and weak in the other.
//
// A property is a function of what the threads observed that returns the violation, if any, with
// its id and a message a person can act on ("P2 get_session_summary() while writers run is not the
// metrics of whole calls: ..."). It depends on the emitter's value types only, not on a checker.
//
// Decodable calls (P1-P3). Writers make the calls of a CallPlan, whose values identify them: in a
// plan of at most kMaxDecodableCalls calls, call k adds 2^k to bytes_in, 3 x 2^k to bytes_out and
// 5 x 2^k to duration_ms, and one call in three (k % 3 == 1, never one in two) is an error. So a
// snapshot's bytes_in names exactly the set of calls it counts, and every other counter (errors
// included) can be checked against that set: a counter updated or copied apart from the others,
// two counters swapped, or an inverted status test each give a snapshot that is not the metrics of
// any set of whole calls.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impl/event_format.hpp"

namespace doublecheck::properties {

enum class Property : std::uint8_t { kP1, kP2, kP3, kP4, kP5, kP6 };

std::string_view id(Property property);         // "P1"
std::string_view statement(Property property);  // DESIGN.md's sentence

// A broken property: which one, and what was seen instead.
struct Violation {
  Property property = Property::kP1;
  std::string message;
  // "P2 <message>": what a checker reports.
  [[nodiscard]] std::string text() const;
};

// nullopt when the property holds.
using Verdict = std::optional<Violation>;

// ---------------------------------------------------------------------------------------------
// P1-P3: the metrics.

// One call of a plan, with the arguments emit_tool_call gets.
struct PlannedCall {
  int writer = 0;
  int index = 0;  // the writer's calls in program order
  std::int64_t duration_ms = 0;
  std::int64_t bytes_in = 0;
  std::int64_t bytes_out = 0;
  bool error = false;
  [[nodiscard]] std::string_view status() const { return error ? "error" : "ok"; }
};

// `writers` threads that each make `calls` calls. Call k = writer * calls + index.
//
// Every call and the totals are worked out when the plan is made, not when asked for: a model
// makes, counts and checks its plan's calls in every execution it runs, and builds its plan once
// (model/emitter/), so the explorer's executions only read them.
class CallPlan {
 public:
  // bytes_in, bytes_out and duration_ms of every set of calls fit an int64 (5 x (2^60 - 1)).
  static constexpr int kMaxDecodableCalls = 60;

  // Throws std::invalid_argument unless writers >= 1 and calls >= 1.
  CallPlan(int writers, int calls);
  // A plan whose writers all make the same calls — threads that cannot be told apart, as the
  // explorer's symmetry reduction needs (model::symmetric_threads). Call c of every writer adds
  // B^c to bytes_in (B = writers + 1), so a snapshot's bytes_in, read in base B, says how many
  // writers made each call; whole prefixes mean those counts never grow from one call to the
  // next. Errors as in any plan: call c is one when c % 3 == 1.
  static CallPlan symmetric(int writers, int calls);
  [[nodiscard]] bool symmetric() const { return symmetric_; }

  [[nodiscard]] int writers() const { return writers_; }
  [[nodiscard]] int calls() const { return calls_; }
  [[nodiscard]] int size() const { return writers_ * calls_; }
  // Whether a snapshot can be decoded (each call has a bit of its own in bytes_in; in a symmetric
  // plan a digit). Larger plans give call k the values (k + 1, 3 (k + 1), 5 (k + 1)): distinct,
  // checkable after the join only.
  [[nodiscard]] bool decodable() const { return decodable_; }

  // Throws std::out_of_range for a call the plan does not have.
  [[nodiscard]] const PlannedCall& call(int writer, int index) const {
    if (writer < 0 || writer >= writers_ || index < 0 || index >= calls_) [[unlikely]] {
      no_such_call(writer, index);
    }
    return planned_[static_cast<std::size_t>(writer) * static_cast<std::size_t>(calls_) +
                    static_cast<std::size_t>(index)];
  }
  // The metrics after every call of the plan.
  [[nodiscard]] const Metrics& totals() const { return totals_; }
  // The metrics of exactly the calls whose bits `calls` has (decodable plans).
  [[nodiscard]] Metrics metrics_of(std::uint64_t calls) const;
  // Every call of the plan, one bit each (decodable plans).
  [[nodiscard]] std::uint64_t all_calls() const;

 private:
  // decodable() of a plan of this shape, worked out once: call() asks it every call, and a model
  // makes and checks its plan's calls in every execution it runs.
  static bool decodable_shape(int writers, int calls, bool symmetric);
  CallPlan(int writers, int calls, bool symmetric);
  // Call `index` of `writer`, from the plan's shape (what call() returns).
  [[nodiscard]] PlannedCall make_call(int writer, int index) const;
  // call()'s std::out_of_range, out of line: building its message in call() itself cost every
  // call a frame of its own.
  [[noreturn, gnu::cold]] void no_such_call(int writer, int index) const;

  int writers_;
  int calls_;
  bool symmetric_ = false;
  bool decodable_ = false;
  std::vector<PlannedCall> planned_;  // call k at k
  Metrics totals_;
};

// A planned call's metadata: none (null), one Json for every call, not a temporary built and
// destroyed by each of them (a model makes its plan's calls in every execution).
inline const Json kNoMetadata;

// Makes every call of `writer`'s share of `plan` on `emitter`, in order.
template <class Emitter>
void make_calls(Emitter& emitter, const CallPlan& plan, int writer) {
  for (int c = 0; c < plan.calls(); ++c) {
    const PlannedCall& call = plan.call(writer, c);
    emitter.emit_tool_call("planned_tool", call.status(), call.duration_ms, call.bytes_in,
                           call.bytes_out, call.error ? "planned error" : "", kNoMetadata);
  }
}

// P1 (get_session_summary) and P3 (the server_stop after the join): after every writer joined,
// each of the five counters is the exact sum over the plan's calls and `errors` counts exactly its
// status == "error" calls. `what` names the copy checked.
Verdict check_totals(Property property, const CallPlan& plan, const Metrics& metrics,
                     std::string_view what);

// P2 (get_session_summary) and P3 (server_stop), taken while writers run: the metrics of exactly
// a set of whole calls, that set a prefix of each writer's calls, all five counters agreeing with
// it. Throws std::logic_error for a plan that is not decodable (a bug in the test, not the code).
Verdict check_snapshot(Property property, const CallPlan& plan, const Metrics& metrics,
                       std::string_view what);

// The metrics a server_stop event carries (its "metrics" object).
Metrics metrics_of_event(const Json& event);

// P2/P3: a later snapshot by the same reader counts every call an earlier one counted.
Verdict check_snapshots_grow(Property property, const CallPlan& plan, const Metrics& earlier,
                             const Metrics& later, std::string_view what);

// ---------------------------------------------------------------------------------------------
// P4, P5: the global emitter.

// What one caller of init_telemetry() (or get_telemetry()) saw of the emitter it was handed.
struct Seen {
  const void* instance = nullptr;  // null: get_telemetry() returned nothing
  std::string session_id;
  bool enabled = false;
  std::filesystem::path output_dir;
};

// P4: every concurrent caller got the same instance, with one session id and the configuration of
// the one call whose emitter was built; exactly one emitter was *constructed* (constructor or
// factory runs, not emitters kept), whatever the callers passed.
Verdict check_single_instance(std::span<const Seen> callers, std::size_t constructor_runs,
                              const std::filesystem::path& constructed_with);

// P5: a get_telemetry() racing init_telemetry() saw nothing, or the instance init returned, fully
// constructed (its session id, `enabled` and configuration as init's caller saw them).
Verdict check_published(const Seen& getter, const Seen& initialised);

}  // namespace doublecheck::properties
