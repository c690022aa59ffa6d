// The verdict matrix (matrix/variants.json) as the emitter's models read it: each variant's role,
// racing lines and fix objects, written once in that file and embedded here at build time
// (model/CMakeLists.txt), so the models' expectations and the mutation gate never restate them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/catalogue/registry.hpp"
#include "model/engine/failure.hpp"

namespace doublecheck::model::checks {

struct MatrixVariant {
  std::string id;                         // "prefix_rc002"
  std::string title;                      // "pre-fix RC-002 (no lock on updates)"
  std::string role;                       // "fix" or "negative control"
  bool mutate = false;                    // --mutate must show this fix necessary
  std::vector<std::string> fix_objects;   // the objects whose synchronisation is the fix
  std::vector<SourceLines> racing_lines;  // where its race is (negative controls)
  // What a negative control's models must fail with on its racing lines: a data race, unless the
  // matrix says otherwise ("model_failure": "assertion failed" for a bug that races on nothing,
  // whose racing line is then the failing property check's).
  FailureKind model_failure = FailureKind::kDataRace;
  std::vector<std::string> models;  // the paths its code runs on: "increment", "init", ...

  [[nodiscard]] bool fix() const { return role == "fix"; }
  [[nodiscard]] bool runs_on(std::string_view path) const;
};

// Every variant of the matrix, in its order. Throws std::runtime_error when the embedded file is
// malformed (a build of a broken edit of the matrix fails its first test, not silently).
const std::vector<MatrixVariant>& matrix();

// The variant `id`; throws std::out_of_range naming it when the matrix has no such variant.
const MatrixVariant& matrix_variant(std::string_view id);

// A failure of `id`'s model_failure kind (a data race unless the matrix says otherwise) on one of
// its racing lines: the expectation of a negative control's models.
Expectation races_at_racing_lines(std::string_view id);

// What a variant's models on its paths must show: a fix passes (exhaustively), a negative control
// races (or fails its model_failure) on one of its racing lines.
Expectation expected_of(const MatrixVariant& variant);

}  // namespace doublecheck::model::checks
