// Lifetimes (model/engine/lifetime.hpp): the destruction of a model object is a write, checked
// against every other thread's access to it, and a use after it is a use after free. Each failing
// model has a twin that differs only in the order that makes it right, and passes: the check can
// fail, and does not fail where nothing is wrong.
//
// The objects are destroyed inside std::optional (reset()), so a use after the destruction reads
// storage that is still there: the test process never touches freed memory.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using test_support::explore;

// The line of the caller.
std::uint32_t line_here(SourceLoc loc = SourceLoc::current()) { return loc.line; }

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The failure is `kind`, its earlier access is thread `first` on `first_line` and its later one
// thread `second` on `second_line`.
void expect_failure(const ExploreResult& result, FailureKind kind, ThreadId first,
                    std::uint32_t first_line, ThreadId second, std::uint32_t second_line) {
  ASSERT_FALSE(result.passed()) << "expected " << kind_name(kind) << ", but the model passed";
  const Failure& failure = result.failures.front();
  EXPECT_EQ(failure.kind, kind) << format_report(result);
  ASSERT_EQ(failure.accesses.size(), 2U) << format_report(result);
  EXPECT_EQ(failure.accesses[0].thread, first) << failure.message;
  EXPECT_EQ(failure.accesses[0].loc.line, first_line) << failure.message;
  EXPECT_EQ(failure.accesses[1].thread, second) << failure.message;
  EXPECT_EQ(failure.accesses[1].loc.line, second_line) << failure.message;
  EXPECT_TRUE(has(format_report(result), std::string(kind_name(kind)))) << format_report(result);
}

void expect_exhaustive_pass(const ExploreResult& result, std::uint64_t executions) {
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive) << format_verdict(result);
  EXPECT_EQ(result.executions, executions) << format_verdict(result);
}

// A reader reads `x` and then says so with `order`; the main thread, when it sees that, destroys
// `x` on the same line (the destruction is reported after the thread's last operation, the load).
struct ReadThenDestroy {
  std::memory_order publish;
  std::memory_order observe;
  std::uint32_t read_line = 0;
  std::uint32_t destroy_line = 0;

  void operator()() {
    std::optional<ModelSync::Shared<int>> x(std::in_place, 1, "x");
    ModelSync::Atomic<bool> done(false, "done");
    thread reader([&] {
      read_line = line_here() + 1;
      (void)x->load();
      done.store(true, publish);
    });
    destroy_line = line_here() + 1;
    if (done.load(observe)) x.reset();
    reader.join();
  }
};

TEST(Lifetimes, DestroyingASharedAnotherThreadReadWithoutOrderIsADataRaceNamingBothLines) {
  ReadThenDestroy model{std::memory_order_relaxed, std::memory_order_relaxed};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kDataRace, 1, model.read_line, 0, model.destroy_line);
  const Failure& race = result.failures.front();
  EXPECT_EQ(race.object, "x");
  EXPECT_TRUE(has(race.message, "T0 destroys it after")) << race.message;
  EXPECT_TRUE(has(race.message, "T1's read at")) << race.message;
  EXPECT_EQ(race.location(), location_text(race.accesses[1].loc))
      << "a destruction race is reported at the destruction";
  EXPECT_TRUE(has(race.trace, "destroy x after")) << "the trace shows the destruction:\n"
                                                  << race.trace;
}

TEST(Lifetimes, DestroyingASharedAfterAnAcquireOfTheReadersReleasePassesExhaustively) {
  ReadThenDestroy model{std::memory_order_release, std::memory_order_acquire};
  // The load of `done` reads false (x is destroyed after the join) or true (destroyed at once).
  expect_exhaustive_pass(explore(std::ref(model)), 2);
}

TEST(Lifetimes, DestroyingASharedAfterJoiningItsReaderPassesExhaustively) {
  expect_exhaustive_pass(explore([] {
                           std::optional<ModelSync::Shared<int>> x(std::in_place, 1, "x");
                           thread reader([&] { (void)x->load(); });
                           reader.join();
                           x.reset();
                         }),
                         1);
}

TEST(Lifetimes, TheLastReferenceDroppedWithAnAcqRelDecrementPassesAndARelaxedOneRaces) {
  // The refcount of model/examples/refcount.hpp, in two lines: the thread that takes the count to
  // zero destroys the payload.
  const auto drop = [](std::memory_order decrement, std::uint32_t* read_line,
                       std::uint32_t* destroy_line) {
    return [=] {
      std::optional<ModelSync::Shared<int>> payload(std::in_place, 7, "payload");
      ModelSync::Atomic<int> refs(2, "refs");
      const auto owner = [&] {
        *read_line = line_here() + 1;
        (void)payload->load();
        *destroy_line = line_here() + 1;
        if (refs.fetch_sub(1, decrement) == 1) payload.reset();
      };
      thread a(owner);
      thread b(owner);
      a.join();
      b.join();
    };
  };
  std::uint32_t read_line = 0;
  std::uint32_t destroy_line = 0;
  // Either thread may be the last: two executions.
  expect_exhaustive_pass(explore(drop(std::memory_order_acq_rel, &read_line, &destroy_line)), 2);
  const ExploreResult relaxed = explore(drop(std::memory_order_relaxed, &read_line, &destroy_line));
  ASSERT_FALSE(relaxed.passed());
  const Failure& race = relaxed.failures.front();
  EXPECT_EQ(race.kind, FailureKind::kDataRace) << format_report(relaxed);
  ASSERT_EQ(race.accesses.size(), 2U);
  // One owner's read, and the other owner's destruction (whichever was last).
  EXPECT_EQ(race.accesses[0].loc.line, read_line) << race.message;
  EXPECT_EQ(race.accesses[1].loc.line, destroy_line) << race.message;
  EXPECT_NE(race.accesses[0].thread, race.accesses[1].thread) << race.message;
  EXPECT_TRUE(has(race.message, "data race on payload")) << race.message;
}

// Another thread makes a relaxed access to atomic `a`, then says so; the main thread destroys `a`
// when it sees that.
struct AtomicThenDestroy {
  std::memory_order publish;
  std::memory_order observe;
  std::uint32_t access_line = 0;
  std::uint32_t destroy_line = 0;

  void operator()() {
    std::optional<ModelSync::Atomic<int>> a(std::in_place, 0, "a");
    ModelSync::Atomic<bool> done(false, "done");
    thread other([&] {
      access_line = line_here() + 1;
      (void)a->load(std::memory_order_relaxed);
      done.store(true, publish);
    });
    destroy_line = line_here() + 1;
    if (done.load(observe)) a.reset();
    other.join();
  }
};

TEST(Lifetimes, DestroyingAnAtomicWhileAnotherThreadsRelaxedLoadIsUnorderedIsADataRace) {
  AtomicThenDestroy model{std::memory_order_relaxed, std::memory_order_relaxed};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kDataRace, 1, model.access_line, 0, model.destroy_line);
  EXPECT_EQ(result.failures.front().object, "a");
  EXPECT_TRUE(has(result.failures.front().message, "T1's load at"))
      << result.failures.front().message;
}

TEST(Lifetimes, DestroyingAnAtomicOrderedAfterEveryAccessPassesExhaustively) {
  AtomicThenDestroy model{std::memory_order_release, std::memory_order_acquire};
  expect_exhaustive_pass(explore(std::ref(model)), 2);
}

TEST(Lifetimes, ReadingASharedAfterItsDestructionIsAUseAfterFreeNamingTheDestruction) {
  std::uint32_t destroyed_after = 0;
  std::uint32_t use_line = 0;
  const ExploreResult result = explore([&] {
    std::optional<ModelSync::Shared<int>> x(std::in_place, 1, "x");
    ModelSync::Atomic<bool> gone(false, "gone");
    thread user([&] {
      use_line = line_here() + 1;
      if (gone.load(std::memory_order_acquire)) (void)x->load();
    });
    destroyed_after = line_here() + 1;
    x->store(2);
    x.reset();
    gone.store(true, std::memory_order_release);
    user.join();
  });
  // Ordered (release/acquire), so no race: the read comes after the destruction.
  expect_failure(result, FailureKind::kUseAfterFree, 0, destroyed_after, 1, use_line);
  const Failure& failure = result.failures.front();
  EXPECT_EQ(failure.object, "x");
  EXPECT_TRUE(has(failure.message, "use after free of x: T1's read at")) << failure.message;
  EXPECT_TRUE(has(failure.message, "after T0 destroyed it after")) << failure.message;
}

// The main thread stores to atomic `a`, destroys it and says so; another thread that sees that
// (release/acquire: ordered, so no race) then makes `use` of `a`: a use after free.
struct AtomicUsedAfterDestruction {
  std::function<void(ModelSync::Atomic<int>&)> use;
  std::uint32_t destroyed_after = 0;

  void operator()() {
    std::optional<ModelSync::Atomic<int>> a(std::in_place, 0, "a");
    // reset() destroys the atomic, not its storage: the use reaches it through this pointer, not
    // through the empty optional.
    ModelSync::Atomic<int>* const object = &*a;
    ModelSync::Atomic<bool> gone(false, "gone");
    thread user([&] {
      if (gone.load(std::memory_order_acquire)) use(*object);
    });
    destroyed_after = line_here() + 1;
    a->store(1);
    a.reset();
    gone.store(true, std::memory_order_release);
    user.join();
  }
};

TEST(Lifetimes, AnAtomicOperationAfterTheAtomicsDestructionIsAUseAfterFree) {
  const std::uint32_t use_line = line_here() + 1;
  AtomicUsedAfterDestruction model{[](ModelSync::Atomic<int>& a) { a.fetch_add(1); }};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kUseAfterFree, 0, model.destroyed_after, 1, use_line);
  EXPECT_TRUE(has(result.failures.front().message, "use after free of a: T1's fetch_add at"))
      << result.failures.front().message;
}

TEST(Lifetimes, ANotifyAfterTheAtomicsDestructionIsAUseAfterFree) {
  // A notify reads the liveness mark first, as every operation of the atomic does.
  const std::uint32_t use_line = line_here() + 1;
  AtomicUsedAfterDestruction model{[](ModelSync::Atomic<int>& a) { a.notify_one(); }};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kUseAfterFree, 0, model.destroyed_after, 1, use_line);
  EXPECT_TRUE(has(result.failures.front().message, "use after free of a: T1's notify at"))
      << result.failures.front().message;
}

TEST(Lifetimes, DestroyingAnObjectTwiceIsAUseAfterFreeReportedFromTheDestructor) {
  // The second destructor reports without throwing (a destructor must not) and the execution
  // still stops there. Shared<int> holds nothing that a second destructor would free twice.
  std::uint32_t line = 0;
  const ExploreResult result = explore([&] {
    std::optional<ModelSync::Shared<int>> x(std::in_place, 1, "x");
    line = line_here() + 1;
    x->store(2);
    ModelSync::Shared<int>* object = &*x;
    std::destroy_at(object);
    std::destroy_at(object);
    std::construct_at(object, 0, "x again");  // for the optional to destroy
  });
  expect_failure(result, FailureKind::kUseAfterFree, 0, line, 0, line);
  EXPECT_TRUE(has(result.failures.front().message, "T0 destroys it again"))
      << result.failures.front().message;
}

// Another thread locks `m` (and, with `unlock`, unlocks it), then says so with `publish`; the main
// thread waits to see that with `observe` and destroys `m` (waiting with model::assume: an
// execution in which the load reads false is not counted).
struct LockThenDestroy {
  bool unlock;
  std::memory_order publish;
  std::memory_order observe;
  std::uint32_t lock_line = 0;
  std::uint32_t unlock_line = 0;
  std::uint32_t destroy_line = 0;

  void operator()() {
    std::optional<ModelSync::Mutex> m(std::in_place, "m");
    ModelSync::Atomic<bool> done(false, "done");
    thread other([&] {
      lock_line = line_here() + 1;
      m->lock();
      unlock_line = line_here() + 1;
      if (unlock) m->unlock();
      done.store(true, publish);
    });
    // Waits for the other thread: the destruction is reported after this line.
    destroy_line = line_here() + 1;
    assume(done.load(observe));
    m.reset();
    other.join();
  }
};

TEST(Lifetimes, DestroyingAMutexAnotherThreadStillHoldsIsReported) {
  // Ordered after the lock (release/acquire), but the holder never unlocks: destroying a held
  // mutex is undefined, and its unlock would touch a destroyed mutex.
  LockThenDestroy model{false, std::memory_order_release, std::memory_order_acquire};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kUseAfterFree, 1, model.lock_line, 0, model.destroy_line);
  EXPECT_TRUE(has(result.failures.front().message, "while T1 holds it (its lock at"))
      << result.failures.front().message;
}

TEST(Lifetimes, DestroyingAMutexAfterAnUnorderedUnlockIsADataRace) {
  LockThenDestroy model{true, std::memory_order_relaxed, std::memory_order_relaxed};
  const ExploreResult result = explore(std::ref(model));
  expect_failure(result, FailureKind::kDataRace, 1, model.unlock_line, 0, model.destroy_line);
  EXPECT_TRUE(has(result.failures.front().message, "T1's unlock at"))
      << result.failures.front().message;
}

TEST(Lifetimes, DestroyingAMutexAfterAnOrderedUnlockPassesExhaustively) {
  LockThenDestroy model{true, std::memory_order_release, std::memory_order_acquire};
  expect_exhaustive_pass(explore(std::ref(model)), 1);
}

TEST(Lifetimes, DestroyingAOnceFlagAfterAnUnorderedCallOnceIsADataRace) {
  std::uint32_t call_line = 0;
  std::uint32_t destroy_line = 0;
  const ExploreResult result = explore([&] {
    std::optional<ModelSync::OnceFlag> flag(std::in_place);
    ModelSync::Atomic<bool> done(false, "done");
    thread other([&] {
      call_line = line_here() + 1;
      ModelSync::call_once(*flag, [] {});
      done.store(true, std::memory_order_relaxed);
    });
    destroy_line = line_here() + 1;
    if (done.load(std::memory_order_relaxed)) flag.reset();
    other.join();
  });
  expect_failure(result, FailureKind::kDataRace, 1, call_line, 0, destroy_line);
}

}  // namespace
}  // namespace doublecheck::model
