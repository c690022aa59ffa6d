#include "model/engine/modification_order.hpp"

#include <iterator>

namespace doublecheck::model {
namespace {

// Whether a thread at `clock` has seen `store`: it happens before the thread, or a read of it does.
bool seen(const StoreRecord& store, const VectorClock& clock) {
  if (store.at.happens_before(clock)) return true;
  for (ThreadId t = 0; t < kMaxThreads; ++t) {
    const std::uint32_t first_read = store.readers[t];
    if (first_read != 0 && first_read <= clock[t]) return true;
  }
  return false;
}

}  // namespace

std::uint32_t ModificationOrder::first_visible(const VectorClock& clock) const {
  for (std::uint32_t i = newest(); i > 0; --i) {
    if (seen(stores_[i], clock)) return i;
  }
  return 0;
}

void ModificationOrder::load_candidates(const VectorClock& clock, bool weak,
                                        std::vector<std::uint32_t>& out) const {
  out.clear();
  const std::uint32_t first = weak ? first_visible(clock) : newest();
  for (std::uint32_t i = size(); i-- > first;) out.push_back(i);
}

void ModificationOrder::update_candidates(const VectorClock& clock, bool weak,
                                          std::vector<std::uint32_t>& out) const {
  out.clear();
  const std::uint32_t first = weak ? first_visible(clock) : newest();
  for (std::uint32_t i = size(); i-- > first;) {
    if (!followed_by_update(i)) out.push_back(i);
  }
}

void ModificationOrder::store_places(const VectorClock& clock, bool weak,
                                     std::vector<std::uint32_t>& out) const {
  out.clear();
  out.push_back(size());
  if (!weak) return;
  // Before the store at `place`: after everything seen, and never between a store and the
  // read-modify-write that read it.
  for (std::uint32_t place = newest(), first = first_visible(clock); place > first; --place) {
    if (!stores_[place].update) out.push_back(place);
  }
}

void ModificationOrder::insert(std::uint32_t index, const StoreRecord& store) {
  stores_.insert(std::next(stores_.begin(), index), store);
}

}  // namespace doublecheck::model
