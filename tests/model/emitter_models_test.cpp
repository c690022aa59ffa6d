// The emitter's models (model/emitter/) against the fixed emitter and every variant reach the
// verdicts of DESIGN.md's matrix: the fixed code passes exhaustively, each variant fails with the
// expected kind on the expected source line.
#include <gtest/gtest.h>

#include <string>

#include "model/engine/explorer.hpp"
#include "model/catalogue/registry.hpp"

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

TEST(EmitterModelCatalogue, CoversEveryVariantOfTheMatrix) {
  std::set<std::string> variants;
  for (const ModelSpec& spec : emitter_models().models()) variants.insert(spec.variant);
  EXPECT_EQ(variants,
            (std::set<std::string>{"fixed", "prefix_rc002", "unlocked_snapshot", "prefix_rc004",
                                   "naive_dcl", "relaxed_dcl", "acq_rel_dcl", "call_once"}));
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
