// Fix-necessity mutation (model/mutation.hpp, model/mutation_run.hpp): the sites a passing model
// meets are recorded; each kind of weakening is killed where the site is needed and survives where
// it is not; the emitter's fix has every site listed and every mutant killed.
#include "model/mutation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "impl/scoped_lock.hpp"
#include "model/execution.hpp"
#include "model/explorer.hpp"
#include "model/model_sync.hpp"
#include "model/mutation_run.hpp"
#include "model/registry.hpp"
#include "model/report_json.hpp"

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
  const std::string file = "mutation_test.cpp";
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
  EXPECT_EQ(run.sites[0].describe(), "lock m at mutation_test.cpp:" + std::to_string(lock_line));
  EXPECT_EQ(run.sites[2].describe(),
            "load(acquire) flag at mutation_test.cpp:" + std::to_string(load_line));
}

TEST(MutationSites, RecordingAndMutationAreOffUnlessAsked) {
  const ExecutionConfig config;
  EXPECT_EQ(config.sites, nullptr);
  EXPECT_EQ(config.mutant, nullptr);
  const ExploreOptions options;
  EXPECT_EQ(options.mutant, nullptr);
  EXPECT_EQ(options.record_sites, nullptr);
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
  ASSERT_EQ(run.mutants.size(), 1U);
  const MutantResult& r = run.mutants[0];
  EXPECT_EQ(r.verdict, Verdict::kKilled);
  ASSERT_TRUE(r.killed_by);
  EXPECT_EQ(r.killed_by->kind, FailureKind::kDataRace);
  EXPECT_EQ(r.killed_by->object, "counter");
  EXPECT_EQ(r.killed_by_text().rfind("data race at mutation_test.cpp:", 0), 0U);

  // The mutant id and the token replay the counterexample.
  ExploreOptions replay;
  replay.mutant = std::make_shared<const Mutant>(*Mutant::parse(r.mutant.id()));
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

TEST(MutationOrder, SeqCstWhereAcquireReleaseSufficesIsNotJudged) {
  // seq_cst -> acquire / release: the explorer's memory model (sequentially consistent
  // interleavings, orders judged by happens-before) cannot tell them apart: "not judged", with the
  // reason, rather than "not necessary".
  const auto run =
      mutate_model(message_passing(std::memory_order_seq_cst, std::memory_order_seq_cst, true));
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

TEST(MutationOrder, SeqCstRmwToAcqRelIsNotJudged) {
  const auto run = mutate_model(last_one_reads(std::memory_order_seq_cst, true));
  EXPECT_EQ(only(run, "arrived", Weakening::kOrder, std::memory_order_acq_rel).verdict,
            Verdict::kNotJudged);
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
  // The split made the load and the store two decision points: the other thread's operation on
  // the counter runs between one thread's load and its store.
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
  EXPECT_EQ(json["memory_model"], std::string(kMemoryModel));
}

TEST(MutationReport, TableNamesEverySiteAndTheMemoryModel) {
  const auto killed =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, true));
  const std::string table = format_mutation_table("mp", killed.sites, killed.mutants);
  EXPECT_NE(table.find("memory model: " + std::string(kMemoryModel)), std::string::npos);
  for (const char* column : {"site", "weakening", "verdict", "killed_by", "executions"}) {
    EXPECT_NE(table.find(column), std::string::npos) << column;
  }
  EXPECT_NE(table.find("store(release) ready at mutation_test.cpp:"), std::string::npos) << table;
  EXPECT_NE(table.find("release -> relaxed"), std::string::npos) << table;
  EXPECT_NE(table.find("data race at mutation_test.cpp:"), std::string::npos) << table;
  EXPECT_NE(table.find("--filter '^mp$' --mutant 'ready@mutation_test.cpp:"), std::string::npos)
      << table;

  const auto survived =
      mutate_model(message_passing(std::memory_order_release, std::memory_order_acquire, false));
  const std::string quiet = format_mutation_table("mp", survived.sites, survived.mutants);
  EXPECT_NE(quiet.find("survived: not necessary for the checked properties"), std::string::npos)
      << quiet;
}

TEST(MutationReport, AFixMutantIsShownNecessaryWhenAnyModelKillsIt) {
  Mutant m{Site{SiteOp::kLock, "m", "f.hpp", 3, std::memory_order_seq_cst}, Weakening::kNoLock,
           std::memory_order_relaxed};
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
  // This file is <root>/tests/model/mutation_test.cpp.
  const std::string self = __FILE__;
  const std::string root = self.substr(0, self.rfind("tests/model/"));
  std::ifstream in(root + file);
  EXPECT_TRUE(in) << file;
  std::vector<std::string> found;
  std::string line;
  const std::string base = file.substr(file.rfind('/') + 1);
  for (std::uint32_t n = 1; std::getline(in, line); ++n) {
    if (line.find(code) != std::string::npos) found.push_back(base + ":" + std::to_string(n));
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
    EXPECT_EQ(entry.mutant.weakening, Weakening::kNoLock);
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
