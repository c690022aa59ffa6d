// The catalogue of models: what each runs, the search options it needs, and the verdict it is
// expected to reach (DESIGN.md's matrix). The runner, the tests and scripts/verify all read it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/engine/explorer.hpp"
#include "model/engine/failure.hpp"

namespace doublecheck::model {

// What a model must show. A passing model must pass exhaustively; a failing one must fail with
// `kind`, and, when `file` is set, one of the failure's accesses must be on the line of `file`
// that contains `code` (found in the source at run time, so editing the file moves it along).
struct Expectation {
  bool pass = true;
  FailureKind kind = FailureKind::kAssertion;
  std::string file;  // relative to the source root, e.g. "impl/telemetry_emitter.hpp"
  std::string code;  // text on the expected line, e.g. "tool_calls_.add(1)"

  static Expectation passes() { return {}; }
  static Expectation fails(FailureKind kind, std::string file = {}, std::string code = {}) {
    return Expectation{false, kind, std::move(file), std::move(code)};
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

  // The objects whose synchronisation makes `variant`'s fix (dc_model --mutate): a mutant of one of
  // their sites that no model kills means the fix is not shown necessary. Sites of other objects
  // (bookkeeping) are still mutated and reported. A variant without an entry: every object. A
  // split or exclude mutant's site is its section's lock site, so it belongs to the fix when that
  // mutex is a fix object, whatever the object of the access it cuts at.
  void set_fix_objects(std::string variant, std::vector<std::string> objects);
  [[nodiscard]] bool in_fix(std::string_view variant, std::string_view object) const;

 private:
  std::vector<ModelSpec> models_;
  std::vector<std::pair<std::string, std::vector<std::string>>> fix_objects_;
};

// Every model of the emitter (model/emitter/).
const Registry& emitter_models();

// "file.hpp:123" for the line of `file` (under the source root) that contains `code`; nullopt
// with `error` set when the file or the text is not found.
std::optional<std::string> locate(const std::string& file, const std::string& code,
                                  std::string* error = nullptr);

// Empty when `result` is what `expected` asks for; else why not, for a person.
std::string mismatch(const Expectation& expected, const ExploreResult& result);

// "passes" or "fails: data race at telemetry_emitter.hpp:171".
std::string describe(const Expectation& expected);

}  // namespace doublecheck::model
