// Hostile models: a model thread that crashes (a null dereference, a stack overflow — by deep
// recursion or by frames larger than the guard —, abort(), a division by zero) is a failure of its
// execution like any other (FailureKind::kCrash, model/engine/crash.hpp): reported with the
// signal, the thread and a replay token that crashes again, and the explorer goes on working in the
// same process. A crash outside any model thread still kills the process, after saying what it
// knows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "model/catalogue/cli.hpp"
#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
#include "seam/scoped_lock.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

// --- crashing code: each kept from being folded away by volatile ---

void null_dereference() {
  volatile int* volatile pointer = nullptr;
  *pointer = 42;
}

// Recursion that never bottoms out before the stack does: each frame keeps a small volatile array
// alive across the call, so it is neither a loop nor a tail call.
[[gnu::noinline]] std::uint64_t deep(std::uint64_t n) {
  volatile char frame[128];
  frame[0] = static_cast<char>(n);
  if (n == 0) return static_cast<std::uint64_t>(frame[0]);
  return deep(n - 1) + static_cast<std::uint64_t>(frame[0]);
}

// Frames of 200 KiB, more than twelve times the guard below a stack (StackPool::kGuardSize),
// touched at their far end first: without -fstack-clash-protection the frame that crosses the
// bottom of the stack jumps the guard (a 1 MiB stack ends 176 KiB into the sixth frame) and writes
// into whatever lies below — the stack mapped next, another fiber's; with it, the frame's pages
// are probed in order and the first probe below the stack faults in the guard.
constexpr std::size_t kLargeFrame = std::size_t{200} << 10;
[[gnu::noinline]] std::uint64_t large_frames(std::uint64_t n) {
  volatile char frame[kLargeFrame];
  frame[0] = static_cast<char>(n);  // the lowest address of the frame: its far end
  frame[kLargeFrame - 1] = 1;
  if (n == 0) return static_cast<std::uint64_t>(frame[0]);
  return large_frames(n - 1) + static_cast<std::uint64_t>(frame[kLargeFrame - 1]);
}

void divide_by_zero() {
  volatile int dividend = 1;
  volatile int divisor = 0;
  volatile int quotient = dividend / divisor;
  (void)quotient;
}

constexpr std::uint64_t kForever = std::uint64_t{1} << 40;

// A model of two threads whose second thread runs `crash` after an operation of its own.
std::function<void()> second_thread_runs(void (*crash)()) {
  return [crash] {
    ModelSync::Atomic<int> x(0, "x");
    thread t([&] {
      x.store(1);
      crash();
    });
    x.store(2);
    t.join();
  };
}

ExploreResult explore(std::string_view name, const std::function<void()>& body,
                      ExploreOptions options = {}) {
  return Explorer(std::move(options)).run(name, body);
}

// The explorer still works in this process after a crash: a model of three threads passes its
// exhaustive search, with more than one execution.
void expect_explorer_still_works() {
  const auto result = explore("still works", [] {
    ModelSync::Mutex m("m");
    ModelSync::Shared<int> counter(0, "counter");
    const auto add = [&] {
      m.lock();
      counter.store(counter.load() + 1);
      m.unlock();
    };
    thread a(add);
    thread b(add);
    add();
    a.join();
    b.join();
    check(counter.load() == 3, "every increment counted");
  });
  EXPECT_TRUE(result.passed()) << format_report(result);
  EXPECT_TRUE(result.exhaustive);
  EXPECT_GT(result.executions, 1U);
}

const Failure& expect_crash(const ExploreResult& result, std::string_view signal) {
  EXPECT_FALSE(result.passed()) << "the crashing model passed";
  static const Failure kNone;
  if (result.passed()) return kNone;
  const Failure& crash = result.failures.front();
  EXPECT_EQ(crash.kind, FailureKind::kCrash) << format_report(result);
  EXPECT_NE(crash.message.find(signal), std::string::npos) << crash.message;
  EXPECT_NE(format_report(result).find("crash"), std::string::npos);
  EXPECT_FALSE(crash.replay_token.empty());
  return crash;
}

void expect_in(std::string_view text, std::string_view part) {
  EXPECT_NE(text.find(part), std::string_view::npos) << "no '" << part << "' in:\n" << text;
}

// Bytes of memory the process holds now (resident set, from /proc).
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

TEST(Crash, ANullDereferenceIsACrashWithSigsegvAndATokenThatCrashesAgain) {
  const auto body = second_thread_runs(null_dereference);
  const auto result = explore("hostile/null", body);
  const Failure& crash = expect_crash(result, "SIGSEGV");
  expect_in(crash.message, "model thread T1 crashed");
  expect_in(crash.message, "a null pointer dereference");
  expect_in(crash.message, "at address 0x0");
  expect_in(crash.message, "last visible operation was at tests/model/hostile/crash_test.cpp:");
  // The trace runs up to the crashing step, marked, in the crashed thread's column.
  expect_in(crash.trace, ">>");
  expect_in(crash.trace, "crash SIGSEGV at address 0x0 (null pointer)");
  expect_in(crash.trace, "store x = 1");

  ExploreOptions replay;
  replay.replay_token = crash.replay_token;
  const auto again = explore("hostile/null", body, replay);
  const Failure& crashed_again = expect_crash(again, "SIGSEGV");
  EXPECT_EQ(crashed_again.signature(), crash.signature());
  EXPECT_EQ(again.search, "replay");
  expect_explorer_still_works();
}

TEST(Crash, ADeepRecursionIsAStackOverflowNamingTheStackSizeAndHowToRaiseIt) {
  const auto result = explore("hostile/deep", [] {
    thread t([] { (void)deep(kForever); });
    t.join();
  });
  const Failure& crash = expect_crash(result, "SIGSEGV");
  expect_in(crash.message, "a stack overflow");
  expect_in(crash.message, "1024 KiB stack");
  expect_in(crash.message, "--stack-size");
  expect_in(crash.message, "ExploreOptions::stack_size");
  expect_in(crash.trace, "(stack overflow)");
  expect_explorer_still_works();
}

TEST(Crash, FramesLargerThanTheGuardAreAStackOverflowNotACorruptedNeighbour) {
  // The overflowing thread is spawned first, so the stack mapped next — directly below its own
  // guard — is the holder's, which holds state (a lock, a vector) across the crash.
  const auto result = explore("hostile/large-frames", [] {
    ModelSync::Mutex m("m");
    ModelSync::Atomic<int> x(0, "x");
    thread overflow([&] {
      x.store(1);
      (void)large_frames(kForever);
    });
    thread holder([&] {
      std::vector<int> state(1000, 7);
      m.lock();
      x.store(state.back());
      m.unlock();
    });
    x.store(2);
    holder.join();
    overflow.join();
  });
  const Failure& crash = expect_crash(result, "SIGSEGV");
  expect_in(crash.message, "model thread T1 crashed");
  expect_in(crash.message, "a stack overflow");
  expect_explorer_still_works();
}

TEST(Crash, AbortInAModelThreadIsACrashWithSigabrt) {
  const auto result = explore("hostile/abort", second_thread_runs([] { std::abort(); }));
  const Failure& crash = expect_crash(result, "SIGABRT");
  expect_in(crash.message, "abort()");
  expect_explorer_still_works();
}

TEST(Crash, ADivisionByZeroIsACrashWithSigfpe) {
  const auto result = explore("hostile/divide", second_thread_runs(divide_by_zero));
  const Failure& crash = expect_crash(result, "SIGFPE");
  expect_in(crash.message, "integer division by zero");
  expect_in(crash.message, "at instruction 0x");
  expect_explorer_still_works();
}

TEST(Crash, ACrashWhileAnotherThreadHoldsALockIsReportedNotHung) {
  const auto body = [] {
    ModelSync::Mutex m("m");
    ModelSync::Atomic<int> x(0, "x");
    thread waiter([&] {
      std::vector<std::string> held(10, "state on the heap");
      const ScopedLock<ModelSync::Mutex> lock(m);
      x.store(static_cast<int>(held.size()));
    });
    m.lock();
    x.store(1);
    null_dereference();  // T0 crashes holding m; the waiter is parked, or blocked on m
    m.unlock();
    waiter.join();
  };
  const auto result = explore("hostile/held", body);
  const Failure& crash = expect_crash(result, "SIGSEGV");
  expect_in(crash.message, "model thread T0 crashed");
  // The same on two jobs: each OS thread of the search has a signal stack of its own.
  ExploreOptions jobs;
  jobs.jobs = 2;
  expect_crash(explore("hostile/held", body, jobs), "SIGSEGV");
  expect_explorer_still_works();
}

TEST(Crash, ACrashInOnlySomeInterleavingsIsFoundAndReplayed) {
  const auto body = [] {
    ModelSync::Atomic<int> x(0, "x");
    thread t([&] { x.store(1); });
    if (x.load() == 1) null_dereference();  // only when T1 ran first
    t.join();
  };
  const auto result = explore("hostile/sometimes", body);
  const Failure& crash = expect_crash(result, "SIGSEGV");
  expect_in(crash.message, "model thread T0 crashed");
  ExploreOptions replay;
  replay.replay_token = crash.replay_token;
  expect_crash(explore("hostile/sometimes", body, replay), "SIGSEGV");
}

TEST(Crash, EveryExecutionCrashingUnderKeepGoingIsOneFailureAndCostsNoMemoryPerCrash) {
  ExploreOptions keep_going;
  keep_going.keep_going = true;
  keep_going.search = Search::kPlain;
  const auto body = [] {
    ModelSync::Atomic<int> x(0, "x");
    thread a([&] {
      x.store(1);
      x.store(2);
    });
    thread b([&] {
      x.store(3);
      x.store(4);
    });
    x.store(5);
    (void)deep(kForever);  // every execution: a whole stack touched, then the overflow
    a.join();
    b.join();
  };
  (void)explore("hostile/warm-up", body, keep_going);
  const std::size_t before = resident_bytes();
  for (int run = 0; run < 20; ++run) {
    const auto result = explore("hostile/every", body, keep_going);
    ASSERT_EQ(result.failures.size(), 1U) << format_report(result);
    EXPECT_EQ(result.failures.front().kind, FailureKind::kCrash);
    EXPECT_EQ(result.failures.front().occurrences, result.executions);
  }
  // 20 searches, each crashing with a whole touched stack at least twice (the search, the
  // counterexample's replay): a stack kept per crash would be 40 MiB and more.
  EXPECT_LT(resident_bytes(), before + (std::size_t{16} << 20));
  expect_explorer_still_works();
}

TEST(Crash, AModelThatNeedsMoreStackPassesWithALargerStackSize) {
  // About 2 MiB of frames: past the default 1 MiB, within 4 MiB.
  const auto body = [] {
    thread t([] { (void)large_frames(9); });
    t.join();
  };
  expect_crash(explore("hostile/needs-stack", body), "stack overflow");
  ExploreOptions larger;
  larger.stack_size = std::size_t{4} << 20;
  const auto result = explore("hostile/needs-stack", body, larger);
  EXPECT_TRUE(result.passed()) << format_report(result);
}

TEST(Crash, AStackSizeOutOfRangeIsAUsageError) {
  for (const std::size_t size : {std::size_t{4096}, std::size_t{1} << 31}) {
    ExploreOptions options;
    options.stack_size = size;
    const auto result = explore(
        "hostile/stack-size", [] {}, options);
    ASSERT_FALSE(result.passed());
    EXPECT_EQ(result.failures.front().kind, FailureKind::kUsageError);
    expect_in(result.failures.front().message,
              "ExploreOptions::stack_size must be from 64 KiB to 1048576 KiB");
  }
}

// --- the runner (model/catalogue/cli.hpp), run in this process with a registry of its own ---

using test_support::Ran;
using test_support::run_runner;

Registry crash_registry() {
  Registry registry;
  registry.add({"hostile/crash/null",
                "fixed",
                "P6",
                "a null dereference in T1",
                {},
                Expectation::passes(),
                second_thread_runs(null_dereference)});
  registry.add({"hostile/crash/expected",
                "fixed",
                "P6",
                "abort() in T1, as expected",
                {},
                Expectation::fails(FailureKind::kCrash),
                second_thread_runs([] { std::abort(); })});
  return registry;
}

TEST(CrashRunner, ACrashingModelPrintsItsNameTheCrashAndAReplayTokenAndFails) {
  const Ran ran = run_runner(crash_registry(), {"--filter", "null", "--jobs", "2"});
  EXPECT_EQ(ran.status, 1) << ran.out << ran.errors;
  expect_in(ran.out, "FAIL  hostile/crash/null");
  expect_in(ran.out, "crash at tests/model/hostile/crash_test.cpp:");
  expect_in(ran.out, "UNEXPECTED");
  expect_in(ran.out, "failure 1: crash");
  expect_in(ran.out, "SIGSEGV");
  expect_in(ran.out, "replay: --replay rc11:");
  expect_in(ran.out, "DC_REPLAY='hostile/crash/null=rc11:");

  // The token printed replays the crash.
  const std::size_t at = ran.out.find("--replay ") + 9;
  const std::string token = ran.out.substr(at, ran.out.find(' ', at) - at);
  const Ran replayed = run_runner(crash_registry(), {"--filter", "null", "--replay", token});
  expect_in(replayed.out, "FAIL  hostile/crash/null  replay");
  expect_in(replayed.out, "SIGSEGV");
}

TEST(CrashRunner, AnExpectedCrashIsAsExpected) {
  const Ran ran = run_runner(crash_registry(), {"--filter", "expected"});
  EXPECT_EQ(ran.status, 0) << ran.out << ran.errors;
  expect_in(ran.out, "crash at");
  expect_in(ran.out, "(as expected)");
}

TEST(CrashRunner, StackSizeIsAnOptionInKibRangeChecked) {
  for (const char* bad : {"63", "0", "-1", "1048577"}) {
    const Ran ran = run_runner(crash_registry(), {"--stack-size", bad});
    EXPECT_EQ(ran.status, 64) << bad;
    expect_in(ran.errors, std::string("--stack-size must be from 64 to 1048576, not ") + bad);
  }
  Registry registry;
  registry.add(
      {"hostile/needs-stack", "fixed", "P6", "2 MiB of frames", {}, Expectation::passes(), [] {
         thread t([] { (void)large_frames(9); });
         t.join();
       }});
  const Ran small = run_runner(registry, {});
  EXPECT_EQ(small.status, 1);
  expect_in(small.out, "a stack overflow");
  const Ran large = run_runner(registry, {"--stack-size", "4096"});
  EXPECT_EQ(large.status, 0) << large.out;
}

// --- outside a model thread: the process dies of the signal, after saying what it knows ---

// A hook whose begin_execution — explorer code, run between the model's threads — crashes in the
// second execution of the search.
class CrashingHook final : public OperationHook {
 public:
  void begin_execution() override {
    if (++executions_ == 2) null_dereference();
  }
  Decision on_operation(const Execution& /*execution*/, const OperationSite& /*site*/) override {
    return {};
  }

 private:
  int executions_ = 0;
};

class CrashingHooks final : public OperationHooks {
 public:
  [[nodiscard]] std::unique_ptr<OperationHook> for_search() const override {
    return std::make_unique<CrashingHook>();
  }
  [[nodiscard]] std::unique_ptr<OperationHook> for_replay() const override {
    return std::make_unique<CrashingHook>();
  }
};

TEST(CrashDeathTest, ACrashInTheExplorersOwnCodeNamesTheModelAndDiesOfTheSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ExploreOptions options;
  options.hooks = std::make_shared<CrashingHooks>();
  EXPECT_EXIT((void)explore("hostile/explorer-crash", second_thread_runs([] {}), options),
              testing::KilledBySignal(SIGSEGV),
              "fatal signal SIGSEGV .* at address 0x0 outside any model thread: in the explorer's "
              "own code, during an execution of model 'hostile/explorer-crash'\n"
              "doublecheck: replay token of the choices so far .*: rc11:");
}

TEST(CrashDeathTest, ACrashOnAThreadThatRunsNoExecutionDiesOfTheSignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT((void)explore("hostile/os-thread",
                            [] {
                              std::thread os_thread(divide_by_zero);
                              os_thread.join();
                            }),
              testing::KilledBySignal(SIGFPE),
              "fatal signal SIGFPE .* on a thread that runs no model execution");
}

TEST(CrashDeathTest, AfterTheSearchesThePreviousHandlersAreBack) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        expect_explorer_still_works();
        null_dereference();
      },
      testing::KilledBySignal(SIGSEGV), testing::Not(testing::HasSubstr("doublecheck")));
}

}  // namespace
}  // namespace doublecheck::model
