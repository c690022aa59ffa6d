// The consumer's models, as ordinary GoogleTest tests on the installed doublecheck: the fix must
// pass exhaustively, the pre-fix code must be caught as a data race on the count's line.
#include <doublecheck/gtest.hpp>

#include "hit_counter_models.hpp"

namespace {

namespace dc = doublecheck::model;

TEST(HitCounter, LockedHitsAreNeverLostInAnyInterleaving) {
  EXPECT_TRUE(dc::gtest::proves(hits::two_hits<hits::Locked>));
}

TEST(HitCounter, UnlockedHitsAreADataRaceOnTheCount) {
  EXPECT_TRUE(dc::gtest::refutes(
      hits::two_hits<hits::Unlocked>, dc::FailureKind::kDataRace,
      {dc::SourceLines::containing("hit_counter.hpp", "count_.store(count_.load() + 1)")}));
}

}  // namespace
