// The explorer's speed: for every model of the catalogue and for a grid of model sizes, the
// executions and seconds of the reduced search (DPOR) and of the plain exhaustive search (capped
// by a time budget, and marked when it hit it), their ratio, executions/s, the speed-up of
// --jobs 2, and the peak memory of the process (flat: the search is stateless).
//
//   build/default/bench/model_bench [--repetitions N] [--budget SECONDS] [--json FILE]
//                                   [--filter REGEX] [--no-grid]
// Times are medians of the repetitions (searches longer than a second run once).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/emitter/harness.hpp"
#include "model/engine/explorer.hpp"
#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"

namespace {

using doublecheck::model::ExploreOptions;
using doublecheck::model::ExploreResult;
using doublecheck::model::Explorer;
using doublecheck::model::Search;

struct Settings {
  int repetitions = 3;
  double budget = 10;  // seconds, per search
  std::string json = "build/bench/model.json";
  std::string filter = ".*";
  bool grid = true;
};

struct Measured {
  ExploreResult result;
  double seconds = 0;  // median
  bool timed_out = false;
};

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

Measured measure(const std::function<void()>& body, ExploreOptions options, const Settings& s,
                 const std::string& name) {
  options.time_limit_seconds = s.budget;
  options.jobs = options.jobs == 0 ? 1 : options.jobs;
  options.progress = false;
  std::vector<double> times;
  Measured m;
  for (int r = 0; r < s.repetitions; ++r) {
    m.result = Explorer(options).run(name, body);
    times.push_back(m.result.seconds);
    if (m.result.seconds > 1.0) break;  // long searches: once is enough
  }
  std::sort(times.begin(), times.end());
  m.seconds = times[times.size() / 2];
  m.timed_out = m.result.stopped_by == "time limit";
  return m;
}

struct Row {
  std::string name;
  int threads = 0;
  int calls = 0;
  Measured reduced;
  Measured plain;
};

void print_header() {
  std::printf("%-36s %3s %3s %8s %12s %9s %14s %9s %8s %11s %7s\n", "model", "thr", "cls",
              "verdict", "dpor execs", "dpor s", "plain execs", "plain s", "ratio", "dpor exec/s",
              "MiB");
}

void print_row(const Row& row) {
  const auto& r = row.reduced;
  const auto& p = row.plain;
  const std::string verdict = r.timed_out ? "timeout" : (r.result.passed() ? "pass" : "FAIL");
  const std::string plain_execs =
      std::to_string(p.result.executions) + (p.timed_out ? "+" : "");
  const double ratio = r.result.executions > 0 ? static_cast<double>(p.result.executions) /
                                                     static_cast<double>(r.result.executions)
                                               : 0.0;
  std::printf("%-36s %3d %3d %8s %12llu %9.4f %14s %9.3f %7.1f%s %11.0f %7.1f\n", row.name.c_str(),
              row.threads, row.calls, verdict.c_str(),
              static_cast<unsigned long long>(r.result.executions), r.seconds, plain_execs.c_str(),
              p.seconds, ratio, p.timed_out ? ">" : "x",
              r.seconds > 0 ? static_cast<double>(r.result.executions) / r.seconds : 0.0,
              peak_rss_mib());
  std::fflush(stdout);
}

nlohmann::ordered_json to_json(const Row& row) {
  return {{"name", row.name},
          {"threads", row.threads},
          {"calls", row.calls},
          {"search", "dpor"},
          {"verdict", row.reduced.timed_out ? "timeout"
                                            : (row.reduced.result.passed() ? "pass" : "fail")},
          {"executions", row.reduced.result.executions},
          {"seconds", row.reduced.seconds},
          {"plain_executions", row.plain.result.executions},
          {"plain_seconds", row.plain.seconds},
          {"plain_timed_out", row.plain.timed_out}};
}

// "increment/fixed/4x2+1r" -> threads 5 (4 writers and a reader), calls 2.
void shape_of(const std::string& name, int& threads, int& calls) {
  std::smatch m;
  threads = 0;
  calls = 0;
  if (std::regex_search(name, m, std::regex(R"((\d+)w?x?(\d+)?(\+(\d+)r)?)"))) {
    threads = std::stoi(m[1]);
    calls = m[2].matched ? std::stoi(m[2]) : 1;
    if (m[4].matched) threads += std::stoi(m[4]);
  }
}

Row run_row(const std::string& name, int threads, int calls, const std::function<void()>& body,
            const ExploreOptions& base, const Settings& s) {
  Row row{name, threads, calls, {}, {}};
  ExploreOptions reduced = base;
  reduced.search = Search::kDpor;
  ExploreOptions plain = base;
  plain.search = Search::kPlain;
  row.reduced = measure(body, reduced, s, name);
  row.plain = measure(body, plain, s, name);
  return row;
}

// The options, or nothing after printing the usage.
std::optional<Settings> parse_settings(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--repetitions" && has_value) {
      s.repetitions = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--budget" && has_value) {
      s.budget = std::atof(argv[++i]);
    } else if (arg == "--json" && has_value) {
      s.json = argv[++i];
    } else if (arg == "--filter" && has_value) {
      s.filter = argv[++i];
    } else if (arg == "--no-grid") {
      s.grid = false;
    } else {
      std::fprintf(stderr,
                   "usage: model_bench [--repetitions N] [--budget SECONDS] [--json FILE] "
                   "[--filter REGEX] [--no-grid]\n");
      return std::nullopt;
    }
  }
  return s;
}

// Every model of the catalogue that the filter selects.
void bench_catalogue(const Settings& s, const std::regex& selected,
                     nlohmann::ordered_json& report) {
  using doublecheck::model::emitter_models;
  std::printf(
      "== the catalogue (one job; plain search capped at %.0f s; ratio = plain/dpor "
      "executions)\n",
      s.budget);
  print_header();
  for (const auto& spec : emitter_models().models()) {
    if (!std::regex_search(spec.name, selected)) continue;
    int threads = 0;
    int calls = 0;
    shape_of(spec.name, threads, calls);
    const Row row = run_row(spec.name, threads, calls, spec.body, spec.options, s);
    print_row(row);
    report["models"].push_back(to_json(row));
  }
}

// The fixed emitter's paths at 2-5 threads and 1-3 calls per thread.
void bench_grid(const Settings& s, const std::regex& selected, nlohmann::ordered_json& report) {
  namespace checks = doublecheck::model::checks;
  std::printf("\n== scaling with threads and calls per thread (fixed emitter, one job)\n");
  print_header();
  struct Path {
    std::string name;
    std::function<std::function<void()>(int, int)> make;
    bool uses_calls;
  };
  const std::vector<Path> paths = {
      {"increment", [](int t, int c) { return checks::increment_model(t, c, 0); }, true},
      {"increment+reader", [](int t, int c) { return checks::increment_model(t, c, 1); }, true},
      {"snapshot", [](int t, int c) { return checks::snapshot_model(t, c); }, true},
      {"init(mutex)", [](int t, int) { return checks::mutex_init_model(t); }, false},
      {"init(acq_rel_dcl)", [](int t, int) { return checks::acq_rel_dcl_init_model(t); }, false},
  };
  for (const Path& path : paths) {
    for (const int threads : {2, 3, 4, 5}) {
      for (const int calls : {1, 2, 3}) {
        if (!path.uses_calls && calls > 1) continue;
        const std::string name = "grid/" + path.name + "/" + std::to_string(threads) +
                                 (path.uses_calls ? "x" + std::to_string(calls) : "");
        if (!std::regex_search(name, selected)) continue;
        const Row row = run_row(name, threads, calls, path.make(threads, calls), {}, s);
        print_row(row);
        report["models"].push_back(to_json(row));
      }
    }
  }
}

// --jobs: the largest catalogue model that the reduced search exhausts.
void bench_jobs(const Settings& s, nlohmann::ordered_json& report) {
  const auto* largest = doublecheck::model::emitter_models().find("increment/fixed/4x2+1r");
  if (largest == nullptr) return;
  std::printf("\n== parallel exploration of %s (dpor, split at the first decisions)\n",
              largest->name.c_str());
  double one = 0;
  for (const std::uint32_t jobs : {1U, 2U}) {
    ExploreOptions options = largest->options;
    options.jobs = jobs;
    options.shard_count = 1;  // the same split tree for both
    Settings repeated = s;
    repeated.repetitions = std::max(5, s.repetitions);
    const Measured m = measure(largest->body, options, repeated, largest->name);
    if (jobs == 1) one = m.seconds;
    std::printf("  --jobs %u: %llu executions, median %.3f s%s\n", jobs,
                static_cast<unsigned long long>(m.result.executions), m.seconds,
                jobs == 1 ? "" : ("  (speed-up " + std::to_string(one / m.seconds) + "x)").c_str());
    report["jobs"].push_back(
        {{"jobs", jobs}, {"executions", m.result.executions}, {"seconds", m.seconds}});
  }
  std::printf("  (cores: %u)\n", std::thread::hardware_concurrency());
}

int run(const Settings& s) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(s.json).parent_path(), ec);
  std::ofstream json_out(s.json);
  if (!json_out) {
    std::fprintf(stderr, "model_bench: cannot write %s\n", s.json.c_str());
    return 73;
  }
  nlohmann::ordered_json report;
  report["models"] = nlohmann::ordered_json::array();
  const std::regex selected(s.filter);
  bench_catalogue(s, selected, report);
  if (s.grid) bench_grid(s, selected, report);
  bench_jobs(s, report);
  json_out << report.dump(1) << "\n";
  std::printf("\nwrote %s\n", s.json.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::optional<Settings> settings = parse_settings(argc, argv);
    return settings ? run(*settings) : 64;
  } catch (const std::exception& e) {  // a bad --filter regex, out of memory, a failed search
    std::fprintf(stderr, "model_bench: %s\n", e.what());
    return 1;
  }
}
