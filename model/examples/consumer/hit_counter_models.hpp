// The consumer's model of its class, shared by its GoogleTest tests and its runner: two threads
// hit the counter once each while a third reads it; no hit may be lost, and no read may see more
// hits than there were.
#pragma once

#include <cstdint>
#include <doublecheck/model.hpp>

#include "hit_counter.hpp"

namespace hits {

template <class Locking>
void two_hits() {
  namespace dc = doublecheck::model;
  BasicHitCounter<dc::ModelSync, Locking> counter;
  dc::thread first([&] { counter.hit(); });
  dc::thread second([&] { counter.hit(); });
  const std::int64_t seen = counter.count();
  first.join();
  second.join();
  dc::check(seen >= 0 && seen <= 2, "a read saw hits that never happened");
  dc::check(counter.count() == 2, "a hit was lost");
}

}  // namespace hits
