// RC11's partial SC order (Lahav, Vafeiadis, Kang, Hur, Dreyer: "Repairing sequential consistency
// in C/C++11", PLDI 2017, section 3): the one condition of RC11 consistency that the memory graph
// (memory_graph.hpp) does not make true by construction. Over the seq_cst events (accesses and
// fences),
//   scb      = po ∪ po|≠loc ; hb ; po|≠loc ∪ hb|loc ∪ mo ∪ rb
//   psc_base = ([E_sc] ∪ [F_sc] ; hb?) ; scb ; ([E_sc] ∪ hb? ; [F_sc])
//   psc_F    = [F_sc] ; (hb ∪ hb ; eco ; hb) ; [F_sc]
// and psc = psc_base ∪ psc_F must be acyclic. The graph holds the atomic events and fences; mutex,
// call_once and plain accesses enter only through happens-before (the vector clocks), which is all
// they can add to these relations in an execution without a data race.
#pragma once

#include <vector>

#include "model/engine/memory_graph.hpp"
#include "model/engine/modification_order.hpp"

namespace doublecheck::model {

[[nodiscard]] bool psc_acyclic(const std::vector<MemoryEvent>& events,
                               const std::vector<ModificationOrder>& locations);

}  // namespace doublecheck::model
