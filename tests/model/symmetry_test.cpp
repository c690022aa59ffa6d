// Symmetry reduction (model/engine/symmetry.hpp): threads spawned symmetric are explored up to
// renaming them — as few executions as GenMC's symmetric spawn on the emitter's models, and sound:
// on a corpus of generated programs the reduced search reaches exactly the final states (up to
// renaming the symmetric threads) and the failures of the unreduced one.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/engine/execution.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "tests/model/corpus_parts.hpp"
#include "tests/model/generated_program.hpp"

namespace doublecheck::model {
namespace {

ExploreOptions with(Search search, bool symmetry, MemoryModel memory_model = MemoryModel::kRc11) {
  ExploreOptions options;
  options.search = search;
  options.symmetry = symmetry;
  options.memory_model = memory_model;
  return options;
}

ExploreResult run_emitter_model(const std::string& name, const ExploreOptions& options) {
  const ModelSpec* spec = emitter_models().find(name);
  EXPECT_NE(spec, nullptr) << name;
  if (spec == nullptr) return {};
  return Explorer(options).run(spec->name, spec->body);
}

TEST(Symmetry, TheEmittersIncrementModelsExploreAsFewExecutionsAsGenMCsSymmetricSpawn) {
  // GenMC (RC11, __VERIFIER_spawn_symmetric), ../shared/oracle/README.md: 1, 15, 105 and 945; and
  // without symmetry 24, 90, 2,520 and 22,680 — the multinomials of the critical sections.
  struct Expected {
    const char* name;
    std::uint64_t reduced;
    std::uint64_t unreduced;
  };
  for (const Expected& e :
       {Expected{"increment/fixed/4x1", 1, 24}, Expected{"increment/fixed/3x2", 15, 90},
        Expected{"increment/fixed/4x2", 105, 2520},
        Expected{"increment/fixed/4x2+1r", 945, 22680}}) {
    const auto reduced = run_emitter_model(e.name, with(Search::kDpor, true));
    EXPECT_TRUE(reduced.passed() && reduced.exhaustive) << e.name << "\n" << format_report(reduced);
    EXPECT_EQ(reduced.executions, e.reduced) << e.name << " with symmetry";
    const auto unreduced = run_emitter_model(e.name, with(Search::kDpor, false));
    EXPECT_TRUE(unreduced.passed() && unreduced.exhaustive) << e.name;
    EXPECT_EQ(unreduced.executions, e.unreduced) << e.name << " without symmetry";
  }
}

TEST(Symmetry, ThePlainSearchIsReducedToo) {
  // Every interleaving, up to renaming the writers: 4x1's 24 orders of the critical sections
  // are one.
  const auto reduced = run_emitter_model("increment/fixed/4x1", with(Search::kPlain, true));
  const auto unreduced = run_emitter_model("increment/fixed/4x1", with(Search::kPlain, false));
  EXPECT_TRUE(reduced.passed() && unreduced.passed());
  EXPECT_EQ(reduced.executions * 24, unreduced.executions)
      << "plain: " << reduced.executions << " with symmetry, " << unreduced.executions
      << " without";
}

TEST(Symmetry, TheEmittersSymmetricInitCallersStillCatchTheRacyDoubleCheckedLock) {
  // A negative control on symmetric threads: the reduction must not explore the race away.
  for (const char* name : {"init/fixed/3", "init/fixed/4"}) {
    const auto reduced = run_emitter_model(name, with(Search::kDpor, true));
    const auto unreduced = run_emitter_model(name, with(Search::kDpor, false));
    EXPECT_TRUE(reduced.passed() && unreduced.passed()) << name;
    EXPECT_LT(reduced.executions, unreduced.executions) << name;
  }
  const auto racy = Explorer(with(Search::kDpor, true)).run("naive dcl, 3 symmetric callers", [] {
    ModelSync::Shared<int> instance(0, "instance");
    ModelSync::Mutex mutex("module lock");
    auto callers = ModelSync::symmetric_threads(3, [&] {
      if (instance.load() == 0) {  // the unlocked first check: races with the locked write
        mutex.lock();
        if (instance.load() == 0) instance.store(1);
        mutex.unlock();
      }
    });
    for (auto& caller : callers) caller.join();
  });
  ASSERT_FALSE(racy.passed());
  EXPECT_EQ(racy.failures.front().kind, FailureKind::kDataRace) << format_report(racy);
}

TEST(Symmetry, ASymmetricThreadSpawnedAfterAnOperationIsAUsageError) {
  const auto result = Explorer(with(Search::kDpor, true)).run("misused", [] {
    ModelSync::Atomic<int> x(0, "x");
    thread first([&] { x.store(1); });
    x.store(2);  // an operation between the two spawns: the second one's start differs
    Execution& ex = Execution::current();
    const ThreadId second = ex.spawn([&] { x.store(1); }, SourceLoc::current(), first.id());
    first.join();
    ex.join(second, SourceLoc::current());
  });
  ASSERT_FALSE(result.passed());
  EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError);
  EXPECT_NE(result.failures.front().message.find("symmetric thread must be spawned right after"),
            std::string::npos)
      << result.failures.front().message;
}

TEST(Symmetry, ASymmetricBodyMayTakeItsIndexForWhereItLeavesWhatItSaw) {
  std::set<std::vector<int>> finals;
  const auto result = Explorer(with(Search::kDpor, true)).run("slots", [&finals] {
    ModelSync::Atomic<int> ticket(0, "ticket");
    std::array<int, 3> got{};
    auto takers = ModelSync::symmetric_threads(
        3, [&](std::size_t slot) { got.at(slot) = ticket.fetch_add(1); });
    for (auto& taker : takers) taker.join();
    finals.insert({got.begin(), got.end()});
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_EQ(result.executions, 1U) << "3 identical ticket takers: one execution up to renaming";
  EXPECT_EQ(finals, (std::set<std::vector<int>>{{0, 1, 2}}));
}

// --- the differential corpus -------------------------------------------------------------------
// Programs of a group of symmetric threads (2 or 3, the same code) and, in half of them, one
// thread of its own: the reduced search must reach every final state the unreduced one does, with
// the symmetric threads' observations taken as a multiset (which of them saw what is exactly what
// the reduction leaves out), and the same failures.

using corpus::execute;
using corpus::Instruction;
using corpus::Objects;
using corpus::Op;
using corpus::op_name;
using Code = std::vector<Instruction>;

// Every instruction of the corpus vocabulary (tests/model/generated_program.hpp).
constexpr int kOps = static_cast<int>(Op::kStoreNotifyAll) + 1;

struct Program {
  int group = 2;  // symmetric threads
  Code shared_code;
  std::optional<Code> other;  // a thread of its own
  // The negative control: the other thread is declared symmetric to the group though its code
  // differs, which the reduction cannot be sound for.
  bool other_declared_symmetric = false;
};

Code generate_code(std::mt19937& rng, int max_length) {
  std::uniform_int_distribution<int> op(0, kOps - 1);
  std::uniform_int_distribution<int> length(1, max_length);
  std::uniform_int_distribution<int> object(0, 2);
  std::uniform_int_distribution<int> value(1, 3);
  Code code;
  const int n = length(rng);
  // A braced list: the three draws are made in this order (not so for function arguments).
  for (int i = 0; i < n; ++i) code.push_back({static_cast<Op>(op(rng)), object(rng), value(rng)});
  return code;
}

Program generate(std::mt19937& rng) {
  Program program;
  program.group = std::uniform_int_distribution<int>(2, 3)(rng);
  program.shared_code = generate_code(rng, 3);
  if (std::uniform_int_distribution<int>(0, 1)(rng) == 1) program.other = generate_code(rng, 2);
  return program;
}

std::string describe(const Program& program) {
  const auto text_of = [](const Code& code) {
    std::string text;
    for (const Instruction& in : code) {
      text += std::string(" ") + std::string(op_name(in.op)) + "(" + std::to_string(in.object) +
              "," + std::to_string(in.value) + ")";
    }
    return text;
  };
  std::string text =
      "  " + std::to_string(program.group) + " symmetric:" + text_of(program.shared_code) + "\n";
  if (program.other) text += "  other:" + text_of(*program.other) + "\n";
  return text;
}

struct Outcomes {
  std::set<std::vector<int>> finals;  // atomics, the group's sorted observations, the other's
  std::set<std::string> failures;     // kind (and a race's variable): thread names differ
  std::uint64_t executions = 0;
  bool exhaustive = false;
};

constexpr std::uint64_t kCap = 20'000;

Outcomes run_program(const Program& program, const ExploreOptions& base) {
  Outcomes outcomes;
  ExploreOptions options = base;
  options.keep_going = true;
  options.continue_past_race = true;
  options.minimize_preemptions = false;
  options.max_executions = kCap;
  const auto result = Explorer(options).run("generated", [&program, &outcomes] {
    Objects objects;
    const auto group = static_cast<std::size_t>(program.group);
    std::vector<std::vector<int>> seen(group + 1);
    auto threads = ModelSync::symmetric_threads(group, [&](std::size_t slot) {
      for (const Instruction& in : program.shared_code) execute(in, 0, objects, seen[slot]);
    });
    const auto other_body = [&] {
      for (const Instruction& in : *program.other) execute(in, 1, objects, seen[group]);
    };
    std::optional<thread> other;
    ThreadId false_twin = kNoThread;
    if (program.other && program.other_declared_symmetric) {
      false_twin =
          Execution::current().spawn(other_body, SourceLoc::current(), threads.back().id());
    } else if (program.other) {
      other.emplace(other_body);
    }
    for (auto& t : threads) t.join();
    if (other) other->join();
    if (false_twin != kNoThread) Execution::current().join(false_twin, SourceLoc::current());
    std::vector<int> final_state{objects.a0.load(), objects.a1.load(), objects.a2.load()};
    std::sort(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(group));
    for (const auto& observed : seen) {
      final_state.push_back(-100);  // a separator: the observations' lengths may differ
      final_state.insert(final_state.end(), observed.begin(), observed.end());
    }
    outcomes.finals.insert(final_state);
  });
  for (const Failure& f : result.failures) {
    outcomes.failures.insert(std::string(kind_name(f.kind)) +
                             (f.kind == FailureKind::kDataRace ? "|" + f.object : ""));
  }
  outcomes.executions = result.executions;
  outcomes.exhaustive = result.exhaustive;
  return outcomes;
}

struct CorpusKind {
  const char* name;
  Search search;
  MemoryModel memory_model;
  unsigned seed;
};

// The corpus kind's name in a test's "GetParam() = ..." line (not its bytes).
void PrintTo(const CorpusKind& kind, std::ostream* out) { *out << kind.name; }

// In parts (corpus_parts.hpp).
class SymmetryDifferential : public testing::TestWithParam<corpus::Part<CorpusKind>> {};

TEST_P(SymmetryDifferential, ReachesTheSameFinalStatesAndFailuresAsTheUnreducedSearch) {
  const auto& [kind, part] = GetParam();
  std::mt19937 rng(kind.seed);
  std::uint64_t reduced_total = 0;
  std::uint64_t unreduced_total = 0;
  int compared = 0;
  int drawn = 0;
  for (int i = 0; i < 150; ++i) {
    const Program program = generate(rng);
    if (!corpus::in_part(i, part)) continue;
    ++drawn;
    const Outcomes unreduced = run_program(program, with(kind.search, false, kind.memory_model));
    if (!unreduced.exhaustive) continue;  // too large to compare with
    ++compared;
    const Outcomes reduced = run_program(program, with(kind.search, true, kind.memory_model));
    ASSERT_TRUE(reduced.exhaustive) << "program " << i;
    ASSERT_EQ(reduced.finals, unreduced.finals) << "program " << i << ": final states differ\n"
                                                << describe(program);
    ASSERT_EQ(reduced.failures, unreduced.failures) << "program " << i << ": failures differ\n"
                                                    << describe(program);
    EXPECT_LE(reduced.executions, unreduced.executions) << "program " << i;
    reduced_total += reduced.executions;
    unreduced_total += unreduced.executions;
  }
  EXPECT_GE(compared * 2, drawn) << "the corpus must be compared, not skipped";
  // The reduction must reduce: a symmetry that never holds a thread back would pass the above.
  // (By how much is the counts' business: symmetry_test's GenMC counts above.)
  EXPECT_LT(reduced_total, unreduced_total)
      << "symmetry explored " << reduced_total << " executions, the unreduced search "
      << unreduced_total;
  std::cout << "[ corpus ] part " << part + 1 << ": " << compared << " of " << drawn
            << " programs: " << reduced_total << " executions with symmetry, " << unreduced_total
            << " without\n";
}

TEST(SymmetryDifferentialControl, TheComparisonCatchesThreadsFalselyDeclaredSymmetric) {
  // Two threads adding different values to a0 under a lock, the second declared symmetric to the
  // first: the lockstep lets the first lock first, so the state where the second went first (the
  // first saw its 2) is lost — the comparison above must see that, or it could not catch an
  // unsound reduction either.
  Program program;
  program.group = 1;
  program.shared_code = {{Op::kLockedRmw, 0, 1}};
  program.other = Code{{Op::kLockedRmw, 0, 2}};
  program.other_declared_symmetric = true;
  for (const MemoryModel memory_model : {MemoryModel::kRc11, MemoryModel::kSc}) {
    for (const Search search : {Search::kDpor, Search::kPlain}) {
      const Outcomes unreduced = run_program(program, with(search, false, memory_model));
      const Outcomes reduced = run_program(program, with(search, true, memory_model));
      EXPECT_EQ(unreduced.finals.size(), 2U);
      EXPECT_NE(reduced.finals, unreduced.finals) << "the comparison cannot see a lost state";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Corpora, SymmetryDifferential,
    corpus::every_part(CorpusKind{"DporRc11", Search::kDpor, MemoryModel::kRc11, 11},
                       CorpusKind{"DporSc", Search::kDpor, MemoryModel::kSc, 12},
                       CorpusKind{"PlainSc", Search::kPlain, MemoryModel::kSc, 13},
                       CorpusKind{"PlainRc11", Search::kPlain, MemoryModel::kRc11, 14}),
    corpus::part_name<CorpusKind>);

}  // namespace
}  // namespace doublecheck::model
