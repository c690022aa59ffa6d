// The differential corpora (reduction_test.cpp, symmetry_test.cpp) are compared in parts, each a
// test of its own: one corpus is minutes of plain search, and as parts no single test runs long and
// `ctest -j` spreads them over the cores. The programs are drawn in one sequence whatever the
// part (the same programs as one whole run), and part p takes those whose index is p modulo
// kCorpusParts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace doublecheck::model::corpus {

inline constexpr int kCorpusParts = 10;

// A corpus kind (with a `name`) and a part of it.
template <class Kind>
using Part = std::tuple<Kind, int>;

// Every part of each of `kinds`: the values of a parametrised test.
template <class Kind, class... Kinds>
auto every_part(const Kind& kind, const Kinds&... kinds) {
  return testing::Combine(testing::Values(kind, kinds...), testing::Range(0, kCorpusParts));
}

// Whether program `index` of the corpus is in `part`.
inline bool in_part(int index, int part) { return index % kCorpusParts == part; }

// "WeakOrdersAndFences_3of10": the test's name.
template <class Kind>
std::string part_name(const testing::TestParamInfo<Part<Kind>>& info) {
  return std::string(std::get<0>(info.param).name) + "_" +
         std::to_string(std::get<1>(info.param) + 1) + "of" + std::to_string(kCorpusParts);
}

}  // namespace doublecheck::model::corpus
