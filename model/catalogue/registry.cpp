#include "model/catalogue/registry.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <utility>

#include "model/engine/source_path.hpp"

namespace doublecheck::model {
namespace {

// The failure's access on one of the expectation's lines (or its first access when the
// expectation names no line), for a failure of the expected kind; nullptr when there is none.
const Access* matching_access(const Failure& failure, const Expectation& expected,
                              const std::vector<std::pair<std::string, std::uint32_t>>& lines) {
  if (failure.kind != expected.kind) return nullptr;
  if (expected.at.empty()) {
    static const Access kNoAccess{};
    return failure.accesses.empty() ? &kNoAccess : &failure.accesses.front();
  }
  for (const Access& access : failure.accesses) {
    const std::string_view file = relative_path(access.loc.file);
    for (const auto& [where, line] : lines) {
      if (access.loc.line == line && file == where) return &access;
    }
  }
  return nullptr;
}

// Every (file, line) the expectation names; nullopt with `error` set when one cannot be found.
std::optional<std::vector<std::pair<std::string, std::uint32_t>>> expected_places(
    const Expectation& expected, std::string* error) {
  std::vector<std::pair<std::string, std::uint32_t>> places;
  for (const SourceLines& lines : expected.at) {
    const auto numbers = locate(lines, error);
    if (!numbers) return std::nullopt;
    // As the failures name files: relative to the source root when under it (an expectation
    // may name its file absolutely, as a test's __FILE__ does).
    const std::string file(relative_path(lines.file));
    for (const std::uint32_t number : *numbers) places.emplace_back(file, number);
  }
  return places;
}

}  // namespace

SourceLines SourceLines::containing(std::string file, std::string_view text) {
  std::string regex;
  for (const char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) regex += '\\';
    regex += c;
  }
  return SourceLines{std::move(file), std::move(regex)};
}

const ModelSpec* Registry::find(std::string_view name) const {
  for (const ModelSpec& spec : models_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

void Registry::set_fix_objects(std::string variant, std::vector<std::string> objects) {
  fix_objects_.emplace_back(std::move(variant), std::move(objects));
}

bool Registry::in_fix(std::string_view variant, std::string_view object) const {
  for (const auto& [name, objects] : fix_objects_) {
    if (name == variant) return std::find(objects.begin(), objects.end(), object) != objects.end();
  }
  return true;
}

std::optional<std::vector<std::uint32_t>> locate(const SourceLines& lines, std::string* error) {
  const auto fail = [&](std::string why) -> std::optional<std::vector<std::uint32_t>> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  if (source_root().empty() && (lines.file.empty() || lines.file.front() != '/')) {
    return fail("no source root to find " + lines.file + " under (give the runner --source-root)");
  }
  const std::string path = lines.file.front() == '/' ? lines.file : source_root() + lines.file;
  std::regex pattern;
  try {
    pattern = std::regex(lines.regex);
  } catch (const std::regex_error& e) {
    return fail("'" + lines.regex + "' is not a regular expression: " + e.what());
  }
  std::ifstream in(path);
  if (!in) return fail("cannot read " + path);
  std::vector<std::uint32_t> numbers;
  std::string line;
  for (std::uint32_t number = 1; std::getline(in, line); ++number) {
    if (std::regex_search(line, pattern)) numbers.push_back(number);
  }
  if (numbers.empty()) return fail("no line of " + path + " matches '" + lines.regex + "'");
  return numbers;
}

std::string expected_lines(const Expectation& expected) {
  std::string text;
  for (const SourceLines& lines : expected.at) {
    std::string error;
    const auto numbers = locate(lines, &error);
    text += text.empty() ? "" : " or ";
    if (!numbers) {
      text += lines.file + " ('" + lines.regex + "': " + error + ")";
      continue;
    }
    text += lines.file + ":";
    for (std::size_t i = 0; i < numbers->size(); ++i) {
      text += (i == 0 ? "" : ",") + std::to_string((*numbers)[i]);
    }
  }
  return text;
}

std::string describe(const Expectation& expected) {
  if (expected.pass) return "passes";
  std::string text = "fails: " + std::string(kind_name(expected.kind));
  if (!expected.at.empty()) text += " at " + expected_lines(expected);
  return text;
}

const Access* expected_access(const Expectation& expected, const ExploreResult& result) {
  if (expected.pass) return nullptr;
  const auto places = expected_places(expected, nullptr);
  if (!places) return nullptr;
  for (const Failure& failure : result.failures) {
    if (const Access* access = matching_access(failure, expected, *places)) return access;
  }
  return nullptr;
}

bool sampled(const ExploreResult& result) {
  return result.search == search_name(Search::kRandom) ||
         result.search == search_name(Search::kPct);
}

std::string mismatch(const Expectation& expected, const ExploreResult& result) {
  if (expected.pass) {
    if (!result.passed()) {
      return "expected to pass, but found " + std::string(kind_name(result.failures.front().kind)) +
             ": " + result.failures.front().message;
    }
    // One shard of a sharded search is complete when it explored its whole part. A sampled search
    // (random, PCT) asked for is no proof but no mismatch either: it says so (sampled()).
    if (!result.part_exhausted && !sampled(result)) {
      return "passed, but the search was not exhaustive (" + result.bound + ")";
    }
    return {};
  }
  std::string error;
  if (!expected_places(expected, &error)) return "the expectation cannot be checked: " + error;
  if (expected_access(expected, result) != nullptr) return {};
  std::string found;
  for (const Failure& failure : result.failures) {
    found += (found.empty() ? "" : "; ") + std::string(kind_name(failure.kind)) + " at " +
             failure.location();
  }
  return "expected " + describe(expected) + ", but found " +
         (found.empty() ? std::string("no failure (") + result.stopped_by + ")" : found);
}

}  // namespace doublecheck::model
