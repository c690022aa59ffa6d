#include "relacy_backend/verdict.hpp"

#include <algorithm>
#include <regex>
#include <sstream>

#include "model/engine/explorer.hpp"
#include "model/engine/source_path.hpp"

namespace doublecheck::relacy {
namespace {

std::string counts(const Outcome& o) {
  std::ostringstream text;
  text.precision(2);
  text << std::fixed << search_name(o.search, o.context_bound) << ", "
       << model::with_thousands(o.executions)
       << (o.executions == 1 ? " execution, " : " executions, ") << o.cpu_seconds << " s CPU";
  return text.str();
}

// "; the full search and context bound 2 ran out of their budgets" for the searches before the
// last one, which each ran out (else the last one would not have run).
std::string ran_out(const std::vector<Outcome>& searches) {
  if (searches.size() < 2) return {};
  std::string text = "; ";
  for (std::size_t i = 0; i + 1 < searches.size(); ++i) {
    if (i > 0) text += i + 2 < searches.size() ? ", " : " and ";
    text += (i == 0 ? "the " : "") + search_name(searches[i].search, searches[i].context_bound);
  }
  return text + (searches.size() > 2 ? " ran out of their budgets" : " ran out of its budget");
}

bool on_lines(const model::Expectation& expected, const Place& place) {
  return std::any_of(expected.at.begin(), expected.at.end(), [&](const model::SourceLines& lines) {
    if (lines.file != place.file) return false;
    const auto numbers = model::locate(lines);
    return numbers && std::find(numbers->begin(), numbers->end(), place.line) != numbers->end();
  });
}

}  // namespace

std::vector<Place> failure_places(const Outcome& outcome) {
  std::vector<Place> places;
  if (outcome.end != Outcome::End::kFailed || outcome.result_name.empty()) return places;
  // The execution history, one event a line, up to the blank line after it:
  //   "[6] 8: <0x5571> load, value=0, in , /src/impl/variants/naive_dcl.hpp(20)"
  //   "[11] 7: DATA RACE (data race detected), in , /src/impl/telemetry_emitter.hpp(168)"
  static const std::regex event(R"(^\[\d+\] (\d+): (.*), in [^,]*, (.+)\((\d+)\)$)");
  static const std::regex address(R"(^<(0x[0-9a-f]+)> )");
  struct Event {
    std::string thread, text, file;
    std::uint32_t line;
  };
  std::vector<Event> history;
  std::istringstream lines(outcome.report);
  bool in_history = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("execution history", 0) == 0) {
      in_history = true;
      continue;
    }
    if (!in_history) continue;
    if (line.empty()) break;
    std::smatch match;
    if (!std::regex_match(line, match, event)) continue;
    history.push_back({match[1].str(), match[2].str(), match[3].str(),
                       static_cast<std::uint32_t>(std::stoul(match[4].str()))});
  }
  const auto in_sources = [&](const Event& e) {
    const std::string_view relative = model::relative_path(e.file);
    if (!relative.empty() && relative.front() != '/') {
      places.push_back({std::string(relative), e.line});
    }
  };
  const auto failing = std::find_if(history.begin(), history.end(), [&](const Event& e) {
    return e.text.rfind(outcome.result_name, 0) == 0;
  });
  if (failing == history.end()) return places;
  in_sources(*failing);
  // A data race: the access just before the report is the racing one; the other side is the last
  // access of another thread to the same address before it.
  if (outcome.result_name != "DATA RACE" || failing == history.begin()) return places;
  std::smatch match;
  const Event& access = *(failing - 1);
  if (!std::regex_search(access.text, match, address)) return places;
  const std::string racing = match[1].str();
  for (auto e = std::make_reverse_iterator(failing - 1); e != history.rend(); ++e) {
    if (e->thread != access.thread && e->text.rfind("<" + racing + ">", 0) == 0) {
      in_sources(*e);
      break;
    }
  }
  return places;
}

Verdict judge(const model::Expectation& expected, const std::vector<Outcome>& searches) {
  Verdict verdict;
  if (searches.empty()) {
    verdict.text = "not run";
    return verdict;
  }
  const Outcome& last = searches.back();
  switch (last.end) {
    case Outcome::End::kFinished:
      verdict.text = last.passed() ? "pass" : last.result_name;
      if (last.search == Search::kContextBound) {
        verdict.text += " within context bound " + std::to_string(last.context_bound);
      }
      verdict.text += " (" + counts(last) + ran_out(searches) + ")";
      verdict.as_expected = expected.pass && last.passed();
      return verdict;
    case Outcome::End::kFailed: {
      const std::vector<Place> places = failure_places(last);
      const auto expected_place = std::find_if(
          places.begin(), places.end(), [&](const Place& p) { return on_lines(expected, p); });
      if (expected_place != places.end()) {
        verdict.place = *expected_place;
      } else if (!places.empty()) {
        verdict.place = places.front();
      }
      verdict.text = last.result_name;
      if (verdict.place) {
        verdict.text += " at " + verdict.place->file + ":" + std::to_string(verdict.place->line);
      }
      verdict.text += " (" + counts(last) + ran_out(searches) + ")";
      const std::optional<int> wanted = relacy_result_for(expected.kind);
      const bool kind = !expected.pass && wanted == last.result;
      verdict.as_expected = kind && (expected.at.empty() || expected_place != places.end());
      if (kind && !verdict.as_expected) verdict.text += ", not on the expected lines";
      return verdict;
    }
    case Outcome::End::kBudget:
      verdict.text = "no verdict: the " + search_name(last.search, last.context_bound) +
                     " did not finish in " + model::with_thousands(last.executions) + " executions";
      return verdict;
    case Outcome::End::kCrashed:
      verdict.text = "no verdict: " + last.report.substr(0, last.report.find('\n'));
      return verdict;
  }
  return verdict;
}

}  // namespace doublecheck::relacy
