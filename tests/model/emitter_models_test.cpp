// The emitter's models (model/emitter/) against the fixed emitter and every variant reach the
// verdicts of DESIGN.md's matrix: the fixed code passes exhaustively, each variant fails with the
// expected kind on the expected source line.
#include <gtest/gtest.h>

#include <string>

#include "model/engine/explorer.hpp"
#include "model/catalogue/registry.hpp"
#include "model/emitter/catalog.hpp"
#include "model/emitter/matrix.hpp"

namespace doublecheck::model {
namespace {

class EmitterModel : public testing::TestWithParam<const ModelSpec*> {};

TEST_P(EmitterModel, ReachesItsExpectedVerdict) {
  const ModelSpec& spec = *GetParam();
  Explorer explorer(spec.options);
  const auto result = explorer.run(spec.name, spec.body);
  const std::string why = mismatch(spec.expected, result);
  EXPECT_TRUE(why.empty()) << spec.name << ": " << why << "\n" << format_report(result);
}

std::vector<const ModelSpec*> all_specs() {
  std::vector<const ModelSpec*> specs;
  for (const ModelSpec& spec : emitter_models().models()) specs.push_back(&spec);
  return specs;
}

std::string test_name(const testing::TestParamInfo<const ModelSpec*>& info) {
  std::string name = info.param->name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EmitterModel, testing::ValuesIn(all_specs()), test_name);

// Every variant of matrix/variants.json has a model, every model's variant is in the matrix, and
// every negative control has a model that must race on one of its racing lines.
TEST(EmitterModelCatalogue, CoversEveryVariantOfTheMatrix) {
  std::set<std::string> modelled;
  std::set<std::string> raced_at_its_lines;
  for (const ModelSpec& spec : emitter_models().models()) {
    modelled.insert(spec.variant);
    if (!spec.expected.pass && !spec.expected.at.empty()) raced_at_its_lines.insert(spec.variant);
  }
  std::set<std::string> in_matrix;
  std::set<std::string> negative_controls;
  for (const checks::MatrixVariant& variant : checks::matrix()) {
    in_matrix.insert(variant.id);
    if (variant.role == "negative control") negative_controls.insert(variant.id);
  }
  EXPECT_EQ(modelled, in_matrix);
  EXPECT_EQ(raced_at_its_lines, negative_controls);
  EXPECT_GE(in_matrix.size(), 8U);  // the matrix was read, not empty
}

TEST(EmitterModelCatalogue, TheLostUpdateNeedsOnePreemptionAndTheRaceNone) {
  const ModelSpec* race = emitter_models().find("increment/prefix_rc002/2x1");
  const ModelSpec* symptom = emitter_models().find("increment/prefix_rc002/2x1/symptom");
  ASSERT_NE(race, nullptr);
  ASSERT_NE(symptom, nullptr);
  const auto race_result = Explorer(race->options).run(race->name, race->body);
  ASSERT_FALSE(race_result.passed());
  EXPECT_EQ(race_result.failures.front().preemptions, 0U);
  const auto symptom_result = Explorer(symptom->options).run(symptom->name, symptom->body);
  for (const Failure& f : symptom_result.failures) {
    if (f.kind == FailureKind::kAssertion) {
      EXPECT_EQ(f.preemptions, 1U) << f.trace;
    }
  }
}

}  // namespace
}  // namespace doublecheck::model
