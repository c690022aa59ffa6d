// Fix-necessity mutation (model/mutation/mutation.hpp, model/mutation/mutation_run.hpp): the sites
// a passing model meets are recorded; each kind of weakening is killed where the site is needed and
// survives where it is not; the emitter's fix has every site listed and every mutant killed.
#include "model/mutation/mutation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/catalogue/report_json.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "model/mutation/mutation_run.hpp"
#include "seam/scoped_lock.hpp"

namespace doublecheck::model {
namespace {

using Order = std::memory_order;

// The one result of `run` for the mutant of `object` with `weakening` (and, for an order step, to
// `to`; for an object with sites of several operations, of `op`).
const MutantResult& only(const MutationRun& run, std::string_view object, Weakening weakening,
                         Order to = std::memory_order_relaxed,
                         std::optional<SiteOp> op = std::nullopt) {
  const MutantResult* found = nullptr;
  for (const MutantResult& r : run.mutants) {
    if (r.mutant.site.object != object || r.mutant.weakening != weakening) continue;
    if (weakening == Weakening::kOrder && r.mutant.to != to) continue;
    if (op && r.mutant.site.op != *op) continue;
    EXPECT_EQ(found, nullptr) << "two mutants match " << r.mutant.id();
    found = &r;
  }
  static const MutantResult kNone;
  if (found == nullptr) {
    std::string ids;
    for (const MutantResult& r : run.mutants) ids += " " + r.mutant.id();
    ADD_FAILURE() << "no mutant of " << object << " with that weakening; mutants:" << ids;
    return kNone;
  }
  return *found;
}

MutationRun mutate_model(const std::function<void()>& body, ExploreOptions options = {},
                         std::uint32_t jobs = 2) {
  MutationRun run = mutate("mutation test", body, std::move(options), jobs);
  EXPECT_TRUE(run.model.passed()) << format_report(run.model);
  return run;
}

// --- recording ---------------------------------------------------------------------------------

TEST(MutationSites, RecordsEverySynchronisationSiteWithItsLineOperationAndOrder) {
  static std::uint32_t lock_line = 0;
  static std::uint32_t scoped_line = 0;
  static std::uint32_t load_line = 0;
  static std::uint32_t store_line = 0;
  static std::uint32_t add_line = 0;
  static std::uint32_t cas_line = 0;
  static std::uint32_t once_line = 0;
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Atomic<int> flag(0, "flag");
    ModelSync::OnceFlag once;
    thread other([&] {
      // clang-format off
      lock_line = __LINE__; mutex.lock();
      mutex.unlock();
      { scoped_line = __LINE__; const ScopedLock guard(mutex); }
      load_line = __LINE__; (void)flag.load(std::memory_order_acquire);
      store_line = __LINE__; flag.store(1, std::memory_order_release);
      add_line = __LINE__; flag.fetch_add(1, std::memory_order_acq_rel);
      int expected = 2;
      cas_line = __LINE__; (void)flag.compare_exchange_strong(expected, 3);
      once_line = __LINE__; ModelSync::call_once(once, [] {});
      // clang-format on
    });
    other.join();
  });
  const std::string file = "tests/model/mutation_test.cpp";
  const std::vector<Site> expected{
      {SiteOp::kLock, "m", file, lock_line, std::memory_order_seq_cst},
      {SiteOp::kLock, "m", file, scoped_line, std::memory_order_seq_cst},
      {SiteOp::kLoad, "flag", file, load_line, std::memory_order_acquire},
      {SiteOp::kStore, "flag", file, store_line, std::memory_order_release},
      {SiteOp::kFetchAdd, "flag", file, add_line, std::memory_order_acq_rel},
      {SiteOp::kCompareExchange, "flag", file, cas_line, std::memory_order_seq_cst},
      {SiteOp::kCallOnce, "once#3", file, once_line, std::memory_order_seq_cst},
  };
  EXPECT_EQ(run.sites, expected);
  EXPECT_EQ(run.sites[0].describe(),
            "lock m at tests/model/mutation_test.cpp:" + std::to_string(lock_line));
  EXPECT_EQ(run.sites[2].describe(),
            "load(acquire) flag at tests/model/mutation_test.cpp:" + std::to_string(load_line));
}

TEST(MutationSites, RecordingAndMutationAreOffUnlessAsked) {
  const ExecutionConfig config;
  EXPECT_EQ(config.hook, nullptr);
  const ExploreOptions options;
  EXPECT_EQ(options.hooks, nullptr);
  EXPECT_EQ(mutation_hooks(nullptr, nullptr), nullptr) << "no mutant and no recorder: no hooks";
}

TEST(MutationSites, EveryJobsSitesAreMerged) {
  // With two jobs the search is split; the sites both jobs met are all recorded.
  ExploreOptions options;
  options.jobs = 2;
  const auto run = mutate_model(
      [] {
        ModelSync::Atomic<int> a(0, "a");
        ModelSync::Atomic<int> b(0, "b");
        thread t1([&] { a.store(1, std::memory_order_release); });
        thread t2([&] {
          if (a.load(std::memory_order_acquire) == 1) {
            b.store(1, std::memory_order_release);
          } else {
            (void)b.load(std::memory_order_acquire);
          }
        });
        t1.join();
        t2.join();
      },
      options);
  std::set<std::string> ops;
  for (const Site& site : run.sites)
    ops.insert(site.object + "." + std::string(site_op_name(site.op)));
  EXPECT_EQ(ops, (std::set<std::string>{"a.store", "a.load", "b.store", "b.load"}));
}

// --- the mutant list ---------------------------------------------------------------------------

TEST(MutationList, EachSiteGetsItsOneLevelWeakenings) {
  const auto site = [](SiteOp op, Order order) { return Site{op, "x", "f.hpp", 7, order}; };
  const auto list = [&](SiteOp op, Order order) {
    std::vector<std::string> out;
    for (const Mutant& m : mutants_of({site(op, order)})) out.push_back(m.weakening_text());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(list(SiteOp::kLock, std::memory_order_seq_cst), V{"lock/unlock -> no-op"});
  EXPECT_EQ(list(SiteOp::kTryLock, std::memory_order_seq_cst), V{"try_lock/unlock -> no-op"});
  EXPECT_EQ(list(SiteOp::kLoad, std::memory_order_seq_cst), V{"seq_cst -> acquire"});
  EXPECT_EQ(list(SiteOp::kLoad, std::memory_order_acquire), V{"acquire -> relaxed"});
  EXPECT_EQ(list(SiteOp::kLoad, std::memory_order_relaxed), V{});
  EXPECT_EQ(list(SiteOp::kStore, std::memory_order_seq_cst), V{"seq_cst -> release"});
  EXPECT_EQ(list(SiteOp::kStore, std::memory_order_release), V{"release -> relaxed"});
  EXPECT_EQ(list(SiteOp::kStore, std::memory_order_relaxed), V{});
  EXPECT_EQ(list(SiteOp::kFetchAdd, std::memory_order_seq_cst),
            (V{"seq_cst -> acq_rel", "RMW -> load + store"}));
  EXPECT_EQ(list(SiteOp::kExchange, std::memory_order_acq_rel),
            (V{"acq_rel -> acquire", "acq_rel -> release", "RMW -> load + store"}));
  EXPECT_EQ(list(SiteOp::kCompareExchange, std::memory_order_acquire),
            (V{"acquire -> relaxed", "RMW -> load + store"}));
  EXPECT_EQ(list(SiteOp::kFetchSub, std::memory_order_relaxed), V{"RMW -> load + store"});
  EXPECT_EQ(list(SiteOp::kCallOnce, std::memory_order_seq_cst), V{});
}

TEST(MutationList, IdsParseBackToTheSameMutant) {
  const std::vector<Site> sites{
      {SiteOp::kLock, "metrics_mutex", "telemetry_emitter.hpp", 137, std::memory_order_seq_cst},
      {SiteOp::kLoad, "global.instance", "acq_rel_dcl.hpp", 18, std::memory_order_acquire},
      {SiteOp::kExchange, "atomic#2", "a b.cpp", 9, std::memory_order_acq_rel},
  };
  const auto mutants = mutants_of(sites);
  ASSERT_EQ(mutants.size(), 1U + 1U + 3U);
  EXPECT_EQ(mutants[0].id(), "metrics_mutex@telemetry_emitter.hpp:137:lock/no-lock");
  EXPECT_EQ(mutants[1].id(), "global.instance@acq_rel_dcl.hpp:18:load.acquire/relaxed");
  for (const Mutant& m : mutants) {
    std::string error;
    const auto parsed = Mutant::parse(m.id(), &error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->id(), m.id());
    EXPECT_EQ(parsed->site, m.site);
    EXPECT_EQ(parsed->weakening, m.weakening);
  }
  for (const char* bad : {"", "m@f.cpp:1:lock", "m@f.cpp:x:lock/no-lock", "m@f.cpp:1:lock/split",
                          "x@f.cpp:1:load.acquire/acq_rel", "x@f.cpp:1:load/relaxed",
                          "x@f.cpp:1:load.seq_cst/relaxed", "m@f.cpp:1:jump/no-lock"}) {
    std::string error;
    EXPECT_FALSE(Mutant::parse(bad, &error)) << bad;
    EXPECT_NE(error.find("not a mutant id"), std::string::npos) << bad;
  }
}

// --- no lock -----------------------------------------------------------------------------------

TEST(MutationNoLock, KilledWhereTheLockProtectsSharedData) {
  const auto body = [] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> counter(0, "counter");
    auto increment = [&] {
      const ScopedLock guard(mutex);
      counter.add(1);
    };
    thread other(increment);
    increment();
    other.join();
    check(counter.load() == 2, "both increments counted");
  };
  const auto run = mutate_model(body);
  ASSERT_EQ(run.mutants.size(), 2U);  // the no-lock, and the exclude of the section's one access
  const MutantResult& r = only(run, "m", Weakening::kNoLock);
  EXPECT_EQ(r.verdict, Verdict::kKilled);
  ASSERT_TRUE(r.killed_by);
  EXPECT_EQ(r.killed_by->kind, FailureKind::kDataRace);
  EXPECT_EQ(r.killed_by->object, "counter");
  EXPECT_EQ(r.killed_by_text().rfind("data race at tests/model/mutation_test.cpp:", 0), 0U);

  // The mutant id and the token replay the counterexample.
  ExploreOptions replay;
  replay.hooks = mutation_hooks(std::make_shared<const Mutant>(*Mutant::parse(r.mutant.id())));
  replay.replay_token = r.killed_by->replay_token;
  const auto again = Explorer(replay).run("mutation test", body);
  ASSERT_FALSE(again.passed());
  EXPECT_EQ(again.failures.front().signature(), r.killed_by->signature());
  EXPECT_NE(again.failures.front().trace.find("skipped (mutant: no lock)"), std::string::npos)
      << again.failures.front().trace;
  // Without the mutant the same interleaving passes.
  ExploreOptions plain;
  plain.replay_token = r.killed_by->replay_token;
  EXPECT_TRUE(Explorer(plain).run("mutation test", body).passed());
}

TEST(MutationNoLock, SurvivesWhereTheLockProtectsNothingShared) {
  // lock() and unlock() at different lines: the unlock pairs with the skipped lock through the
  // thread's own record, so the mutant is not "killed" by an unlock of a mutex it does not hold.
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Atomic<int> hits(0, "hits");
    auto work = [&] {
      mutex.lock();
      hits.fetch_add(1, std::memory_order_relaxed);
      mutex.unlock();
    };
    thread other(work);
    work();
    other.join();
    check(hits.load(std::memory_order_relaxed) == 2, "both counted");
  });
  const MutantResult& r = only(run, "m", Weakening::kNoLock);
  EXPECT_EQ(r.verdict, Verdict::kSurvived) << r.killed_by_text();
  EXPECT_TRUE(r.exhaustive);
  EXPECT_NE(r.reason.find("not necessary for the checked properties"), std::string::npos);
}

// A reader-writer cache: writers under lock(), readers under lock_shared(). The writer's lock has a
// no-lock and a "lock -> lock_shared" mutant, the reader's lock_shared a no-lock; all are killed by
// a model with two writers and a reader.
void reader_writer(int writers) {
  ModelSync::SharedMutex rw("rw");
  ModelSync::Shared<int> first(0, "first");
  ModelSync::Shared<int> second(0, "second");
  const auto write = [&] {
    const ScopedLock lock(rw);
    first.add(1);
    second.add(1);
  };
  std::vector<thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
  for (int w = 0; w < writers; ++w) threads.push_back(thread(write));
  {
    const SharedLock lock(rw);
    check(first.load() == second.load(), "a torn pair");
  }
  for (thread& t : threads) t.join();
  check(first.load() == writers, "a lost update");
}

TEST(MutationSharedMutex, EveryLockOfAReaderWriterFixIsShownNecessary) {
  const auto run = mutate_model([] { reader_writer(2); }, {}, 1);
  const MutantResult& shared = only(run, "rw", Weakening::kShared);
  EXPECT_EQ(shared.mutant.weakening_text(), "lock -> lock_shared");
  EXPECT_EQ(shared.verdict, Verdict::kKilled) << shared.reason;
  ASSERT_TRUE(shared.killed_by);
  EXPECT_EQ(shared.killed_by->kind, FailureKind::kDataRace);
  EXPECT_EQ(only(run, "rw", Weakening::kNoLock, Order::relaxed, SiteOp::kLock).verdict,
            Verdict::kKilled);
  const MutantResult& reader =
      only(run, "rw", Weakening::kNoLock, Order::relaxed, SiteOp::kLockShared);
  EXPECT_EQ(reader.mutant.weakening_text(), "lock_shared/unlock_shared -> no-op");
  EXPECT_EQ(reader.verdict, Verdict::kKilled) << reader.reason;

  // The id parses back, and its replay shows the lock taken shared.
  ExploreOptions replay;
  replay.hooks = mutation_hooks(std::make_shared<const Mutant>(*Mutant::parse(shared.mutant.id())));
  replay.replay_token = shared.killed_by->replay_token;
  const auto again = Explorer(replay).run("mutation test", [] { reader_writer(2); });
  ASSERT_FALSE(again.passed());
  EXPECT_NE(again.failures.front().trace.find("taken shared (mutant"), std::string::npos)
      << again.failures.front().trace;
}

TEST(MutationSharedMutex, WithOneWriterTheLockTakenSharedStillRacesWithTheReader) {
  // Two shared holders are unordered: the writer's writes race with the reader's reads.
  const auto run = mutate_model([] { reader_writer(1); }, {}, 1);
  const MutantResult& shared = only(run, "rw", Weakening::kShared);
  EXPECT_EQ(shared.verdict, Verdict::kKilled) << shared.reason;
  ASSERT_TRUE(shared.killed_by);
  EXPECT_EQ(shared.killed_by->kind, FailureKind::kDataRace);
}

TEST(MutationNoLock, TryLockSiteKilledWhenItGuardsSharedData) {
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> counter(0, "counter");
    auto work = [&] {
      if (mutex.try_lock()) {
        counter.add(1);
        mutex.unlock();
      }
    };
    thread other(work);
    work();
    other.join();
  });
  const MutantResult& r = only(run, "m", Weakening::kNoLock);
  EXPECT_EQ(r.mutant.site.op, SiteOp::kTryLock);
  EXPECT_EQ(r.verdict, Verdict::kKilled);
}

// --- memory orders -----------------------------------------------------------------------------

// Message passing: the writer fills `data` and publishes `ready` with `store_order`; the reader
// reads `data` when it sees `ready` with `load_order` (or, `reads_data` false, only looks).
std::function<void()> message_passing(Order store_order, Order load_order, bool reads_data) {
  return [=] {
    ModelSync::Shared<int> data(0, "data");
    ModelSync::Atomic<int> ready(0, "ready");
    thread writer([&] {
      data.store(42);
      ready.store(1, store_order);
    });
    thread reader([&] {
      if (ready.load(load_order) == 1 && reads_data) check(data.load() == 42, "sees the data");
    });
    writer.join();
    reader.join();
  };
}

TEST(MutationOrder, AcquireAndReleaseToRelaxedKilledWhereTheyPublishData) {
  const auto run =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, true));
  ASSERT_EQ(run.mutants.size(), 2U);
  for (const MutantResult& r : run.mutants) {
    EXPECT_EQ(r.mutant.to, std::memory_order_relaxed);
    EXPECT_EQ(r.verdict, Verdict::kKilled) << r.mutant.id();
    ASSERT_TRUE(r.killed_by);
    EXPECT_EQ(r.killed_by->kind, FailureKind::kDataRace);
    EXPECT_EQ(r.killed_by->object, "data");
  }
}

TEST(MutationOrder, AcquireToRelaxedSurvivesWhereNothingIsReadAfterIt) {
  const auto run =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, false));
  const MutantResult& load =
      only(run, "ready", Weakening::kOrder, std::memory_order_relaxed, SiteOp::kLoad);
  EXPECT_EQ(load.verdict, Verdict::kSurvived);
  EXPECT_NE(load.reason.find("not necessary for the checked properties"), std::string::npos);
}

ExploreOptions sequentially_consistent() {
  ExploreOptions options;
  options.memory_model = MemoryModel::kSc;
  return options;
}

TEST(MutationOrder, SeqCstWhereAcquireReleaseSufficesIsNotJudgedUnderSc) {
  // seq_cst -> acquire / release: sequentially consistent interleavings with orders judged by
  // happens-before cannot tell them apart: "not judged", with the reason, rather than "not
  // necessary".
  const auto run =
      mutate_model(message_passing(std::memory_order_seq_cst, std::memory_order_seq_cst, true),
                   sequentially_consistent());
  ASSERT_EQ(run.mutants.size(), 2U);
  const MutantResult& load = only(run, "ready", Weakening::kOrder, std::memory_order_acquire);
  const MutantResult& store = only(run, "ready", Weakening::kOrder, std::memory_order_release);
  for (const MutantResult* r : {&load, &store}) {
    EXPECT_EQ(r->verdict, Verdict::kNotJudged) << r->mutant.id();
    EXPECT_NE(r->reason.find("happens-before"), std::string::npos);
    EXPECT_NE(r->reason.find("sequentially consistent"), std::string::npos);
  }
  EXPECT_EQ(verdict_name(load.verdict), "not judged");
}

TEST(MutationOrder, SeqCstWhereAcquireReleaseSufficesSurvivesUnderRc11) {
  // Under the C++ memory model the weakening is judged: message passing needs only
  // release/acquire, so the seq_cst is shown not necessary.
  const auto run =
      mutate_model(message_passing(std::memory_order_seq_cst, std::memory_order_seq_cst, true));
  ASSERT_EQ(run.mutants.size(), 2U);
  for (const Order to : {std::memory_order_acquire, std::memory_order_release}) {
    const MutantResult& r = only(run, "ready", Weakening::kOrder, to);
    EXPECT_EQ(r.verdict, Verdict::kSurvived) << r.mutant.id();
  }
}

// Store buffering (Dekker's entry): each thread raises its flag, then looks at the other's; at
// most one may see the other's flag down. That needs seq_cst on every access: a release store or an
// acquire load lets both read the old value.
std::function<void()> store_buffering(Order order) {
  return [=] {
    ModelSync::Atomic<int> flag0(0, "flag0");
    ModelSync::Atomic<int> flag1(0, "flag1");
    ModelSync::Atomic<int> entered(0, "entered");
    auto enter = [&](ModelSync::Atomic<int>& mine, ModelSync::Atomic<int>& other) {
      mine.store(1, order);
      if (other.load(order) == 0) {
        check(entered.fetch_add(1, std::memory_order_relaxed) == 0, "at most one enters");
      }
    };
    thread a([&] { enter(flag0, flag1); });
    thread b([&] { enter(flag1, flag0); });
    a.join();
    b.join();
  };
}

// The same entry with relaxed flags and a seq_cst fence between each thread's store and load.
std::function<void()> fenced_store_buffering() {
  return [] {
    ModelSync::Atomic<int> flag0(0, "flag0");
    ModelSync::Atomic<int> flag1(0, "flag1");
    ModelSync::Atomic<int> entered(0, "entered");
    auto enter = [&](ModelSync::Atomic<int>& mine, ModelSync::Atomic<int>& other) {
      mine.store(1, std::memory_order_relaxed);
      ModelSync::fence(std::memory_order_seq_cst);
      if (other.load(std::memory_order_relaxed) == 0) {
        check(entered.fetch_add(1, std::memory_order_relaxed) == 0, "at most one enters");
      }
    };
    thread a([&] { enter(flag0, flag1); });
    thread b([&] { enter(flag1, flag0); });
    a.join();
    b.join();
  };
}

TEST(MutationOrder, AFenceIsASiteAndItsSeqCstIsShownNecessary) {
  const auto run = mutate_model(fenced_store_buffering());
  std::size_t fences = 0;
  for (const MutantResult& r : run.mutants) {
    if (r.mutant.site.op != SiteOp::kFence) continue;
    ++fences;
    EXPECT_EQ(r.mutant.to, std::memory_order_acq_rel);
    EXPECT_EQ(r.verdict, Verdict::kKilled) << r.mutant.id();
    ASSERT_TRUE(r.killed_by);
    EXPECT_EQ(r.killed_by->message, "at most one enters");
  }
  EXPECT_EQ(fences, 1U) << "one fence site (one line), met by both threads";
}

TEST(MutationOrder, SeqCstToAcquireOrReleaseKilledUnderRc11WhereTheTotalOrderIsNeeded) {
  const auto run = mutate_model(store_buffering(std::memory_order_seq_cst));
  std::size_t order_mutants = 0;
  for (const MutantResult& r : run.mutants) {
    if (r.mutant.weakening != Weakening::kOrder) continue;
    ++order_mutants;
    EXPECT_EQ(r.verdict, Verdict::kKilled) << r.mutant.id();
    ASSERT_TRUE(r.killed_by);
    EXPECT_EQ(r.killed_by->message, "at most one enters");
  }
  EXPECT_EQ(order_mutants, 4U) << "two flag stores, two flag loads";
}

// Two threads each fill their own slot and count themselves in with one RMW; whoever counts last
// reads both slots (or, `reads_slots` false, nothing).
std::function<void()> last_one_reads(Order order, bool reads_slots) {
  return [=] {
    ModelSync::Shared<int> slot0(0, "slot0");
    ModelSync::Shared<int> slot1(0, "slot1");
    ModelSync::Atomic<int> arrived(0, "arrived");
    auto work = [&](ModelSync::Shared<int>& mine) {
      mine.store(1);
      if (arrived.fetch_add(1, order) == 1 && reads_slots) {
        check(slot0.load() + slot1.load() == 2, "the last one sees both slots");
      }
    };
    thread a([&] { work(slot0); });
    thread b([&] { work(slot1); });
    a.join();
    b.join();
  };
}

TEST(MutationOrder, AcqRelToAcquireAndToReleaseKilledWhereBothHalvesAreNeeded) {
  const auto run = mutate_model(last_one_reads(std::memory_order_acq_rel, true));
  const MutantResult& to_acquire =
      only(run, "arrived", Weakening::kOrder, std::memory_order_acquire);
  const MutantResult& to_release =
      only(run, "arrived", Weakening::kOrder, std::memory_order_release);
  EXPECT_EQ(to_acquire.verdict, Verdict::kKilled);
  EXPECT_EQ(to_release.verdict, Verdict::kKilled);
  ASSERT_TRUE(to_acquire.killed_by);
  EXPECT_EQ(to_acquire.killed_by->kind, FailureKind::kDataRace);
}

TEST(MutationOrder, AcqRelToAcquireAndToReleaseSurviveWhereTheCounterPublishesNothing) {
  const auto run = mutate_model(last_one_reads(std::memory_order_acq_rel, false));
  EXPECT_EQ(only(run, "arrived", Weakening::kOrder, std::memory_order_acquire).verdict,
            Verdict::kSurvived);
  EXPECT_EQ(only(run, "arrived", Weakening::kOrder, std::memory_order_release).verdict,
            Verdict::kSurvived);
}

TEST(MutationOrder, SeqCstRmwToAcqRelIsNotJudgedUnderScAndJudgedUnderRc11) {
  const auto sc =
      mutate_model(last_one_reads(std::memory_order_seq_cst, true), sequentially_consistent());
  EXPECT_EQ(only(sc, "arrived", Weakening::kOrder, std::memory_order_acq_rel).verdict,
            Verdict::kNotJudged);
  const auto rc11 = mutate_model(last_one_reads(std::memory_order_seq_cst, true));
  EXPECT_EQ(only(rc11, "arrived", Weakening::kOrder, std::memory_order_acq_rel).verdict,
            Verdict::kSurvived)
      << "an RMW chain needs acq_rel, not a total order";
}

// --- split RMW ---------------------------------------------------------------------------------

TEST(MutationSplit, KilledByALostUpdateOfAnAtomicCounter) {
  const auto run = mutate_model([] {
    ModelSync::Atomic<int> counter(0, "counter");
    auto increment = [&] { counter.fetch_add(1, std::memory_order_relaxed); };
    thread other(increment);
    increment();
    other.join();
    check(counter.load(std::memory_order_relaxed) == 2, "no increment lost");
  });
  ASSERT_EQ(run.mutants.size(), 1U);  // relaxed: no weaker order, only the split
  const MutantResult& r = only(run, "counter", Weakening::kSplit);
  EXPECT_EQ(r.verdict, Verdict::kKilled);
  ASSERT_TRUE(r.killed_by);
  EXPECT_EQ(r.killed_by->kind, FailureKind::kAssertion);
  EXPECT_EQ(r.killed_by->message, "no increment lost");
  // The split made the load and the store two operations: the other thread's operation on the
  // counter runs between one thread's load and its store, or (under RC11) one thread's load reads
  // the value the other's store already replaced.
  std::vector<const TraceEvent*> ops;
  for (const TraceEvent& event : r.killed_by->events) {
    if (event.object == "counter") ops.push_back(&event);
  }
  bool interleaved = false;
  for (std::size_t i = 0; i < ops.size() && !interleaved; ++i) {
    if (ops[i]->kind != OpKind::kLoad) continue;
    std::size_t k = i + 1;  // the same thread's next operation on the counter
    while (k < ops.size() && ops[k]->thread != ops[i]->thread) ++k;
    interleaved = k < ops.size() && k > i + 1 && ops[k]->kind == OpKind::kStore;
    interleaved |= ops[i]->detail.find("STALE") != std::string::npos;
  }
  EXPECT_TRUE(interleaved) << r.killed_by->trace;
}

TEST(MutationSplit, CompareExchangeSplitLetsTwoThreadsClaimTheSameSlot) {
  const auto run = mutate_model([] {
    ModelSync::Atomic<int> owner(0, "owner");
    ModelSync::Atomic<int> winners(0, "winners");
    auto claim = [&](int me) {
      int expected = 0;
      if (owner.compare_exchange_strong(expected, me, std::memory_order_acq_rel)) {
        winners.fetch_add(1);
      }
    };
    thread other([&] { claim(1); });
    claim(2);
    other.join();
    check(winners.load() == 1, "exactly one claim wins");
  });
  EXPECT_EQ(only(run, "owner", Weakening::kSplit).verdict, Verdict::kKilled);
  EXPECT_EQ(only(run, "owner", Weakening::kSplit).killed_by->message, "exactly one claim wins");
}

TEST(MutationSplit, SurvivesWhereOnlyOneThreadWrites) {
  const auto run = mutate_model([] {
    ModelSync::Atomic<int> counter(0, "counter");
    thread writer([&] { counter.fetch_add(1, std::memory_order_relaxed); });
    thread reader([&] {
      const int seen = counter.load(std::memory_order_relaxed);
      check(seen == 0 || seen == 1, "a whole count");
    });
    writer.join();
    reader.join();
  });
  EXPECT_EQ(only(run, "counter", Weakening::kSplit).verdict, Verdict::kSurvived);
}

// --- critical sections: split and exclude ------------------------------------------------------

// The one result of `run` with mutant id `id`.
const MutantResult& by_id(const MutationRun& run, const std::string& id) {
  for (const MutantResult& r : run.mutants) {
    if (r.mutant.id() == id) return r;
  }
  static const MutantResult kNone;
  std::string ids;
  for (const MutantResult& r : run.mutants) ids += "\n  " + r.mutant.id();
  ADD_FAILURE() << "no mutant " << id << "; mutants:" << ids;
  return kNone;
}

std::vector<std::string> ids_of(const MutationRun& run) {
  std::vector<std::string> ids;
  ids.reserve(run.mutants.size());
  for (const MutantResult& r : run.mutants) ids.push_back(r.mutant.id());
  return ids;
}

// "<object>@tests/model/mutation_test.cpp:<line>:<op>": a key of this file.
std::string key(const std::string& object, std::uint32_t line, const std::string& op) {
  return object + "@tests/model/mutation_test.cpp:" + std::to_string(line) + ":" + op;
}

// Lines of the two-counter model below.
std::uint32_t writer_lock_line = 0;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::uint32_t writer_a_line = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::uint32_t writer_b_line = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::uint32_t reader_lock_line = 0;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::uint32_t reader_a_line = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
std::uint32_t reader_b_line = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

// A writer adds 1 to two counters in one critical section; a reader reads both under the same
// mutex and checks they are equal — or, `checks_both` false (a property too weak), only that the
// first is a whole count.
std::function<void()> two_counters(bool checks_both) {
  return [=] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> a(0, "a");
    ModelSync::Shared<int> b(0, "b");
    thread writer([&] {
      // clang-format off
      writer_lock_line = __LINE__; const ScopedLock guard(mutex);
      writer_a_line = __LINE__; a.add(1);
      writer_b_line = __LINE__; b.add(1);
      // clang-format on
    });
    thread reader([&] {
      // clang-format off
      reader_lock_line = __LINE__; const ScopedLock guard(mutex);
      reader_a_line = __LINE__; const int first = a.load();
      reader_b_line = __LINE__; const int second = b.load();
      // clang-format on
      if (checks_both) {
        check(first == second, "the counters move together");
      } else {
        check(first == 0 || first == 1, "the first counter is a whole count");
      }
    });
    writer.join();
    reader.join();
  };
}

TEST(MutationSection, SplitBetweenTwoUpdatesIsKilledByTheReaderThatComparesThem) {
  const auto run = mutate_model(two_counters(true));
  const std::string writer = key("m", writer_lock_line, "lock");
  const MutantResult& split =
      by_id(run, writer + "/split-before:" + key("b", writer_b_line, "add"));
  EXPECT_EQ(split.mutant.weakening, Weakening::kSplitBefore);
  EXPECT_EQ(split.mutant.weakening_text(),
            "unlock/relock before add b at tests/model/mutation_test.cpp:" +
                std::to_string(writer_b_line));
  EXPECT_FALSE(split.mutant.judged_by_happens_before_only());
  EXPECT_EQ(split.verdict, Verdict::kKilled);
  ASSERT_TRUE(split.killed_by);
  EXPECT_EQ(split.killed_by->kind, FailureKind::kAssertion);
  EXPECT_EQ(split.killed_by->message, "the counters move together");
  // The reader's section split between its two reads is killed the same way.
  const MutantResult& reader_split = by_id(
      run, key("m", reader_lock_line, "lock") + "/split-before:" + key("b", reader_b_line, "read"));
  EXPECT_EQ(reader_split.verdict, Verdict::kKilled);
  ASSERT_TRUE(reader_split.killed_by);
  EXPECT_EQ(reader_split.killed_by->message, "the counters move together");
}

TEST(MutationSection, EitherUpdateRunOutsideTheLockIsKilledAsADataRace) {
  const auto run = mutate_model(two_counters(true));
  const std::string writer = key("m", writer_lock_line, "lock");
  for (const auto& [object, line] :
       {std::pair{"a", writer_a_line}, std::pair{"b", writer_b_line}}) {
    const MutantResult& exclude = by_id(run, writer + "/exclude:" + key(object, line, "add"));
    EXPECT_EQ(exclude.mutant.weakening_text(), "add " + std::string(object) +
                                                   " at tests/model/mutation_test.cpp:" +
                                                   std::to_string(line) + " outside the lock");
    EXPECT_EQ(exclude.verdict, Verdict::kKilled) << exclude.mutant.id();
    ASSERT_TRUE(exclude.killed_by);
    EXPECT_EQ(exclude.killed_by->kind, FailureKind::kDataRace);
    EXPECT_EQ(exclude.killed_by->object, object);
  }
}

TEST(MutationSection, ATooWeakPropertyLetsTheSplitSurvive) {
  // Negative control: the reader checks only the first counter, so nothing sees the two updates
  // come apart; the split survives (while every exclude is still a data race).
  const auto run = mutate_model(two_counters(false));
  const std::string writer = key("m", writer_lock_line, "lock");
  const MutantResult& split =
      by_id(run, writer + "/split-before:" + key("b", writer_b_line, "add"));
  EXPECT_EQ(split.verdict, Verdict::kSurvived) << split.killed_by_text();
  EXPECT_TRUE(split.exhaustive);
  EXPECT_NE(split.reason.find("not necessary for the checked properties"), std::string::npos);
  EXPECT_EQ(by_id(run, writer + "/exclude:" + key("b", writer_b_line, "add")).verdict,
            Verdict::kKilled);
}

TEST(MutationSection, ReplayOfAKilledSplitReproducesItsFailure) {
  const auto body = two_counters(true);
  const auto run = mutate_model(body);
  const MutantResult& split = by_id(
      run, key("m", writer_lock_line, "lock") + "/split-before:" + key("b", writer_b_line, "add"));
  ASSERT_TRUE(split.killed_by);
  // As dc_model --mutant <id> --replay <token> runs it.
  std::string error;
  const auto parsed = Mutant::parse(split.mutant.id(), &error);
  ASSERT_TRUE(parsed) << error;
  ExploreOptions replay;
  replay.hooks = mutation_hooks(std::make_shared<const Mutant>(*parsed));
  replay.replay_token = split.killed_by->replay_token;
  const auto again = Explorer(replay).run("mutation test", body);
  ASSERT_FALSE(again.passed());
  EXPECT_EQ(again.failures.front().signature(), split.killed_by->signature());
  EXPECT_EQ(again.failures.front().message, "the counters move together");
  // The cut is a real unlock, at b's add, and the reader's section runs in the gap (the writer
  // waits to take the mutex again when the reader's check fails).
  const Failure& failure = again.failures.front();
  const auto& events = failure.events;
  const auto cut = std::find_if(events.begin(), events.end(),
                                [](const TraceEvent& e) { return e.detail == "mutant: split"; });
  ASSERT_NE(cut, events.end()) << failure.trace;
  EXPECT_EQ(cut->kind, OpKind::kUnlock);
  EXPECT_EQ(cut->object, "m");
  EXPECT_EQ(cut->loc.line, writer_b_line);
  const auto reader_lock = std::find_if(cut, events.end(), [&](const TraceEvent& e) {
    return e.kind == OpKind::kLock && e.thread != cut->thread;
  });
  ASSERT_NE(reader_lock, events.end()) << failure.trace;
  EXPECT_EQ(reader_lock->loc.line, reader_lock_line);
  // Without the mutant the same interleaving passes.
  ExploreOptions plain;
  plain.replay_token = split.killed_by->replay_token;
  EXPECT_TRUE(Explorer(plain).run("mutation test", body).passed());
}

TEST(MutationSection, ASectionWithOneAccessHasAnExcludeButNoSplit) {
  static std::uint32_t lock_line = 0;
  static std::uint32_t add_line = 0;
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> counter(0, "counter");
    auto increment = [&] {
      // clang-format off
      lock_line = __LINE__; const ScopedLock guard(mutex);
      add_line = __LINE__; counter.add(1);
      // clang-format on
    };
    thread other(increment);
    increment();
    other.join();
  });
  const std::string lock = key("m", lock_line, "lock");
  EXPECT_EQ(ids_of(run),
            (std::vector<std::string>{lock + "/no-lock",
                                      lock + "/exclude:" + key("counter", add_line, "add")}));
  ASSERT_EQ(run.points.size(), 1U);
  EXPECT_FALSE(run.points[0].split_point);
}

TEST(MutationSection, AccessesToObjectsCreatedInsideTheSectionAreNoPoints) {
  // Like the fields of an emitter constructed inside the init lock: private to the section. They
  // do not count as its units either, so `counter`'s add is still the first: no split.
  static std::uint32_t lock_line = 0;
  static std::uint32_t add_line = 0;
  static std::uint32_t flag_line = 0;
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Shared<int> counter(0, "counter");
    ModelSync::Atomic<int> flag(0, "flag");
    auto work = [&] {
      // clang-format off
      lock_line = __LINE__; const ScopedLock guard(mutex);
      ModelSync::Shared<int> local(0, "local");
      ModelSync::Atomic<int> local_flag(0, "local_flag");
      local.store(1);
      local.add(1);
      local_flag.store(local.load(), std::memory_order_relaxed);
      add_line = __LINE__; counter.add(local_flag.load(std::memory_order_relaxed));
      // clang-format on
    };
    thread other(work);
    work();
    other.join();
    // clang-format off
    flag_line = __LINE__; (void)flag.load();  // outside any section: a site, no point
    // clang-format on
  });
  const std::string lock = key("m", lock_line, "lock");
  EXPECT_EQ(ids_of(run),
            (std::vector<std::string>{lock + "/no-lock",
                                      lock + "/exclude:" + key("counter", add_line, "add"),
                                      key("flag", flag_line, "load.seq_cst") + "/acquire"}));
  for (const SectionPoint& point : run.points) {
    EXPECT_EQ(point.access.object.rfind("local", 0), std::string::npos) << point.access.describe();
  }
}

TEST(MutationSection, SplittingAnOuterSectionWhileAnInnerOneIsHeldCanDeadlock) {
  // A takes outer, then inner; cut before its access under inner, it takes outer again while it
  // holds inner: against B (outer, then inner) a lock order inversion.
  static std::uint32_t outer_line = 0;
  static std::uint32_t inner_line = 0;
  static std::uint32_t y_line = 0;
  const auto run = mutate_model([] {
    ModelSync::Mutex outer("outer");
    ModelSync::Mutex inner("inner");
    ModelSync::Shared<int> x(0, "x");
    ModelSync::Shared<int> y(0, "y");
    thread a([&] {
      // clang-format off
      outer_line = __LINE__; const ScopedLock o(outer);
      x.add(1);
      inner_line = __LINE__; const ScopedLock i(inner);
      y_line = __LINE__; y.add(1);
      // clang-format on
    });
    thread b([&] {
      const ScopedLock o(outer);
      const ScopedLock i(inner);
      check(x.load() == y.load(), "x and y move together");
    });
    a.join();
    b.join();
  });
  const std::string outer = key("outer", outer_line, "lock");
  const std::string inner = key("inner", inner_line, "lock");
  const std::string y_add = key("y", y_line, "add");
  // y's add is in both sections: the outer's second unit, the inner's first.
  EXPECT_EQ(by_id(run, outer + "/split-before:" + y_add).mutant.access.line, y_line);
  const auto ids = ids_of(run);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), inner + "/split-before:" + y_add), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), inner + "/exclude:" + y_add), 1);
  const MutantResult& split = by_id(run, outer + "/split-before:" + y_add);
  EXPECT_EQ(split.verdict, Verdict::kKilled);
  ASSERT_TRUE(split.killed_by);
  EXPECT_EQ(split.killed_by->kind, FailureKind::kDeadlock) << split.killed_by->message;
}

TEST(MutationSection, RecordingListsEachSectionsAccessesWithTheirLines) {
  static std::uint32_t lock_line = 0;
  static std::uint32_t add_line = 0;
  static std::uint32_t load_line = 0;
  static std::uint32_t inner_line = 0;
  static std::uint32_t store_line = 0;
  const auto run = mutate_model([] {
    ModelSync::Mutex mutex("m");
    ModelSync::Mutex inner("inner");
    ModelSync::Shared<int> counter(0, "counter");
    ModelSync::Atomic<int> flag(0, "flag");
    thread other([&] {
      // clang-format off
      lock_line = __LINE__; mutex.lock();
      add_line = __LINE__; counter.add(1);
      load_line = __LINE__; (void)flag.load(std::memory_order_acquire);
      {
        inner_line = __LINE__; const ScopedLock guard(inner);
        store_line = __LINE__; counter.store(5);
      }
      mutex.unlock();
      counter.store(6);  // after the unlock: in no section
      // clang-format on
    });
    other.join();
  });
  const std::string file = "tests/model/mutation_test.cpp";
  const Order none = std::memory_order_seq_cst;
  const Site m{SiteOp::kLock, "m", file, lock_line, none};
  const Site i{SiteOp::kLock, "inner", file, inner_line, none};
  const Site add{SiteOp::kAdd, "counter", file, add_line, none};
  const Site load{SiteOp::kLoad, "flag", file, load_line, std::memory_order_acquire};
  const Site store{SiteOp::kWrite, "counter", file, store_line, none};
  const std::vector<SectionPoint> expected{
      {m, add, false}, {m, load, true}, {m, store, true}, {i, store, false}};
  EXPECT_EQ(run.points, expected);
  EXPECT_EQ(store.describe(),
            "write counter at tests/model/mutation_test.cpp:" + std::to_string(store_line));
  EXPECT_EQ(load.key(), key("flag", load_line, "load.acquire"));
}

TEST(MutationSection, PointsOfEveryJobAreMergedAndASplitPointInAnyWins) {
  const Site lock{SiteOp::kLock, "m", "f.hpp", 3, std::memory_order_seq_cst};
  const Site a{SiteOp::kRead, "a", "f.hpp", 4, std::memory_order_seq_cst};
  const Site b{SiteOp::kAdd, "b", "f.hpp", 5, std::memory_order_seq_cst};
  const std::vector<SectionPoint> one{{lock, a, false}, {lock, b, false}};
  const std::vector<SectionPoint> two{{lock, b, true}};
  EXPECT_EQ(merge_points(one, two), (std::vector<SectionPoint>{{lock, a, false}, {lock, b, true}}));
  EXPECT_EQ(merge_points(two, one), merge_points(one, two));
}

TEST(MutationList, SectionMutantsFollowTheirLockSitesNoLockSplitsFirst) {
  const Site lock{SiteOp::kLock, "m", "f.hpp", 3, std::memory_order_seq_cst};
  const Site other{SiteOp::kLock, "n", "f.hpp", 9, std::memory_order_seq_cst};
  const Site a{SiteOp::kRead, "a", "f.hpp", 4, std::memory_order_seq_cst};
  const Site b{SiteOp::kAdd, "b", "f.hpp", 5, std::memory_order_seq_cst};
  const Site c{SiteOp::kStore, "c", "f.hpp", 6, std::memory_order_release};
  const auto mutants = mutants_of(
      {lock, c, other}, {{lock, a, false}, {lock, b, true}, {lock, c, true}, {other, a, false}});
  std::vector<std::string> texts;
  texts.reserve(mutants.size());
  for (const Mutant& m : mutants) texts.push_back(m.site.object + ": " + m.weakening_text());
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "m: lock/unlock -> no-op",
                       "m: unlock/relock before add b at f.hpp:5",
                       "m: unlock/relock before store(release) c at f.hpp:6",
                       "m: read a at f.hpp:4 outside the lock",
                       "m: add b at f.hpp:5 outside the lock",
                       "m: store(release) c at f.hpp:6 outside the lock",
                       "c: release -> relaxed",
                       "n: lock/unlock -> no-op",
                       "n: read a at f.hpp:4 outside the lock",
                   }));
}

TEST(MutationList, SectionMutantIdsParseBackEvenWithDotsSlashesAndAtsInNames) {
  const Site metrics{SiteOp::kLock, "metrics_mutex", "telemetry_emitter.hpp", 137,
                     std::memory_order_seq_cst};
  const Site bytes{SiteOp::kAdd, "metrics.total_bytes_in", "telemetry_emitter.hpp", 139,
                   std::memory_order_seq_cst};
  const Site init{SiteOp::kTryLock, "global.init_mutex", "acq_rel_dcl.hpp", 16,
                  std::memory_order_seq_cst};
  const Site instance{SiteOp::kLoad, "global.instance", "acq_rel_dcl.hpp", 18,
                      std::memory_order_relaxed};
  const Site odd_lock{SiteOp::kLock, "pool/slot@2", "a b.cpp", 7, std::memory_order_seq_cst};
  const Site odd_access{SiteOp::kCompareExchange, "x/exclude:y@z", "a b.cpp", 8,
                        std::memory_order_acq_rel};
  const std::vector<Mutant> mutants{
      {metrics, Weakening::kSplitBefore, std::memory_order_relaxed, bytes},
      {metrics, Weakening::kExclude, std::memory_order_relaxed, bytes},
      {init, Weakening::kExclude, std::memory_order_relaxed, instance},
      {odd_lock, Weakening::kSplitBefore, std::memory_order_relaxed, odd_access},
      {odd_lock, Weakening::kExclude, std::memory_order_relaxed, odd_access},
  };
  EXPECT_EQ(mutants[0].id(),
            "metrics_mutex@telemetry_emitter.hpp:137:lock/split-before:"
            "metrics.total_bytes_in@telemetry_emitter.hpp:139:add");
  EXPECT_EQ(mutants[1].id(),
            "metrics_mutex@telemetry_emitter.hpp:137:lock/exclude:"
            "metrics.total_bytes_in@telemetry_emitter.hpp:139:add");
  EXPECT_EQ(mutants[2].id(),
            "global.init_mutex@acq_rel_dcl.hpp:16:try_lock/exclude:"
            "global.instance@acq_rel_dcl.hpp:18:load.relaxed");
  EXPECT_EQ(mutants[1].weakening_text(),
            "add metrics.total_bytes_in at telemetry_emitter.hpp:139 outside the lock");
  for (const Mutant& m : mutants) {
    std::string error;
    const auto parsed = Mutant::parse(m.id(), &error);
    ASSERT_TRUE(parsed) << m.id() << ": " << error;
    EXPECT_EQ(parsed->id(), m.id());
    EXPECT_EQ(parsed->site, m.site) << m.id();
    EXPECT_EQ(parsed->weakening, m.weakening) << m.id();
    EXPECT_EQ(parsed->access, m.access) << m.id();
  }
  for (const char* bad : {
           "m@f.cpp:1:lock/split-before:",                     // no access
           "m@f.cpp:1:lock/split-before",                      // no ':<access>'
           "x@f.cpp:1:load.acquire/exclude:y@f.cpp:2:read",    // not a lock site
           "m@f.cpp:1:lock/exclude:once#3@f.cpp:2:call_once",  // not an access
           "m@f.cpp:1:lock/exclude:y@f.cpp:2:load",            // an atomic access needs its order
           "m@f.cpp:1:lock/split-before:y@f.cpp:2:read.relaxed",  // a Shared read has none
           "m@f.cpp:1:lock/exclude:y@f.cpp:x:read",               // the line is not a number
           "y@f.cpp:2:read/no-lock",                              // no-lock of an access
       }) {
    std::string error;
    EXPECT_FALSE(Mutant::parse(bad, &error)) << bad;
    EXPECT_NE(error.find("not a mutant id"), std::string::npos) << bad;
  }
}

TEST(MutationReport, JsonEntryOfASectionMutantNamesItsAccess) {
  const auto run = mutate_model(two_counters(true));
  ModelSpec spec;
  spec.name = "counters";
  spec.variant = "fixed";
  const std::string writer = key("m", writer_lock_line, "lock");
  const MutantResult& split =
      by_id(run, writer + "/split-before:" + key("b", writer_b_line, "add"));
  const auto json = to_json(spec, split, true);
  EXPECT_EQ(json["access"],
            "add b at tests/model/mutation_test.cpp:" + std::to_string(writer_b_line));
  EXPECT_EQ(json["site"],
            "lock m at tests/model/mutation_test.cpp:" + std::to_string(writer_lock_line));
  EXPECT_EQ(json["id"], split.mutant.id());
  EXPECT_EQ(json["replay"]["mutant"], split.mutant.id());
  EXPECT_EQ(json["site_detail"]["op"], "lock");
  EXPECT_EQ(json["verdict"], "killed");
  EXPECT_TRUE(to_json(spec, by_id(run, writer + "/no-lock"), true)["access"].is_null());

  MutationSummary summary;
  summary.add("counters", "fixed", true, split);
  const auto entries = to_json(summary);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0]["access"], json["access"]);
  EXPECT_NE(summary.format().find("unlock/relock before add b at tests/model/mutation_test.cpp:"),
            std::string::npos)
      << summary.format();
  const std::string table = format_mutation_table("counters", run.sites, run.mutants);
  EXPECT_NE(table.find("add a at tests/model/mutation_test.cpp:" + std::to_string(writer_a_line) +
                       " outside the lock"),
            std::string::npos)
      << table;
}

// --- reports -----------------------------------------------------------------------------------

TEST(MutationReport, JsonEntryHasTheAgreedFields) {
  const auto run =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, true));
  ModelSpec spec;
  spec.name = "mp";
  spec.variant = "fixed";
  const auto json = to_json(spec, run.mutants.front(), true);
  for (const char* key :
       {"model", "variant", "site", "weakening", "verdict", "killed_by", "executions", "replay"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["verdict"], "killed");
  EXPECT_EQ(json["replay"]["mutant"], run.mutants.front().mutant.id());
  EXPECT_EQ(json["replay"]["token"], run.mutants.front().killed_by->replay_token);
  EXPECT_EQ(json["memory_model"], std::string(memory_model_text(MemoryModel::kRc11)));
}

TEST(MutationReport, TableNamesEverySiteAndTheMemoryModel) {
  const auto killed =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, true));
  const std::string table = format_mutation_table("mp", killed.sites, killed.mutants);
  EXPECT_NE(table.find("memory model: " + std::string(memory_model_text(MemoryModel::kRc11))),
            std::string::npos);
  for (const char* column : {"site", "weakening", "verdict", "killed_by", "executions"}) {
    EXPECT_NE(table.find(column), std::string::npos) << column;
  }
  EXPECT_NE(table.find("store(release) ready at tests/model/mutation_test.cpp:"), std::string::npos)
      << table;
  EXPECT_NE(table.find("release -> relaxed"), std::string::npos) << table;
  EXPECT_NE(table.find("data race at tests/model/mutation_test.cpp:"), std::string::npos) << table;
  EXPECT_NE(table.find("--filter '^mp$' --mutant 'ready@tests/model/mutation_test.cpp:"),
            std::string::npos)
      << table;

  const auto survived =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, false));
  const std::string quiet = format_mutation_table("mp", survived.sites, survived.mutants);
  EXPECT_NE(quiet.find("survived: not necessary for the checked properties"), std::string::npos)
      << quiet;
}

TEST(MutationReport, AFixMutantIsShownNecessaryWhenAnyModelKillsIt) {
  Mutant m{Site{SiteOp::kLock, "m", "f.hpp", 3, std::memory_order_seq_cst},
           Weakening::kNoLock,
           std::memory_order_relaxed,
           {}};
  Mutant bookkeeping = m;
  bookkeeping.site.object = "store";
  MutantResult survived{m, Verdict::kSurvived, std::nullopt, 2, true, "dpor", "not needed"};
  MutantResult killed = survived;
  killed.verdict = Verdict::kKilled;
  MutantResult other = survived;
  other.mutant = bookkeeping;
  MutationSummary summary;
  summary.add("a", "fixed", true, survived);
  summary.add("b", "fixed", false, other);
  ASSERT_EQ(summary.not_shown_necessary("fixed").size(), 1U);
  EXPECT_EQ(summary.not_shown_necessary("fixed").front()->mutant.id(), m.id());
  summary.add("c", "fixed", true, killed);
  EXPECT_TRUE(summary.not_shown_necessary("fixed").empty());
  EXPECT_EQ(summary.entries().front().killed_in, std::vector<std::string>{"c"});
  EXPECT_EQ(summary.entries().front().survived_in, std::vector<std::string>{"a"});
}

// --- the emitter -------------------------------------------------------------------------------

// "file:line" of every line of `file` (under the source root) that contains `code`.
std::vector<std::string> lines_with(const std::string& file, const std::string& code) {
  std::string error;
  const auto numbers = locate(SourceLines::containing(file, code), &error);
  EXPECT_TRUE(numbers) << error;
  std::vector<std::string> found;
  for (const std::uint32_t n : numbers.value_or(std::vector<std::uint32_t>{})) {
    found.push_back(file + ":" + std::to_string(n));
  }
  return found;
}

// Every passing model of `variant`, mutated; the mutants summed up over the models.
MutationSummary mutate_variant(const std::string& variant) {
  MutationSummary summary;
  for (const ModelSpec& spec : emitter_models().models()) {
    if (spec.variant != variant || !spec.expected.pass) continue;
    const MutationRun run = mutate(spec.name, spec.body, spec.options, 2);
    EXPECT_TRUE(run.model.passed()) << spec.name;
    for (const MutantResult& r : run.mutants) {
      summary.add(spec.name, variant, emitter_models().in_fix(variant, r.mutant.site.object), r);
    }
  }
  return summary;
}

TEST(MutationEmitter, EveryMutantOfTheFixedEmittersFixIsKilled) {
  const MutationSummary summary = mutate_variant("fixed");
  // The fix's sites: the metrics lock in record_call (emit_tool_call) and in snapshot()
  // (get_session_summary and emit_server_stop: one source line), and the init lock in init() and
  // in get().
  const auto update =
      lines_with("impl/telemetry_emitter.hpp", "UpdateGuard<Mutex> guard(metrics_mutex_)");
  const auto read =
      lines_with("impl/telemetry_emitter.hpp", "ReadGuard<Mutex> guard(metrics_mutex_)");
  const auto init = lines_with("impl/global_telemetry.hpp", "const ScopedLock guard(mutex_);");
  ASSERT_EQ(update.size(), 1U);
  ASSERT_EQ(read.size(), 1U);
  ASSERT_EQ(init.size(), 2U);
  const std::set<std::string> expected{"metrics_mutex@" + update[0], "metrics_mutex@" + read[0],
                                       "global.init_mutex@" + init[0],
                                       "global.init_mutex@" + init[1]};
  std::set<std::string> listed;
  for (const MutantSummary& entry : summary.entries()) {
    if (!entry.in_fix) {
      EXPECT_EQ(entry.mutant.site.object, "global.store_mutex") << "only bookkeeping is outside";
      continue;
    }
    const std::string site = entry.mutant.site.object + "@" + entry.mutant.site.where();
    listed.insert(site);
    // A lock site's mutants: its no-lock, and the splits and excludes of its section.
    EXPECT_TRUE(entry.mutant.weakening == Weakening::kNoLock ||
                cuts_section(entry.mutant.weakening))
        << entry.mutant.id();
    EXPECT_EQ(entry.verdict, Verdict::kKilled) << entry.mutant.id();
  }
  EXPECT_EQ(listed, expected);
  EXPECT_TRUE(summary.not_shown_necessary("fixed").empty());

  // snapshot() is one site with two callers: each caller's model kills it on its own.
  for (const MutantSummary& entry : summary.entries()) {
    if (entry.mutant.site.where() != read[0]) continue;
    const auto killed_by = [&](const std::string& prefix) {
      return std::any_of(entry.killed_in.begin(), entry.killed_in.end(),
                         [&](const std::string& model) { return model.rfind(prefix, 0) == 0; });
    };
    EXPECT_TRUE(killed_by("snapshot/fixed/")) << "get_session_summary()";
    EXPECT_TRUE(killed_by("stop/fixed/")) << "emit_server_stop()";
  }
}

TEST(MutationEmitter, AcqRelDclLoadAndStoreSteppedDownToRelaxedAreKilled) {
  const MutationSummary summary = mutate_variant("acq_rel_dcl");
  const auto acquire_loads =
      lines_with("impl/variants/acq_rel_dcl.hpp", "instance_.load(std::memory_order_acquire)");
  const auto release_store =
      lines_with("impl/variants/acq_rel_dcl.hpp", "std::memory_order_release");
  ASSERT_EQ(acquire_loads.size(), 2U);
  ASSERT_EQ(release_store.size(), 1U);
  std::set<std::string> killed;
  for (const MutantSummary& entry : summary.entries()) {
    if (entry.mutant.weakening == Weakening::kOrder && entry.verdict == Verdict::kKilled) {
      EXPECT_EQ(entry.mutant.to, std::memory_order_relaxed);
      killed.insert(entry.mutant.site.where());
    }
    if (entry.in_fix) {
      EXPECT_EQ(entry.verdict, Verdict::kKilled) << entry.mutant.id();
    }
  }
  EXPECT_EQ(killed, (std::set<std::string>{acquire_loads[0], acquire_loads[1], release_store[0]}));
}

}  // namespace
}  // namespace doublecheck::model
