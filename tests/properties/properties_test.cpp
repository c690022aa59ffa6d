// The properties of properties/ on inputs that could break them: each check holds on the metrics
// of whole calls and fails, naming its property, on every kind of broken copy a fix-breaking edit
// produces (a counter left out of the set, two swapped, an inverted status test, a lost update, a
// set that is not a prefix of a writer's calls, an extra or missing constructor run).
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "properties/emitter_properties.hpp"

namespace doublecheck::properties {
namespace {

// The bits of the first `j` calls of each writer w (counts[w] = j).
std::uint64_t prefix_calls(const CallPlan& plan, const std::vector<int>& counts) {
  std::uint64_t calls = 0;
  for (int w = 0; w < plan.writers(); ++w) {
    for (int c = 0; c < counts[static_cast<std::size_t>(w)]; ++c) {
      calls |= std::uint64_t{1} << (w * plan.calls() + c);
    }
  }
  return calls;
}

std::string text(const Verdict& verdict) { return verdict ? verdict->text() : "holds"; }

TEST(CallPlan, OneCallInThreeIsAnErrorNeverOneInTwo) {
  for (int n = 3; n <= CallPlan::kMaxDecodableCalls; ++n) {
    const CallPlan plan(1, n);
    const std::int64_t errors = plan.totals().errors;
    EXPECT_GT(errors, 0) << n;
    EXPECT_NE(2 * errors, n) << "an inverted status test would count the same for " << n;
  }
  EXPECT_EQ(CallPlan(2, 1).totals().errors, 1) << "two calls are mixed";
}

TEST(CallPlan, EveryCallOfADecodablePlanHasABitOfItsOwn) {
  const CallPlan plan(4, 15);
  ASSERT_TRUE(plan.decodable());
  std::uint64_t seen = 0;
  for (int w = 0; w < plan.writers(); ++w) {
    for (int c = 0; c < plan.calls(); ++c) {
      const PlannedCall call = plan.call(w, c);
      const auto bit = static_cast<std::uint64_t>(call.bytes_in);
      EXPECT_EQ(bit & (bit - 1), 0U) << "bytes_in of a call is a power of two";
      EXPECT_EQ(seen & bit, 0U) << "two calls share a bit";
      seen |= bit;
      EXPECT_EQ(call.bytes_out, 3 * call.bytes_in);
      EXPECT_EQ(call.duration_ms, 5 * call.bytes_in);
    }
  }
  EXPECT_EQ(plan.metrics_of(plan.all_calls()), plan.totals());
}

TEST(CallPlan, LargerPlansHaveDistinctValuesAndFitAnInt64) {
  const CallPlan plan(100, 1);
  EXPECT_FALSE(plan.decodable());
  EXPECT_EQ(plan.totals().tool_calls, 100);
  EXPECT_EQ(plan.totals().total_bytes_in, 100 * 101 / 2);
  EXPECT_THROW((void)plan.metrics_of(1), std::logic_error);
  const CallPlan biggest(1, CallPlan::kMaxDecodableCalls);
  EXPECT_GT(biggest.totals().total_duration_ms, 0) << "5 x (2^60 - 1) must not overflow";
}

TEST(CallPlan, RejectsAnEmptyPlanAndACallItDoesNotHave) {
  EXPECT_THROW(CallPlan(0, 1), std::invalid_argument);
  EXPECT_THROW(CallPlan(1, 0), std::invalid_argument);
  EXPECT_THROW((void)CallPlan(2, 2).call(2, 0), std::out_of_range);
}

TEST(P1Totals, HoldOnTheExactSumAndNameEveryWrongCounter) {
  const CallPlan plan(3, 2);
  EXPECT_FALSE(check_totals(Property::kP1, plan, plan.totals(), "summary"));
  Metrics lost = plan.totals();
  lost.total_bytes_out -= plan.call(1, 1).bytes_out;  // one call's bytes_out lost
  const Verdict verdict = check_totals(Property::kP1, plan, lost, "summary");
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->property, Property::kP1);
  EXPECT_NE(verdict->text().find("P1 summary"), std::string::npos) << verdict->text();
  EXPECT_NE(verdict->text().find("total_bytes_out="), std::string::npos) << verdict->text();
}

TEST(P1Totals, CatchAnInvertedStatusTest) {
  const CallPlan plan(2, 2);
  Metrics inverted = plan.totals();
  inverted.errors = plan.size() - inverted.errors;  // status != "error" counted instead
  EXPECT_TRUE(check_totals(Property::kP1, plan, inverted, "summary"));
}

// Each counter taken from `now`, the others from `old`: the five torn copies of a snapshot.
std::vector<Metrics> torn_copies(const Metrics& old, const Metrics& now) {
  std::vector<Metrics> torn(5, old);
  torn[0].tool_calls = now.tool_calls;
  torn[1].total_bytes_in = now.total_bytes_in;
  torn[2].total_bytes_out = now.total_bytes_out;
  torn[3].total_duration_ms = now.total_duration_ms;
  torn[4].errors = now.errors;
  return torn;
}

TEST(P2Snapshot, HoldsOnEveryPrefixOfEveryWriter) {
  const CallPlan plan(3, 2);
  for (int a = 0; a <= 2; ++a) {
    for (int b = 0; b <= 2; ++b) {
      for (int c = 0; c <= 2; ++c) {
        const Metrics m = plan.metrics_of(prefix_calls(plan, {a, b, c}));
        EXPECT_FALSE(check_snapshot(Property::kP2, plan, m, "snapshot"))
            << a << b << c << ": " << text(check_snapshot(Property::kP2, plan, m, "snapshot"));
      }
    }
  }
}

TEST(P2Snapshot, CatchesEachCounterCopiedApartFromTheOthers) {
  const CallPlan plan(2, 2);
  const std::uint64_t before = prefix_calls(plan, {1, 1});
  const std::uint64_t after = prefix_calls(plan, {1, 2});        // writer 1's call 1 (an ok call)
  const std::uint64_t after_error = prefix_calls(plan, {2, 1});  // writer 0's call 1: the error
  ASSERT_TRUE(plan.call(0, 1).error);
  for (const std::uint64_t later : {after, after_error}) {
    const Metrics old = plan.metrics_of(before);
    const Metrics now = plan.metrics_of(later);
    const std::vector<Metrics> torn = torn_copies(old, now);
    for (std::size_t i = 0; i < torn.size(); ++i) {
      if (torn[i] == old) continue;  // that call did not change this counter (errors of an ok)
      const Verdict verdict = check_snapshot(Property::kP2, plan, torn[i], "snapshot");
      EXPECT_TRUE(verdict) << "counter " << i << " torn, not caught";
    }
  }
  Metrics errors_only = plan.metrics_of(before);
  errors_only.errors += 1;
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, errors_only, "snapshot"))
      << "an errors counter apart from its call must be caught";
}

TEST(P2Snapshot, CatchesSwappedCountersAndAnInvertedStatusTest) {
  const CallPlan plan(2, 2);
  Metrics m = plan.metrics_of(prefix_calls(plan, {2, 1}));
  std::swap(m.total_bytes_in, m.total_bytes_out);
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, m, "snapshot"));
  Metrics inverted = plan.metrics_of(prefix_calls(plan, {2, 2}));
  inverted.errors = inverted.tool_calls - inverted.errors;
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, inverted, "snapshot"));
}

TEST(P2Snapshot, CatchesASetThatIsNotAPrefixOfAWritersCalls) {
  const CallPlan plan(2, 3);
  // Writer 0's call 1 counted without its call 0 (a lost update of call 0).
  const Metrics m = plan.metrics_of(std::uint64_t{1} << 1);
  const Verdict verdict = check_snapshot(Property::kP3, plan, m, "the stop event");
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->property, Property::kP3);
  EXPECT_NE(verdict->message.find("not a prefix of writer 0"), std::string::npos)
      << verdict->message;
}

TEST(P2Snapshot, CatchesBytesThatAreNoSumOfTheCalls) {
  const CallPlan plan(1, 2);
  Metrics m;
  m.total_bytes_in = 8;  // a bit the plan has no call for
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, m, "snapshot"));
  m.total_bytes_in = -1;
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, m, "snapshot"));
  EXPECT_THROW((void)check_snapshot(Property::kP2, CallPlan(100, 1), Metrics{}, "snapshot"),
               std::logic_error);
}

TEST(P2Snapshot, ASnapshotThatLosesACallOfAnEarlierOneWentBackwards) {
  const CallPlan plan(2, 2);
  const Metrics earlier = plan.metrics_of(prefix_calls(plan, {1, 1}));
  const Metrics later = plan.metrics_of(prefix_calls(plan, {2, 0}));
  EXPECT_FALSE(check_snapshots_grow(Property::kP2, plan, earlier, plan.totals(), "reader"));
  const Verdict verdict = check_snapshots_grow(Property::kP3, plan, earlier, later, "stops");
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->property, Property::kP3);
}

// `m` with `call` counted once more, as record_call() counts it.
Metrics counted(Metrics m, const PlannedCall& call) {
  m.tool_calls += 1;
  m.total_bytes_in += call.bytes_in;
  m.total_bytes_out += call.bytes_out;
  m.total_duration_ms += call.duration_ms;
  m.errors += call.error ? 1 : 0;
  return m;
}

// The metrics of a symmetric plan after writer w made its first made[w] calls.
Metrics symmetric_prefixes(const CallPlan& plan, const std::vector<int>& made) {
  Metrics m;
  for (const int calls : made) {
    for (int c = 0; c < calls; ++c) m = counted(m, plan.call(0, c));
  }
  return m;
}

TEST(SymmetricPlan, GivesEveryWriterTheSameCallsAndMixesErrors) {
  const CallPlan plan = CallPlan::symmetric(4, 3);
  ASSERT_TRUE(plan.symmetric() && plan.decodable());
  for (int w = 1; w < plan.writers(); ++w) {
    for (int c = 0; c < plan.calls(); ++c) {
      EXPECT_EQ(plan.call(w, c).bytes_in, plan.call(0, c).bytes_in);
      EXPECT_EQ(plan.call(w, c).error, plan.call(0, c).error);
    }
  }
  EXPECT_TRUE(plan.call(0, 1).error && !plan.call(0, 0).error) << "ok and error mixed";
  EXPECT_EQ(plan.totals(), symmetric_prefixes(plan, {3, 3, 3, 3}));
  EXPECT_FALSE(CallPlan::symmetric(15, 40).decodable()) << "15^40 does not fit an int64";
}

TEST(SymmetricPlan, SnapshotsHoldOnEveryPrefixOfEveryWriter) {
  const CallPlan plan = CallPlan::symmetric(3, 2);
  for (int a = 0; a <= 2; ++a) {
    for (int b = 0; b <= 2; ++b) {
      for (int c = 0; c <= 2; ++c) {
        const Metrics m = symmetric_prefixes(plan, {a, b, c});
        EXPECT_FALSE(check_snapshot(Property::kP2, plan, m, "snapshot"))
            << a << b << c << ": " << text(check_snapshot(Property::kP2, plan, m, "snapshot"));
      }
    }
  }
}

TEST(SymmetricPlan, SnapshotsCatchEachCounterTornASwapAndAnInvertedStatusTest) {
  const CallPlan plan = CallPlan::symmetric(3, 2);
  const Metrics old = symmetric_prefixes(plan, {1, 1, 0});
  for (const Metrics& now :
       {symmetric_prefixes(plan, {2, 1, 0}), symmetric_prefixes(plan, {1, 1, 1})}) {
    const std::vector<Metrics> torn = torn_copies(old, now);
    for (std::size_t i = 0; i < torn.size(); ++i) {
      if (torn[i] == old) continue;  // that call did not change this counter (errors of an ok)
      EXPECT_TRUE(check_snapshot(Property::kP2, plan, torn[i], "snapshot"))
          << "counter " << i << " torn, not caught";
    }
  }
  Metrics swapped = symmetric_prefixes(plan, {2, 1, 0});
  std::swap(swapped.total_bytes_in, swapped.total_bytes_out);
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, swapped, "snapshot"));
  Metrics inverted = symmetric_prefixes(plan, {2, 2, 1});
  inverted.errors = inverted.tool_calls - inverted.errors;
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, inverted, "snapshot"));
}

TEST(SymmetricPlan, SnapshotsCatchALaterCallMadeByMoreWritersThanAnEarlierOne) {
  const CallPlan plan = CallPlan::symmetric(2, 2);
  // One writer's call 1 counted without its call 0.
  const Metrics m = counted(Metrics{}, plan.call(0, 1));
  const Verdict verdict = check_snapshot(Property::kP2, plan, m, "snapshot");
  ASSERT_TRUE(verdict);
  EXPECT_NE(verdict->message.find("more writers made call 1"), std::string::npos)
      << verdict->message;
  Metrics leftover;
  leftover.total_bytes_in = 9;  // 3^2: a digit past the plan's last call
  EXPECT_TRUE(check_snapshot(Property::kP2, plan, leftover, "snapshot"));
}

TEST(SymmetricPlan, ASnapshotThatLosesACallOfAnEarlierOneWentBackwards) {
  const CallPlan plan = CallPlan::symmetric(2, 2);
  const Metrics earlier = symmetric_prefixes(plan, {1, 1});
  EXPECT_FALSE(check_snapshots_grow(Property::kP2, plan, earlier, plan.totals(), "reader"));
  EXPECT_TRUE(check_snapshots_grow(Property::kP2, plan, earlier, symmetric_prefixes(plan, {2, 0}),
                                   "reader"));
}

TEST(P2Snapshot, ReadsTheMetricsOfAStopEvent) {
  const Json event = {{"event", "server_stop"},
                      {"metrics",
                       {{"tool_calls", 1},
                        {"total_bytes_in", 2},
                        {"total_bytes_out", 3},
                        {"total_duration_ms", 4},
                        {"errors", 5}}}};
  EXPECT_EQ(metrics_of_event(event), (Metrics{1, 2, 3, 4, 5}));
}

TEST(P4SingleInstance, HoldsForOneConstructionSeenByEveryCaller) {
  int emitter = 0;
  const std::vector<Seen> seen(3, Seen{&emitter, "tel_1", true, "/d"});
  EXPECT_FALSE(check_single_instance(seen, 1, "/d"));
}

TEST(P4SingleInstance, CountsConstructorRunsNotKeptInstances) {
  int emitter = 0;
  const std::vector<Seen> seen(3, Seen{&emitter, "tel_1", true, "/d"});
  const Verdict verdict = check_single_instance(seen, 3, "/d");
  ASSERT_TRUE(verdict);
  EXPECT_NE(verdict->text().find("P4 3 emitters constructed"), std::string::npos)
      << verdict->text();
  EXPECT_TRUE(check_single_instance(seen, 0, "/d"));
}

TEST(P4SingleInstance, CatchesAnotherInstanceSessionIdOrConfiguration) {
  int a = 0;
  int b = 0;
  const Seen first{&a, "tel_1", true, "/d"};
  EXPECT_TRUE(
      check_single_instance(std::vector<Seen>{first, Seen{&b, "tel_1", true, "/d"}}, 1, "/d"));
  EXPECT_TRUE(
      check_single_instance(std::vector<Seen>{first, Seen{&a, "tel_2", true, "/d"}}, 1, "/d"));
  EXPECT_TRUE(check_single_instance(std::vector<Seen>{first}, 1, "/other"));
}

TEST(P5Published, NothingOrTheWholeInstance) {
  int emitter = 0;
  const Seen initialised{&emitter, "tel_1", true, "/d"};
  EXPECT_FALSE(check_published(Seen{}, initialised));
  EXPECT_FALSE(check_published(initialised, initialised));
  EXPECT_TRUE(check_published(Seen{&emitter, "", false, ""}, initialised));
  int other = 0;
  const Verdict verdict = check_published(Seen{&other, "tel_1", true, "/d"}, initialised);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->property, Property::kP5);
}

TEST(PropertyNames, EveryPropertyHasItsIdAndStatement) {
  for (const Property p :
       {Property::kP1, Property::kP2, Property::kP3, Property::kP4, Property::kP5, Property::kP6}) {
    EXPECT_EQ(id(p).substr(0, 1), "P");
    EXPECT_FALSE(statement(p).empty());
  }
}

}  // namespace
}  // namespace doublecheck::properties
