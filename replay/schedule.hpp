// A schedule: the order in which the threads of one execution of a model took their visible
// operations (the explorer's decision steps), written by the explorer (dc_model --schedule-out,
// --schedules-out) and followed on real threads by the scheduled policy (scheduled_sync.hpp).
//
// The text format, one schedule after another in a file:
//
//   schedule snapshot/unlocked_snapshot/2w1+1r
//   origin counterexample of data race, replay token 1.2.0
//   symptom 0
//   race impl/telemetry_emitter.hpp:138 impl/telemetry_emitter.hpp:171
//   step 1 lock impl/telemetry_emitter.hpp:170
//   step 2 load impl/variants/relaxed_dcl.hpp:20
//   end
//
// `step <thread> <kind> <file>:<line>`: thread 0 is the body's own, 1.. in the order they were
// spawned; kind is the explorer's verb (lock, unlock, try_lock, load, store, rmw, fence, yield,
// call_once, ...); file is relative to the source root. `race` (optional) is the pair of accesses
// the explorer reported, earlier first. `symptom 1`: plain Shared accesses were steps too.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace doublecheck::replay {

struct Place {
  std::string file;  // relative to the source root (or as the compiler spelled it)
  std::uint32_t line = 0;

  [[nodiscard]] std::string text() const { return file + ":" + std::to_string(line); }
  friend bool operator==(const Place&, const Place&) = default;
};

struct ScheduledStep {
  std::uint32_t thread = 0;
  std::string kind;
  Place place;
  friend bool operator==(const ScheduledStep&, const ScheduledStep&) = default;
};

struct Schedule {
  std::string model;   // the registry's name of the model it belongs to
  std::string origin;  // one line for a person: "counterexample ...", "random seed 3, execution 9"
  bool symptom = false;
  std::optional<std::pair<Place, Place>> race;  // the explorer's racing pair, earlier first
  std::vector<ScheduledStep> steps;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// Appends `schedule` in the text format above.
void write_schedule(std::ostream& out, const Schedule& schedule);

// Every schedule of `in`. Throws std::invalid_argument naming the line ("<name>:12: ...") when
// the text is not a schedule; an input with no schedule at all is an error too.
std::vector<Schedule> read_schedules(std::istream& in, const std::string& name);
// The same from a file; std::runtime_error when it cannot be read.
std::vector<Schedule> read_schedule_file(const std::string& path);

// True when `compiled` (a path as the compiler spelled it) names `relative` (relative to some
// source root): equal, or ending in "/<relative>".
bool same_file(std::string_view compiled, std::string_view relative);

}  // namespace doublecheck::replay
