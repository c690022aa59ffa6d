// The cost of one long execution: what the search spends per step when an execution is N steps
// long (issue 12, "never a seeming hang"). Each case is one search run in a child process of its
// own, so that its peak resident memory is its own (getrusage of the child, through wait4), and
// its CPU time is measured inside the child around the search only (CLOCK_PROCESS_CPUTIME_ID: not
// wall time, which counts whatever else shares the machine's cores).
//
//   build/default/bench/long_execution_bench [--repetitions N] [--steps N] [--budget S]
//                                            [--memory-model rc11|sc]
//
// Cases (N = --steps, default 100,000):
//   (a) one execution of N atomic operations, under the plain search and under DPOR, and the ratio:
//       one thread doing N fetch_add, and two threads doing N/2 each on one atomic;
//   (b) a spinning model that exceeds the step bound (N): T1 spins on a relaxed load of a flag that
//       T0 never stores (T0 joins T1), and one where T0 stores it after 1,000 operations of its
//       own (the second execution lets T1 spin first): the time to the report. The second runs
//       under --memory-model sc: under RC11 each load of the spin may also read the stale value
//       after the store, and both searches first run the executions that spin 1, 2, 3, ... times
//       (a quadratic number of steps that is the memory model's, not the reduction's).
// A child that runs longer than --budget seconds (default 300) is stopped and reported as such.
// Times and memory are medians of the repetitions. Only the engine's public interface is used, so
// the same file builds against older trees for a before/after comparison.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "bench/cpu_clock.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"

namespace {

using doublecheck::bench::seconds_of;
using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::ExploreResult;
using doublecheck::model::kind_name;
using doublecheck::model::MemoryModel;
using doublecheck::model::ModelSync;
using doublecheck::model::Search;

// One thread: `steps` relaxed fetch_adds on one atomic.
std::function<void()> one_thread(std::uint64_t steps) {
  return [steps] {
    ModelSync::Atomic<std::uint64_t> counter(0, "counter");
    for (std::uint64_t i = 0; i < steps; ++i) counter.fetch_add(1, std::memory_order_relaxed);
  };
}

// Two threads: `steps` / 2 relaxed fetch_adds each on one atomic.
std::function<void()> two_threads(std::uint64_t steps) {
  return [steps] {
    ModelSync::Atomic<std::uint64_t> counter(0, "counter");
    auto work = [&counter, steps] {
      for (std::uint64_t i = 0; i < steps / 2; ++i) {
        counter.fetch_add(1, std::memory_order_relaxed);
      }
    };
    doublecheck::model::thread other(work);
    work();
    other.join();
  };
}

// T1 waits for a flag that T0 stores after `work` operations of its own, or never (`stores`
// false: T0 only joins T1).
std::function<void()> spinning(bool stores, int work) {
  return [stores, work] {
    ModelSync::Atomic<bool> flag(false, "flag");
    ModelSync::Atomic<int> busy(0, "busy");
    doublecheck::model::thread spinner([&flag] {
      while (!flag.load(std::memory_order_relaxed)) {
      }
    });
    if (stores) {
      for (int i = 0; i < work; ++i) busy.fetch_add(1, std::memory_order_relaxed);
      flag.store(true, std::memory_order_relaxed);
    }
    spinner.join();
  };
}

struct Case {
  std::string name;
  std::function<void()> body;
  ExploreOptions options;
};

struct Sample {
  double cpu = 0;      // seconds of CPU in the child, around the search
  double rss_mib = 0;  // the child's peak resident memory
  std::string outcome;
};

// Runs one search in a child process and reads back what it measured.
Sample run_in_child(const Case& c, unsigned budget) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    alarm(budget);  // a search past the budget is killed (SIGALRM), and reported as over it
    const double start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    const ExploreResult result = Explorer(c.options).run(c.name, c.body);
    const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - start;
    const std::string outcome =
        std::to_string(result.executions) + " exec, " + std::to_string(result.steps) + " steps, " +
        (result.passed() ? "pass" : std::string(kind_name(result.failures[0].kind))) +
        (result.exhaustive ? "" : " (" + result.bound + ")");
    const std::string line = std::to_string(cpu) + " " + outcome;
    const auto written = write(fds[1], line.data(), line.size());
    close(fds[1]);
    _exit(written == static_cast<ssize_t>(line.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buffer[512];
  for (ssize_t n = read(fds[0], buffer, sizeof buffer); n > 0;
       n = read(fds[0], buffer, sizeof buffer)) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  Sample sample;
  sample.rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    sample.cpu = static_cast<double>(usage.ru_utime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec) * 1e-6;
    sample.outcome = "stopped: over the budget of " + std::to_string(budget) + " s";
    return sample;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
    sample.outcome = "child failed";
    return sample;
  }
  const auto space = text.find(' ');
  sample.cpu = std::atof(text.substr(0, space).c_str());
  sample.outcome = text.substr(space + 1);
  return sample;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Measured {
  double cpu = 0;
  double rss_mib = 0;
  std::string outcome;
};

Measured measure(const Case& c, int repetitions, unsigned budget) {
  std::vector<double> cpu;
  std::vector<double> rss;
  std::string outcome;
  for (int r = 0; r < repetitions; ++r) {
    const Sample s = run_in_child(c, budget);
    cpu.push_back(s.cpu);
    rss.push_back(s.rss_mib);
    outcome = s.outcome;
  }
  Measured m{median(cpu), median(rss), outcome};
  std::printf("  %-34s %10.4f %9.1f   %s\n", c.name.c_str(), m.cpu, m.rss_mib, m.outcome.c_str());
  std::fflush(stdout);
  return m;
}

ExploreOptions with(Search search, std::uint64_t max_steps, std::uint64_t max_executions,
                    MemoryModel memory_model = MemoryModel::kRc11) {
  ExploreOptions options;
  options.memory_model = memory_model;
  options.search = search;
  options.max_steps = max_steps;
  options.max_executions = max_executions;
  return options;  // (as a user runs it: (b)'s time to the report includes its counterexample)
}

}  // namespace

int main(int argc, char** argv) {
  int repetitions = 5;
  std::uint64_t steps = 100'000;
  unsigned budget = 300;
  MemoryModel memory_model = MemoryModel::kRc11;  // of case (a) and the first of (b)
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repetitions" && i + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--steps" && i + 1 < argc) {
      steps = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--memory-model" && i + 1 < argc) {
      memory_model = std::string(argv[++i]) == "sc" ? MemoryModel::kSc : MemoryModel::kRc11;
    } else if (arg == "--budget" && i + 1 < argc) {
      budget = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      std::fprintf(stderr,
                   "usage: long_execution_bench [--repetitions N] [--steps N] [--budget S] "
                   "[--memory-model rc11|sc]\n");
      return 64;
    }
  }
  std::printf(
      "median of %d runs, each in a child process: CPU s of the search, peak RSS MiB of the "
      "child; memory model %s\n",
      repetitions, memory_model == MemoryModel::kSc ? "sc" : "rc11");
  std::printf("  %-34s %10s %9s   %s\n", "case", "CPU s", "MiB", "outcome");
  measure({"empty model (the child's own RSS)", [] {}, with(Search::kDpor, steps, 1)}, repetitions,
          budget);

  std::printf("(a) one execution of %llu steps: plain vs dpor\n",
              static_cast<unsigned long long>(steps));
  // The step bound is above the execution's length: the execution runs to its end.
  const std::uint64_t above = 2 * steps + 100;
  for (const auto& [label, body] : {std::pair{std::string("1 thread"), one_thread(steps)},
                                    std::pair{std::string("2 threads"), two_threads(steps)}}) {
    const Measured plain =
        measure({label + ", plain", body, with(Search::kPlain, above, 1, memory_model)},
                repetitions, budget);
    const Measured dpor = measure(
        {label + ", dpor", body, with(Search::kDpor, above, 1, memory_model)}, repetitions, budget);
    std::printf("  %-34s %9.2fx %8.2fx   (dpor / plain)\n", (label + ", ratio").c_str(),
                plain.cpu > 0 ? dpor.cpu / plain.cpu : 0.0,
                plain.rss_mib > 0 ? dpor.rss_mib / plain.rss_mib : 0.0);
  }

  std::printf("(b) a spinning model: the time to the step bound (%llu steps)\n",
              static_cast<unsigned long long>(steps));
  for (const Search search : {Search::kPlain, Search::kDpor}) {
    const std::string name = search == Search::kDpor ? "dpor" : "plain";
    measure({"never stored, " + name, spinning(false, 0), with(search, steps, 0, memory_model)},
            repetitions, budget);
    const ExploreOptions sc = with(search, steps, 0, MemoryModel::kSc);
    measure({"stored after 1000 ops (sc), " + name, spinning(true, 1000), sc}, repetitions, budget);
  }
  return 0;
}
