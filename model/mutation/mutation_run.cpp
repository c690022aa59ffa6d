#include "model/mutation/mutation_run.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

namespace doublecheck::model {
namespace {

// The failure a mutant is killed by: what the race led to when the search went past it (as the
// verdict line's headline), else the first.
const Failure& headline(const std::vector<Failure>& failures) {
  for (const Failure& failure : failures) {
    if (failure.kind != FailureKind::kDataRace) return failure;
  }
  return failures.front();
}

std::string search_text(const ExploreResult& run) {
  return run.search + (run.exhaustive ? ", exhaustive" : " (" + run.bound + ")");
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Single-quoted for a POSIX shell.
std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string regex_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Columns padded to the widest cell (ASCII cells).
std::string format_rows(const std::vector<std::vector<std::string>>& rows,
                        std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kKilled:
      return "killed";
    case Verdict::kSurvived:
      return "survived";
    case Verdict::kNotJudged:
      return "not judged";
  }
  return "?";
}

std::string MutantResult::killed_by_text() const {
  if (!killed_by) return {};
  std::string text = std::string(kind_name(killed_by->kind)) + " at " + killed_by->location();
  // A race names both lines: the one it is reported at (the later access) and the earlier one.
  if (killed_by->kind == FailureKind::kDataRace && killed_by->accesses.size() == 2) {
    const std::string earlier = location_text(killed_by->accesses.front().loc);
    if (earlier != killed_by->location()) text += " (with " + earlier + ")";
  }
  return text;
}

MutantResult judge(const Mutant& mutant, const ExploreResult& run) {
  MutantResult result;
  result.mutant = mutant;
  result.executions = run.executions;
  result.exhaustive = run.exhaustive;
  result.search = search_text(run);
  result.memory_model = run.memory_model;
  if (!run.passed()) {
    result.verdict = Verdict::kKilled;
    result.killed_by = headline(run.failures);
    return result;
  }
  if (run.memory_model == MemoryModel::kSc && mutant.judged_by_happens_before_only()) {
    result.verdict = Verdict::kNotJudged;
    result.reason = mutant.weakening_text() +
                    " can only be judged by its happens-before effect, which it does not change "
                    "here: under --memory-model sc the explorer runs sequentially consistent "
                    "interleavings, so the single total order seq_cst adds is not modelled (the "
                    "default, rc11, judges it)";
    return result;
  }
  result.verdict = Verdict::kSurvived;
  result.reason =
      run.exhaustive
          ? "not necessary for the checked properties of this model (or the model "
            "does not exercise it): every interleaving passes without it"
          : "no failure found without it in a search that is not exhaustive (" + run.bound + ")";
  return result;
}

std::vector<MutantResult> run_mutants(std::string_view model, const std::function<void()>& body,
                                      const ExploreOptions& options,
                                      const std::vector<Mutant>& mutants, std::uint32_t jobs) {
  std::vector<MutantResult> results(mutants.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < mutants.size(); i = next.fetch_add(1)) {
      ExploreOptions mutated = options;
      mutated.jobs = 1;
      mutated.progress = false;
      mutated.replay_token.reset();
      mutated.hooks = mutation_hooks(std::make_shared<const Mutant>(mutants[i]));
      Explorer explorer(mutated);
      results[i] = judge(mutants[i], explorer.run(model, body));
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max<std::uint32_t>(1, jobs),
                                                    std::max<std::size_t>(1, mutants.size()));
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  return results;
}

MutationRun mutate(std::string_view model, const std::function<void()>& body,
                   ExploreOptions options, std::uint32_t jobs) {
  MutationRun run;
  auto recorder = std::make_shared<SiteRecorder>();
  options.hooks = mutation_hooks(nullptr, recorder);
  run.model = Explorer(options).run(model, body);
  run.sites = recorder->sites();
  run.points = recorder->points();
  options.hooks = nullptr;
  if (run.model.passed()) {
    run.mutants = run_mutants(model, body, options, mutants_of(run.sites, run.points), jobs);
  }
  return run;
}

std::string replay_arguments(std::string_view model, const MutantResult& result) {
  if (!result.killed_by) return {};
  return "--filter " + quoted("^" + regex_escaped(model) + "$") + " --mutant " +
         quoted(result.mutant.id()) + " --replay " + result.killed_by->replay_token;
}

std::string format_mutation_table(std::string_view model, const std::vector<Site>& sites,
                                  const std::vector<MutantResult>& mutants,
                                  std::string_view indent) {
  const std::string in(indent);
  std::string out = in + "mutants of " + std::string(model) + ": " + std::to_string(sites.size()) +
                    " synchronisation site" + (sites.size() == 1 ? "" : "s") + " met, " +
                    std::to_string(mutants.size()) + " mutant" + (mutants.size() == 1 ? "" : "s") +
                    " (memory model: " +
                    std::string(memory_model_text(mutants.empty() ? MemoryModel::kRc11
                                                                  : mutants.front().memory_model)) +
                    ")\n";
  if (!mutants.empty()) {
    std::vector<std::vector<std::string>> rows{
        {"#", "site", "weakening", "verdict", "killed_by", "executions"}};
    for (std::size_t i = 0; i < mutants.size(); ++i) {
      const MutantResult& m = mutants[i];
      rows.push_back({std::to_string(i + 1), m.mutant.site.describe(), m.mutant.weakening_text(),
                      std::string(verdict_name(m.verdict)),
                      m.killed_by ? m.killed_by_text() : std::string("-"),
                      std::to_string(m.executions)});
    }
    out += format_rows(rows, in + "  ");
  }
  std::vector<std::string> unweakened;
  for (const Site& site : sites) {
    const bool has_mutant = std::any_of(mutants.begin(), mutants.end(), [&](const MutantResult& m) {
      return m.mutant.site == site;
    });
    if (!has_mutant) unweakened.push_back(site.describe());
  }
  if (!unweakened.empty()) out += in + "  no weaker form: " + join(unweakened) + "\n";
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const MutantResult& m = mutants[i];
    out += in + "  #" + std::to_string(i + 1) + " ";
    if (m.killed_by) {
      out += "replay: dc_model " + replay_arguments(model, m) + "\n";
    } else {
      out += std::string(verdict_name(m.verdict)) + ": " + m.reason + "\n";
    }
  }
  return out;
}

void MutationSummary::add(const std::string& model, const std::string& variant, bool in_fix,
                          const MutantResult& result) {
  const std::string id = result.mutant.id();
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const MutantSummary& entry) {
    return entry.variant == variant && entry.mutant.id() == id;
  });
  if (it == entries_.end()) {
    entries_.push_back(MutantSummary{
        variant, result.mutant, in_fix, result.verdict, {}, {}, {}, result.memory_model});
    it = std::prev(entries_.end());
  }
  switch (result.verdict) {
    case Verdict::kKilled:
      it->killed_in.push_back(model);
      break;
    case Verdict::kSurvived:
      it->survived_in.push_back(model);
      break;
    case Verdict::kNotJudged:
      it->not_judged_in.push_back(model);
      break;
  }
  it->verdict = !it->killed_in.empty()       ? Verdict::kKilled
                : !it->not_judged_in.empty() ? Verdict::kNotJudged
                                             : Verdict::kSurvived;
}

std::vector<const MutantSummary*> MutationSummary::not_shown_necessary(
    std::string_view variant) const {
  std::vector<const MutantSummary*> out;
  for (const MutantSummary& entry : entries_) {
    if (entry.variant == variant && entry.in_fix && entry.verdict == Verdict::kSurvived) {
      out.push_back(&entry);
    }
  }
  return out;
}

std::string MutationSummary::format() const {
  // By variant (in the order they came), then by site.
  std::vector<const MutantSummary*> order;
  for (const MutantSummary& entry : entries_) order.push_back(&entry);
  std::vector<std::string> variants;
  for (const MutantSummary& entry : entries_) {
    if (std::find(variants.begin(), variants.end(), entry.variant) == variants.end()) {
      variants.push_back(entry.variant);
    }
  }
  const auto rank = [&](const MutantSummary* e) {
    return std::find(variants.begin(), variants.end(), e->variant) - variants.begin();
  };
  std::stable_sort(order.begin(), order.end(), [&](const MutantSummary* a, const MutantSummary* b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (!(a->mutant.site == b->mutant.site)) return a->mutant.site < b->mutant.site;
    return a->mutant.id() < b->mutant.id();
  });
  std::vector<std::vector<std::string>> rows{
      {"#", "variant", "site", "weakening", "verdict", "killed in"}};
  std::string details;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const MutantSummary& e = *order[i];
    const std::size_t met = e.killed_in.size() + e.survived_in.size() + e.not_judged_in.size();
    rows.push_back({std::to_string(i + 1), e.variant,
                    e.mutant.site.describe() + (e.in_fix ? "" : " (not the fix)"),
                    e.mutant.weakening_text(), std::string(verdict_name(e.verdict)),
                    std::to_string(e.killed_in.size()) + " of " + std::to_string(met) +
                        " models that meet it"});
    std::string line = "  #" + std::to_string(i + 1);
    if (!e.killed_in.empty()) line += " killed in " + join(e.killed_in) + ";";
    if (!e.survived_in.empty()) line += " survived in " + join(e.survived_in) + ";";
    if (!e.not_judged_in.empty()) line += " not judged in " + join(e.not_judged_in) + ";";
    line.pop_back();
    details += line + "\n";
  }
  return "mutation summary: each mutant over the models of its variant that meet its site "
         "(memory model: " +
         std::string(memory_model_text(entries_.empty() ? MemoryModel::kRc11
                                                        : entries_.front().memory_model)) +
         ")\n" + format_rows(rows, "  ") + details;
}

}  // namespace doublecheck::model
