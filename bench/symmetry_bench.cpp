// Symmetry reduction (issue 16): the emitter's increment model with its writers declared symmetric
// (model::symmetric_threads), explored by DPOR with the reduction and without it, one job: the
// executions of each, GenMC's count with symmetric spawn where ../shared/oracle/README.md has it
// (else the count the reduction should reach: the writers' interleavings up to renaming them,
// (n*k)! / (k!^n * n!), times the reader's places), and the CPU seconds of each (the unreduced
// search stops at --budget seconds and says so; the reduced one always runs to the end).
//
//   build/default/bench/symmetry_bench [--budget SECONDS] [--filter REGEX]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "bench/cpu_clock.hpp"
#include "model/emitter/harness.hpp"
#include "model/engine/explorer.hpp"

namespace {

using doublecheck::bench::seconds_of;
using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::ExploreResult;

struct Shape {
  int threads;
  int calls;
  int readers;
  std::optional<std::uint64_t> genmc;  // GenMC v0.11 with __VERIFIER_spawn_symmetric (the oracle)
};

// The classes of interleavings up to renaming the writers: (n*k)! / (k!^n * n!), and each reader
// (one call) in any of the n*k+1 places between the writers' calls.
std::uint64_t expected_count(const Shape& shape) {
  const auto factorial = [](int n) {
    std::uint64_t f = 1;
    for (int i = 2; i <= n; ++i) f *= static_cast<std::uint64_t>(i);  // exact up to 20!
    return f;
  };
  const int steps = shape.threads * shape.calls;
  std::uint64_t count = factorial(steps);
  for (int t = 0; t < shape.threads; ++t) count /= factorial(shape.calls);
  count /= factorial(shape.threads);
  for (int r = 0; r < shape.readers; ++r) count *= static_cast<std::uint64_t>(steps + 1 + r);
  return count;
}

struct Run {
  ExploreResult result;
  double cpu = 0;
};

Run explore(const Shape& shape, bool symmetry, double budget) {
  ExploreOptions options;
  options.jobs = 1;
  options.progress = false;
  options.symmetry = symmetry;
  if (!symmetry) options.time_limit_seconds = budget;  // the reduced search always runs out
  const auto body =
      doublecheck::model::checks::increment_model(shape.threads, shape.calls, shape.readers, true);
  const double start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
  Run run{Explorer(options).run("increment", body), 0};
  run.cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - start;
  return run;
}

std::string count_text(const ExploreResult& result) {
  std::string text = std::to_string(result.executions);
  return result.exhaustive ? text : ">=" + text + " (" + result.stopped_by + ")";
}

int run(int argc, char** argv) {
  double budget = 60;
  std::string filter = ".*";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--budget") {
      budget = std::stod(argv[i + 1]);
    } else if (flag == "--filter") {
      filter = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown option %s (--budget SECONDS, --filter REGEX)\n", flag.c_str());
      return 64;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "%s needs a value\n", argv[argc - 1]);
    return 64;
  }
  const std::vector<Shape> shapes = {
      {4, 1, 0, 1},   {3, 2, 0, 15},           {4, 2, 0, 105},
      {4, 2, 1, 945}, {6, 2, 1, std::nullopt}, {5, 3, 0, std::nullopt}};
  const std::regex selected(filter);
  std::printf("%-18s %12s %12s %12s %22s %10s %10s %8s\n", "model", "symmetry", "GenMC sym",
              "expected", "without symmetry", "cpu s", "cpu s w/o", "ratio");
  bool all_exact = true;
  for (const Shape& shape : shapes) {
    const std::string name = "increment/" + std::to_string(shape.threads) + "x" +
                             std::to_string(shape.calls) + (shape.readers > 0 ? "+1r" : "");
    if (!std::regex_search(name, selected)) continue;
    const Run reduced = explore(shape, true, budget);
    const Run unreduced = explore(shape, false, budget);
    const std::uint64_t expected = expected_count(shape);
    all_exact &= reduced.result.exhaustive && reduced.result.executions == expected;
    std::printf("%-18s %12s %12s %12llu %22s %10.3f %10.3f %7.1fx\n", name.c_str(),
                count_text(reduced.result).c_str(),
                shape.genmc ? std::to_string(*shape.genmc).c_str() : "-",
                static_cast<unsigned long long>(expected), count_text(unreduced.result).c_str(),
                reduced.cpu, unreduced.cpu,
                static_cast<double>(unreduced.result.executions) /
                    static_cast<double>(std::max<std::uint64_t>(1, reduced.result.executions)));
    std::fflush(stdout);
  }
  std::printf("%s\n", all_exact ? "every reduced count is the expected one"
                                : "A REDUCED COUNT DIFFERS FROM THE EXPECTED ONE");
  return all_exact ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "symmetry_bench: %s\n", e.what());
    return 70;
  }
}
