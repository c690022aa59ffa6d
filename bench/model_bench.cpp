// The explorer's speed: for every model of the catalogue and for a grid of model sizes, the
// executions and seconds of the reduced search (DPOR) and of the plain exhaustive search (capped
// by a time budget, and marked when it hit it), their ratio, executions/s, the speed-up of
// --jobs 2, and the peak memory of the process (flat: the search is stateless); then the cost of
// the C++ memory model: each catalogue model's reduced search under sc and under rc11 (the
// default) side by side, in CPU time, with the catalogue's total ratio; and each litmus program of
// tests/model/litmus_test.cpp (tests/model/litmus_programs.hpp), in microseconds of CPU per
// search.
//
//   build/default/bench/model_bench [--repetitions N] [--budget SECONDS] [--json FILE]
//                                   [--filter REGEX] [--no-grid] [--only SECTION,...]
// Sections: catalogue, grid, jobs, memory, litmus (default: all). Times are medians of the
// repetitions (searches longer than a second run once; a litmus search, a few hundred
// microseconds, at least 25 times).
//
// Instruction counts (repeatable, unlike time on a shared machine): every search of the memory
// section runs in search_under_sc or search_under_rc11, so
//   valgrind --tool=callgrind --toggle-collect='*search_under_rc11*'
//       build/default/bench/model_bench --only memory --repetitions 1 --filter increment/fixed
// (one command line)
// counts only the rc11 searches (and '*search_under_sc*' only the sc ones).
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/emitter/harness.hpp"
#include "model/engine/explorer.hpp"
#include "tests/model/litmus_programs.hpp"

namespace {

using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::ExploreResult;
using doublecheck::model::MemoryModel;
using doublecheck::model::Search;

struct Settings {
  int repetitions = 3;
  double budget = 10;  // seconds, per search
  std::string json = "build/bench/model.json";
  std::string filter = ".*";
  bool grid = true;
  std::string only;  // comma-separated sections; empty: all

  [[nodiscard]] bool runs(const std::string& section) const {
    if (section == "grid" && !grid) return false;
    if (only.empty()) return true;
    const std::string list = "," + only + ",";
    return list.find("," + section + ",") != std::string::npos;
  }
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
  const std::string plain_execs = std::to_string(p.result.executions) + (p.timed_out ? "+" : "");
  const double ratio = r.result.executions > 0 ? static_cast<double>(p.result.executions) /
                                                     static_cast<double>(r.result.executions)
                                               : 0.0;
  // Both counts exact: "x"; only plain's a lower bound: the ratio is one too (">"); only DPOR's:
  // an upper bound ("<"); both: nothing is known ("?", not a number that looks like a bound).
  const char* bound = r.timed_out ? (p.timed_out ? "?" : "<") : (p.timed_out ? ">" : "x");
  std::array<char, 32> ratio_cell{};
  if (r.timed_out && p.timed_out) {
    std::snprintf(ratio_cell.data(), ratio_cell.size(), "%8s", bound);
  } else {
    std::snprintf(ratio_cell.data(), ratio_cell.size(), "%7.1f%s", ratio, bound);
  }
  std::printf(
      "%-36s %3d %3d %8s %12llu %9.4f %14s %9.3f %s %11.0f %7.1f\n", row.name.c_str(), row.threads,
      row.calls, verdict.c_str(), static_cast<unsigned long long>(r.result.executions), r.seconds,
      plain_execs.c_str(), p.seconds, ratio_cell.data(),
      r.seconds > 0 ? static_cast<double>(r.result.executions) / r.seconds : 0.0, peak_rss_mib());
  std::fflush(stdout);
}

nlohmann::ordered_json to_json(const Row& row) {
  return {{"name", row.name},
          {"threads", row.threads},
          {"calls", row.calls},
          {"search", "dpor"},
          {"verdict",
           row.reduced.timed_out ? "timeout" : (row.reduced.result.passed() ? "pass" : "fail")},
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
    } else if (arg == "--only" && has_value) {
      s.only = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: model_bench [--repetitions N] [--budget SECONDS] [--json FILE] "
                   "[--filter REGEX] [--no-grid] [--only catalogue,grid,jobs,memory,litmus]\n");
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

// CPU time of the process (the searches run on this thread with one job: unlike wall time, it
// does not count the other programs sharing the machine's cores).
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// One search under one memory model, each in its own function for callgrind's --toggle-collect
// (see the top of the file): never inlined, so the two models' instructions are counted apart.
[[gnu::noinline]] ExploreResult search_under_sc(const std::function<void()>& body,
                                                ExploreOptions options, const std::string& name) {
  options.memory_model = MemoryModel::kSc;
  return Explorer(options).run(name, body);
}
[[gnu::noinline]] ExploreResult search_under_rc11(const std::function<void()>& body,
                                                  ExploreOptions options, const std::string& name) {
  options.memory_model = MemoryModel::kRc11;
  return Explorer(options).run(name, body);
}

// The median CPU seconds of `repetitions` reduced searches of `body` under `model` (once if a
// search takes more than a second).
Measured measure_cpu(const std::function<void()>& body, ExploreOptions options, MemoryModel model,
                     int repetitions, const Settings& s, const std::string& name) {
  options.time_limit_seconds = s.budget;
  options.jobs = 1;
  options.progress = false;
  options.search = Search::kDpor;
  std::vector<double> times;
  Measured m;
  for (int r = 0; r < repetitions; ++r) {
    const double start = cpu_seconds();
    m.result = model == MemoryModel::kSc ? search_under_sc(body, options, name)
                                         : search_under_rc11(body, options, name);
    times.push_back(cpu_seconds() - start);
    if (times.back() > 1.0) break;
  }
  std::sort(times.begin(), times.end());
  m.seconds = times[times.size() / 2];
  m.timed_out = m.result.stopped_by == "time limit";
  return m;
}

std::string executions_text(const Measured& m) {
  return std::to_string(m.result.executions) + (m.timed_out ? "+" : "");
}

// The catalogue's reduced searches under sc and rc11: what the C++ memory model costs. The
// execution counts should agree on these models (their atomics are seq_cst or their weak
// executions coincide); a differing count is marked.
void bench_memory_models(const Settings& s, const std::regex& selected,
                         nlohmann::ordered_json& report) {
  using doublecheck::model::emitter_models;
  std::printf(
      "\n== memory models: the catalogue's reduced search under sc and rc11 (one job; median CPU "
      "ms of %d; ratio = rc11/sc time)\n",
      s.repetitions);
  std::printf("%-36s %12s %10s %12s %10s %7s\n", "model", "sc execs", "sc ms", "rc11 execs",
              "rc11 ms", "ratio");
  double sc_total = 0;
  double rc11_total = 0;
  for (const auto& spec : emitter_models().models()) {
    if (!std::regex_search(spec.name, selected)) continue;
    const Measured sc =
        measure_cpu(spec.body, spec.options, MemoryModel::kSc, s.repetitions, s, spec.name);
    const Measured rc11 =
        measure_cpu(spec.body, spec.options, MemoryModel::kRc11, s.repetitions, s, spec.name);
    sc_total += sc.seconds;
    rc11_total += rc11.seconds;
    const double ratio = sc.seconds > 0 ? rc11.seconds / sc.seconds : 0.0;
    const bool differ = sc.result.executions != rc11.result.executions;
    std::printf("%-36s %12s %10.3f %12s %10.3f %6.2fx%s\n", spec.name.c_str(),
                executions_text(sc).c_str(), sc.seconds * 1e3, executions_text(rc11).c_str(),
                rc11.seconds * 1e3, ratio, differ ? "  (counts differ)" : "");
    std::fflush(stdout);
    report["memory_models"].push_back({{"name", spec.name},
                                       {"sc_executions", sc.result.executions},
                                       {"sc_cpu_seconds", sc.seconds},
                                       {"sc_timed_out", sc.timed_out},
                                       {"rc11_executions", rc11.result.executions},
                                       {"rc11_cpu_seconds", rc11.seconds},
                                       {"rc11_timed_out", rc11.timed_out}});
  }
  const double ratio = sc_total > 0 ? rc11_total / sc_total : 0.0;
  std::printf("%-36s %12s %10.3f %12s %10.3f %6.2fx  (target: <= 1.50x)\n", "total", "",
              sc_total * 1e3, "", rc11_total * 1e3, ratio);
  report["memory_models_total"] = {
      {"sc_cpu_seconds", sc_total}, {"rc11_cpu_seconds", rc11_total}, {"ratio", ratio}};
}

// The litmus programs: executions and CPU microseconds per reduced search (the issue's target:
// each under 10 ms).
void bench_litmus(const Settings& s, const std::regex& selected, nlohmann::ordered_json& report) {
  namespace litmus = doublecheck::model::litmus;
  const int repetitions = std::max(25, s.repetitions);
  std::printf(
      "\n== litmus programs (tests/model/litmus_programs.hpp; median CPU us per search of %d)\n",
      repetitions);
  std::printf("%-36s %8s %10s %8s %10s %7s\n", "program", "sc execs", "sc us", "rc11 exs",
              "rc11 us", "ratio");
  double slowest = 0;
  for (const litmus::Program& program : litmus::programs()) {
    const std::string name = "litmus/" + program.name;
    if (!std::regex_search(name, selected)) continue;
    const Measured sc = measure_cpu(program.body, {}, MemoryModel::kSc, repetitions, s, name);
    const Measured rc11 = measure_cpu(program.body, {}, MemoryModel::kRc11, repetitions, s, name);
    slowest = std::max(slowest, rc11.seconds);
    std::printf("%-36s %8s %10.1f %8s %10.1f %6.2fx%s\n", name.c_str(), executions_text(sc).c_str(),
                sc.seconds * 1e6, executions_text(rc11).c_str(), rc11.seconds * 1e6,
                sc.seconds > 0 ? rc11.seconds / sc.seconds : 0.0,
                rc11.seconds > 0.010 ? "  (over 10 ms)" : "");
    std::fflush(stdout);
    report["litmus"].push_back({{"name", name},
                                {"sc_executions", sc.result.executions},
                                {"sc_cpu_seconds", sc.seconds},
                                {"rc11_executions", rc11.result.executions},
                                {"rc11_cpu_seconds", rc11.seconds}});
  }
  std::printf("  slowest rc11 search: %.1f us (target: < 10000 us)\n", slowest * 1e6);
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
  if (s.runs("catalogue")) bench_catalogue(s, selected, report);
  if (s.runs("grid")) bench_grid(s, selected, report);
  if (s.runs("jobs")) bench_jobs(s, report);
  if (s.runs("memory")) bench_memory_models(s, selected, report);
  if (s.runs("litmus")) bench_litmus(s, selected, report);
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
