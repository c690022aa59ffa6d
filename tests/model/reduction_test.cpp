// Partial-order reduction (DPOR, the default search): optimal where the number of classes of
// interleavings is known, and sound — on a corpus of generated programs it reaches exactly the
// final states and verdicts of the plain search.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ostream>
#include <random>
#include <set>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/corpus_parts.hpp"
#include "tests/model/generated_program.hpp"

namespace doublecheck::model {
namespace {

using corpus::execute;
using corpus::Instruction;
using corpus::kSyncOps;
using corpus::kWeakOps;
using corpus::Objects;
using corpus::Op;
using corpus::op_name;

ExploreOptions with(Search search) {
  ExploreOptions options;
  options.search = search;
  return options;
}

std::uint64_t factorial(std::uint64_t n) { return n <= 1 ? 1 : n * factorial(n - 1); }

TEST(Dpor, NThreadsTakingOneSharedMutexExploreExactlyNFactorialExecutions) {
  for (const int threads : {2, 3, 4, 5}) {
    const auto result = Explorer(with(Search::kDpor)).run("mutex", [threads] {
      ModelSync::Mutex mutex("m");
      ModelSync::Shared<int> counter(0, "counter");
      std::vector<thread> workers;
      workers.reserve(static_cast<std::size_t>(threads));
      for (int t = 0; t < threads; ++t) {
        // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
        workers.push_back(thread([&] {
          mutex.lock();
          counter.add(1);
          mutex.unlock();
        }));
      }
      for (thread& w : workers) w.join();
    });
    EXPECT_TRUE(result.passed()) << format_report(result);
    EXPECT_TRUE(result.exhaustive);
    EXPECT_EQ(result.executions, factorial(static_cast<std::uint64_t>(threads)))
        << threads << " threads: one execution per order of the critical sections";
  }
}

TEST(Dpor, NThreadsOnDisjointObjectsExploreOneExecution) {
  for (const int threads : {2, 3, 4, 5}) {
    const auto result = Explorer(with(Search::kDpor)).run("disjoint", [threads] {
      std::vector<std::unique_ptr<ModelSync::Atomic<int>>> cells;
      cells.reserve(static_cast<std::size_t>(threads));
      for (int t = 0; t < threads; ++t) {
        cells.push_back(std::make_unique<ModelSync::Atomic<int>>(0));
      }
      std::vector<thread> workers;
      workers.reserve(static_cast<std::size_t>(threads));
      for (int t = 0; t < threads; ++t) {
        // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
        workers.push_back(thread([&cells, t] {
          auto& cell = *cells[static_cast<std::size_t>(t)];
          cell.store(1);
          cell.fetch_add(1);
          (void)cell.load();
        }));
      }
      for (thread& w : workers) w.join();
    });
    EXPECT_EQ(result.executions, 1U) << threads << " threads";
  }
}

TEST(Dpor, TheEmittersIncrementModelExploresNFactorialExecutions) {
  // A discarding sink: the metrics critical section is the only shared operation of a call.
  for (const auto& [name, threads] : {std::pair{"increment/fixed/2x1", 2},
                                      {"increment/fixed/3x1", 3},
                                      {"increment/fixed/4x1", 4}}) {
    const ModelSpec* spec = emitter_models().find(name);
    ASSERT_NE(spec, nullptr) << name;
    ExploreOptions options = with(Search::kDpor);
    options.symmetry = false;  // the writers are symmetric: symmetry_test.cpp counts them so
    const auto result = Explorer(options).run(spec->name, spec->body);
    EXPECT_TRUE(result.passed());
    EXPECT_EQ(result.executions, factorial(static_cast<std::uint64_t>(threads))) << name;
  }
}

TEST(Dpor, ExploresAtLeastTenTimesFewerExecutionsThanThePlainSearchOnLargerModels) {
  // Interleavings (sequential consistency): under RC11 both count execution graphs, once each.
  for (const char* name : {"init/acq_rel_dcl/3", "init/acq_rel_dcl/4", "init/call_once/4"}) {
    const ModelSpec* spec = emitter_models().find(name);
    ASSERT_NE(spec, nullptr) << name;
    ExploreOptions reduced_options = with(Search::kDpor);
    reduced_options.memory_model = MemoryModel::kSc;
    reduced_options.symmetry = false;  // partial-order reduction alone
    ExploreOptions plain_options = with(Search::kPlain);
    plain_options.memory_model = MemoryModel::kSc;
    plain_options.symmetry = false;
    const auto reduced = Explorer(reduced_options).run(spec->name, spec->body);
    const auto plain = Explorer(plain_options).run(spec->name, spec->body);
    EXPECT_TRUE(reduced.passed() && plain.passed());
    EXPECT_GE(plain.executions, 10 * reduced.executions)
        << name << ": plain " << plain.executions << ", dpor " << reduced.executions;
  }
}

// --- the differential corpus -------------------------------------------------------------------

// The instructions, their objects and how they run: tests/model/generated_program.hpp.

struct Program {
  std::vector<std::vector<Instruction>> threads;
  int check_value = 0;  // the model fails when object 0 ends with this value
};

// The kinds of generated program.
struct CorpusKind {
  const char* name;
  bool plain_data;  // Shared variables, locks and call_once besides the atomics
  bool weak_ops;    // relaxed, acquire and release accesses, fences, weak compare-exchange
  MemoryModel memory_model;
  unsigned seed;
  bool sync_ops = false;  // shared mutexes and atomic waits besides the seq_cst atomics
  // Instructions per thread, at most (a sync instruction is several operations).
  int max_length = 3;
};

Op draw_op(std::mt19937& rng, const CorpusKind& kind) {
  if (kind.sync_ops) {  // the seq_cst atomics (0..4) and the sync ones
    const int drawn = std::uniform_int_distribution<int>(0, 4 + kSyncOps)(rng);
    return static_cast<Op>(drawn <= 4 ? drawn : drawn + 5 + kWeakOps);
  }
  if (!kind.weak_ops) {
    return static_cast<Op>(std::uniform_int_distribution<int>(0, kind.plain_data ? 9 : 4)(rng));
  }
  // The seq_cst atomics (0..4) and the weak ones.
  const int drawn = std::uniform_int_distribution<int>(0, 4 + kWeakOps)(rng);
  return static_cast<Op>(drawn <= 4 ? drawn : drawn + 5);
}

Program generate(std::mt19937& rng, const CorpusKind& kind) {
  std::uniform_int_distribution<int> thread_count(2, 3);
  std::uniform_int_distribution<int> length(1, kind.max_length);
  std::uniform_int_distribution<int> object(0, 2);
  std::uniform_int_distribution<int> value(1, 3);
  Program program;
  const int threads = thread_count(rng);
  program.threads.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    std::vector<Instruction> code;
    const int n = length(rng);
    code.reserve(static_cast<std::size_t>(n));
    // A braced list: the three draws are made in this order (not so for function arguments).
    for (int i = 0; i < n; ++i) code.push_back({draw_op(rng, kind), object(rng), value(rng)});
    program.threads.push_back(std::move(code));
  }
  program.check_value = value(rng) + 1;
  return program;
}

std::string describe(const Program& program) {
  std::string text;
  for (std::size_t t = 0; t < program.threads.size(); ++t) {
    text += "  T" + std::to_string(t + 1) + ":";
    for (const Instruction& in : program.threads[t]) {
      text += " " + std::string(op_name(in.op)) + "(" + std::to_string(in.object) + "," +
              std::to_string(in.value) + ")";
    }
    text += "\n";
  }
  return text + "  check a0 != " + std::to_string(program.check_value) + "\n";
}

struct Outcomes {
  std::set<std::vector<int>> finals;  // atomics' final values, then every load's result
  std::set<std::string> failures;     // signatures of every failure (keep-going)
  std::uint64_t executions = 0;
  std::uint64_t explored = 0;  // executions run, counted or not
  bool exhaustive = false;     // the search finished (the plain one is capped)
};

// The plain search of a generated program is capped: a few programs have millions of
// interleavings, and the comparison needs only the ones it can finish.
constexpr std::uint64_t kPlainCap = 30'000;

Outcomes run_program(const Program& program, Search search, MemoryModel memory_model) {
  Outcomes outcomes;
  ExploreOptions options = with(search);
  options.memory_model = memory_model;
  options.keep_going = true;
  // Every race of every execution is recorded (a race that stopped its execution could hide a
  // later one, and which comes first differs between equivalent interleavings).
  options.continue_past_race = true;
  options.minimize_preemptions = false;
  options.max_executions = kPlainCap;
  const auto result = Explorer(options).run("generated", [&program, &outcomes] {
    Objects objects;
    std::vector<std::vector<int>> loads(program.threads.size());
    std::vector<thread> workers;
    workers.reserve(program.threads.size());
    for (std::size_t t = 0; t < program.threads.size(); ++t) {
      // NOLINTNEXTLINE(modernize-use-emplace): emplace_back would spawn at <vector>'s line
      workers.push_back(thread([&, t] {
        for (const Instruction& in : program.threads[t]) execute(in, t, objects, loads[t]);
      }));
    }
    for (thread& w : workers) w.join();
    std::vector<int> final_state{objects.a0.load(), objects.a1.load(), objects.a2.load()};
    for (const auto& seen : loads) final_state.insert(final_state.end(), seen.begin(), seen.end());
    outcomes.finals.insert(final_state);
    check(final_state[0] != program.check_value, "a0 reached the checked value");
  });
  // A race is compared by the variable it is on: which two lines the detector names depends on
  // the order of the plain accesses between synchronisations, which is not part of an
  // interleaving's class (FastTrack keeps the last write and the reads since, so one access
  // reports one of possibly several racing partners).
  for (const Failure& f : result.failures) {
    outcomes.failures.insert(f.kind == FailureKind::kDataRace
                                 ? std::string(kind_name(f.kind)) + "|" + f.object
                                 : f.signature());
  }
  outcomes.executions = result.executions;
  outcomes.explored = result.executions + result.pruned;
  outcomes.exhaustive = result.exhaustive;
  return outcomes;
}

// The corpus kind's name in a test's "GetParam() = ..." line (not its bytes).
void PrintTo(const CorpusKind& kind, std::ostream* out) { *out << kind.name; }

constexpr int kCorpusSize = 200;

// Under sequential consistency DPOR explores fewer interleavings than the plain search and reaches
// the same final states and verdicts. Under RC11 (every load may read what coherence allows) the
// two searches must moreover find exactly the same number of distinct execution graphs: a graph
// the reduced search missed would show there first. In parts (corpus_parts.hpp).
class DporDifferential : public testing::TestWithParam<corpus::Part<CorpusKind>> {};

TEST_P(DporDifferential, ReachesTheSameFinalStatesAndVerdictsAsThePlainSearch) {
  const auto& [kind, part] = GetParam();
  std::mt19937 rng(kind.seed);
  std::uint64_t plain_total = 0;
  std::uint64_t dpor_total = 0;
  int compared = 0;
  int drawn = 0;
  for (int i = 0; i < kCorpusSize; ++i) {
    const Program program = generate(rng, kind);
    if (!corpus::in_part(i, part)) continue;
    ++drawn;
    const Outcomes plain = run_program(program, Search::kPlain, kind.memory_model);
    if (!plain.exhaustive) continue;  // too large for the plain search: nothing to compare with
    ++compared;
    const Outcomes reduced = run_program(program, Search::kDpor, kind.memory_model);
    ASSERT_TRUE(reduced.exhaustive) << "program " << i;
    ASSERT_EQ(reduced.finals, plain.finals) << "program " << i << ": final states differ\n"
                                            << describe(program);
    ASSERT_EQ(reduced.failures, plain.failures) << "program " << i << ": verdicts differ\n"
                                                << describe(program);
    EXPECT_LE(reduced.explored, plain.explored) << "program " << i;
    if (kind.memory_model == MemoryModel::kRc11) {
      EXPECT_EQ(reduced.executions, plain.executions)
          << "program " << i << ": a different number of execution graphs\n"
          << describe(program);
    }
    plain_total += plain.explored;
    dpor_total += reduced.explored;
  }
  EXPECT_LT(dpor_total, plain_total) << "the reduction reduces";
  EXPECT_GE(compared * 10, drawn * 7) << "most generated programs must be small enough to compare";
  std::printf(
      "corpus %s, part %d: %d of %d programs compared; plain %llu executions run, dpor %llu\n",
      kind.name, part + 1, compared, drawn, static_cast<unsigned long long>(plain_total),
      static_cast<unsigned long long>(dpor_total));
}

const auto kCorpora = corpus::every_part(
    CorpusKind{"Atomics", false, false, MemoryModel::kSc, 1126U},
    CorpusKind{"WithPlainDataAndLocks", true, false, MemoryModel::kSc, 20261126U},
    CorpusKind{"AtomicsUnderRc11", false, false, MemoryModel::kRc11, 1127U},
    CorpusKind{"LocksUnderRc11", true, false, MemoryModel::kRc11, 20261127U},
    CorpusKind{"WeakOrdersAndFences", false, true, MemoryModel::kRc11, 1201U},
    CorpusKind{"SharedMutexesAndWaits", false, false, MemoryModel::kSc, 1202U, true, 2},
    CorpusKind{"SharedMutexesAndWaitsUnderRc11", false, false, MemoryModel::kRc11, 1203U, true, 2});

INSTANTIATE_TEST_SUITE_P(Corpus, DporDifferential, kCorpora, corpus::part_name<CorpusKind>);

// The corpora under RC11 must reach outcomes sequential consistency does not have, or the
// comparison above would not exercise the memory model; and C++ must keep every SC outcome. The
// reduced search alone shows both (the comparison shows it complete), so the whole corpus runs.
TEST(DporDifferentialCorpus, UnderRc11ReachesOutcomesScDoesNotHaveAndKeepsEveryScOutcome) {
  const CorpusKind weak{"WeakOrdersAndFences", false, true, MemoryModel::kRc11, 1201U};
  const CorpusKind atomics{"AtomicsUnderRc11", false, false, MemoryModel::kRc11, 1127U};
  for (const CorpusKind& kind : {weak, atomics}) {
    std::mt19937 rng(kind.seed);
    std::uint64_t weak_finals = 0;
    for (int i = 0; i < kCorpusSize; ++i) {
      const Program program = generate(rng, kind);
      const Outcomes rc11 = run_program(program, Search::kDpor, MemoryModel::kRc11);
      if (!rc11.exhaustive) continue;
      const Outcomes sc = run_program(program, Search::kDpor, MemoryModel::kSc);
      for (const auto& final_state : sc.finals) {
        EXPECT_TRUE(rc11.finals.contains(final_state))
            << kind.name << " program " << i << ": an SC outcome C++ lost\n"
            << describe(program);
      }
      weak_finals += rc11.finals.size() - sc.finals.size();
    }
    EXPECT_GT(weak_finals, 20U) << kind.name << ": the corpus must reach outcomes SC does not have";
    std::printf("corpus %s: %llu outcomes beyond SC\n", kind.name,
                static_cast<unsigned long long>(weak_finals));
  }
}

TEST(Dpor, EveryEmitterModelReachesTheSameVerdictAsThePlainSearch) {
  for (const ModelSpec& spec : emitter_models().models()) {
    ExploreOptions reduced = spec.options;
    reduced.search = Search::kDpor;
    ExploreOptions plain = spec.options;
    plain.search = Search::kPlain;
    const auto a = Explorer(reduced).run(spec.name, spec.body);
    const auto b = Explorer(plain).run(spec.name, spec.body);
    EXPECT_EQ(a.passed(), b.passed()) << spec.name;
    if (!a.passed() && !b.passed()) {
      EXPECT_EQ(a.failures.front().kind, b.failures.front().kind) << spec.name;
    }
  }
}

}  // namespace
}  // namespace doublecheck::model
