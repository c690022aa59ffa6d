// --jobs N against --jobs 1 (issue 16): the executions of the work-stealing DPOR search, its CPU
// time and its wall time, on an increment model of 22,680 executions and two DCL inits (medians).
//
//   build/default/bench/jobs_bench [--repetitions N] [--jobs 1,2,3] [--filter REGEX]
//                                  [--fixed-split]
// --fixed-split adds a row of 2 jobs on the fixed split that --shard keeps (shard 1 of 1: the first
// three decision points branch fully, subtrees claimed by the first job to reach them), which
// --jobs used before the work stealing.
//
// Columns: executions, pruned ones and steps (the same for every --jobs: the same search), wall
// seconds, CPU seconds of the whole process (all jobs), CPU seconds of the calling thread (job 0)
// and of the others (the rest), and the speed-up of wall time and of the busiest job's CPU time
// (job 0's or the others' mean, whichever is larger) over --jobs 1. On a shared machine wall time
// counts the other programs too: the busiest job's CPU time is about what the wall time would be
// on cores of its own (less a job's time waiting for work).
//
// Each row runs once unmeasured first; then each repetition runs every row once, in turn, and a
// speed-up is the median over the repetitions of the ratio within one (the two runs a moment
// apart): the load of a shared machine drifts over seconds, which a ratio of medians of runs made
// one row after the other would take for a speed-up or a slow-down. Times are medians.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "bench/cpu_clock.hpp"
#include "model/emitter/harness.hpp"
#include "model/engine/explorer.hpp"

namespace {

using doublecheck::bench::seconds_of;
using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::ExploreResult;

struct Sample {
  double wall = 0;
  double cpu = 0;         // the process
  double cpu_main = 0;    // this thread (job 0)
  double cpu_others = 0;  // the other jobs
  // Job 0's CPU time or the other jobs' mean, whichever is larger.
  [[nodiscard]] double busiest(std::uint32_t jobs) const {
    return jobs > 1 ? std::max(cpu_main, cpu_others / (jobs - 1)) : cpu_main;
  }
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Model {
  std::string name;
  std::function<void()> body;
};

struct Settings {
  int repetitions = 3;
  std::vector<std::uint32_t> jobs_list = {1, 2, 3};
  std::string filter = ".*";
  bool fixed_split = false;
};

// The command line; nullopt (with a message) when it is not one.
std::optional<Settings> parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--fixed-split") {
      s.fixed_split = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", flag.c_str());
      return std::nullopt;
    }
    const std::string value = argv[i + 1];
    if (flag == "--repetitions") {
      s.repetitions = std::max(1, std::stoi(value));
    } else if (flag == "--filter") {
      s.filter = value;
    } else if (flag == "--jobs") {
      s.jobs_list.clear();
      for (std::size_t at = 0; at < value.size();) {
        const std::size_t comma = value.find(',', at);
        s.jobs_list.push_back(static_cast<std::uint32_t>(std::stoul(value.substr(at, comma - at))));
        at = comma == std::string::npos ? value.size() : comma + 1;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return std::nullopt;
    }
  }
  return s;
}

int run(int argc, char** argv) {
  namespace checks = doublecheck::model::checks;
  const std::optional<Settings> settings = parse(argc, argv);
  if (!settings) return 2;
  const int repetitions = settings->repetitions;
  const std::vector<std::uint32_t>& jobs_list = settings->jobs_list;
  const std::string& filter = settings->filter;
  const bool fixed_split = settings->fixed_split;
  const std::vector<Model> models = {
      {"increment/fixed/4x2+1r", checks::increment_model(4, 2, 1)},
      {"init/acq_rel_dcl/5", checks::acq_rel_dcl_init_model(5)},
      {"init/acq_rel_dcl/6", checks::acq_rel_dcl_init_model(6)},
  };
  const std::regex selected(filter);
  std::printf("%-24s %5s %10s %10s %10s %8s %8s %8s %8s %8s %8s\n", "model", "jobs", "executions",
              "pruned", "steps", "wall s", "cpu s", "job0 s", "rest s", "wall x", "busiest x");
  for (const Model& model : models) {
    if (!std::regex_search(model.name, selected)) continue;
    std::vector<std::pair<std::uint32_t, bool>> rows;  // jobs, on the fixed split
    rows.reserve(jobs_list.size() + 1);
    for (const std::uint32_t jobs : jobs_list) rows.emplace_back(jobs, false);
    if (fixed_split) rows.emplace_back(2, true);
    const auto options_of = [](std::uint32_t jobs, bool split) {
      ExploreOptions options;
      options.jobs = jobs;
      options.progress = false;
      if (split) options.shard_count = 1;
      return options;
    };
    // One run of each row first, not measured (page faults of the first stacks, cold caches).
    for (const auto& [jobs, split] : rows)
      (void)Explorer(options_of(jobs, split)).run(model.name, model.body);
    // Repetition by repetition, every row once each: the machine's load drifts, and a ratio is
    // taken within one repetition (runs a moment apart), not between medians of runs far apart.
    std::vector<std::vector<Sample>> samples(rows.size());
    std::vector<ExploreResult> results(rows.size());
    for (int r = 0; r < repetitions; ++r) {
      for (std::size_t row = 0; row < rows.size(); ++row) {
        const auto& [jobs, split] = rows[row];
        Sample s;
        const double wall = seconds_of(CLOCK_MONOTONIC);
        const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
        const double main_cpu = seconds_of(CLOCK_THREAD_CPUTIME_ID);
        results[row] = Explorer(options_of(jobs, split)).run(model.name, model.body);
        s.wall = seconds_of(CLOCK_MONOTONIC) - wall;
        s.cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu;
        s.cpu_main = seconds_of(CLOCK_THREAD_CPUTIME_ID) - main_cpu;
        s.cpu_others = s.cpu - s.cpu_main;
        samples[row].push_back(s);
      }
    }
    // The row of one job without the fixed split, if any: the speed-ups' base.
    const auto one = std::find(rows.begin(), rows.end(), std::pair<std::uint32_t, bool>{1, false});
    for (std::size_t row = 0; row < rows.size(); ++row) {
      // (Not a structured binding: clang 14 cannot capture one in a lambda.)
      const std::uint32_t jobs = rows[row].first;
      const bool split = rows[row].second;
      const std::vector<Sample>& mine = samples[row];
      const auto med = [&mine](const std::function<double(std::size_t)>& value) {
        std::vector<double> values;
        values.reserve(mine.size());
        for (std::size_t r = 0; r < mine.size(); ++r) values.push_back(value(r));
        return median(values);
      };
      double wall_x = 0;
      double busiest_x = 0;
      if (one != rows.end()) {
        const std::vector<Sample>& base = samples[static_cast<std::size_t>(one - rows.begin())];
        wall_x = med([&](std::size_t r) { return base[r].wall / mine[r].wall; });
        busiest_x = med([&](std::size_t r) { return base[r].busiest(1) / mine[r].busiest(jobs); });
      }
      const ExploreResult& result = results[row];
      std::printf("%-24s %5s %10llu %10llu %10llu %8.3f %8.3f %8.3f %8.3f %8.2f %8.2f%s\n",
                  model.name.c_str(), (std::to_string(jobs) + (split ? "f" : "")).c_str(),
                  static_cast<unsigned long long>(result.executions),
                  static_cast<unsigned long long>(result.pruned),
                  static_cast<unsigned long long>(result.steps),
                  med([&](std::size_t r) { return mine[r].wall; }),
                  med([&](std::size_t r) { return mine[r].cpu; }),
                  med([&](std::size_t r) { return mine[r].cpu_main; }),
                  med([&](std::size_t r) { return mine[r].cpu_others; }), wall_x, busiest_x,
                  result.passed() && result.exhaustive ? "" : "  (not exhaustive or failed)");
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jobs_bench: %s\n", e.what());
    return 2;
  }
}
