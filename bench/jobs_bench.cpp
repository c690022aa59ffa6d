// --jobs N against --jobs 1 (issue 16): the executions of the work-stealing DPOR search, its CPU
// time and its wall time, medians of the repetitions, on models of 20,000 executions and more.
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
    double wall_one = 0;
    double busiest_one = 0;
    std::vector<std::pair<std::uint32_t, bool>> rows;  // jobs, on the fixed split
    rows.reserve(jobs_list.size() + 1);
    for (const std::uint32_t jobs : jobs_list) rows.emplace_back(jobs, false);
    if (fixed_split) rows.emplace_back(2, true);
    for (const auto& [jobs, split] : rows) {
      ExploreOptions options;
      options.jobs = jobs;
      options.progress = false;
      if (split) options.shard_count = 1;
      std::vector<Sample> samples;
      samples.reserve(static_cast<std::size_t>(repetitions));
      ExploreResult result;
      for (int r = 0; r < repetitions; ++r) {
        Sample s;
        const double wall = seconds_of(CLOCK_MONOTONIC);
        const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
        const double main_cpu = seconds_of(CLOCK_THREAD_CPUTIME_ID);
        result = Explorer(options).run(model.name, model.body);
        s.wall = seconds_of(CLOCK_MONOTONIC) - wall;
        s.cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu;
        s.cpu_main = seconds_of(CLOCK_THREAD_CPUTIME_ID) - main_cpu;
        s.cpu_others = s.cpu - s.cpu_main;
        samples.push_back(s);
      }
      const auto med = [&samples](double Sample::*field) {
        std::vector<double> values;
        values.reserve(samples.size());
        for (const Sample& s : samples) values.push_back(s.*field);
        return median(values);
      };
      std::vector<double> busiest;
      busiest.reserve(samples.size());
      for (const Sample& s : samples) busiest.push_back(s.busiest(jobs));
      const double wall = med(&Sample::wall);
      const double busy = median(busiest);
      if (jobs == 1 && !split) {
        wall_one = wall;
        busiest_one = busy;
      }
      std::printf("%-24s %5s %10llu %10llu %10llu %8.3f %8.3f %8.3f %8.3f %8.2f %8.2f%s\n",
                  model.name.c_str(), (std::to_string(jobs) + (split ? "f" : "")).c_str(),
                  static_cast<unsigned long long>(result.executions),
                  static_cast<unsigned long long>(result.pruned),
                  static_cast<unsigned long long>(result.steps), wall, med(&Sample::cpu),
                  med(&Sample::cpu_main), med(&Sample::cpu_others),
                  wall_one > 0 ? wall_one / wall : 0.0, busiest_one > 0 ? busiest_one / busy : 0.0,
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
