// dc_model: runs the emitter's models through the explorer and prints one verdict line per model,
// with the counterexample of every failure. Exit 0 when every model reached its expected verdict.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "model/engine/explorer.hpp"
#include "model/mutation/mutation.hpp"
#include "model/mutation/mutation_run.hpp"
#include "model/catalogue/registry.hpp"
#include "model/catalogue/report_json.hpp"

namespace po = boost::program_options;
using doublecheck::model::describe;
using doublecheck::model::emitter_models;
using doublecheck::model::ExploreOptions;
using doublecheck::model::Explorer;
using doublecheck::model::format_report;
using doublecheck::model::format_verdict;
using doublecheck::model::mismatch;

namespace {

struct Settings {
  bool list = false;
  std::string filter;
  std::string replay;
  std::string json;
  bool traces = false;
  bool keep_going = false;
  bool symptom = false;
  bool continue_past_race = false;
  std::string search = "dpor";
  std::optional<std::uint32_t> preemption_bound;
  bool no_minimize = false;
  std::uint64_t iterations = 0;
  std::uint64_t seed = 0;
  std::uint32_t pct_depth = 0;
  std::uint32_t jobs = 0;
  std::string shard;
  bool no_progress = false;
  std::uint64_t max_steps = 0;
  std::uint64_t max_executions = 0;
  double time_limit = 0;
  bool mutate = false;
  std::string mutant;
};

// Parses the command line; returns false (after printing why) when the run should not go on.
bool parse(int argc, char** argv, Settings& s, int& exit_code) {
  po::options_description options(
      "dc_model: exhaustive interleaving exploration of the telemetry emitter's models\n"
      "Options");
  auto add = options.add_options();
  add("help,h", "show this help");
  add("list", po::bool_switch(&s.list), "list the models with their expected verdicts");
  add("filter", po::value(&s.filter), "run only the models whose name matches this regex");
  add("replay", po::value(&s.replay),
      "run exactly the interleaving of this token (from a report) once, with its trace; use with "
      "--filter naming one model (or set DC_REPLAY='<model>=<token>')");
  add("json", po::value(&s.json),
      "also write every result, with its counterexamples, to this file (schema "
      "doublecheck-model-run/1)");
  add("traces", po::bool_switch(&s.traces),
      "print the counterexample of expected failures too (unexpected ones always are)");
  add("keep-going", po::bool_switch(&s.keep_going),
      "collect every distinct failure of a model instead of stopping at the first");
  add("symptom", po::bool_switch(&s.symptom),
      "make Shared accesses decision points too (with --continue-past-race: lost updates)");
  add("continue-past-race", po::bool_switch(&s.continue_past_race),
      "record a data race and keep executing");
  add("search", po::value(&s.search),
      "dpor (default: exhaustive, one execution per class of equivalent interleavings), plain "
      "(exhaustive, every interleaving), random or pct (sampling, with --iterations and --seed)");
  add("preemption-bound", po::value<std::uint32_t>(),
      "explore only executions with at most N preemptions (plain search; the verdict says "
      "bounded)");
  add("no-minimize", po::bool_switch(&s.no_minimize),
      "report the first counterexample found, not the one with the fewest preemptions");
  add("iterations", po::value(&s.iterations), "random and pct: executions per model (1000)");
  add("seed", po::value(&s.seed), "random and pct: the seed (1)");
  add("pct-depth", po::value(&s.pct_depth), "pct: the bug depth d (3)");
  add("jobs,j", po::value(&s.jobs), "explore on N threads (default: the number of cores)");
  add("shard", po::value(&s.shard),
      "explore only part i of n (\"i/n\", 1-based) of each search tree; the parts of 1/n..n/n "
      "cover it exactly once");
  add("no-progress", po::bool_switch(&s.no_progress),
      "no progress line on standard error (it is shown only on a terminal anyway)");
  add("max-steps", po::value(&s.max_steps), "steps per execution before a livelock is reported");
  add("max-executions", po::value(&s.max_executions), "stop each search after N executions");
  add("time-limit", po::value(&s.time_limit), "stop each search after S seconds");
  add("mutate", po::bool_switch(&s.mutate),
      "fix-necessity mutation: for each model that passes, weaken each synchronisation site it "
      "met, one at a time (no lock; a memory order one level down; an RMW split; a critical "
      "section split before one of its accesses; one access run outside its section's lock), run "
      "the same search, and print the mutants' verdicts (killed / survived / not judged); exits "
      "non-zero when a mutant of the fixed emitter's fix survives every model");
  add("mutant", po::value(&s.mutant),
      "run the models with this one mutant (an id from a --mutate report); with --replay, replays "
      "the counterexample that killed it");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "dc_model: " << e.what() << "\n(see dc_model --help)\n";
    exit_code = 64;
    return false;
  }
  if (vm.count("preemption-bound") != 0U) {
    s.preemption_bound = vm["preemption-bound"].as<std::uint32_t>();
  }
  if (vm.count("help") != 0U) {
    std::cout << options << "\n";
    exit_code = 0;
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  int exit_code = 0;
  if (!parse(argc, argv, s, exit_code)) return exit_code;

  std::regex filter;
  try {
    filter = std::regex(s.filter.empty() ? std::string(".*") : s.filter);
  } catch (const std::regex_error& e) {
    std::cerr << "dc_model: --filter '" << s.filter << "' is not a regular expression: " << e.what()
              << "\n";
    return 64;
  }

  // Opened before any model runs, so an unwritable path fails at once and costs no search.
  std::ofstream json_out;
  if (!s.json.empty() && !s.list) {
    json_out.open(s.json);
    if (!json_out) {
      std::cerr << "dc_model: cannot open --json file '" << s.json << "': " << std::strerror(errno)
                << "\n";
      return 73;
    }
  }

  ExploreOptions common;
  if (s.search == "dpor") {
    common.search = doublecheck::model::Search::kDpor;
  } else if (s.search == "plain") {
    common.search = doublecheck::model::Search::kPlain;
  } else if (s.search == "random") {
    common.search = doublecheck::model::Search::kRandom;
  } else if (s.search == "pct") {
    common.search = doublecheck::model::Search::kPct;
  } else {
    std::cerr << "dc_model: --search must be dpor, plain, random or pct, not '" << s.search
              << "'\n";
    return 64;
  }
  common.preemption_bound = s.preemption_bound;
  common.minimize_preemptions = !s.no_minimize;
  if (s.iterations != 0) common.iterations = s.iterations;
  if (s.seed != 0) common.seed = s.seed;
  if (s.pct_depth != 0) common.pct_depth = s.pct_depth;
  common.jobs = s.jobs != 0 ? s.jobs : std::max(1U, std::thread::hardware_concurrency());
  common.progress = !s.no_progress;
  if (!s.shard.empty()) {
    unsigned index = 0;
    unsigned count = 0;
    char slash = 0;
    std::istringstream in(s.shard);
    if (!(in >> index >> slash >> count) || slash != '/' || count == 0 || index == 0 ||
        index > count || !in.eof()) {
      std::cerr << "dc_model: --shard must be i/n with 1 <= i <= n, not '" << s.shard << "'\n";
      return 64;
    }
    common.shard_index = index - 1;
    common.shard_count = count;
  }

  std::shared_ptr<const doublecheck::model::Mutant> mutant;
  if (!s.mutant.empty()) {
    std::string error;
    auto parsed = doublecheck::model::Mutant::parse(s.mutant, &error);
    if (!parsed) {
      std::cerr << "dc_model: --mutant: " << error << "\n";
      return 64;
    }
    if (s.mutate) {
      std::cerr << "dc_model: --mutant runs one mutant; --mutate runs them all: give one of them\n";
      return 64;
    }
    mutant = std::make_shared<const doublecheck::model::Mutant>(std::move(*parsed));
  }
  // A replay, or a run under a mutant, shows what happens; it is not compared with the catalogue.
  const bool as_catalogue = s.replay.empty() && !mutant;

  int selected = 0;
  int unexpected = 0;
  nlohmann::ordered_json report;
  report["schema"] = "doublecheck-model-run/1";
  report["models"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json mutants_json = nlohmann::ordered_json::array();
  doublecheck::model::MutationSummary summary;
  std::size_t mutant_runs = 0;
  for (const auto& spec : emitter_models().models()) {
    if (!std::regex_search(spec.name, filter)) continue;
    ++selected;
    if (s.list) {
      std::cout << spec.name << "  [" << spec.property << "]  " << spec.summary << "  — "
                << describe(spec.expected) << "\n";
      continue;
    }
    ExploreOptions options = spec.options;
    options.search = common.search;
    options.preemption_bound = common.preemption_bound;
    options.minimize_preemptions = common.minimize_preemptions;
    options.iterations = common.iterations;
    options.seed = common.seed;
    options.pct_depth = common.pct_depth;
    options.jobs = common.jobs;
    options.progress = common.progress;
    options.shard_index = common.shard_index;
    options.shard_count = common.shard_count;
    options.keep_going |= s.keep_going;
    options.symptom_mode |= s.symptom;
    options.continue_past_race |= s.continue_past_race;
    if (s.max_steps != 0) options.max_steps = s.max_steps;
    if (s.max_executions != 0) options.max_executions = s.max_executions;
    if (s.time_limit != 0) options.time_limit_seconds = s.time_limit;
    if (!s.replay.empty()) options.replay_token = s.replay;
    options.mutant = mutant;
    std::shared_ptr<doublecheck::model::SiteRecorder> sites;
    if (s.mutate) {
      sites = std::make_shared<doublecheck::model::SiteRecorder>();
      options.record_sites = sites;
    }

    if (mutant) {
      std::cout << "mutant " << mutant->id() << ": " << mutant->site.describe() << ", "
                << mutant->weakening_text() << "\n";
    }
    Explorer explorer(options);
    const auto result = explorer.run(spec.name, spec.body);
    const std::string why = as_catalogue ? mismatch(spec.expected, result) : std::string();
    if (!s.json.empty()) report["models"].push_back(doublecheck::model::to_json(spec, result));
    std::cout << format_verdict(result)
              << (!as_catalogue ? ""
                  : why.empty() ? "  (as expected)"
                                : "  UNEXPECTED")
              << "\n";
    if (!why.empty()) {
      ++unexpected;
      std::cout << "  " << why << "\n";
    }
    if (!result.passed() && (!why.empty() || s.traces || !as_catalogue)) {
      std::cout << format_report(result).substr(format_verdict(result).size() + 1) << "\n";
    }
    if (s.mutate && result.passed() && why.empty()) {
      options.record_sites = nullptr;
      const auto site_list = sites->sites();
      const auto results = doublecheck::model::run_mutants(
          spec.name, spec.body, options, doublecheck::model::mutants_of(site_list, sites->points()),
          common.jobs);
      std::cout << doublecheck::model::format_mutation_table(spec.name, site_list, results);
      mutant_runs += results.size();
      for (const auto& r : results) {
        const bool in_fix = emitter_models().in_fix(spec.variant, r.mutant.site.object);
        summary.add(spec.name, spec.variant, in_fix, r);
        mutants_json.push_back(doublecheck::model::to_json(spec, r, in_fix));
      }
    }
    std::fflush(stdout);
  }
  if (selected == 0) {
    std::cerr << "dc_model: no model matches --filter '" << s.filter << "' (see --list)\n";
    return 64;
  }
  int not_shown = 0;
  if (s.mutate && !s.list) {
    std::cout << "\n" << summary.format();
    // The fixed emitter's fix: each of its mutants must be killed by some model.
    for (const auto* entry : summary.not_shown_necessary("fixed")) {
      ++not_shown;
      std::cout << "fix not shown necessary: " << entry->mutant.site.describe() << " ("
                << entry->mutant.weakening_text() << " survives every model that meets it)\n";
    }
    std::cout << "\n";
    report["mutants"] = std::move(mutants_json);
    report["mutation_summary"] = doublecheck::model::to_json(summary);
  }
  if (json_out.is_open()) {
    json_out << report.dump(1) << "\n";
    json_out.flush();
    if (!json_out) {
      std::cerr << "dc_model: cannot write --json file '" << s.json << "': " << std::strerror(errno)
                << "\n";
      return 73;
    }
  }
  if (!s.list) {
    std::cout << selected << " models, " << selected - unexpected << " as expected, " << unexpected
              << " unexpected";
    if (s.mutate) {
      std::cout << "; " << summary.entries().size() << " mutants (" << mutant_runs
                << " mutant runs), " << not_shown
                << " of the fixed emitter's fix not shown necessary";
    }
    std::cout << "\n";
  }
  return unexpected == 0 && not_shown == 0 ? 0 : 1;
}
