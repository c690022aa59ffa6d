// The consumer's models, as ordinary GoogleTest tests on the installed doublecheck: the fix must
// pass exhaustively, the pre-fix code must be caught as a data race on the count's line.
#include "hit_counter.hpp"

#include <doublecheck/gtest.hpp>

namespace {

using doublecheck::model::FailureKind;
using doublecheck::model::ModelSync;
using doublecheck::model::SourceLines;
namespace dc = doublecheck::model;

template <class Locking>
void two_hits() {
  hits::BasicHitCounter<ModelSync, Locking> counter;
  dc::thread other([&] { counter.hit(3); });
  counter.hit(5);
  other.join();
  dc::check(counter.count() == 2, "a hit was lost");
}

TEST(HitCounter, LockedHitsAreNeverLostInAnyInterleaving) {
  EXPECT_TRUE(dc::gtest::proves(two_hits<hits::Locked>));
}

TEST(HitCounter, UnlockedHitsAreADataRaceOnTheCount) {
  EXPECT_TRUE(dc::gtest::refutes(two_hits<hits::Unlocked>, FailureKind::kDataRace,
                                 {SourceLines::containing("hit_counter.hpp", "count_.add(1)")}));
}

}  // namespace
