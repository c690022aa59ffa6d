// A reference-counted handle, the control block of std::shared_ptr as it is usually written by
// hand: each handle holds a pointer to a shared block {count, payload}; a copy increments the
// count, and the handle that takes the count to zero deletes the block (refcount_models.cpp).
//
// The increment may be relaxed: a new handle is made from an existing one, which already keeps
// the block alive, and it publishes nothing. The decrement may not: the thread that deletes the
// block must see every other handle's last use of the payload happen before the delete, so each
// decrement releases what its thread did and the last one acquires it all (acq_rel; or a release
// decrement and an acquire fence before the delete). With a relaxed decrement the delete races
// with the other thread's last read: the explorer reports the destruction as a write (DESIGN.md,
// "Lifetimes").
#pragma once

#include <atomic>

#include "model/engine/model_sync.hpp"

namespace doublecheck::examples {

// The block the handles share.
struct RefBlock {
  explicit RefBlock(int value) : payload(value, "block.payload") {}

  model::ModelSync::Atomic<int> refs{1, "block.refs"};  // handles alive
  model::ModelSync::Shared<int> payload;                // what the handles read
};

// Inside the explorer only; `Decrement` is the order of the count's decrement.
template <std::memory_order Decrement>
class RefHandle {
 public:
  // `new` and `delete` are what is modelled here: the block has a raw owner, the count, and is
  // freed by whichever thread drops the last reference.
  explicit RefHandle(int value)
      : block_(new RefBlock(value)) {}  // NOLINT(cppcoreguidelines-owning-memory): modelled
  RefHandle(const RefHandle& other) : block_(other.block_) {
    block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  RefHandle& operator=(const RefHandle&) = delete;
  ~RefHandle() {
    // One line: the destruction is reported after the thread's last operation, the decrement.
    if (block_->refs.fetch_sub(1, Decrement) == 1) delete block_;  // NOLINT: modelled (above)
  }

  [[nodiscard]] int read() const { return block_->payload.load(); }

 private:
  RefBlock* block_;
};

}  // namespace doublecheck::examples
