// A single-producer single-consumer ring of two plain slots with atomic head and tail indexes,
// written once over the indexes' memory orders (spsc_ring_models.cpp).
//
// The producer writes a slot and then publishes it by advancing `tail`; the consumer reads the
// slot and then hands it back by advancing `head`. Each index is written by one side only, so
// its own side may read it relaxed; what matters is the other side's: the consumer's acquire of
// `tail` must see the producer's release (else it reads a slot not yet written), and the
// producer's acquire of `head` must see the consumer's release (else it overwrites a slot still
// being read, once the ring wraps around). Both are a data race on the slot.
#pragma once

#include <array>
#include <atomic>

#include "model/engine/model_sync.hpp"

namespace doublecheck::examples {

// The orders of the indexes as the other side sees them: the publishing store and the load that
// waits for it (a structural type: a template argument).
struct RingOrders {
  std::memory_order tail_publish;  // the producer: item written
  std::memory_order tail_observe;  // the consumer: anything to pop?
  std::memory_order head_publish;  // the consumer: slot handed back
  std::memory_order head_observe;  // the producer: room to push?
};

inline constexpr RingOrders kRingReleaseAcquire{.tail_publish = std::memory_order_release,
                                                .tail_observe = std::memory_order_acquire,
                                                .head_publish = std::memory_order_release,
                                                .head_observe = std::memory_order_acquire};
inline constexpr RingOrders kRingRelaxed{.tail_publish = std::memory_order_relaxed,
                                         .tail_observe = std::memory_order_relaxed,
                                         .head_publish = std::memory_order_relaxed,
                                         .head_observe = std::memory_order_relaxed};
// The tail right, the head relaxed ("the consumer only frees a slot, nothing to publish"): wrong
// as soon as a slot is reused.
inline constexpr RingOrders kRingRelaxedHead{.tail_publish = std::memory_order_release,
                                             .tail_observe = std::memory_order_acquire,
                                             .head_publish = std::memory_order_relaxed,
                                             .head_observe = std::memory_order_relaxed};

// Inside the explorer only: a full or empty ring waits with model::assume.
template <RingOrders Orders>
class SpscRing {
 public:
  static constexpr int kCapacity = 2;

  SpscRing() = default;
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // The producer's side; waits while the ring is full.
  void push(int value) {
    const int tail = tail_.load(std::memory_order_relaxed);  // only the producer writes it
    model::assume(tail - head_.load(Orders.head_observe) < kCapacity);
    slot(tail).store(value);
    tail_.store(tail + 1, Orders.tail_publish);
  }

  // The consumer's side; waits while the ring is empty.
  int pop() {
    const int head = head_.load(std::memory_order_relaxed);  // only the consumer writes it
    model::assume(tail_.load(Orders.tail_observe) != head);
    const int value = slot(head).load();
    head_.store(head + 1, Orders.head_publish);
    return value;
  }

 private:
  model::ModelSync::Shared<int>& slot(int index) { return slots_[index % kCapacity]; }

  // Indexes count every item ever pushed (no wrap in a model's few items); a slot is index mod 2.
  model::ModelSync::Atomic<int> head_{0, "ring.head"};
  model::ModelSync::Atomic<int> tail_{0, "ring.tail"};
  std::array<model::ModelSync::Shared<int>, kCapacity> slots_{
      model::ModelSync::Shared<int>(0, "ring.slot0"),
      model::ModelSync::Shared<int>(0, "ring.slot1")};
};

}  // namespace doublecheck::examples
