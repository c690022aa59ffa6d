// dc_examples: runs the example models (model/examples/) through the explorer. A small runner of
// your own, for your own catalogue: it prints one verdict line per model (with the counterexample
// of every failure that was not expected) and exits 0 only when every model reached its expected
// verdict. --json writes the same schema as dc_model (doublecheck-model-run/1), so scripts/verify
// can put these models into its matrix and reports (README.md, "Auditing your own fix").
#include <algorithm>
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "model/examples/examples.hpp"
#include "model/engine/explorer.hpp"
#include "model/catalogue/report_json.hpp"

namespace po = boost::program_options;
namespace model = doublecheck::model;

namespace {

struct Settings {
  std::string filter = ".*";
  std::string json;
  bool list = false;
  bool traces = false;
  std::uint32_t jobs = 0;
  std::optional<std::uint32_t> preemption_bound;
  std::uint64_t max_executions = 0;
  double time_limit = 0;
};

// Parses the command line; returns an exit status when the program should stop now.
std::optional<int> parse(int argc, char** argv, Settings& s) {
  po::options_description options("dc_examples: the example models of model/examples/\nOptions");
  auto add = options.add_options();
  add("help,h", "show this help");
  add("list", po::bool_switch(&s.list), "list the models with their expected verdicts");
  add("filter", po::value(&s.filter), "run only the models whose name matches this regex");
  add("json", po::value(&s.json), "also write every result to this file (doublecheck-model-run/1)");
  add("traces", po::bool_switch(&s.traces), "print the counterexamples of expected failures too");
  add("jobs,j", po::value(&s.jobs), "explore on N threads (default: the number of cores)");
  add("preemption-bound", po::value<std::uint32_t>(), "at most N preemptions (bounded search)");
  add("max-executions", po::value(&s.max_executions), "stop each search after N executions");
  add("time-limit", po::value(&s.time_limit), "stop each search after S seconds");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "dc_examples: " << e.what() << "\n";
    return 64;
  }
  if (vm.count("help") != 0U) {
    std::cout << options << "\n";
    return 0;
  }
  if (vm.count("preemption-bound") != 0U) {
    s.preemption_bound = vm["preemption-bound"].as<std::uint32_t>();
  }
  return std::nullopt;
}

// Runs (or lists) the selected models; the exit status.
int run(const Settings& s) {
  std::regex selected;
  try {
    selected = std::regex(s.filter);
  } catch (const std::regex_error& e) {
    std::cerr << "dc_examples: --filter '" << s.filter << "': " << e.what() << "\n";
    return 64;
  }
  std::ofstream json_out;  // opened first: an unwritable path costs no search
  if (!s.json.empty() && !s.list) {
    json_out.open(s.json);
    if (!json_out) {
      std::cerr << "dc_examples: cannot open --json file '" << s.json << "'\n";
      return 73;
    }
  }

  nlohmann::ordered_json report{{"schema", "doublecheck-model-run/1"},
                                {"models", nlohmann::ordered_json::array()}};
  int ran = 0;
  int unexpected = 0;
  for (const model::ModelSpec& spec : doublecheck::examples::example_models().models()) {
    if (!std::regex_search(spec.name, selected)) continue;
    ++ran;
    if (s.list) {
      std::cout << spec.name << "  [" << spec.property << "]  " << spec.summary << "  — "
                << model::describe(spec.expected) << "\n";
      continue;
    }
    model::ExploreOptions options = spec.options;  // the model's own (e.g. symptom mode)
    options.jobs = s.jobs != 0 ? s.jobs : std::max(1U, std::thread::hardware_concurrency());
    if (s.preemption_bound) options.preemption_bound = s.preemption_bound;
    if (s.max_executions != 0) options.max_executions = s.max_executions;
    if (s.time_limit != 0) options.time_limit_seconds = s.time_limit;

    const model::ExploreResult result = model::Explorer(options).run(spec.name, spec.body);
    const std::string why = model::mismatch(spec.expected, result);
    if (json_out.is_open()) report["models"].push_back(model::to_json(spec, result));
    const std::string verdict = model::format_verdict(result);
    std::cout << verdict << (why.empty() ? "  (as expected)" : "  UNEXPECTED") << "\n";
    if (!why.empty()) {
      ++unexpected;
      std::cout << "  " << why << "\n";
    }
    if (!result.passed() && (!why.empty() || s.traces)) {
      std::cout << model::format_report(result).substr(verdict.size() + 1) << "\n";
    }
  }
  if (ran == 0) {
    std::cerr << "dc_examples: no model matches --filter '" << s.filter << "'\n";
    return 64;
  }
  if (json_out.is_open()) {
    json_out << report.dump(1) << "\n";
    if (!json_out.flush()) {
      std::cerr << "dc_examples: cannot write --json file '" << s.json << "'\n";
      return 73;
    }
  }
  if (!s.list) {
    std::cout << ran << " models, " << ran - unexpected << " as expected, " << unexpected
              << " unexpected\n";
  }
  return unexpected == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Settings settings;
    if (const auto done = parse(argc, argv, settings)) return *done;
    return run(settings);
  } catch (const std::exception& e) {
    std::cerr << "dc_examples: " << e.what() << "\n";
    return 70;
  }
}
