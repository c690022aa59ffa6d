// The catalogue of models: what each runs, the search options it needs, and the verdict it is
// expected to reach. The runner's front end (cli.hpp), the tests and scripts/verify all read it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/engine/explorer.hpp"
#include "model/engine/failure.hpp"

namespace doublecheck::model {

// Lines of a source file, named by what they hold rather than by number, so that editing the file
// moves the expectation along: the lines of `file` (relative to the source root) that match
// `regex` (ECMAScript; the matrix's racing lines keep to the subset CMake and Python share).
struct SourceLines {
  std::string file;   // "impl/telemetry_emitter.hpp"
  std::string regex;  // "tool_calls_[.]add[(]"

  // The lines that contain `text` literally.
  static SourceLines containing(std::string file, std::string_view text);
};

// What a model must show. A passing model must pass exhaustively; a failing one must fail with
// `kind`, and, when `at` is not empty, one of the failure's accesses must be on one of its lines.
struct Expectation {
  bool pass = true;
  FailureKind kind = FailureKind::kAssertion;
  std::vector<SourceLines> at;

  static Expectation passes() { return {}; }
  static Expectation fails(FailureKind kind, std::vector<SourceLines> at = {}) {
    return Expectation{false, kind, std::move(at)};
  }
};

struct ModelSpec {
  std::string name;      // "<path>/<variant>/<shape>", e.g. "increment/fixed/2x1"
  std::string variant;   // "fixed", "prefix_rc002", ... (impl/variants/)
  std::string property;  // "P1".."P6" (DESIGN.md)
  std::string summary;   // one line for --list
  ExploreOptions options;
  Expectation expected;
  std::function<void()> body;
};

class Registry {
 public:
  void add(ModelSpec spec) { models_.push_back(std::move(spec)); }
  [[nodiscard]] const std::vector<ModelSpec>& models() const { return models_; }
  [[nodiscard]] const ModelSpec* find(std::string_view name) const;

  // The objects whose synchronisation makes `variant`'s fix (--mutate): a mutant of one of their
  // sites that no model kills means the fix is not shown necessary. Sites of other objects
  // (bookkeeping) are still mutated and reported. A variant without an entry: every object. A
  // split or exclude mutant's site is its section's lock site, so it belongs to the fix when that
  // mutex is a fix object, whatever the object of the access it cuts at.
  void set_fix_objects(std::string variant, std::vector<std::string> objects);
  [[nodiscard]] bool in_fix(std::string_view variant, std::string_view object) const;

  // The variants whose fix --mutate must show necessary (the run fails when one of their fix's
  // mutants survives every model); the other variants' mutants are reported only.
  void gate(std::string variant) { gated_.push_back(std::move(variant)); }
  [[nodiscard]] const std::vector<std::string>& gated_variants() const { return gated_; }

 private:
  std::vector<ModelSpec> models_;
  std::vector<std::pair<std::string, std::vector<std::string>>> fix_objects_;
  std::vector<std::string> gated_;
};

// The line numbers of `lines` (under the source root, model/engine/source_path.hpp); nullopt with
// `error` set when the file cannot be read, the regex is malformed or no line matches.
std::optional<std::vector<std::uint32_t>> locate(const SourceLines& lines,
                                                 std::string* error = nullptr);

// "impl/telemetry_emitter.hpp:150,152" for the lines the expectation names, or why they cannot be
// found; empty when it names none.
std::string expected_lines(const Expectation& expected);

// Whether `result` is of a sampling search (random, PCT): a pass of it is no proof.
bool sampled(const ExploreResult& result);

// Empty when `result` is what `expected` asks for; else why not, for a person.
std::string mismatch(const Expectation& expected, const ExploreResult& result);

// "passes" or "fails: data race at impl/telemetry_emitter.hpp:171".
std::string describe(const Expectation& expected);

// The access of `result`'s failures that meets `expected` (its kind, on one of its lines), if any.
const Access* expected_access(const Expectation& expected, const ExploreResult& result);

}  // namespace doublecheck::model
