// Peterson's lock for two threads, written once over its memory orders, so that each way of
// ordering it (the textbook seq_cst, the tempting release/acquire, the fenced relaxed one) is the
// same source and its models differ only in the orders (peterson_models.cpp).
//
// A thread raises its flag, gives the turn to the other and waits until the other's flag is down
// or the turn is its own. The wait is the explorer's assume() rather than a spin loop: the
// executions where the wait's last check holds are exactly the ones a spin loop would leave, and
// the search stays finite (model/engine/model_sync.hpp).
//
// Why release/acquire is not enough: entry is a store (my flag) followed by a load (your flag),
// and only seq_cst (or a seq_cst fence between them) forbids both threads reading the other's
// flag before it was raised — release/acquire orders a store before later stores, not before
// later loads. With a fence the turn must be given by a read-modify-write: a plain store of it
// may be ordered first in the turn's modification order by the thread that arrived second, and
// each thread then sees the turn as its own.
#pragma once

#include <atomic>

#include "model/engine/model_sync.hpp"

namespace doublecheck::examples {

// The memory orders of the lock's operations (a structural type: a template argument).
struct PetersonOrders {
  std::memory_order raise;  // my flag up, on entry
  std::memory_order give;   // the turn to the other thread
  bool give_by_exchange;    // the turn given by exchange(acq_rel) rather than store(give)
  bool fence;               // a seq_cst fence between giving the turn and the wait
  std::memory_order wait;   // the wait's loads of the other's flag and of the turn
  std::memory_order lower;  // my flag down, on exit
};

// The textbook lock: every access seq_cst.
inline constexpr PetersonOrders kPetersonSeqCst{.raise = std::memory_order_seq_cst,
                                                .give = std::memory_order_seq_cst,
                                                .give_by_exchange = false,
                                                .fence = false,
                                                .wait = std::memory_order_seq_cst,
                                                .lower = std::memory_order_seq_cst};

// Release stores, acquire loads: the "lock orders are acquire/release" intuition, not enough here.
inline constexpr PetersonOrders kPetersonReleaseAcquire{.raise = std::memory_order_release,
                                                        .give = std::memory_order_release,
                                                        .give_by_exchange = false,
                                                        .fence = false,
                                                        .wait = std::memory_order_acquire,
                                                        .lower = std::memory_order_release};

// Everything relaxed, no fence.
inline constexpr PetersonOrders kPetersonRelaxed{.raise = std::memory_order_relaxed,
                                                 .give = std::memory_order_relaxed,
                                                 .give_by_exchange = false,
                                                 .fence = false,
                                                 .wait = std::memory_order_relaxed,
                                                 .lower = std::memory_order_relaxed};

// The cheap correct one: a relaxed flag, the turn exchanged, a seq_cst fence, an acquire wait and
// a release exit (the release/acquire pair is what orders the critical sections).
inline constexpr PetersonOrders kPetersonFenced{.raise = std::memory_order_relaxed,
                                                .give = std::memory_order_relaxed,
                                                .give_by_exchange = true,
                                                .fence = true,
                                                .wait = std::memory_order_acquire,
                                                .lower = std::memory_order_release};

// The fenced one with the turn given by a plain relaxed store: both threads may enter.
inline constexpr PetersonOrders kPetersonFencedTurnStore{.raise = std::memory_order_relaxed,
                                                         .give = std::memory_order_relaxed,
                                                         .give_by_exchange = false,
                                                         .fence = true,
                                                         .wait = std::memory_order_acquire,
                                                         .lower = std::memory_order_release};

// Inside the explorer only (it waits with model::assume). Threads are 0 and 1.
template <PetersonOrders Orders>
class PetersonLock {
 public:
  PetersonLock() = default;
  PetersonLock(const PetersonLock&) = delete;
  PetersonLock& operator=(const PetersonLock&) = delete;

  void lock(int me) {
    const int other = 1 - me;
    flag(me).store(1, Orders.raise);
    if constexpr (Orders.give_by_exchange) {
      turn_.exchange(other, std::memory_order_acq_rel);
    } else {
      turn_.store(other, Orders.give);
    }
    if constexpr (Orders.fence) model::ModelSync::fence(std::memory_order_seq_cst);
    model::assume(flag(other).load(Orders.wait) == 0 || turn_.load(Orders.wait) == me);
  }

  void unlock(int me) { flag(me).store(0, Orders.lower); }

 private:
  model::ModelSync::Atomic<int>& flag(int thread) { return thread == 0 ? flag0_ : flag1_; }

  model::ModelSync::Atomic<int> flag0_{0, "peterson.flag0"};
  model::ModelSync::Atomic<int> flag1_{0, "peterson.flag1"};
  model::ModelSync::Atomic<int> turn_{0, "peterson.turn"};
};

}  // namespace doublecheck::examples
