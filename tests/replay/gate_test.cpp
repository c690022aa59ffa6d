// The gate on real threads (replay/gate.hpp, replay/scheduled_sync.hpp): threads take their
// visible operations in the schedule's order, whatever the OS does; a replay that cannot follow
// its schedule says where; with no gate the policy is the standard library's.
#include "replay/gate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "replay/scheduled_sync.hpp"

namespace doublecheck::replay {
namespace {

using Sync = ScheduledSync;

// `threads` threads each add their id to `log` once, with a fetch_add at one known line; the
// returned values say in which order they went.
struct Race {
  SourceLoc site;
  std::vector<int> order;  // order[k]: the thread whose fetch_add saw k
};

Race run_adders(int threads, Gate* gate) {
  Race race;
  Sync::Atomic<int> counter(0);
  race.order.assign(static_cast<std::size_t>(threads), -1);
  race.site = SourceLoc::current();
  const SourceLoc site = race.site;
  {
    std::vector<Sync::Thread> workers;
    workers.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&counter, &race, site, t] {
        const int seen = counter.fetch_add(1, std::memory_order_relaxed, site);
        race.order[static_cast<std::size_t>(seen)] = t + 1;
      });
    }
    for (Sync::Thread& worker : workers) worker.join();
  }
  if (gate != nullptr) gate->body_done();
  return race;
}

Schedule schedule_of(const std::vector<std::uint32_t>& threads, const SourceLoc& site,
                     const std::string& kind = "rmw") {
  Schedule s;
  s.model = "adders";
  for (const std::uint32_t t : threads) s.steps.push_back({t, kind, {site.file, site.line}});
  return s;
}

// The site's line is that of run_adders' SourceLoc::current() call: learnt from a run without a
// gate, so the tests do not hard-code a line number.
SourceLoc adders_site() { return run_adders(1, nullptr).site; }

TEST(ReplayGate, ThreadsTakeTheirStepsInTheSchedulesOrder) {
  const SourceLoc site = adders_site();
  for (const std::vector<std::uint32_t>& order :
       {std::vector<std::uint32_t>{1, 2, 3}, {3, 2, 1}, {2, 3, 1}, {3, 1, 2}}) {
    for (int repeat = 0; repeat < 20; ++repeat) {
      Gate gate(schedule_of(order, site), GateMode::kInvisible);
      const Race race = run_adders(3, &gate);
      const Outcome outcome = gate.outcome();
      EXPECT_TRUE(outcome.followed_all()) << outcome.divergence;
      EXPECT_EQ(race.order, std::vector<int>(order.begin(), order.end()));
    }
  }
}

TEST(ReplayGate, AThreadAtAnotherOperationThanTheStepSaysLeavesTheSchedule) {
  const SourceLoc site = adders_site();
  Gate gate(schedule_of({2, 1}, site, "load"), GateMode::kInvisible);
  run_adders(2, &gate);
  const Outcome outcome = gate.outcome();
  EXPECT_FALSE(outcome.followed_all());
  EXPECT_EQ(outcome.followed, 0U);
  EXPECT_NE(outcome.divergence.find("at step 1 the schedule has T2 load at"), std::string::npos)
      << outcome.divergence;
  EXPECT_NE(outcome.divergence.find("but T2 came to rmw at"), std::string::npos)
      << outcome.divergence;
}

TEST(ReplayGate, AStepOfAThreadThatNeverComesIsAStallNamingEveryThread) {
  const SourceLoc site = adders_site();
  Gate gate(schedule_of({1, 7}, site), GateMode::kInvisible, std::chrono::milliseconds(200));
  run_adders(2, &gate);
  const Outcome outcome = gate.outcome();
  EXPECT_EQ(outcome.followed, 1U);
  EXPECT_NE(outcome.divergence.find("nothing could move for 200 ms: step 2 wants T7 to rmw"),
            std::string::npos)
      << outcome.divergence;
  EXPECT_NE(outcome.divergence.find("T2 waits to rmw at"), std::string::npos) << outcome.divergence;
}

TEST(ReplayGate, AFailedCheckOnRealThreadsIsRecordedWithItsPlace) {
  Gate gate(Schedule{}, GateMode::kInvisible);
  Sync::check(true, "holds");
  Sync::check(false, "P9 broke");
  gate.body_done();
  const Outcome outcome = gate.outcome();
  ASSERT_EQ(outcome.failed_checks.size(), 1U);
  EXPECT_NE(outcome.failed_checks[0].find("gate_test.cpp:"), std::string::npos);
  EXPECT_NE(outcome.failed_checks[0].find(": P9 broke"), std::string::npos);
}

TEST(ReplayGate, OnlyOneGateIsActiveAtATime) {
  const Gate gate(Schedule{}, GateMode::kInvisible);
  EXPECT_EQ(Gate::active(), &gate);
  EXPECT_THROW(Gate(Schedule{}, GateMode::kInvisible), std::logic_error);
}

TEST(ScheduledSyncWithoutAGate, IsTheStandardLibrarysPolicy) {
  ASSERT_EQ(Gate::active(), nullptr);
  const Race race = run_adders(4, nullptr);
  std::vector<int> sorted = race.order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace doublecheck::replay
