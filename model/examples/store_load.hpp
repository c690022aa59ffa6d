// The store-then-load handshake: each of two threads announces itself with a store and then looks
// for the other with a load. Dekker's entry is this shape (my flag up, then your flag?), and so is
// publishing a hazard pointer (my hazard slot, then the shared pointer again?, against the
// reclaimer's new pointer, then the hazard slots?). Its promise is "at most one of the two misses
// the other", and only a total order of the store and the load keeps it: seq_cst on both, or a
// seq_cst fence between them. Release/acquire does not: a release store is ordered before later
// stores, never before a later load, so both loads may read the old values (the store buffer
// litmus test, SB).
#pragma once

#include <atomic>

#include "model/engine/model_sync.hpp"

namespace doublecheck::examples {

// The orders of one side of the handshake (a structural type: a template argument).
struct StoreLoadOrders {
  std::memory_order store;  // the announcement
  bool fence;               // a seq_cst fence between the announcement and the look
  std::memory_order load;   // the look
};

inline constexpr StoreLoadOrders kStoreLoadSeqCst{
    .store = std::memory_order_seq_cst, .fence = false, .load = std::memory_order_seq_cst};
inline constexpr StoreLoadOrders kStoreLoadReleaseAcquire{
    .store = std::memory_order_release, .fence = false, .load = std::memory_order_acquire};
inline constexpr StoreLoadOrders kStoreLoadFenced{
    .store = std::memory_order_relaxed, .fence = true, .load = std::memory_order_relaxed};

// Stores `value` into `mine`, then returns what `theirs` holds.
template <StoreLoadOrders Orders, class T>
T announce_then_look(model::ModelSync::Atomic<T>& mine, T value,
                     const model::ModelSync::Atomic<T>& theirs) {
  mine.store(value, Orders.store);
  if constexpr (Orders.fence) model::ModelSync::fence(std::memory_order_seq_cst);
  return theirs.load(Orders.load);
}

}  // namespace doublecheck::examples
