// What the explorer finds: the kinds of failure and the report of one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/source_path.hpp"
#include "model/engine/trace.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

enum class FailureKind : std::uint8_t {
  kAssertion,          // a model check() was false
  kDataRace,           // two accesses of one object, one a write (or its destruction), unordered
  kUseAfterFree,       // an object used after its destruction, or destroyed while held (a mutex)
  kDeadlock,           // every live thread blocked
  kRelock,             // a thread locked a non-recursive mutex it holds
  kUnlockNotOwner,     // unlock by a thread that does not hold the mutex
  kThreadNotJoined,    // a model thread's handle went away without join()
  kUncaughtException,  // an exception escaped a model thread
  kStepBoundExceeded,  // an infinite loop (or a livelock fair spinning cannot see)
  kLivelock,           // every live thread spins without effect or is blocked
  kCrash,              // a fatal signal in a model thread: a bad access, a stack overflow, abort()
  kUsageError,         // the model misuses the explorer (too many threads, nondeterminism, ...)
};

// Every kind, for tables that look one up by its name.
inline constexpr std::array kFailureKinds{
    FailureKind::kAssertion,
    FailureKind::kDataRace,
    FailureKind::kUseAfterFree,
    FailureKind::kDeadlock,
    FailureKind::kRelock,
    FailureKind::kUnlockNotOwner,
    FailureKind::kThreadNotJoined,
    FailureKind::kUncaughtException,
    FailureKind::kStepBoundExceeded,
    FailureKind::kLivelock,
    FailureKind::kCrash,
    FailureKind::kUsageError,
};

// The name a report and verify.json use: "data race", "deadlock", ...
std::string_view kind_name(FailureKind kind);
// The kind `kind_name` names so (a report read back: dc_model --merge, the matrix), if any.
std::optional<FailureKind> kind_named(std::string_view name);

// One side of a data race, or the place of any other failure.
struct Access {
  ThreadId thread = 0;
  bool write = false;
  SourceLoc loc;
  std::uint32_t step = 0;  // the trace row of the access
};

struct Failure {
  FailureKind kind = FailureKind::kAssertion;
  std::string message;           // one line, for a person
  std::string object;            // data race: the variable; deadlock: "" ; relock: the mutex
  std::vector<Access> accesses;  // data race: the earlier and the later access; else the place
  // Filled in for the report of the counterexample:
  std::string replay_token;  // runs exactly this interleaving again (--replay / DC_REPLAY)
  std::uint32_t preemptions = 0;
  std::uint64_t execution = 0;       // which execution found it (1-based)
  std::uint64_t occurrences = 1;     // keep-going: executions that hit the same failure
  std::string found_by;              // random and PCT search: "random seed 7, iteration 41"
  std::string trace;                 // the interleaving, one column per thread
  std::vector<TraceEvent> events;    // the same interleaving, one event a row (for reports)
  std::uint32_t threads = 0;         // how many threads the interleaving has
  std::vector<StepRecord> schedule;  // every step of the interleaving (a replay's schedule)

  static Failure make(FailureKind kind, std::string message, std::string object = {},
                      std::vector<Access> accesses = {}) {
    Failure failure;
    failure.kind = kind;
    failure.message = std::move(message);
    failure.object = std::move(object);
    failure.accesses = std::move(accesses);
    return failure;
  }

  // Failures are "the same" (keep-going groups them) when kind and source lines agree.
  [[nodiscard]] std::string signature() const;
  // "file:line" of the last access: the racing line of a race (its later access), where the
  // execution stopped otherwise.
  [[nodiscard]] std::string location() const;
};

}  // namespace doublecheck::model
