// The instructions of generated test programs — atomics in every memory order, mutexes, Shared
// data, call_once, shared mutexes, atomic waits — the objects they act on and how one runs. The
// differential corpora (reduction_test.cpp: DPOR against the plain search; symmetry_test.cpp:
// symmetry against none) draw their programs from this one vocabulary.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "model/engine/model_sync.hpp"

namespace doublecheck::model::corpus {

enum class Op {
  kLoad,
  kStore,
  kRmw,
  kLockedRmw,
  kLockedStore,
  kSharedRead,
  kSharedWrite,
  kLockedSharedWrite,
  kNestedLocks,
  kCallOnce,
  // Weak programs only: the memory orders and fences of the C++ memory model.
  kRelaxedLoad,
  kAcquireLoad,
  kRelaxedStore,
  kReleaseStore,
  kRelaxedRmw,
  kSeqCstFence,
  kAcqRelFence,
  kWeakCas,
  // Sync programs only: a shared mutex in both modes, and atomic wait / notify.
  kSharedLockedRead,   // lock_shared; a relaxed load and a Shared read; unlock_shared
  kSharedLockedWrite,  // a Shared write under lock_shared: a race with any other access
  kExclusiveWrite,     // lock; a relaxed store and a Shared write; unlock
  kTrySharedRead,      // try_lock_shared: a relaxed load if it got it (else -1)
  kTryExclusiveWrite,  // try_lock: a relaxed store if it got it (else -2)
  kWaitWhileZero,      // wait(0, acquire), then a load (may deadlock: nothing stores or notifies)
  kStoreNotifyOne,     // a store, then notify_one
  kStoreNotifyAll,     // a relaxed store, then notify_all
};

constexpr int kWeakOps = 8;  // the ops after kCallOnce
constexpr int kSyncOps = 8;  // the ops after kWeakCas

struct Instruction {
  Op op;
  int object;  // atomic / shared variable / first mutex
  int value;
};

// An instruction's name in a program's description.
inline std::string_view op_name(Op op) {
  static constexpr std::array<std::string_view, 26> kNames{"load",
                                                           "store",
                                                           "rmw",
                                                           "locked-rmw",
                                                           "locked-store",
                                                           "sread",
                                                           "swrite",
                                                           "locked-swrite",
                                                           "nested-locks",
                                                           "call-once",
                                                           "load.rlx",
                                                           "load.acq",
                                                           "store.rlx",
                                                           "store.rel",
                                                           "rmw.rlx",
                                                           "fence.sc",
                                                           "fence.acq_rel",
                                                           "cas_weak",
                                                           "shared-read",
                                                           "shared-swrite",
                                                           "exclusive-write",
                                                           "try-shared",
                                                           "try-exclusive",
                                                           "wait-while-0",
                                                           "store-notify-one",
                                                           "store-notify-all"};
  return kNames.at(static_cast<std::size_t>(op));
}

// The objects a generated program acts on, created in this order (so their ids are the same in
// every execution).
struct Objects {
  ModelSync::Atomic<int> a0{0, "a0"};
  ModelSync::Atomic<int> a1{0, "a1"};
  ModelSync::Atomic<int> a2{0, "a2"};
  ModelSync::Shared<int> s0{0, "s0"};
  ModelSync::Shared<int> s1{0, "s1"};
  ModelSync::Shared<int> s2{0, "s2"};
  ModelSync::Mutex m0{"m0"};
  ModelSync::Mutex m1{"m1"};
  ModelSync::Mutex m2{"m2"};
  ModelSync::OnceFlag once0;
  ModelSync::OnceFlag once1;
  ModelSync::SharedMutex rw0{"rw0"};
  ModelSync::SharedMutex rw1{"rw1"};
  std::array<ModelSync::Atomic<int>*, 3> atomics{&a0, &a1, &a2};
  std::array<ModelSync::Shared<int>*, 3> shared{&s0, &s1, &s2};
  std::array<ModelSync::Mutex*, 3> mutexes{&m0, &m1, &m2};
  std::array<ModelSync::OnceFlag*, 2> onces{&once0, &once1};
  std::array<ModelSync::SharedMutex*, 2> rws{&rw0, &rw1};
};

// Runs one of the sync programs' instructions: a shared mutex's two modes, an atomic's wait.
inline void execute_sync(const Instruction& in, ModelSync::Atomic<int>& atomic,
                         ModelSync::Shared<int>& shared, ModelSync::SharedMutex& rw,
                         std::vector<int>& loads) {
  switch (in.op) {
    case Op::kSharedLockedRead:
      rw.lock_shared();
      loads.push_back(atomic.load(std::memory_order_relaxed));
      (void)shared.load();
      rw.unlock_shared();
      break;
    case Op::kSharedLockedWrite:
      rw.lock_shared();
      shared.store(in.value);
      rw.unlock_shared();
      break;
    case Op::kExclusiveWrite:
      rw.lock();
      atomic.store(in.value, std::memory_order_relaxed);
      shared.store(in.value);
      rw.unlock();
      break;
    case Op::kTrySharedRead:
      if (rw.try_lock_shared()) {
        loads.push_back(atomic.load(std::memory_order_relaxed));
        rw.unlock_shared();
      } else {
        loads.push_back(-1);
      }
      break;
    case Op::kTryExclusiveWrite:
      if (rw.try_lock()) {
        atomic.store(in.value, std::memory_order_relaxed);
        rw.unlock();
      } else {
        loads.push_back(-2);
      }
      break;
    case Op::kWaitWhileZero:
      atomic.wait(0, std::memory_order_acquire);
      loads.push_back(atomic.load(std::memory_order_relaxed));
      break;
    case Op::kStoreNotifyOne:
      atomic.store(in.value);
      atomic.notify_one();
      break;
    case Op::kStoreNotifyAll:
      atomic.store(in.value, std::memory_order_relaxed);
      atomic.notify_all();
      break;
    default:
      break;
  }
}

// Runs one of the weak programs' instructions: the memory orders, fences and weak CAS.
inline void execute_weak(const Instruction& in, ModelSync::Atomic<int>& atomic,
                         std::vector<int>& loads) {
  switch (in.op) {
    case Op::kRelaxedLoad:
      loads.push_back(atomic.load(std::memory_order_relaxed));
      break;
    case Op::kAcquireLoad:
      loads.push_back(atomic.load(std::memory_order_acquire));
      break;
    case Op::kRelaxedStore:
      atomic.store(in.value, std::memory_order_relaxed);
      break;
    case Op::kReleaseStore:
      atomic.store(in.value, std::memory_order_release);
      break;
    case Op::kRelaxedRmw:
      loads.push_back(atomic.fetch_add(in.value, std::memory_order_relaxed));
      break;
    case Op::kSeqCstFence:
      ModelSync::fence(std::memory_order_seq_cst);
      break;
    case Op::kAcqRelFence:
      ModelSync::fence(std::memory_order_acq_rel);
      break;
    case Op::kWeakCas: {  // expects the value the thread stores elsewhere: may fail spuriously
      int expected = in.value;
      loads.push_back(
          atomic.compare_exchange_weak(expected, in.value + 1, std::memory_order_acq_rel)
              ? 100
              : expected);
      break;
    }
    default:
      break;
  }
}

// Runs one instruction of thread `t`; what a load returns goes to `loads`.
inline void execute(const Instruction& in, std::size_t t, Objects& objects,
                    std::vector<int>& loads) {
  const auto index = static_cast<std::size_t>(in.object);
  auto& atomic = *objects.atomics.at(index);
  auto& mutex = *objects.mutexes.at(index % 2);
  switch (in.op) {
    case Op::kLoad:
      loads.push_back(atomic.load());
      break;
    case Op::kStore:
      atomic.store(in.value);
      break;
    case Op::kRmw:
      loads.push_back(atomic.fetch_add(in.value));
      break;
    case Op::kLockedRmw:
      mutex.lock();
      loads.push_back(atomic.fetch_add(in.value, std::memory_order_relaxed));
      mutex.unlock();
      break;
    case Op::kLockedStore:
      mutex.lock();
      atomic.store(in.value, std::memory_order_relaxed);
      mutex.unlock();
      break;
    // The value of a racy plain read is not a property of the interleaving's class (DPOR must
    // find the race, not every value a race can give), so it is not recorded.
    case Op::kSharedRead:
      (void)objects.shared.at(index)->load();
      break;
    case Op::kSharedWrite:
      objects.shared.at(index)->store(in.value);
      break;
    case Op::kLockedSharedWrite:
      mutex.lock();
      objects.shared.at(index)->add(in.value);
      mutex.unlock();
      break;
    case Op::kCallOnce:  // who runs the initialiser decides what a0..a2 get
      ModelSync::call_once(*objects.onces.at(index % 2),
                           [&] { atomic.fetch_add(in.value + static_cast<int>(t)); });
      break;
    case Op::kRelaxedLoad:
    case Op::kAcquireLoad:
    case Op::kRelaxedStore:
    case Op::kReleaseStore:
    case Op::kRelaxedRmw:
    case Op::kSeqCstFence:
    case Op::kAcqRelFence:
    case Op::kWeakCas:
      execute_weak(in, atomic, loads);
      break;
    case Op::kSharedLockedRead:
    case Op::kSharedLockedWrite:
    case Op::kExclusiveWrite:
    case Op::kTrySharedRead:
    case Op::kTryExclusiveWrite:
    case Op::kWaitWhileZero:
    case Op::kStoreNotifyOne:
    case Op::kStoreNotifyAll:
      execute_sync(in, atomic, *objects.shared.at(index), *objects.rws.at(index % 2), loads);
      break;
    case Op::kNestedLocks: {  // lock order depends on the value: may deadlock
      const auto value = static_cast<std::size_t>(in.value);
      auto& first = *objects.mutexes.at(value % 2);
      auto& second = *objects.mutexes.at((value + 1) % 2);
      first.lock();
      second.lock();
      atomic.fetch_add(1);
      second.unlock();
      first.unlock();
      break;
    }
  }
}

}  // namespace doublecheck::model::corpus
