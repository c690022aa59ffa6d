// StdSync: the production synchronisation policy of the seam (DESIGN.md, "The seam").
//
// The emitter is written once against a policy with this shape:
//   Sync::Mutex                  lock / unlock / try_lock (a Clang capability)
//   Sync::SharedMutex            lock / unlock / try_lock, and lock_shared / unlock_shared /
//                                try_lock_shared (a reader-writer lock, a Clang capability)
//   Sync::Atomic<T>              load / store / exchange / compare_exchange_strong and _weak
//                                (one order, or success and failure orders) / fetch_add /
//                                fetch_sub / fetch_or / fetch_and / fetch_xor, each with its order;
//                                C++20's wait(old, order) / notify_one / notify_all
//   Sync::fence(order)           std::atomic_thread_fence
//   Sync::Shared<T>              plain data shared between threads: load / store / add
//   Sync::OnceFlag, Sync::call_once
//   Sync::ConditionVariable      wait(mutex) / wait(mutex, predicate) with the mutex held,
//                                notify_one / notify_all
// Every operation takes a trailing SourceLoc defaulted to the caller's location; the model's policy
// (model/engine/model_sync.hpp) records it, this one ignores it. Here everything is the standard
// primitive or plain data, so production pays nothing for the seam.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <utility>

#include "seam/source_loc.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

struct StdSync {
  // A std::mutex that Clang's analysis knows as a capability, so fields can be GUARDED_BY it.
  class DC_CAPABILITY("mutex") Mutex {
   public:
    explicit Mutex(std::string_view /*name*/ = {}) {}
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock(SourceLoc /*loc*/ = SourceLoc::current()) DC_ACQUIRE() { mutex_.lock(); }
    void unlock(SourceLoc /*loc*/ = SourceLoc::current()) DC_RELEASE() { mutex_.unlock(); }
    bool try_lock(SourceLoc /*loc*/ = SourceLoc::current()) DC_TRY_ACQUIRE(true) {
      return mutex_.try_lock();
    }

   private:
    std::mutex mutex_;
  };

  // A std::shared_mutex: many readers (lock_shared) or one writer (lock). Clang's analysis knows
  // both modes: a field GUARDED_BY it may be read under either and written under lock() only.
  class DC_CAPABILITY("mutex") SharedMutex {
   public:
    explicit SharedMutex(std::string_view /*name*/ = {}) {}
    SharedMutex(const SharedMutex&) = delete;
    SharedMutex& operator=(const SharedMutex&) = delete;

    void lock(SourceLoc /*loc*/ = SourceLoc::current()) DC_ACQUIRE() { mutex_.lock(); }
    void unlock(SourceLoc /*loc*/ = SourceLoc::current()) DC_RELEASE() { mutex_.unlock(); }
    bool try_lock(SourceLoc /*loc*/ = SourceLoc::current()) DC_TRY_ACQUIRE(true) {
      return mutex_.try_lock();
    }
    void lock_shared(SourceLoc /*loc*/ = SourceLoc::current()) DC_ACQUIRE_SHARED() {
      mutex_.lock_shared();
    }
    void unlock_shared(SourceLoc /*loc*/ = SourceLoc::current()) DC_RELEASE_SHARED() {
      mutex_.unlock_shared();
    }
    bool try_lock_shared(SourceLoc /*loc*/ = SourceLoc::current()) DC_TRY_ACQUIRE_SHARED(true) {
      return mutex_.try_lock_shared();
    }

   private:
    std::shared_mutex mutex_;
  };

  template <class T>
  class Atomic {
   public:
    explicit Atomic(T initial = T{}, std::string_view /*name*/ = {}) : value_(initial) {}

    T load(std::memory_order order = std::memory_order_seq_cst,
           SourceLoc /*loc*/ = SourceLoc::current()) const {
      return value_.load(order);
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc /*loc*/ = SourceLoc::current()) {
      value_.store(desired, order);
    }
    T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.exchange(desired, order);
    }
    bool compare_exchange_strong(T& expected, T desired,
                                 std::memory_order order = std::memory_order_seq_cst,
                                 SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.compare_exchange_strong(expected, desired, order);
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                 std::memory_order failure,
                                 SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.compare_exchange_strong(expected, desired, success, failure);
    }
    bool compare_exchange_weak(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.compare_exchange_weak(expected, desired, order);
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.compare_exchange_weak(expected, desired, success, failure);
    }
    T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.fetch_add(delta, order);
    }
    T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.fetch_sub(delta, order);
    }
    T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.fetch_or(bits, order);
    }
    T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.fetch_and(bits, order);
    }
    T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc /*loc*/ = SourceLoc::current()) {
      return value_.fetch_xor(bits, order);
    }
    // C++20: blocks while the value equals `old` (it may also return spuriously, and re-checks).
    void wait(T old, std::memory_order order = std::memory_order_seq_cst,
              SourceLoc /*loc*/ = SourceLoc::current()) const {
      value_.wait(old, order);
    }
    void notify_one(SourceLoc /*loc*/ = SourceLoc::current()) { value_.notify_one(); }
    void notify_all(SourceLoc /*loc*/ = SourceLoc::current()) { value_.notify_all(); }

   private:
    std::atomic<T> value_;
  };

  // Plain shared data. Free here; race-checked in the model. `add` is the plain `x += d`: a read
  // then a write, not atomic (the lost-update shape of RC-002).
  template <class T>
  class Shared {
   public:
    explicit Shared(T initial = T{}, std::string_view /*name*/ = {},
                    SourceLoc /*loc*/ = SourceLoc::current())
        : value_(std::move(initial)) {}

    const T& load(SourceLoc /*loc*/ = SourceLoc::current()) const { return value_; }
    void store(T value, SourceLoc /*loc*/ = SourceLoc::current()) { value_ = std::move(value); }
    void add(const T& delta, SourceLoc /*loc*/ = SourceLoc::current()) { value_ += delta; }

   private:
    T value_;
  };

  static void fence(std::memory_order order, SourceLoc /*loc*/ = SourceLoc::current()) {
    std::atomic_thread_fence(order);
  }

  using OnceFlag = std::once_flag;

  // std::condition_variable_any over Mutex (which is BasicLockable): wait() releases it while
  // waiting and holds it again when it returns.
  class ConditionVariable {
   public:
    explicit ConditionVariable(std::string_view /*name*/ = {}) {}
    ConditionVariable(const ConditionVariable&) = delete;
    ConditionVariable& operator=(const ConditionVariable&) = delete;
    ~ConditionVariable() = default;

    void wait(Mutex& mutex, SourceLoc /*loc*/ = SourceLoc::current()) DC_REQUIRES(mutex) {
      cv_.wait(mutex);
    }
    template <class Predicate>
    void wait(Mutex& mutex, Predicate ready, SourceLoc /*loc*/ = SourceLoc::current())
        DC_REQUIRES(mutex) {
      cv_.wait(mutex, std::move(ready));
    }
    void notify_one(SourceLoc /*loc*/ = SourceLoc::current()) noexcept { cv_.notify_one(); }
    void notify_all(SourceLoc /*loc*/ = SourceLoc::current()) noexcept { cv_.notify_all(); }

   private:
    std::condition_variable_any cv_;
  };

  template <class F>
  static void call_once(OnceFlag& flag, F&& f, SourceLoc /*loc*/ = SourceLoc::current()) {
    std::call_once(flag, std::forward<F>(f));
  }
};

}  // namespace doublecheck
