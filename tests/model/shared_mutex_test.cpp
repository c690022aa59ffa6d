// ModelSync::SharedMutex: readers under lock_shared and a writer under lock pass exhaustively;
// two readers can hold it at once (and are explored as commuting: DPOR runs one execution for
// readers alone); a write under a shared lock is a data race, and so is data passed from one
// reader to the next (unlock_shared synchronises with lock, not with lock_shared); misuse —
// releasing the mode it is not held in, taking it twice, destroying it while held — is reported.
// DPOR and the plain search agree on every model. StdSync's runs on real threads.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::expect_failure;
using test_support::explore;

ExploreOptions with(Search search) {
  ExploreOptions options;
  options.search = search;
  return options;
}

// A pair written together under the exclusive lock and read together under shared locks: a
// reader sees both old or both new.
void readers_and_a_writer(int readers) {
  ModelSync::SharedMutex rw("rw");
  ModelSync::Shared<int> first(0, "first");
  ModelSync::Shared<int> second(0, "second");
  std::vector<thread> threads;
  threads.reserve(static_cast<std::size_t>(readers));
  for (int r = 0; r < readers; ++r) {
    // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
    threads.push_back(thread([&] {
      const SharedLock<ModelSync::SharedMutex> lock(rw);
      check(first.load() == second.load(), "a torn pair");
    }));
  }
  {
    const ScopedLock<ModelSync::SharedMutex> lock(rw);
    first.store(1);
    second.store(1);
  }
  for (thread& t : threads) t.join();
}

class SharedMutexes : public ::testing::TestWithParam<Search> {};

TEST_P(SharedMutexes, ReadersUnderASharedLockAndAWriterUnderTheLockPassExhaustively) {
  const auto result = explore([] { readers_and_a_writer(2); }, with(GetParam()));
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_GT(result.executions, 1U);
}

// Two readers each say they are inside, then look for the other: under shared locks both can be
// inside at once (the check fails in some execution); under exclusive locks never.
template <class Lock>
void both_inside() {
  ModelSync::SharedMutex rw("rw");
  ModelSync::Atomic<int> inside(0, "inside");
  const auto reader = [&] {
    const Lock lock(rw);
    inside.fetch_add(1);
    check(inside.load() < 2, "both readers are inside at once");
    inside.fetch_sub(1);
  };
  thread other(reader);
  reader();
  other.join();
}

TEST_P(SharedMutexes, TwoReadersCanHoldItAtOnceAndTwoWritersCannot) {
  expect_failure(
      explore([] { both_inside<SharedLock<ModelSync::SharedMutex>>(); }, with(GetParam())),
      FailureKind::kAssertion, "both readers are inside at once");
  const auto exclusive =
      explore([] { both_inside<ScopedLock<ModelSync::SharedMutex>>(); }, with(GetParam()));
  EXPECT_TRUE(exclusive.passed()) << format_report(exclusive);
  EXPECT_TRUE(exclusive.exhaustive);
}

TEST_P(SharedMutexes, AWriteUnderASharedLockIsADataRace) {
  const auto result = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        ModelSync::Shared<int> counter(0, "counter");
        const auto writer = [&] {
          const SharedLock<ModelSync::SharedMutex> lock(rw);
          counter.add(1);  // the bug: a writer that took the lock shared
        };
        thread other(writer);
        writer();
        other.join();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kDataRace, "counter");
}

// T1 writes `data` and then, under a shared lock, says so; T2 takes the lock (`Lock`) and reads
// `data` when told. unlock_shared synchronises with a later lock, not with a later lock_shared.
template <class Lock>
void reader_hands_over() {
  ModelSync::SharedMutex rw("rw");
  ModelSync::Shared<int> data(0, "data");
  ModelSync::Atomic<bool> written(false, "written");
  thread first([&] {
    data.store(1);
    const SharedLock<ModelSync::SharedMutex> lock(rw);
    written.store(true, std::memory_order_relaxed);
  });
  {
    const Lock lock(rw);
    if (written.load(std::memory_order_relaxed)) check(data.load() == 1, "data lost");
  }
  first.join();
}

TEST_P(SharedMutexes, UnlockSharedOrdersTheNextLockButNotTheNextLockShared) {
  const auto exclusive =
      explore([] { reader_hands_over<ScopedLock<ModelSync::SharedMutex>>(); }, with(GetParam()));
  EXPECT_TRUE(exclusive.passed()) << format_report(exclusive);
  expect_failure(
      explore([] { reader_hands_over<SharedLock<ModelSync::SharedMutex>>(); }, with(GetParam())),
      FailureKind::kDataRace, "data");
}

TEST_P(SharedMutexes, UnlockOrdersTheNextLockShared) {
  const auto result = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        ModelSync::Shared<int> data(0, "data");
        ModelSync::Atomic<bool> written(false, "written");
        thread writer([&] {
          const ScopedLock<ModelSync::SharedMutex> lock(rw);
          data.store(1);
          written.store(true, std::memory_order_relaxed);
        });
        {
          const SharedLock<ModelSync::SharedMutex> lock(rw);
          if (written.load(std::memory_order_relaxed)) check(data.load() == 1, "data lost");
        }
        writer.join();
      },
      with(GetParam()));
  EXPECT_TRUE(result.passed()) << format_report(result);
}

TEST_P(SharedMutexes, ReleasingTheModeItIsNotHeldInIsAnUnlockByANonOwner) {
  const auto shared_by_unlock = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        rw.lock_shared();
        rw.unlock();  // NOLINT: the misuse under test (the analysis would reject it)
      },
      with(GetParam()));
  expect_failure(shared_by_unlock, FailureKind::kUnlockNotOwner,
                 "unlock_shared() releases a shared lock");
  // Named as a deadlock names the readers it waits for (holders_text).
  EXPECT_NE(shared_by_unlock.failures.front().message.find("unlocks rw, held shared by T0"),
            std::string::npos)
      << shared_by_unlock.failures.front().message;
  const auto exclusive_by_unlock_shared = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        rw.lock();
        rw.unlock_shared();  // NOLINT: the misuse under test
      },
      with(GetParam()));
  expect_failure(exclusive_by_unlock_shared, FailureKind::kUnlockNotOwner,
                 "it holds it exclusively: unlock() releases it");
}

TEST_P(SharedMutexes, TakingItAgainInEitherModeIsARelock) {
  expect_failure(explore(
                     [] {
                       ModelSync::SharedMutex rw("rw");
                       rw.lock_shared();
                       rw.lock_shared();  // NOLINT: the misuse under test
                     },
                     with(GetParam())),
                 FailureKind::kRelock, "which it already holds shared");
  expect_failure(explore(
                     [] {
                       ModelSync::SharedMutex rw("rw");
                       rw.lock_shared();
                       rw.lock();  // NOLINT: the misuse under test
                     },
                     with(GetParam())),
                 FailureKind::kRelock, "rw");
}

TEST_P(SharedMutexes, AWriterBlockedByAReaderThatNeverUnlocksIsADeadlockNamingTheReader) {
  const auto result = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        ModelSync::Atomic<bool> in(false, "in");
        thread reader([&] {
          rw.lock_shared();  // NOLINT: never released, the bug under test
          in.store(true);
        });
        assume(in.load());
        rw.lock();
        rw.unlock();
        reader.join();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kDeadlock, "held shared by T1");
}

TEST_P(SharedMutexes, TryLockSharedFailsExactlyWhileAWriterHoldsIt) {
  // `expect` says which outcome the check forbids: each is reached in some execution.
  for (const bool forbid_success : {true, false}) {
    const auto result = explore(
        [forbid_success] {
          ModelSync::SharedMutex rw("rw");
          ModelSync::Atomic<bool> writing(false, "writing");
          thread writer([&] {
            rw.lock();
            writing.store(true);
            writing.store(false);
            rw.unlock();
          });
          if (rw.try_lock_shared()) {
            check(!writing.load(), "a reader got in while the writer writes");
            check(!forbid_success, "try_lock_shared succeeded");
            rw.unlock_shared();
          } else {
            check(forbid_success, "try_lock_shared failed");
          }
          writer.join();
        },
        with(GetParam()));
    expect_failure(result, FailureKind::kAssertion,
                   forbid_success ? "try_lock_shared succeeded" : "try_lock_shared failed");
  }
}

TEST_P(SharedMutexes, DestroyingItWhileAReaderHoldsItIsAUseAfterFree) {
  const auto result = explore(
      [] {
        auto rw = std::make_unique<ModelSync::SharedMutex>("doomed");
        ModelSync::Atomic<bool> in(false, "in");
        thread reader([&] {
          rw->lock_shared();
          in.store(true);
        });
        reader.join();
        rw.reset();
      },
      with(GetParam()));
  expect_failure(result, FailureKind::kUseAfterFree, "doomed");
}

INSTANTIATE_TEST_SUITE_P(Searches, SharedMutexes, ::testing::Values(Search::kDpor, Search::kPlain),
                         [](const auto& info) {
                           return std::string(info.param == Search::kDpor ? "Dpor" : "Plain");
                         });

TEST(SharedMutexesDpor, ReadersCommuteSoOnlyTheWritersPlaceAmongThemIsExplored) {
  // Readers alone: one class of interleavings. One writer and two readers: each reader before or
  // after the writer, 4 classes — where an exclusive mutex would give 3! = 6.
  const auto readers_only = explore(
      [] {
        ModelSync::SharedMutex rw("rw");
        ModelSync::Shared<int> data(7, "data");
        std::vector<thread> readers;
        readers.reserve(3);
        for (int r = 0; r < 3; ++r) {
          // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
          readers.push_back(thread([&] {
            const SharedLock<ModelSync::SharedMutex> lock(rw);
            check(data.load() == 7, "data changed");
          }));
        }
        for (thread& t : readers) t.join();
      },
      with(Search::kDpor));
  EXPECT_TRUE(readers_only.passed()) << format_report(readers_only);
  EXPECT_EQ(readers_only.executions, 1U);
  const auto with_writer = explore([] { readers_and_a_writer(2); }, with(Search::kDpor));
  EXPECT_TRUE(with_writer.passed()) << format_report(with_writer);
  EXPECT_EQ(with_writer.executions, 4U);
  // (Interleavings: under RC11 the plain search counts each execution graph once, as DPOR does.)
  ExploreOptions interleavings = with(Search::kPlain);
  interleavings.memory_model = MemoryModel::kSc;
  const auto plain = explore([] { readers_and_a_writer(2); }, interleavings);
  EXPECT_GT(plain.executions, with_writer.executions);
}

TEST(SharedMutexesInProduction, StdSyncReadersNeverSeeATornPairOnRealThreads) {
  StdSync::SharedMutex rw;
  int first = 0;   // guarded by rw
  int second = 0;  // guarded by rw
  int torn = 0;
  std::thread writer([&] {
    for (int i = 1; i <= 2000; ++i) {
      const ScopedLock<StdSync::SharedMutex> lock(rw);
      first = i;
      second = i;
    }
  });
  for (int i = 0; i < 2000; ++i) {
    const SharedLock<StdSync::SharedMutex> lock(rw);
    if (first != second) ++torn;
  }
  writer.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(first, 2000);
}

}  // namespace
}  // namespace doublecheck::model
