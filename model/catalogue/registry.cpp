#include "model/catalogue/registry.hpp"

#include <fstream>
#include <utility>

namespace doublecheck::model {

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
    if (name != variant) continue;
    for (const std::string& fix : objects) {
      if (fix == object) return true;
    }
    return false;
  }
  return true;
}

std::optional<std::string> locate(const std::string& file, const std::string& code,
                                  std::string* error) {
  const std::string path = std::string(DC_SOURCE_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in) {
    if (error != nullptr) *error = "cannot read " + path;
    return std::nullopt;
  }
  std::string line;
  for (std::uint32_t number = 1; std::getline(in, line); ++number) {
    if (line.find(code) != std::string::npos) {
      return short_location(SourceLoc{file.c_str(), number});
    }
  }
  if (error != nullptr) *error = "no line of " + path + " contains '" + code + "'";
  return std::nullopt;
}

std::string describe(const Expectation& expected) {
  if (expected.pass) return "passes";
  std::string text = "fails: " + std::string(kind_name(expected.kind));
  if (!expected.file.empty()) {
    const auto where = locate(expected.file, expected.code);
    text += " at " + where.value_or(expected.file + " ('" + expected.code + "')");
  }
  return text;
}

std::string mismatch(const Expectation& expected, const ExploreResult& result) {
  if (expected.pass) {
    if (!result.passed()) {
      return "expected to pass, but found " + std::string(kind_name(result.failures.front().kind)) +
             ": " + result.failures.front().message;
    }
    // One shard of a sharded search is complete when it explored its whole part.
    if (!result.part_exhausted) {
      return "passed, but the search was not exhaustive (" + result.bound + ")";
    }
    return {};
  }
  std::string where;
  if (!expected.file.empty()) {
    std::string error;
    const auto located = locate(expected.file, expected.code, &error);
    if (!located) return "the expectation cannot be checked: " + error;
    where = *located;
  }
  for (const Failure& failure : result.failures) {
    if (failure.kind != expected.kind) continue;
    if (where.empty()) return {};
    for (const Access& access : failure.accesses) {
      if (short_location(access.loc) == where) return {};
    }
  }
  std::string found;
  for (const Failure& failure : result.failures) {
    found += (found.empty() ? "" : "; ") + std::string(kind_name(failure.kind)) + " at " +
             failure.location();
  }
  return "expected " + describe(expected) + ", but found " +
         (found.empty() ? std::string("no failure (") + result.stopped_by + ")" : found);
}

}  // namespace doublecheck::model
