// Which memory model an execution follows. The default is the C++20 memory model as RC11
// formalises it (Lahav et al., PLDI 2017; the model GenMC checks): a load may read any store to its
// location that coherence and happens-before allow, and the modification order of a location is a
// choice. `kSc` keeps sequentially consistent interleavings (every load reads the newest store),
// for comparison: a program correct under it may still be broken under C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace doublecheck::model {

enum class MemoryModel : std::uint8_t {
  kRc11,  // C++20 (RC11): stale reads, modification-order choices, fences, partial SC order
  kSc,    // sequential consistency: interleavings only
};

constexpr std::string_view memory_model_name(MemoryModel model) {
  return model == MemoryModel::kSc ? "sc" : "rc11";
}

// For a report: what the verdicts were reached in.
constexpr std::string_view memory_model_text(MemoryModel model) {
  return model == MemoryModel::kSc
             ? "sequentially consistent interleavings, memory orders judged by happens-before "
               "(vector clocks)"
             : "C++20 as formalised by RC11: loads may read stale values, modification orders "
               "are chosen, fences and the partial SC order of seq_cst";
}

constexpr std::optional<MemoryModel> parse_memory_model(std::string_view text) {
  if (text == "rc11" || text == "c++" || text == "c++20") return MemoryModel::kRc11;
  if (text == "sc") return MemoryModel::kSc;
  return std::nullopt;
}

}  // namespace doublecheck::model
