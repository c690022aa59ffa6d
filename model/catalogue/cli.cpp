#include "model/catalogue/cli.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "model/catalogue/report_json.hpp"
#include "model/catalogue/schedule_out.hpp"
#include "model/catalogue/shard_merge.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/source_path.hpp"
#include "model/mutation/mutation.hpp"
#include "model/mutation/mutation_run.hpp"
#include "model/search/path.hpp"

namespace doublecheck::model {
namespace {

namespace po = boost::program_options;

constexpr int kUsage = 64;
constexpr int kBadMerge = 65;  // EX_DATAERR: the --merge reports do not make one run
constexpr int kCantCreate = 73;
constexpr int kInternal = 70;

struct Settings {
  bool list = false;
  std::string filter;
  std::string replay;
  std::string json;
  std::string schedules_out;
  std::string source_root;
  bool traces = false;
  bool keep_going = false;
  bool symptom = false;
  bool continue_past_race = false;
  bool no_fair_spinning = false;
  bool no_symmetry = false;
  bool unmarked_spins = false;
  std::string search;  // empty: each model's own (ModelSpec::options; dpor unless it says)
  std::string memory_model = "rc11";
  // The numeric options given (kNumbers' names), as given: signed, so that "-1" is rejected
  // rather than wrapped; checked against their ranges in make_plan.
  std::map<std::string, std::int64_t, std::less<>> numbers;
  bool no_minimize = false;
  std::string shard;
  bool no_progress = false;
  std::optional<double> time_limit;
  bool mutate = false;
  std::string mutant;
  std::vector<std::string> merge;  // --merge: the shards' reports
};

// What a run needs besides the settings: parsed once, before any model runs.
struct Plan {
  std::regex filter;
  ExploreOptions common;
  bool search_given = false;  // --search overrides the search a model asks for
  std::shared_ptr<const Mutant> mutant;
};

// A usage error or another reason to stop before running: the exit status, with its message
// already printed.
struct Stop {
  int code;
};

void add_run_options(po::options_description& options, Settings& s) {
  auto add = options.add_options();
  add("help,h", "show this help");
  add("list", po::bool_switch(&s.list),
      "list the models with their expected verdicts (with --json: as JSON, into that file)");
  add("filter", po::value(&s.filter), "run only the models whose name matches this regex");
  add("replay", po::value(&s.replay),
      "run exactly the interleaving of this token (from a report) once, with its trace; use with "
      "--filter naming one model (or set DC_REPLAY='<model>=<token>')");
  add("json", po::value(&s.json),
      "also write every result, with its counterexamples, to this file (schema "
      "doublecheck-model-run/1)");
  add("schedules-out", po::value(&s.schedules_out),
      "also write schedules for replay/ (a model's interleavings on real threads, under TSan) to "
      "this file: every counterexample's, and with --search random or pct every sampled "
      "execution's (replay/schedule.hpp)");
  add("source-root", po::value(&s.source_root),
      "the directory the expectations' files and the reports' paths are relative to (default: "
      "the sources this runner was built from)");
  add("merge", po::value(&s.merge)->multitoken(),
      "run nothing: merge the --json reports of the shards of one run (--shard 1/n .. n/n, the "
      "same options otherwise) into one verdict per model, as if one run had explored the whole "
      "tree: counts summed, exhaustive only when every shard finished its part, the shards' "
      "failures in shard order with their replay tokens (with --json: the merged report)");
  add("traces", po::bool_switch(&s.traces),
      "print the counterexample of expected failures too (unexpected ones always are)");
  add("keep-going", po::bool_switch(&s.keep_going),
      "collect every distinct failure of a model instead of stopping at the first");
  add("symptom", po::bool_switch(&s.symptom),
      "make Shared accesses decision points too (with --continue-past-race: lost updates)");
  add("continue-past-race", po::bool_switch(&s.continue_past_race),
      "record a data race and keep executing");
  add("no-fair-spinning", po::bool_switch(&s.no_fair_spinning),
      "let a thread that re-reads an atomic with no write since (or yields) run again at once "
      "(default: it waits for another thread's progress, so spin loops end; a loop bounded by a "
      "local counter needs this)");
  add("no-symmetry", po::bool_switch(&s.no_symmetry),
      "explore every permutation of symmetric threads too (default: threads spawned with "
      "symmetric_threads() are explored up to renaming them)");
  add("unmarked-spins", po::bool_switch(&s.unmarked_spins),
      "take any re-read of an atomic with nothing new since for a spin, not only one after a "
      "yield (ends spin loops without yield; may miss interleavings of a thread that reads an "
      "atomic twice in straight-line code)");
}

constexpr std::int64_t kMost = std::int64_t{1} << 62;

// A numeric option: its name, what it does, its range, and how a value given sets a model's
// ExploreOptions. Written once here; the help, the parsing, the range check and the options of
// each model all read this table. `shown` is the default the help prints, read from
// ExploreOptions itself (none: the option has no default, or another one says it).
struct Numeric {
  const char* name;
  const char* help;
  std::int64_t low;
  std::int64_t high;
  void (*apply)(ExploreOptions&, std::int64_t);
  std::optional<std::int64_t> (*shown)(const ExploreOptions&);
  const char* short_name = "";  // ",j": -j too
};

template <class T>
T as(std::int64_t value) {
  return static_cast<T>(value);  // in range: checked against the option's bounds before
}

const std::array kNumbers{
    Numeric{"preemption-bound",
            "explore only executions with at most N preemptions (plain search; the verdict says "
            "bounded)",
            0, 1'000'000,
            [](ExploreOptions& o, std::int64_t v) { o.preemption_bound = as<std::uint32_t>(v); },
            [](const ExploreOptions&) { return std::optional<std::int64_t>(); }},
    Numeric{"iterations", "random and pct: executions per model", 1, kMost,
            [](ExploreOptions& o, std::int64_t v) { o.iterations = as<std::uint64_t>(v); },
            [](const ExploreOptions& o) {
              return std::optional<std::int64_t>(as<std::int64_t>(o.iterations));
            }},
    Numeric{"seed", "random and pct: the seed", 0, kMost,
            [](ExploreOptions& o, std::int64_t v) { o.seed = as<std::uint64_t>(v); },
            [](const ExploreOptions& o) {
              return std::optional<std::int64_t>(as<std::int64_t>(o.seed));
            }},
    Numeric{"pct-depth", "pct: the bug depth d", 1, 64,
            [](ExploreOptions& o, std::int64_t v) { o.pct_depth = as<std::uint32_t>(v); },
            [](const ExploreOptions& o) { return std::optional<std::int64_t>(o.pct_depth); }},
    Numeric{"jobs", "explore on N threads (default: the number of cores)", 1, 256,
            [](ExploreOptions& o, std::int64_t v) { o.jobs = as<std::uint32_t>(v); },
            [](const ExploreOptions&) { return std::optional<std::int64_t>(); }, ",j"},
    Numeric{"max-steps", "steps per execution before a livelock is reported", 1, kMost,
            [](ExploreOptions& o, std::int64_t v) { o.max_steps = as<std::uint64_t>(v); },
            [](const ExploreOptions& o) {
              return std::optional<std::int64_t>(as<std::int64_t>(o.max_steps));
            }},
    Numeric{"max-shared-accesses",
            "Shared<T> accesses per execution before a loop on plain data is reported", 1, kMost,
            [](ExploreOptions& o, std::int64_t v) { o.max_shared_accesses = as<std::uint64_t>(v); },
            [](const ExploreOptions& o) {
              return std::optional<std::int64_t>(as<std::int64_t>(o.max_shared_accesses));
            }},
    Numeric{"stack-size",
            "KiB of stack per model thread (reserved: only the pages a thread touches cost "
            "memory); raise it when a model reports a stack overflow",
            as<std::int64_t>(StackPool::kMinStackSize >> 10),
            as<std::int64_t>(StackPool::kMaxStackSize >> 10),
            [](ExploreOptions& o, std::int64_t v) { o.stack_size = as<std::size_t>(v) << 10; },
            [](const ExploreOptions& o) {
              return std::optional<std::int64_t>(as<std::int64_t>(o.stack_size >> 10));
            }},
    Numeric{"max-executions", "stop each search after N executions run", 1, kMost,
            [](ExploreOptions& o, std::int64_t v) { o.max_executions = as<std::uint64_t>(v); },
            [](const ExploreOptions&) { return std::optional<std::int64_t>(); }},
};

// "what it does, from LOW to HIGH (default D)".
std::string help_of(const Numeric& number) {
  std::string help = std::string(number.help) + "; ";
  help += number.high == kMost ? "at least " + std::to_string(number.low)
                               : std::to_string(number.low) + " to " + std::to_string(number.high);
  if (const auto shown = number.shown(ExploreOptions{})) {
    help += " (default " + std::to_string(*shown) + ")";
  }
  return help;
}

void add_search_options(po::options_description& options, Settings& s) {
  auto add = options.add_options();
  add("search", po::value(&s.search),
      "dpor (default: exhaustive, one execution per class of equivalent interleavings), plain "
      "(exhaustive, every interleaving), random or pct (sampling, with --iterations and --seed); "
      "without it, each model runs the search it asks for (dpor unless it says)");
  add("memory-model", po::value(&s.memory_model),
      "rc11 (default: C++20 as RC11 formalises it; loads may read stale values) or sc "
      "(sequentially consistent interleavings only, for comparison)");
  add("no-minimize", po::bool_switch(&s.no_minimize),
      "report the first counterexample found, not the one with the fewest preemptions");
  add("shard", po::value(&s.shard),
      "explore only part i of n (\"i/n\", 1-based) of each search tree; the parts of 1/n..n/n "
      "cover it exactly once");
  add("no-progress", po::bool_switch(&s.no_progress),
      "no progress line on standard error (it is shown only on a terminal anyway)");
  for (const Numeric& number : kNumbers) {
    const std::string name = std::string(number.name) + number.short_name;
    add(name.c_str(), po::value<std::int64_t>(), help_of(number).c_str());
  }
  add("time-limit", po::value<double>(), "stop each search after S seconds (S > 0)");
  add("mutate", po::bool_switch(&s.mutate),
      "fix-necessity mutation: for each model that passes, weaken each synchronisation site it "
      "met, one at a time (no lock; a memory order one level down; an RMW split; a critical "
      "section split before one of its accesses; one access run outside its section's lock), run "
      "the same search, and print the mutants' verdicts (killed / survived / not judged); exits "
      "non-zero when a mutant of a gated fix survives every model");
  add("mutant", po::value(&s.mutant),
      "run the models with this one mutant (an id from a --mutate report); with --replay, replays "
      "the counterexample that killed it");
}

// The settings, or the exit status when the run should not go on (--help, a usage error).
std::variant<Settings, Stop> parse(const RunnerInfo& info, int argc, char** argv) {
  Settings s;
  s.source_root = info.source_root;
  po::options_description options(info.program + ": " + info.description + "\nOptions");
  add_run_options(options, s);
  add_search_options(options, s);
  po::variables_map vm;
  try {
    // No positional arguments: a stray word (a model name without --filter) is an error, not
    // silently ignored.
    po::store(po::command_line_parser(argc, argv)
                  .options(options)
                  .positional(po::positional_options_description{})
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << info.program << ": " << e.what() << "\n(see " << info.program << " --help)\n";
    return Stop{kUsage};
  }
  if (vm.count("help") != 0U) {
    std::cout << options << "\n";
    return Stop{0};
  }
  for (const Numeric& number : kNumbers) {
    if (vm.count(number.name) != 0U) s.numbers[number.name] = vm[number.name].as<std::int64_t>();
  }
  if (vm.count("time-limit") != 0U) s.time_limit = vm["time-limit"].as<double>();
  return s;
}

// Empty when `value` is in the option's range, else "must be from LOW to HIGH, not VALUE".
std::string range_error(const Numeric& number, std::int64_t value) {
  if (value >= number.low && value <= number.high) return {};
  return "must be from " + std::to_string(number.low) + " to " + std::to_string(number.high) +
         ", not " + std::to_string(value);
}

std::string time_limit_error(double seconds) {
  if (seconds > 0 && seconds < 1e9) return {};
  return "must be a number of seconds above 0, not " + std::to_string(seconds);
}

std::optional<Search> search_named(std::string_view name) {
  if (name == "dpor") return Search::kDpor;
  if (name == "plain") return Search::kPlain;
  if (name == "random") return Search::kRandom;
  if (name == "pct") return Search::kPct;
  return std::nullopt;
}

// "i/n" into the common options; false when malformed.
bool parse_shard(const std::string& text, ExploreOptions& common) {
  unsigned index = 0;
  unsigned count = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> index >> slash >> count) || slash != '/' || count == 0 || index == 0 ||
      index > count || !in.eof()) {
    return false;
  }
  common.shard_index = index - 1;
  common.shard_count = count;
  return true;
}

std::variant<Plan, Stop> make_plan(const RunnerInfo& info, const Settings& s) {
  const auto usage = [&](const std::string& why) {
    std::cerr << info.program << ": " << why << "\n";
    return Stop{kUsage};
  };
  Plan plan;
  try {
    plan.filter = std::regex(s.filter.empty() ? std::string(".*") : s.filter);
  } catch (const std::regex_error& e) {
    return usage("--filter '" + s.filter + "' is not a regular expression: " + e.what());
  }
  plan.search_given = !s.search.empty();
  // The same parsing and messages as every other front end's (set_search_option).
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"search", s.search},
                                    {"memory-model", s.memory_model}}) {
    if (value.empty()) continue;  // --search not given: each model's own
    if (auto error = set_search_option(plan.common, name, value)) {
      return usage(std::string("--") + name + " " + *error);
    }
  }
  // Every numeric option within its range, or a usage error naming the option and the range.
  for (const Numeric& number : kNumbers) {
    const auto given = s.numbers.find(number.name);
    if (given == s.numbers.end()) continue;
    const std::string error = range_error(number, given->second);
    if (!error.empty()) return usage(std::string("--") + number.name + " " + error);
  }
  if (s.time_limit) {
    const std::string error = time_limit_error(*s.time_limit);
    if (!error.empty()) return usage("--time-limit " + error);
  }
  if (!s.replay.empty() && !Path::parse_token(s.replay)) {
    return usage("--replay: not a replay token: '" + s.replay +
                 "' (a token looks like rc11:01-2.10 or dc1:0110; reports print them)");
  }
  ExploreOptions& common = plan.common;
  common.minimize_preemptions = !s.no_minimize;
  common.jobs = std::max(1U, std::thread::hardware_concurrency());
  for (const auto& given : s.numbers) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string& name = given.first;
    const auto* number = std::find_if(kNumbers.begin(), kNumbers.end(),
                                      [&](const Numeric& n) { return n.name == name; });
    number->apply(common, given.second);  // the options of each model take them from here
  }
  common.progress = !s.no_progress;
  if (!s.shard.empty() && !parse_shard(s.shard, common)) {
    return usage("--shard must be i/n with 1 <= i <= n, not '" + s.shard + "'");
  }
  if (!s.merge.empty()) {
    for (const auto& [given, option] : {std::pair<bool, const char*>{!s.shard.empty(), "--shard"},
                                        {!s.replay.empty(), "--replay"},
                                        {s.mutate, "--mutate"},
                                        {!s.mutant.empty(), "--mutant"},
                                        {s.list, "--list"},
                                        {!s.schedules_out.empty(), "--schedules-out"}}) {
      if (given) return usage(std::string("--merge runs nothing: it cannot take ") + option);
    }
  }
  if (!s.mutant.empty()) {
    if (s.mutate)
      return usage("--mutant runs one mutant; --mutate runs them all: give one of them");
    std::string error;
    auto parsed = Mutant::parse(s.mutant, &error);
    if (!parsed) return usage("--mutant: " + error);
    plan.mutant = std::make_shared<const Mutant>(std::move(*parsed));
  }
  if (!s.source_root.empty()) {
    std::error_code ec;
    const auto root = std::filesystem::absolute(s.source_root, ec);
    if (ec || !std::filesystem::is_directory(root, ec)) {
      return usage("--source-root '" + s.source_root + "' is not a directory");
    }
    set_source_root(root.lexically_normal().string());
  }
  return plan;
}

// One model's options: its own (symptom mode, a bound it needs, a search it needs: the plain
// one for a model whose waits DPOR does not yet explore completely) under the command line's.
ExploreOptions options_for(const ModelSpec& spec, const Settings& s, const Plan& plan) {
  const ExploreOptions& common = plan.common;
  ExploreOptions options = spec.options;
  if (plan.search_given) options.search = common.search;
  options.memory_model = common.memory_model;
  options.minimize_preemptions = common.minimize_preemptions;
  options.jobs = common.jobs;
  options.progress = common.progress;
  options.shard_index = common.shard_index;
  options.shard_count = common.shard_count;
  options.keep_going |= s.keep_going;
  options.symptom_mode |= s.symptom;
  options.continue_past_race |= s.continue_past_race;
  if (s.no_fair_spinning) options.fair_spinning = false;
  if (s.no_symmetry) options.symmetry = false;
  options.unmarked_spins |= s.unmarked_spins;
  for (const Numeric& number : kNumbers) {
    const auto given = s.numbers.find(number.name);
    if (given != s.numbers.end()) number.apply(options, given->second);  // over the model's own
  }
  if (s.time_limit) options.time_limit_seconds = *s.time_limit;
  if (!s.replay.empty()) options.replay_token = s.replay;
  options.hooks = mutation_hooks(plan.mutant);
  return options;
}

// What a run's verdicts depend on, as given: every option but --shard and those that say only
// where the output goes or how fast it comes (--json, --jobs, --no-progress, --traces, ...). The
// shards of one run must agree on it to be merged (shard_merge.hpp).
nlohmann::ordered_json run_options(const Settings& s) {
  nlohmann::ordered_json options;
  options["filter"] = s.filter;
  options["search"] = s.search;
  options["memory-model"] = s.memory_model;
  for (const auto& [flag, on] : {std::pair<const char*, bool>{"keep-going", s.keep_going},
                                 {"symptom", s.symptom},
                                 {"continue-past-race", s.continue_past_race},
                                 {"no-fair-spinning", s.no_fair_spinning},
                                 {"no-symmetry", s.no_symmetry},
                                 {"unmarked-spins", s.unmarked_spins},
                                 {"no-minimize", s.no_minimize}}) {
    options[flag] = on;
  }
  for (const auto& [name, value] : s.numbers) {
    if (name != "jobs") options[name] = value;
  }
  if (s.time_limit) options["time-limit"] = *s.time_limit;
  options["mutant"] = s.mutant;
  return options;
}

// The state of one run over the selected models.
class Run {
 public:
  Run(const Registry& registry, const RunnerInfo& info, const Settings& s, const Plan& plan,
      std::ostream* schedules)
      : registry_(registry), s_(s), plan_(plan), schedules_(schedules) {
    report_["schema"] = "doublecheck-model-run/1";
    nlohmann::ordered_json& run = report_["run"];
    run["program"] = info.program;
    run["options"] = run_options(s);
    run["shard"] = plan.common.shard_count == 0
                       ? nlohmann::ordered_json(nullptr)
                       : nlohmann::ordered_json{{"index", plan.common.shard_index + 1},
                                                {"count", plan.common.shard_count}};
    report_["models"] = nlohmann::ordered_json::array();
  }

  // A model's result merged from its shards' (--merge): judged and reported as a run's.
  void merged(const ModelSpec& spec, const MergedModel& model) {
    ++selected_;
    verdict(spec, model.result);
    // The shards' own failure entries, with their interleavings (the merged result has none).
    if (!s_.json.empty()) report_["models"].back()["failures"] = model.failures;
  }

  void merged_from(const MergedRun& merged) {
    report_["run"]["options"] = merged.options;
    report_["run"]["merged_from"] = merged.paths;
  }

  void model(const ModelSpec& spec) {
    ++selected_;
    if (s_.list) {
      std::cout << spec.name << "  [" << spec.property << "]  " << spec.summary << "  — "
                << describe(spec.expected) << "\n";
      report_["models"].push_back(to_json(spec));
      return;
    }
    ExploreOptions options = options_for(spec, s_, plan_);
    std::shared_ptr<SiteRecorder> sites;
    if (s_.mutate) {
      sites = std::make_shared<SiteRecorder>();
      options.hooks = mutation_hooks(plan_.mutant, sites);
    }
    if (plan_.mutant) {
      std::cout << "mutant " << plan_.mutant->id() << ": " << plan_.mutant->site.describe() << ", "
                << plan_.mutant->weakening_text() << "\n";
    }
    if (schedules_ != nullptr && sampled_search(options.search)) {
      options.on_execution = [this, &spec, symptom = options.symptom_mode](
                                 const std::vector<StepRecord>& steps, const std::string& origin) {
        replay::write_schedule(*schedules_, schedule_of(spec.name, steps, origin, symptom));
      };
    }
    const auto result = Explorer(options).run(spec.name, spec.body);
    if (schedules_ != nullptr) {
      for (const Failure& failure : result.failures) {
        replay::write_schedule(*schedules_, schedule_of(spec.name, failure, options.symptom_mode));
      }
    }
    const bool matched = verdict(spec, result);
    if (s_.mutate && result.passed() && matched) {
      options.hooks = mutation_hooks(plan_.mutant);  // recording done
      mutate(spec, options, *sites);
    }
    std::fflush(stdout);
  }

  // The closing lines and the exit status (the --json file is written by the caller).
  int finish() {
    int not_shown = 0;
    if (s_.mutate && !s_.list) {
      std::cout << "\n" << summary_.format();
      for (const std::string& variant : registry_.gated_variants()) {
        for (const auto* entry : summary_.not_shown_necessary(variant)) {
          ++not_shown;
          std::cout << "fix not shown necessary: " << entry->mutant.site.describe() << " ("
                    << entry->mutant.weakening_text() << " survives every model that meets it)\n";
        }
      }
      std::cout << "\n";
      report_["mutants"] = std::move(mutants_);
      report_["mutation_summary"] = to_json(summary_);
    }
    if (!s_.list) {
      std::cout << selected_ << " models, " << selected_ - unexpected_ << " as expected, "
                << unexpected_ << " unexpected";
      if (s_.mutate) {
        std::cout << "; " << summary_.entries().size() << " mutants (" << mutant_runs_
                  << " mutant runs), " << not_shown << " of a gated fix not shown necessary";
      }
      std::cout << "\n";
    }
    if (unusable_replays_ > 0) {
      std::cerr << "the --replay token does not fit " << unusable_replays_
                << (unusable_replays_ == 1 ? " model" : " models")
                << " (a usage error: replay a token with the model it was reported for)\n";
      return kUsage;
    }
    return unexpected_ == 0 && not_shown == 0 ? 0 : 1;
  }

  [[nodiscard]] int selected() const { return selected_; }
  [[nodiscard]] const nlohmann::ordered_json& report() const { return report_; }

 private:
  // Prints the verdict line (and the counterexample when it matters); whether it was expected.
  bool verdict(const ModelSpec& spec, const ExploreResult& result) {
    // A replay, or a run under a mutant, shows what happens; it is not compared with the catalogue.
    const bool as_catalogue = s_.replay.empty() && !plan_.mutant;
    const std::string why = as_catalogue ? mismatch(spec.expected, result) : std::string();
    if (!s_.replay.empty() && !result.failures.empty() &&
        result.failures.front().kind == FailureKind::kUsageError) {
      ++unusable_replays_;
    }
    if (!s_.json.empty()) report_["models"].push_back(to_json(spec, result));
    const std::string line = format_verdict(result);
    std::string note = !as_catalogue ? "" : why.empty() ? "  (as expected)" : "  UNEXPECTED";
    if (as_catalogue && why.empty() && result.passed() && sampled(result)) {
      // Executions run: under RC11 the sampled ones that repeat a graph are not counted twice.
      note = "  (no failure in " + std::to_string(result.executions + result.pruned) +
             " sampled executions, " + std::to_string(result.executions) +
             " distinct: not a proof)";
    }
    std::cout << line << note << "\n";
    if (!why.empty()) {
      ++unexpected_;
      std::cout << "  " << why << "\n";
    }
    if (!result.passed() && (!why.empty() || s_.traces || !as_catalogue)) {
      std::cout << format_report(result).substr(line.size() + 1) << "\n";
    }
    return why.empty();
  }

  void mutate(const ModelSpec& spec, const ExploreOptions& options, const SiteRecorder& sites) {
    const auto site_list = sites.sites();
    const auto results = run_mutants(spec.name, spec.body, options,
                                     mutants_of(site_list, sites.points()), plan_.common.jobs);
    std::cout << format_mutation_table(spec.name, site_list, results);
    mutant_runs_ += results.size();
    for (const auto& r : results) {
      const bool in_fix = registry_.in_fix(spec.variant, r.mutant.site.object);
      summary_.add(spec.name, spec.variant, in_fix, r);
      mutants_.push_back(to_json(spec, r, in_fix));
    }
  }

  static bool sampled_search(Search search) {
    return search == Search::kRandom || search == Search::kPct;
  }

  const Registry& registry_;
  const Settings& s_;
  const Plan& plan_;
  std::ostream* schedules_;  // --schedules-out, or nullptr
  nlohmann::ordered_json report_;
  nlohmann::ordered_json mutants_ = nlohmann::ordered_json::array();
  MutationSummary summary_;
  std::size_t mutant_runs_ = 0;
  int selected_ = 0;
  int unexpected_ = 0;
  int unusable_replays_ = 0;  // models a --replay token did not fit
};

// Writes the report; false (after saying why) when it cannot be written.
bool write_json(const RunnerInfo& info, const std::string& path,
                const nlohmann::ordered_json& report) {
  std::ofstream out(path);
  out << report.dump(1) << "\n";
  out.flush();
  if (!out) {
    std::cerr << info.program << ": cannot write --json file '" << path
              << "': " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

// --merge: the shards' results into `run`, as if it had explored them; non-zero (after saying why)
// when the reports do not make one run of this runner.
int merge(const Registry& registry, const RunnerInfo& info, const Plan& plan, Run& run,
          const std::vector<std::string>& paths) {
  auto merged = merge_shard_reports(paths);
  const auto refuse = [&](const std::string& why) {
    std::cerr << info.program << ": --merge: " << why << "\n";
    return kBadMerge;
  };
  if (const auto* error = std::get_if<std::string>(&merged)) return refuse(*error);
  const MergedRun& shards = std::get<MergedRun>(merged);
  if (shards.program != info.program) {
    return refuse("the shards were run by " + shards.program + ", not " + info.program +
                  ": merge them with the runner that ran them (it has their expectations)");
  }
  std::vector<std::pair<const ModelSpec*, const MergedModel*>> models;
  for (const MergedModel& model : shards.models) {
    const ModelSpec* spec = registry.find(model.name);
    if (spec == nullptr) {
      return refuse(model.name + " (of " + shards.paths.front() + ") is not a model of this " +
                    info.program + ": merge with the build that ran the shards");
    }
    if (std::regex_search(spec->name, plan.filter)) models.emplace_back(spec, &model);
  }
  std::cout << "merged " << shards.shards << " shards:";
  for (const std::string& path : shards.paths) std::cout << " " << path;
  std::cout << "\n";
  run.merged_from(shards);
  for (const auto& [spec, model] : models) run.merged(*spec, *model);
  return 0;
}

int run(const Registry& registry, const RunnerInfo& info, const Settings& s) {
  const auto planned = make_plan(info, s);
  if (const auto* stop = std::get_if<Stop>(&planned)) return stop->code;
  const Plan& plan = std::get<Plan>(planned);
  // Opened before any model runs, so an unwritable path fails at once and costs no search.
  if (!s.json.empty() && !std::ofstream(s.json)) {
    std::cerr << info.program << ": cannot open --json file '" << s.json
              << "': " << std::strerror(errno) << "\n";
    return kCantCreate;
  }
  std::ofstream schedules;
  if (!s.schedules_out.empty()) {
    schedules.open(s.schedules_out);
    if (!schedules) {
      std::cerr << info.program << ": cannot open --schedules-out file '" << s.schedules_out
                << "': " << std::strerror(errno) << "\n";
      return kCantCreate;
    }
  }
  Run run(registry, info, s, plan, s.schedules_out.empty() ? nullptr : &schedules);
  if (!s.merge.empty()) {
    if (const int status = merge(registry, info, plan, run, s.merge); status != 0) return status;
  } else {
    for (const ModelSpec& spec : registry.models()) {
      if (std::regex_search(spec.name, plan.filter)) run.model(spec);
    }
  }
  if (run.selected() == 0) {
    std::cerr << info.program << ": no model matches --filter '" << s.filter << "' (see --list)\n";
    return kUsage;
  }
  const int status = run.finish();
  if (!s.schedules_out.empty()) {
    schedules.flush();
    if (!schedules) {
      std::cerr << info.program << ": cannot write --schedules-out file '" << s.schedules_out
                << "': " << std::strerror(errno) << "\n";
      return kCantCreate;
    }
  }
  if (!s.json.empty() && !write_json(info, s.json, run.report())) return kCantCreate;
  return status;
}

}  // namespace

int run_catalogue(const Registry& registry, const RunnerInfo& info, int argc, char** argv) {
  try {
    auto parsed = parse(info, argc, argv);
    if (const auto* stop = std::get_if<Stop>(&parsed)) return stop->code;
    return run(registry, info, std::get<Settings>(parsed));
  } catch (const std::exception& e) {
    std::cerr << info.program << ": internal error: " << e.what() << "\n";
    return kInternal;
  }
}

std::optional<std::string> set_search_option(ExploreOptions& options, std::string_view name,
                                             std::string_view value) {
  const std::string text(value);
  if (name == "search") {
    const auto search = search_named(text);
    if (!search) return "must be dpor, plain, random or pct, not '" + text + "'";
    options.search = *search;
    return std::nullopt;
  }
  if (name == "memory-model") {
    const auto memory_model = parse_memory_model(text);
    if (!memory_model) return "must be rc11 or sc, not '" + text + "'";
    options.memory_model = *memory_model;
    return std::nullopt;
  }
  if (name == "time-limit") {
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      return "must be a number of seconds, not '" + text + "'";
    }
    std::string error = time_limit_error(seconds);
    if (!error.empty()) return error;
    options.time_limit_seconds = seconds;
    return std::nullopt;
  }
  const auto* number = std::find_if(kNumbers.begin(), kNumbers.end(),
                                    [&](const Numeric& n) { return n.name == name; });
  if (number == kNumbers.end()) return "is not a search option";
  std::int64_t parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size()) {
    return "must be a whole number, not '" + text + "'";
  }
  std::string range = range_error(*number, parsed);
  if (!range.empty()) return range;
  number->apply(options, parsed);
  return std::nullopt;
}

}  // namespace doublecheck::model
