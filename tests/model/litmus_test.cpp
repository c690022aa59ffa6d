// The C++ memory model, litmus test by litmus test, against the oracle GenMC (RC11) measured here
// (../shared/oracle/README.md): each test asserts the exact set of outcomes and the exact number
// of executions under RC11 (the default), and the sequentially consistent set under --memory-model
// sc. Every execution of these tests gives a distinct outcome, so the two numbers agree.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/litmus_programs.hpp"

namespace doublecheck::model {
namespace {

// The programs (litmus_programs.hpp, shared with bench/model_bench.cpp).
using litmus::Order;
using litmus::Outcome;
using Outcomes = std::set<Outcome>;
using litmus::compare_exchange;
using litmus::corr;
using litmus::cowr;
using litmus::fetch_or_and_xor;
using litmus::iriw;
using litmus::kAcq;
using litmus::kAcqRel;
using litmus::kRel;
using litmus::kRlx;
using litmus::kSc;
using litmus::lb;
using litmus::mp;
using litmus::r_test;
using litmus::s_test;
using litmus::sb;
using litmus::two_fetch_adds;
using litmus::two_plus_two_w;
using litmus::wrc;

// What one exploration of a litmus test saw.
struct Seen {
  Outcomes outcomes;
  std::uint64_t executions = 0;
  bool passed = false;
  bool exhaustive = false;
};

// Explores `test` (which returns the registers and final values of one execution) exhaustively
// with `search` under `memory_model`, collecting the outcomes of the executions that finish.
Seen explore(const std::function<Outcome()>& test, MemoryModel memory_model,
             Search search = Search::kDpor) {
  Seen seen;
  ExploreOptions options;
  options.memory_model = memory_model;
  options.search = search;
  const auto result = Explorer(options).run("litmus", [&] { seen.outcomes.insert(test()); });
  seen.executions = result.executions;
  seen.passed = result.passed();
  seen.exhaustive = result.exhaustive;
  EXPECT_TRUE(result.passed()) << format_report(result);
  return seen;
}

// The outcome set and count under RC11 (both searches) and the SC set under sc.
void expect_litmus(const std::function<Outcome()>& test, const Outcomes& rc11,
                   std::uint64_t rc11_executions, const Outcomes& sc) {
  const Seen weak = explore(test, MemoryModel::kRc11);
  EXPECT_TRUE(weak.exhaustive);
  EXPECT_EQ(weak.outcomes, rc11);
  EXPECT_EQ(weak.executions, rc11_executions) << "RC11 executions (GenMC's count)";
  const Seen plain = explore(test, MemoryModel::kRc11, Search::kPlain);
  EXPECT_EQ(plain.outcomes, rc11) << "the plain weak search";
  EXPECT_EQ(plain.executions, rc11_executions) << "the plain weak search";
  const Seen strong = explore(test, MemoryModel::kSc);
  EXPECT_EQ(strong.outcomes, sc) << "sequential consistency";
}

// Sets: every combination of two registers, and the same without some.
const Outcomes kAllPairs{{0, 0}, {0, 1}, {1, 0}, {1, 1}};
Outcomes without(Outcomes all, const Outcomes& gone) {
  for (const Outcome& o : gone) all.erase(o);
  return all;
}

// --- store buffering: x=1; r1=y || y=1; r2=x ------------------------------------------------

TEST(Litmus, StoreBufferingRelaxedAllowsBothToReadZero) {
  expect_litmus(sb(kRlx, kRlx), kAllPairs, 4, without(kAllPairs, {{0, 0}}));
}
TEST(Litmus, StoreBufferingReleaseAcquireAllowsBothToReadZero) {
  expect_litmus(sb(kRel, kAcq), kAllPairs, 4, without(kAllPairs, {{0, 0}}));
}
TEST(Litmus, StoreBufferingSeqCstForbidsBothReadingZero) {
  expect_litmus(sb(kSc, kSc), without(kAllPairs, {{0, 0}}), 3, without(kAllPairs, {{0, 0}}));
}
TEST(Litmus, StoreBufferingWithSeqCstFencesForbidsBothReadingZero) {
  expect_litmus(sb(kRlx, kRlx, kSc), without(kAllPairs, {{0, 0}}), 3, without(kAllPairs, {{0, 0}}));
}
TEST(Litmus, StoreBufferingWithAcqRelFencesStillAllowsBothReadingZero) {
  expect_litmus(sb(kRlx, kRlx, kAcqRel), kAllPairs, 4, without(kAllPairs, {{0, 0}}));
}

// --- message passing: x=1; y=1 || r1=y; r2=x --------------------------------------------------

TEST(Litmus, MessagePassingRelaxedAllowsTheFlagWithoutTheData) {
  expect_litmus(mp(kRlx, kRlx, {}, {}), kAllPairs, 4, without(kAllPairs, {{1, 0}}));
}
TEST(Litmus, MessagePassingReleaseAcquireForbidsTheFlagWithoutTheData) {
  expect_litmus(mp(kRel, kAcq, {}, {}), without(kAllPairs, {{1, 0}}), 3,
                without(kAllPairs, {{1, 0}}));
}
TEST(Litmus, MessagePassingSeqCstForbidsTheFlagWithoutTheData) {
  expect_litmus(mp(kSc, kSc, {}, {}), without(kAllPairs, {{1, 0}}), 3,
                without(kAllPairs, {{1, 0}}));
}
TEST(Litmus, MessagePassingWithReleaseAndAcquireFencesForbidsTheFlagWithoutTheData) {
  expect_litmus(mp(kRlx, kRlx, kRel, kAcq), without(kAllPairs, {{1, 0}}), 3,
                without(kAllPairs, {{1, 0}}));
}
TEST(Litmus, MessagePassingWithOnlyAReleaseFenceAllowsTheFlagWithoutTheData) {
  expect_litmus(mp(kRlx, kRlx, kRel, {}), kAllPairs, 4, without(kAllPairs, {{1, 0}}));
}

// --- load buffering: r1=y; x=1 || r2=x; y=1 ---------------------------------------------------

TEST(Litmus, LoadBufferingIsForbiddenAsInRc11) {
  for (const Order order : {kRlx, kSc}) {
    expect_litmus(lb(order), without(kAllPairs, {{1, 1}}), 3, without(kAllPairs, {{1, 1}}));
  }
}

// --- independent reads of independent writes: x=1 || r1=x; r2=y || r3=y; r4=x || y=1 ----------

Outcomes all_quads() {
  Outcomes all;
  for (int bits = 0; bits < 16; ++bits) {
    all.insert({bits & 1, (bits >> 1) & 1, (bits >> 2) & 1, (bits >> 3) & 1});
  }
  return all;
}

TEST(Litmus, IriwRelaxedAndAcquireLetTheReadersDisagreeOnTheOrderOfTheWrites) {
  const Outcomes sc = without(all_quads(), {{1, 0, 1, 0}});
  expect_litmus(iriw(kRlx, kRlx), all_quads(), 16, sc);
  expect_litmus(iriw(kRel, kAcq), all_quads(), 16, sc);
}
TEST(Litmus, IriwSeqCstMakesTheReadersAgree) {
  const Outcomes sc = without(all_quads(), {{1, 0, 1, 0}});
  expect_litmus(iriw(kSc, kSc), sc, 15, sc);
}

// --- coherence ---------------------------------------------------------------------------------

TEST(Litmus, CoherenceOfReadReadForbidsReadingNewThenOld) {
  for (const Order order : {kRlx, kAcq}) {
    expect_litmus(corr(order), without(kAllPairs, {{1, 0}}), 3, without(kAllPairs, {{1, 0}}));
  }
}

TEST(Litmus, CoherenceOfWriteReadForbidsReadingBelowTheThreadsOwnStore) {
  const Outcomes three{{1, 1}, {1, 2}, {2, 2}};  // (r1, final x)
  expect_litmus(cowr(), three, 3, three);
}

// --- 2+2W: x=1; y=2 || y=1; x=2 (final x, y) ----------------------------------------------------

TEST(Litmus, TwoPlusTwoWritesLetsBothFirstStoresWinUnlessSeqCst) {
  const Outcomes all{{1, 1}, {1, 2}, {2, 1}, {2, 2}};
  const Outcomes sc = without(all, {{1, 1}});
  expect_litmus(two_plus_two_w(kRlx), all, 4, sc);
  expect_litmus(two_plus_two_w(kRel), all, 4, sc);
  expect_litmus(two_plus_two_w(kSc), sc, 3, sc);
}

// --- R: x=1; y=1 || y=2; r1=x (final y) ---------------------------------------------------------

TEST(Litmus, RAllowsTheLaterStoreToLoseAndTheReadToMissUnlessSeqCst) {
  const Outcomes all{{1, 0}, {1, 1}, {2, 0}, {2, 1}};
  const Outcomes sc = without(all, {{2, 0}});
  expect_litmus(r_test(kRlx), all, 4, sc);
  expect_litmus(r_test(kSc), sc, 3, sc);
}

// --- S: x=2; y=1 || r1=y; x=1 (final x) ---------------------------------------------------------

TEST(Litmus, SIsWeakRelaxedAndForbiddenWithReleaseAcquireOnTheFlag) {
  const Outcomes all{{0, 1}, {0, 2}, {1, 1}, {1, 2}};
  const Outcomes sc = without(all, {{1, 2}});
  expect_litmus(s_test(kRlx, kRlx), all, 4, sc);
  expect_litmus(s_test(kRel, kAcq), sc, 3, sc);
}

// --- WRC: x=1 || r1=x; y=1 || r2=y; r3=x --------------------------------------------------------

Outcomes wrc_all() {
  Outcomes all;
  for (int bits = 0; bits < 8; ++bits) all.insert({bits & 1, (bits >> 1) & 1, (bits >> 2) & 1});
  return all;
}

TEST(Litmus, WrcIsWeakRelaxedAndCausalWithReleaseAcquire) {
  const Outcomes sc = without(wrc_all(), {{1, 1, 0}});
  expect_litmus(wrc(kRlx, kRlx), wrc_all(), 8, sc);
  expect_litmus(wrc(kRel, kAcq), sc, 7, sc);
}

// --- read-modify-write atomicity
// ------------------------------------------------------------------

TEST(Litmus, TwoRelaxedFetchAddsNeverLoseAnIncrement) {
  const Outcomes two{{2, 0, 1}, {2, 1, 0}};  // final, what each fetch_add returned
  expect_litmus(two_fetch_adds(), two, 2, two);
}

TEST(Litmus, AWeakCompareExchangeMayFailSpuriouslyAndAStrongOneMayNot) {
  for (const bool weak : {true, false}) {
    const Seen seen = explore(compare_exchange(weak), MemoryModel::kRc11);
    const Outcomes expected = weak ? Outcomes{{1, 1}, {0, 0}} : Outcomes{{1, 1}};
    EXPECT_EQ(seen.outcomes, expected) << (weak ? "weak" : "strong");
  }
}

TEST(Litmus, FetchOrAndXorAreAtomicReadModifyWrites) {
  const Seen seen = explore(fetch_or_and_xor(), MemoryModel::kRc11);
  // Every order of the three: or and xor commute with each other; and clears bit 0 and 3 (but not
  // the xor's bit 3 if the xor comes after it).
  EXPECT_EQ(seen.outcomes, (Outcomes{{0b0110}, {0b1110}}));
  EXPECT_EQ(seen.executions, 6U);
}

// --- mutual exclusion: Peterson's lock around a plain counter -----------------------------------

// litmus::peterson explored. (GenMC's oracle gives 6 executions for its own text of the seq_cst
// version, which the oracle does not show; this text has 4 — two per order of the critical
// sections: the second thread's wait reads the first one's lowered flag, or the first thread's wait
// read the second one's flag raised with the turn given back — the same under the plain weak
// search, which enumerates every consistent execution without reduction.)
ExploreResult peterson(Order store, Order load, bool fence, Search search = Search::kDpor,
                       std::optional<Order> exit = std::nullopt, bool turn_by_exchange = false) {
  ExploreOptions options;
  options.search = search;
  return Explorer(options).run("peterson",
                               litmus::peterson(store, load, fence, exit, turn_by_exchange));
}

TEST(Litmus, PetersonWithSeqCstAccessesIsAMutex) {
  const auto result = peterson(kSc, kSc, false);
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_EQ(result.executions, 4U);
  EXPECT_EQ(peterson(kSc, kSc, false, Search::kPlain).executions, 4U) << "plain";
}

TEST(Litmus, PetersonWithReleaseStoresAndAcquireLoadsRacesInTheCriticalSection) {
  const auto result = peterson(kRel, kAcq, false);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
  EXPECT_EQ(result.failures.front().object, "counter");
}

TEST(Litmus, PetersonWithAFenceAndTheTurnExchangedIsAMutex) {
  // Relaxed flag, turn given by an acq_rel exchange, a seq_cst fence, acquire wait, release exit.
  const auto result = peterson(kRlx, kAcq, true, Search::kDpor, kRel, true);
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
}

TEST(Litmus, PetersonWithAFenceButThePlainStoreOfTheTurnLetsBothIn) {
  // The second thread's turn store may come first in modification order although the first
  // thread's wait missed its flag: each then sees the turn as its own (RC11 allows it: the two
  // fences need not be ordered).
  const auto result = peterson(kRlx, kAcq, true, Search::kDpor, kRel);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
}

TEST(Litmus, PetersonWithTheFenceButARelaxedExitRacesThroughTheLoweredFlag) {
  const auto result = peterson(kRlx, kAcq, true, Search::kDpor, kRlx);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
}

TEST(Litmus, PetersonWithoutTheFenceRacesEvenWithAcquireWaitAndReleaseExit) {
  const auto result = peterson(kRlx, kAcq, false, Search::kDpor, kRel);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
}

TEST(Litmus, PetersonWithRelaxedAccessesAndNoFenceRaces) {
  const auto result = peterson(kRlx, kRlx, false);
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kDataRace);
}

// A wait (assume) on a flag: the waiting thread waits while the writer runs on to the store it
// waits for, so DPOR reaches every execution the plain search does (a wait that dropped the whole
// execution at once would let DPOR pass this with no execution at all).
ExploreResult wait_then_read(Order flag_store, Search search) {
  ExploreOptions options;
  options.search = search;
  return Explorer(options).run("wait", [=] {
    ModelSync::Atomic<int> flag(0, "flag");
    ModelSync::Shared<int> data(0, "data");
    // The reader first: its wait is met before the writer's store, and the writer has another
    // operation before that store, so only a search that lets the writer run on while the reader
    // waits meets the store and learns the order in which the wait ends.
    ModelSync::Atomic<int> other(0, "other");
    thread reader([&] {
      assume(flag.load(std::memory_order_acquire) == 1);
      check(data.load() == 42, "the flag implies the data");
    });
    thread writer([&] {
      data.store(42);
      other.store(1, kRlx);
      flag.store(1, flag_store);
    });
    reader.join();
    writer.join();
  });
}

TEST(Assume, ADporSearchOfAWaitReachesWhatThePlainSearchReaches) {
  const auto reduced = wait_then_read(kRel, Search::kDpor);
  const auto plain = wait_then_read(kRel, Search::kPlain);
  EXPECT_TRUE(reduced.passed()) << format_report(reduced);
  EXPECT_TRUE(reduced.exhaustive);
  EXPECT_EQ(reduced.executions, 1U) << "the one execution where the wait ends";
  EXPECT_EQ(plain.executions, reduced.executions);
  for (const Search search : {Search::kDpor, Search::kPlain}) {
    const auto broken = wait_then_read(kRlx, search);
    ASSERT_FALSE(broken.passed()) << search_name(search);
    EXPECT_EQ(broken.failures.front().kind, FailureKind::kDataRace);
  }
}

}  // namespace
}  // namespace doublecheck::model
