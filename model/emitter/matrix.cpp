#include "model/emitter/matrix.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace doublecheck::model::checks {

// model/emitter/matrix_data.cpp.in, generated from matrix/variants.json.
extern const char* const kMatrixJson;

namespace {

// The failure kind the matrix names by its report name (kind_name: "data race", ...).
FailureKind failure_kind(const std::string& id, const std::string& name) {
  if (const auto kind = kind_named(name)) return *kind;
  throw std::runtime_error("matrix/variants.json: variant " + id + ": model_failure '" + name +
                           "' is not a failure kind (" +
                           R"("data race", "assertion failed", ...))");
}

std::vector<MatrixVariant> parse_matrix() {
  const auto json = nlohmann::json::parse(kMatrixJson);
  if (json.value("schema", "") != "doublecheck-matrix/1") {
    throw std::runtime_error("matrix/variants.json: schema is not doublecheck-matrix/1");
  }
  std::vector<MatrixVariant> variants;
  for (const auto& entry : json.at("variants")) {
    MatrixVariant v;
    v.id = entry.at("id").get<std::string>();
    v.title = entry.at("title").get<std::string>();
    v.role = entry.at("role").get<std::string>();
    v.mutate = entry.value("mutate", false);
    v.fix_objects = entry.value("fix_objects", std::vector<std::string>{});
    v.models = entry.value("models", std::vector<std::string>{});
    v.model_failure = failure_kind(v.id, entry.value("model_failure", std::string("data race")));
    for (const auto& line : entry.value("racing_lines", nlohmann::json::array())) {
      v.racing_lines.push_back(
          {line.at("file").get<std::string>(), line.at("regex").get<std::string>()});
    }
    if (v.role != "fix" && v.role != "negative control") {
      throw std::runtime_error("matrix/variants.json: variant " + v.id + ": role '" + v.role +
                               "' is neither 'fix' nor 'negative control'");
    }
    variants.push_back(std::move(v));
  }
  return variants;
}

}  // namespace

bool MatrixVariant::runs_on(std::string_view path) const {
  return std::ranges::any_of(models, [path](const std::string& model) { return model == path; });
}

const std::vector<MatrixVariant>& matrix() {
  static const std::vector<MatrixVariant> variants = parse_matrix();
  return variants;
}

const MatrixVariant& matrix_variant(std::string_view id) {
  for (const MatrixVariant& v : matrix()) {
    if (v.id == id) return v;
  }
  throw std::out_of_range("matrix/variants.json has no variant '" + std::string(id) + "'");
}

Expectation races_at_racing_lines(std::string_view id) {
  const MatrixVariant& v = matrix_variant(id);
  if (v.racing_lines.empty()) {
    throw std::out_of_range("matrix/variants.json: variant '" + v.id + "' has no racing_lines");
  }
  return Expectation::fails(v.model_failure, v.racing_lines);
}

Expectation expected_of(const MatrixVariant& variant) {
  return variant.fix() ? Expectation::passes() : races_at_racing_lines(variant.id);
}

}  // namespace doublecheck::model::checks
