// The explorer's speed on the emitter's models: for each model, executions, steps, the median
// seconds of several runs, executions/s and µs per execution, and the peak memory of the process
// (it must stay flat in the number of executions: the search is stateless).
//
//   build/default/bench/model_bench [--repetitions N] [--filter REGEX]
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "model/explorer.hpp"
#include "model/registry.hpp"

namespace {

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  using doublecheck::model::emitter_models;
  using doublecheck::model::Explorer;
  int repetitions = 5;
  std::string filter = "/fixed/|/acq_rel_dcl/|/call_once/";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repetitions") == 0 && i + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--filter") == 0 && i + 1 < argc) {
      filter = argv[++i];
    } else {
      std::fprintf(stderr, "usage: model_bench [--repetitions N] [--filter REGEX]\n");
      return 64;
    }
  }
  const std::regex selected(filter);
  std::printf("%-34s %12s %12s %10s %14s %10s %10s\n", "model (plain exhaustive search)",
              "executions", "steps", "median s", "executions/s", "us/exec", "peak MiB");
  double total = 0;
  for (const auto& spec : emitter_models().models()) {
    if (!std::regex_search(spec.name, selected)) continue;
    std::vector<double> seconds;
    std::uint64_t executions = 0;
    std::uint64_t steps = 0;
    for (int r = 0; r < repetitions; ++r) {
      Explorer explorer(spec.options);
      const auto result = explorer.run(spec.name, spec.body);
      seconds.push_back(result.seconds);
      executions = result.executions;
      steps = result.steps;
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    total += median;
    std::printf("%-34s %12llu %12llu %10.4f %14.0f %10.2f %10.1f\n", spec.name.c_str(),
                static_cast<unsigned long long>(executions), static_cast<unsigned long long>(steps),
                median, median > 0 ? static_cast<double>(executions) / median : 0.0,
                executions > 0 ? median * 1e6 / static_cast<double>(executions) : 0.0,
                static_cast<double>(peak_rss_kib()) / 1024.0);
  }
  std::printf("total (medians): %.3f s\n", total);
  return 0;
}
