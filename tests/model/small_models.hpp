// Small models the explorer's tests share.
#pragma once

#include "model/engine/model_sync.hpp"

namespace doublecheck::model::test_models {

// Fails only when the writer runs between main's two loads: one preemption.
inline void torn_read() {
  ModelSync::Atomic<int> x(0, "x");
  thread writer([&] { x.store(1); });
  const int first = x.load();
  const int second = x.load();
  writer.join();
  check(first == second, "x changed between two loads");
}

}  // namespace doublecheck::model::test_models
