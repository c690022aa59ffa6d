// One atomic location's stores in modification order, and what coherence lets a thread do with
// them: which stores a load may read, which store a read-modify-write may follow, where a new store
// may go. The rules are RC11's coherence and atomicity (C++ [intro.races] 13-20):
//   - a thread may not read or write below what it has already "seen" of the location: a store
//     that happens before it, or a store read by an event that happens before it, hides every store
//     before it in modification order (write-write, write-read, read-read and read-write
//     coherence in one rule, checked with the stores' epochs and their readers' first ticks);
//   - a read-modify-write reads the store just before it in modification order, so no store may
//     be placed between a store and the read-modify-write that read it, and no two
//     read-modify-writes read the same store.
// Under sequential consistency (kSc) every load reads the newest store and every store goes last.
// Nothing here moves a clock: MemoryGraph (memory_graph.hpp) does, through the records it keeps.
#pragma once

#include <cstdint>
#include <vector>

#include "model/engine/vector_clock.hpp"

namespace doublecheck::model {

// A store as its location keeps it.
struct StoreRecord {
  std::uint32_t event = 0;  // its index among the execution's memory events
  std::uint32_t slot = 0;   // its value's index in the atomic's own list of values
  Epoch at;                 // who stored it, at which tick
  bool update = false;      // a read-modify-write: it read the store just before it
  VectorClock sync;         // what an acquire reading it takes in (its release sequence)
  VectorClock readers;      // per thread, the tick of its first read of this store (0: none)
};

class ModificationOrder {
 public:
  void push_initial(const StoreRecord& store) { stores_.push_back(store); }

  [[nodiscard]] std::uint32_t size() const { return static_cast<std::uint32_t>(stores_.size()); }
  [[nodiscard]] const StoreRecord& operator[](std::uint32_t index) const { return stores_[index]; }
  [[nodiscard]] StoreRecord& operator[](std::uint32_t index) { return stores_[index]; }
  [[nodiscard]] std::uint32_t newest() const { return size() - 1; }

  // The first store a thread at `clock` may still read: every store before it is hidden by one it
  // has seen.
  [[nodiscard]] std::uint32_t first_visible(const VectorClock& clock) const;

  // The stores a load may read, into `out` (indices in modification order), newest first; under
  // sequential consistency only the newest.
  void load_candidates(const VectorClock& clock, bool weak, std::vector<std::uint32_t>& out) const;
  // The stores a read-modify-write may follow: as a load, but none another one already follows.
  void update_candidates(const VectorClock& clock, bool weak,
                         std::vector<std::uint32_t>& out) const;
  // Whether a read-modify-write already follows (read) the store at `index`.
  [[nodiscard]] bool followed_by_update(std::uint32_t index) const {
    return index + 1 < size() && stores_[index + 1].update;
  }
  // Where a new store may go (the index it takes; the stores from there on move up one), newest
  // (last) first.
  void store_places(const VectorClock& clock, bool weak, std::vector<std::uint32_t>& out) const;

  void insert(std::uint32_t index, const StoreRecord& store);

 private:
  std::vector<StoreRecord> stores_;  // in modification order: the initial value first
};

}  // namespace doublecheck::model
