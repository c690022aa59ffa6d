// The bounds on the emitter's input (issue 14): JSON nested deeper than kMaxJsonDepth is refused
// before anything changes, and no depth crashes the process; a call that would overflow a total is
// refused before anything changes, and no total overflows.
#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "impl/json_limits.hpp"
#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"

namespace doublecheck {
namespace {

using testing_support::only_file_in;
using testing_support::read_lines;
using testing_support::TempDir;

// Far past any stack: the depth at which the old emitter died in nlohmann's recursive dump().
constexpr std::size_t kFiftyThousand = 50'000;

enum class Nesting { kObjects, kArrays, kAlternating };
constexpr std::array kNestings{Nesting::kObjects, Nesting::kArrays, Nesting::kAlternating};

const char* name_of(Nesting nesting) {
  switch (nesting) {
    case Nesting::kObjects:
      return "objects in objects";
    case Nesting::kArrays:
      return "arrays in an object";
    case Nesting::kAlternating:
      return "arrays and objects alternating";
  }
  return "?";
}

// An object (what the emitter accepts) whose deepest path is `depth` levels of `nesting`, with a
// shallow member before it and a scalar at its bottom. Built in place, one level at a time: no
// copy of a deep value (a copy recurses) is ever made.
Json nested(std::size_t depth, Nesting nesting) {
  Json root = Json::object();
  root["shallow"] = "first";
  Json* innermost = &root;
  for (std::size_t level = 2; level <= depth; ++level) {
    const bool array =
        nesting == Nesting::kArrays || (nesting == Nesting::kAlternating && level % 2 == 0);
    Json next = array ? Json::array() : Json::object();
    if (innermost->is_array()) {
      innermost->push_back(std::move(next));
      innermost = &innermost->back();
    } else {
      innermost = &((*innermost)["deeper"] = std::move(next));
    }
  }
  if (innermost->is_array()) {
    innermost->push_back(1);
  } else {
    (*innermost)["bottom"] = 1;
  }
  return root;
}

// Runs `body` on a thread whose stack is 256 KiB and waits for it. Any recursion over tens of
// thousands of levels overflows that stack (the default 8 MiB might survive a lean one), so a
// body that passes here walks its JSON iteratively.
template <class Body>
void run_on_a_small_stack(Body body) {
  constexpr std::size_t kStackBytes = std::size_t{256} * 1024;
  pthread_attr_t attributes;
  ASSERT_EQ(::pthread_attr_init(&attributes), 0);
  ASSERT_EQ(::pthread_attr_setstacksize(&attributes, kStackBytes), 0);
  pthread_t thread{};
  const auto run = [](void* argument) -> void* {
    (*static_cast<Body*>(argument))();
    return nullptr;
  };
  const int created = ::pthread_create(&thread, &attributes, run, &body);
  ::pthread_attr_destroy(&attributes);
  ASSERT_EQ(created, 0);
  ASSERT_EQ(::pthread_join(thread, nullptr), 0);
}

// Which argument of which call carries the JSON.
enum class Argument { kMetadata, kClientInfo };

void emit_with(TelemetryEmitter& emitter, Argument argument, const Json& value) {
  if (argument == Argument::kMetadata) {
    emitter.emit_tool_call("tool", "ok", 1, 2, 3, "", value);
  } else {
    emitter.emit_handshake(4, true, value);
  }
}

std::string_view name_of(Argument argument) {
  return argument == Argument::kMetadata ? "metadata" : "client_info";
}

// For every nesting: a value exactly kMaxJsonDepth deep is accepted, and its event holds it whole.
void expect_accepted_at_the_limit(Argument argument) {
  for (const Nesting nesting : kNestings) {
    SCOPED_TRACE(name_of(nesting));
    const TempDir dir;
    TelemetryEmitter emitter(true, dir.path());
    const Json value = nested(kMaxJsonDepth, nesting);
    ASSERT_FALSE(nests_deeper_than(value, kMaxJsonDepth)) << "the test's value is too deep";
    ASSERT_TRUE(nests_deeper_than(value, kMaxJsonDepth - 1)) << "the test's value is too shallow";
    ASSERT_NO_THROW(emit_with(emitter, argument, value));

    const auto lines = read_lines(only_file_in(dir.path()));
    ASSERT_EQ(lines.size(), 1U);
    const Json event = Json::parse(lines[0]);
    const std::string key = argument == Argument::kMetadata ? "metadata" : "client_info";
    // EXPECT_TRUE, not EXPECT_EQ: a failure would print both values, 128 levels each.
    EXPECT_TRUE(event.at(key) == value) << key << " was not written whole";
  }
}

// For every nesting: a value `depth` levels deep is refused with std::invalid_argument naming the
// argument and the limit, on a small stack (so nothing on the way recurses per level), and the
// metrics and the file are as they were after one good call.
void expect_rejected_before_any_change(Argument argument, std::size_t depth) {
  for (const Nesting nesting : kNestings) {
    SCOPED_TRACE(name_of(nesting));
    const TempDir dir;
    TelemetryEmitter emitter(true, dir.path());
    emitter.emit_tool_call("good", "error", 5, 6, 7);
    const Metrics before = emitter.get_session_summary().metrics;
    const Json value = nested(depth, nesting);

    run_on_a_small_stack([&] {
      try {
        emit_with(emitter, argument, value);
        ADD_FAILURE() << name_of(argument) << " " << depth << " deep was accepted";
      } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(name_of(argument)), std::string::npos) << message;
        EXPECT_NE(message.find(std::to_string(kMaxJsonDepth)), std::string::npos) << message;
      }
    });

    EXPECT_EQ(emitter.get_session_summary().metrics, before)
        << "a refused call changed the metrics";
    EXPECT_EQ(read_lines(only_file_in(dir.path())).size(), 1U) << "a refused call wrote an event";
  }
}

TEST(EmitterInput, MetadataExactlyAtTheDepthLimitIsAcceptedAndWrittenWhole) {
  expect_accepted_at_the_limit(Argument::kMetadata);
}

TEST(EmitterInput, ClientInfoExactlyAtTheDepthLimitIsAcceptedAndWrittenWhole) {
  expect_accepted_at_the_limit(Argument::kClientInfo);
}

TEST(EmitterInput, MetadataOneLevelDeeperThanTheLimitIsRejectedBeforeAnyChange) {
  expect_rejected_before_any_change(Argument::kMetadata, kMaxJsonDepth + 1);
}

TEST(EmitterInput, ClientInfoOneLevelDeeperThanTheLimitIsRejectedBeforeAnyChange) {
  expect_rejected_before_any_change(Argument::kClientInfo, kMaxJsonDepth + 1);
}

TEST(EmitterInput, MetadataNestedFiftyThousandDeepIsRejectedWithoutACrash) {
  expect_rejected_before_any_change(Argument::kMetadata, kFiftyThousand);
}

TEST(EmitterInput, ClientInfoNestedFiftyThousandDeepIsRejectedWithoutACrash) {
  expect_rejected_before_any_change(Argument::kClientInfo, kFiftyThousand);
}

TEST(EmitterInput, TooDeepInputIsRejectedByADisabledEmitterToo) {
  const TempDir dir;
  TelemetryEmitter emitter(false, dir.path());
  const Json value = nested(kMaxJsonDepth + 1, Nesting::kObjects);
  EXPECT_THROW(emit_with(emitter, Argument::kMetadata, value), std::invalid_argument);
  EXPECT_THROW(emit_with(emitter, Argument::kClientInfo, value), std::invalid_argument);
}

TEST(JsonDepth, ScalarsAreNoLevelAndEveryArrayOrObjectIsOne) {
  EXPECT_FALSE(nests_deeper_than(Json(7), 0));
  EXPECT_FALSE(nests_deeper_than(Json(), 0)) << "null";
  EXPECT_TRUE(nests_deeper_than(Json::object(), 0));
  EXPECT_FALSE(nests_deeper_than(Json::object(), 1));
  EXPECT_FALSE(nests_deeper_than(Json{{"a", 1}, {"b", "text"}}, 1));
  const Json two = {{"a", Json::array({1, 2})}};
  EXPECT_TRUE(nests_deeper_than(two, 1));
  EXPECT_FALSE(nests_deeper_than(two, 2));
  EXPECT_TRUE(nests_deeper_than(Json::array({Json::object()}), 1)) << "an empty object counts";
}

TEST(JsonDepth, TheDeepestPathCountsWhereverItIs) {
  for (const Nesting nesting : kNestings) {
    SCOPED_TRACE(name_of(nesting));
    Json last = Json::array({1, Json::object(), "x"});
    last.push_back(nested(5, nesting));  // the deepest path: the last element, 1 + 5 levels
    EXPECT_TRUE(nests_deeper_than(last, 5));
    EXPECT_FALSE(nests_deeper_than(last, 6));
    Json middle = Json::object();
    middle["a"] = 1;
    middle["deep"] = std::move(last);  // 1 + 6
    middle["z"] = Json::array();
    EXPECT_TRUE(nests_deeper_than(middle, 6));
    EXPECT_FALSE(nests_deeper_than(middle, 7));
  }
}

TEST(JsonDepth, AFiftyThousandDeepValueIsMeasuredAndDestroyedWithoutRecursion) {
  for (const Nesting nesting : kNestings) {
    SCOPED_TRACE(name_of(nesting));
    Json value = nested(kFiftyThousand, nesting);
    run_on_a_small_stack([&] {
      // Unbounded here, so the walk goes all the way down and back.
      EXPECT_TRUE(nests_deeper_than(value, kFiftyThousand - 1));
      EXPECT_FALSE(nests_deeper_than(value, kFiftyThousand));
      // nlohmann 3.11's destructor moves the children to a heap stack; a recursive one would
      // overflow this stack (and the tests above, which destroy such values, with it).
      value = Json();
    });
  }
}

// ---- totals -------------------------------------------------------------------------------------

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// The three totals a single call can push to INT64_MAX. tool_calls and errors grow by one per
// call: reaching INT64_MAX would take 2^63 calls, so the emitter's check on them is only reached
// through total_after (tested below on their names), not through a test of the whole emitter.
struct Total {
  const char* name;
  std::int64_t Metrics::*field;
  std::int64_t duration_ms, bytes_in, bytes_out;  // a call putting `amount` into this total only
};

std::array<Total, 3> totals_of(std::int64_t amount) {
  return {{{"total_duration_ms", &Metrics::total_duration_ms, amount, 0, 0},
           {"total_bytes_in", &Metrics::total_bytes_in, 0, amount, 0},
           {"total_bytes_out", &Metrics::total_bytes_out, 0, 0, amount}}};
}

void emit_into(TelemetryEmitter& emitter, const Total& total, const char* status = "ok") {
  emitter.emit_tool_call("tool", status, total.duration_ms, total.bytes_in, total.bytes_out);
}

TEST(EmitterTotals, ATotalMayReachExactlyInt64Max) {
  const auto most = totals_of(kMax - 1);
  const auto one = totals_of(1);
  for (std::size_t i = 0; i < most.size(); ++i) {
    SCOPED_TRACE(most[i].name);
    const TempDir dir;
    TelemetryEmitter emitter(true, dir.path());
    emit_into(emitter, most[i]);
    ASSERT_NO_THROW(emit_into(emitter, one[i]));
    EXPECT_EQ(emitter.get_session_summary().metrics.*most[i].field, kMax);
    EXPECT_EQ(read_lines(only_file_in(dir.path())).size(), 2U);
  }
}

// The case: two calls of INT64_MAX. The second is refused with std::overflow_error naming
// the total; all five metrics and the file stay as the first call left them. (The old code added
// anyway: signed overflow, UB that UBSan aborts on in the asan preset, and a total of -2.)
TEST(EmitterTotals, ACallThatWouldOverflowAnyTotalIsRefusedBeforeAnyChange) {
  for (const Total& total : totals_of(kMax)) {
    SCOPED_TRACE(total.name);
    const TempDir dir;
    TelemetryEmitter emitter(true, dir.path());
    emit_into(emitter, total, "error");
    const Metrics before = emitter.get_session_summary().metrics;
    ASSERT_EQ(before.*total.field, kMax);
    try {
      // Every total but this one has room: an error call that would count in all five.
      emit_into(emitter, total, "error");
      ADD_FAILURE() << "the second INT64_MAX was counted";
    } catch (const std::overflow_error& error) {
      EXPECT_NE(std::string(error.what()).find(total.name), std::string::npos) << error.what();
    }
    EXPECT_EQ(emitter.get_session_summary().metrics, before) << "a refused call changed a metric";
    EXPECT_EQ(read_lines(only_file_in(dir.path())).size(), 1U) << "a refused call wrote an event";
    emitter.emit_tool_call("after", "ok", 0, 0, 0);
    EXPECT_EQ(emitter.get_session_summary().metrics.tool_calls, 2) << "the emitter is still usable";
  }
}

TEST(EmitterTotals, TotalAfterRefusesEverySumPastInt64MaxNamingTheMetric) {
  EXPECT_EQ(total_after(kMax - 1, 1, "tool_calls"), kMax);
  EXPECT_EQ(total_after(kMax, 0, "errors"), kMax);
  for (const char* metric : {"tool_calls", "errors", "total_duration_ms"}) {
    try {
      (void)total_after(kMax, 1, metric);
      ADD_FAILURE() << metric << ": INT64_MAX + 1 was not refused";
    } catch (const std::overflow_error& error) {
      EXPECT_NE(std::string(error.what()).find(metric), std::string::npos) << error.what();
    }
  }
  EXPECT_THROW((void)total_after(kMax / 2 + 1, kMax / 2 + 1, "total_bytes_in"),
               std::overflow_error);
}

}  // namespace
}  // namespace doublecheck
