// dc_relacy: the emitter's models (model/emitter/) checked by the Relacy Race Detector itself, a
// third opinion beside the explorer and TSan. Each model runs as a Relacy test suite with Relacy's
// full search; a model whose full search does not finish within the budget runs again with the
// context-bound search (--search says which to use). Exit status: 0 when every model meets its
// expectation, 1 when one does not, 64 for a usage error, 70 for an internal error, 73 when the
// --json file cannot be written.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/engine/source_path.hpp"
#include "relacy_backend/catalog.hpp"
#include "relacy_backend/suite.hpp"
#include "relacy_backend/verdict.hpp"

namespace po = boost::program_options;
using doublecheck::model::ModelSpec;
namespace relacy = doublecheck::relacy;

namespace {

constexpr int kUsage = 64;
constexpr int kCantCreate = 73;  // as scripts/verify's

struct Settings {
  bool list = false;
  bool reports = false;
  std::string filter;
  std::string json;
  std::string search = "auto";
  unsigned context_bound = relacy::SearchOptions{}.context_bound;
  std::uint64_t max_executions = 200'000;          // the full search's budget
  std::uint64_t max_bound_executions = 2'000'000;  // each context-bound search's
  std::int64_t cpu_limit = relacy::SearchOptions{}.cpu_limit.count();
  std::string source_root = DC_SOURCE_DIR;
};

// Relacy's searches of one model, each exhaustive for what it covers, the first that finishes
// deciding: with --search auto the full search, then the context-bound search with the bound
// --context-bound, then with each smaller bound down to 1, while each runs out of its budget.
std::vector<relacy::Outcome> search(const ModelSpec& model, const Settings& s) {
  relacy::SearchOptions options;
  options.cpu_limit = std::chrono::seconds(s.cpu_limit);
  // The model's own bound on one execution's steps: more is a livelock for Relacy too.
  options.execution_depth_limit = static_cast<unsigned>(
      std::min<std::uint64_t>(model.options.max_steps, std::numeric_limits<unsigned>::max()));
  std::vector<relacy::SearchOptions> ladder;
  if (s.search != "bound") {
    options.search = relacy::Search::kFull;
    options.max_executions = s.max_executions;
    ladder.push_back(options);
  }
  if (s.search != "full") {
    options.search = relacy::Search::kContextBound;
    options.max_executions = s.max_bound_executions;
    for (unsigned bound = s.context_bound; bound >= 1; --bound) {
      options.context_bound = bound;
      ladder.push_back(options);
      if (s.search == "bound") break;  // only the bound given
    }
  }
  return relacy::run(model.body, ladder);
}

nlohmann::ordered_json outcome_json(const relacy::Outcome& o) {
  nlohmann::ordered_json j;
  j["search"] = relacy::search_name(o.search, o.context_bound);
  j["end"] = relacy::end_name(o.end);
  j["result"] =
      o.result_name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(o.result_name);
  j["executions"] = o.executions;
  j["cpu_seconds"] = o.cpu_seconds;
  j["exhaustive"] = o.exhaustive();
  return j;
}

int run(const Settings& s) {
  const auto& models = relacy::emitter_suites().models();
  const std::regex filter(s.filter.empty() ? std::string(".*") : s.filter);
  if (std::none_of(models.begin(), models.end(),
                   [&](const ModelSpec& model) { return std::regex_search(model.name, filter); })) {
    std::fprintf(stderr, "dc_relacy: no model matches --filter '%s' (see --list)\n",
                 s.filter.c_str());
    return kUsage;
  }
  // The report's file is opened before the searches (minutes of them), so that a path that cannot
  // be written is said at once.
  std::ofstream out;
  if (!s.json.empty() && !s.list) {
    out.open(s.json);
    if (!out) {
      std::fprintf(stderr, "dc_relacy: cannot write --json '%s': %s\n", s.json.c_str(),
                   std::strerror(errno));
      return kCantCreate;
    }
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  int checked = 0;
  int unexpected = 0;
  for (const ModelSpec& model : models) {
    if (!std::regex_search(model.name, filter)) continue;
    nlohmann::ordered_json row;
    row["name"] = model.name;
    row["variant"] = model.variant;
    row["property"] = model.property;
    row["expected"] = doublecheck::model::describe(model.expected);
    // Relacy stops at the first data race: it cannot run a model past one, as symptom mode does.
    if (model.options.continue_past_race || model.options.symptom_mode) {
      if (s.list) continue;
      std::printf("SKIP  %s  (symptom mode: Relacy stops at the first data race)\n",
                  model.name.c_str());
      row["skipped"] = "symptom mode: Relacy stops at the first data race";
      rows.push_back(std::move(row));
      continue;
    }
    if (s.list) {
      std::printf("%s  [%s]  %s  — %s\n", model.name.c_str(), model.property.c_str(),
                  model.summary.c_str(), row["expected"].get<std::string>().c_str());
      continue;
    }
    const std::vector<relacy::Outcome> outcomes = search(model, s);
    const relacy::Verdict verdict = relacy::judge(model.expected, outcomes);
    ++checked;
    if (!verdict.as_expected) ++unexpected;
    const std::string judged =
        verdict.as_expected ? std::string("as expected")
                            : "UNEXPECTED: expected it " + row["expected"].get<std::string>();
    std::printf("%s  %s  %s  (%s)\n", outcomes.back().passed() ? "PASS" : "FAIL",
                model.name.c_str(), verdict.text.c_str(), judged.c_str());
    if ((!verdict.as_expected || s.reports) && !outcomes.back().report.empty()) {
      std::fwrite(outcomes.back().report.data(), 1, outcomes.back().report.size(), stdout);
    }
    std::fflush(stdout);
    row["as_expected"] = verdict.as_expected;
    row["verdict"] = verdict.text;
    row["place"] = verdict.place ? nlohmann::ordered_json(verdict.place->file + ":" +
                                                          std::to_string(verdict.place->line))
                                 : nlohmann::ordered_json();
    row["searches"] = nlohmann::ordered_json::array();
    for (const relacy::Outcome& o : outcomes) row["searches"].push_back(outcome_json(o));
    rows.push_back(std::move(row));
  }
  if (s.list) return 0;
  std::printf("%d models, %d as expected, %d unexpected\n", checked, checked - unexpected,
              unexpected);
  if (out.is_open()) {
    nlohmann::ordered_json report;
    report["schema"] = "doublecheck-relacy-run/1";
    report["relacy"] = {{"dir", DC_RELACY_DIR}, {"commit", DC_RELACY_COMMIT}};
    report["options"] = {{"search", s.search},
                         {"context_bound", s.context_bound},
                         {"max_executions", s.max_executions},
                         {"max_bound_executions", s.max_bound_executions},
                         {"cpu_limit_seconds", s.cpu_limit}};
    report["models"] = std::move(rows);
    out << report.dump(2) << '\n';
    out.close();
    if (!out) {
      std::fprintf(stderr, "dc_relacy: cannot write --json '%s' (disk full?)\n", s.json.c_str());
      return kCantCreate;
    }
  }
  return unexpected == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  po::options_description options(
      "dc_relacy: the emitter's models checked by the Relacy Race Detector\noptions");
  options.add_options()("help", "this help")("list", po::bool_switch(&s.list),
                                             "list the models with their expected verdicts")(
      "filter", po::value(&s.filter), "run only the models whose name matches this regex")(
      "search", po::value(&s.search)->default_value(s.search),
      "auto: Relacy's full search, then, while each runs out of its budget, its context-bound "
      "search with --context-bound preemptions and with each fewer down to 1; full: the full "
      "search only; bound: the context-bound search with --context-bound only")(
      "context-bound", po::value(&s.context_bound)->default_value(s.context_bound),
      "the most preemptions the context-bound search allows")(
      "max-executions", po::value(&s.max_executions)->default_value(s.max_executions),
      "the full search's budget: one that needs more executions has no verdict")(
      "max-bound-executions",
      po::value(&s.max_bound_executions)->default_value(s.max_bound_executions),
      "each context-bound search's budget")(
      "cpu-limit", po::value(&s.cpu_limit)->default_value(s.cpu_limit),
      "seconds of CPU a search may take (one that hangs inside an execution)")(
      "json", po::value(&s.json),
      "also write every result to this file (doublecheck-relacy-run/1)")(
      "reports", po::bool_switch(&s.reports), "print Relacy's report of expected failures too")(
      "source-root", po::value(&s.source_root)->default_value(s.source_root),
      "the directory the expectations' files are relative to");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0U) {
      std::cout << options << '\n';
      return 0;
    }
    if (s.search != "auto" && s.search != "full" && s.search != "bound") {
      throw po::error("--search must be auto, full or bound, not '" + s.search + "'");
    }
    if (s.max_executions == 0 || s.max_bound_executions == 0 || s.cpu_limit <= 0 ||
        s.context_bound == 0) {
      throw po::error(
          "--max-executions, --max-bound-executions, --context-bound and --cpu-limit must be "
          "positive");
    }
    std::regex(s.filter.empty() ? std::string(".*") : s.filter);
  } catch (const std::regex_error& e) {
    std::fprintf(stderr, "dc_relacy: --filter is not a regex: %s\n", e.what());
    return kUsage;
  } catch (const po::error& e) {
    std::fprintf(stderr, "dc_relacy: %s (see --help)\n", e.what());
    return kUsage;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(s.source_root, ec)) {
    std::fprintf(stderr, "dc_relacy: --source-root '%s' is not a directory\n",
                 s.source_root.c_str());
    return kUsage;
  }
  doublecheck::model::set_source_root(
      std::filesystem::absolute(s.source_root).lexically_normal().string());
  try {
    return run(s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dc_relacy: %s\n", e.what());
    return 70;
  }
}
