// RelacySync: the seam's policy on the Relacy Race Detector (github.com/dvyukov/relacy), the
// optional second engine (DESIGN.md, "Relacy, a second engine"). Built only when CMake is given a
// Relacy checkout
// (-DDC_RELACY_DIR=...): Relacy is in no package registry, and its code is never part of this
// repository.
//
// It has the seam's shape (seam/std_sync.hpp) and the runtime of model bodies that ScheduledSync
// has (Thread, symmetric_threads, check), so the emitter, the init strategies and the models'
// bodies compile against Relacy unchanged, and Relacy itself explores them:
//   Mutex, SharedMutex        Relacy's generic mutex (exclusive, or reader-writer)
//   Atomic<T>                 rl::atomic<T>, every memory order passed through
//   Shared<T>                 the value, with an rl::var beside it that every access touches, so
//                             Relacy judges each load and store of it as a plain access (its data
//                             race check) while T may be any type (rl::var needs T from 0)
//   fence                     rl::atomic_thread_fence
//   OnceFlag, call_once       std::call_once's contract on Relacy's primitives (below)
//   Thread                    Relacy's dynamic threads (rl_pthread_create / join)
//   check                     Relacy's user assertion (test_result_user_assert_failed)
// Every operation passes its SourceLoc to Relacy as the debug info, so Relacy's reports name the
// emitter's own lines.
//
// Include this header after the standard headers and nlohmann's: <relacy/relacy.hpp> defines
// `assert`, `$` and the pthread names as macros, and replaces the global operator new (every
// allocation during a simulation is Relacy's, for its leak check). The programs that include it
// are built for Relacy alone (relacy_backend/CMakeLists.txt).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "seam/source_loc.hpp"
#include "seam/symmetric_body.hpp"
#include "seam/thread_annotations.hpp"

// clang-format off
#include <relacy/relacy.hpp>
// clang-format on

namespace doublecheck {

struct RelacySync {
  class ConditionVariable;

  // The most threads a model may start (Relacy fixes the count of dynamic threads at compile
  // time: relacy_backend/suite.cpp instantiates its suite for each count up to this one).
  static constexpr std::size_t kMaxThreads = 8;

  // The threads the current execution has started (the suite sets it to 0 before each).
  static std::size_t& threads_started() {
    static std::size_t started = 0;
    return started;
  }

  // A model that uses RelacySync in a way Relacy cannot check: Relacy's INCONSISTENT TEST SUITE,
  // which no expectation of the catalogue matches.
  static void usage_error(const std::string& what, const SourceLoc& loc) {
    rl::ctx().fail_test(what.c_str(), rl::test_result_inconsistent_test_suite, info(loc));
  }

  // Relacy's debug info for an operation at `loc`.
  static rl::debug_info info(const SourceLoc& loc) noexcept { return {"", loc.file, loc.line}; }

  static rl::memory_order order_of(std::memory_order order) noexcept {
    switch (order) {
      case std::memory_order_relaxed:
        return rl::mo_relaxed;
      case std::memory_order_consume:
        return rl::mo_consume;
      case std::memory_order_acquire:
        return rl::mo_acquire;
      case std::memory_order_release:
        return rl::mo_release;
      case std::memory_order_acq_rel:
        return rl::mo_acq_rel;
      case std::memory_order_seq_cst:
        break;
    }
    return rl::mo_seq_cst;
  }

  // A model's assertion: Relacy stops the execution here and reports it, with `message`.
  static void check(bool condition, std::string_view message,
                    SourceLoc loc = SourceLoc::current()) {
    if (condition) return;
    const std::string text(message);
    rl::ctx().fail_test(text.c_str(), rl::test_result_user_assert_failed, info(loc));
  }

  // Relacy's mutexes take the debug info of each call; its std::mutex stand-in records its own
  // header's line instead, so both kinds here are its generic mutex: exclusive only, or
  // reader-writer (`kShared`, SharedMutex below).
  template <bool kShared>
  class DC_CAPABILITY("mutex") GenericMutex {
   public:
    explicit GenericMutex(std::string_view /*name*/ = {}, SourceLoc loc = SourceLoc::current())
        : made_at_(loc) {
      mutex_.init(/*is_rw=*/kShared, /*is_exclusive_recursive=*/false,
                  /*is_shared_recursive=*/false, /*failing_try_lock=*/true, info(loc));
    }
    GenericMutex(const GenericMutex&) = delete;
    GenericMutex& operator=(const GenericMutex&) = delete;
    // Destroyed where its owner is (a destructor takes no location): a report of a mutex destroyed
    // while held names the line that made it, not this header.
    ~GenericMutex() { mutex_.deinit(info(made_at_)); }

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE() {
      mutex_.lock_exclusive(info(loc));
    }
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE() {
      mutex_.unlock_exclusive(info(loc));
    }
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true) {
      return mutex_.try_lock_exclusive(info(loc));
    }

   protected:
    friend class ConditionVariable;
    rl::generic_mutex<GenericMutex> mutex_;

   private:
    SourceLoc made_at_;
  };
  using Mutex = GenericMutex<false>;

  class DC_CAPABILITY("mutex") SharedMutex : public GenericMutex<true> {
   public:
    using GenericMutex<true>::GenericMutex;

    void lock_shared(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE_SHARED() {
      mutex_.lock_shared(info(loc));
    }
    void unlock_shared(SourceLoc loc = SourceLoc::current()) DC_RELEASE_SHARED() {
      mutex_.unlock_shared(info(loc));
    }
    bool try_lock_shared(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE_SHARED(true) {
      return mutex_.try_lock_shared(info(loc));
    }
  };

  template <class T>
  class Atomic {
   public:
    explicit Atomic(T initial = T{}, std::string_view /*name*/ = {},
                    SourceLoc loc = SourceLoc::current()) {
      value_.store(initial, rl::mo_relaxed, info(loc));
    }
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    T load(std::memory_order order = std::memory_order_seq_cst,
           SourceLoc loc = SourceLoc::current()) const {
      return value_.load(order_of(order), info(loc));
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      value_.store(desired, order_of(order), info(loc));
    }
    T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      return value_.exchange(desired, order_of(order), info(loc));
    }
    bool compare_exchange_strong(T& expected, T desired,
                                 std::memory_order order = std::memory_order_seq_cst,
                                 SourceLoc loc = SourceLoc::current()) {
      return value_.compare_exchange_strong(expected, desired, order_of(order), info(loc));
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                 std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      check_pair(success, failure, loc);
      return value_.compare_exchange_strong(expected, desired, order_of(success), order_of(failure),
                                            info(loc));
    }
    bool compare_exchange_weak(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLoc loc = SourceLoc::current()) {
      return value_.compare_exchange_weak(expected, desired, order_of(order), info(loc));
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                               std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      check_pair(success, failure, loc);
      return value_.compare_exchange_weak(expected, desired, order_of(success), order_of(failure),
                                          info(loc));
    }
    T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return value_.fetch_add(delta, order_of(order), info(loc));
    }
    T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return value_.fetch_sub(delta, order_of(order), info(loc));
    }
    T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      return value_.fetch_or(bits, order_of(order), info(loc));
    }
    T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return value_.fetch_and(bits, order_of(order), info(loc));
    }
    T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      return value_.fetch_xor(bits, order_of(order), info(loc));
    }
    // C++20's wait and notify: Relacy's own (the waiter parks; a store without a notify leaves it
    // parked, which Relacy reports as a deadlock: the lost wake-up).
    void wait(T old, std::memory_order order = std::memory_order_seq_cst,
              SourceLoc loc = SourceLoc::current()) const {
      value_.wait(old, order_of(order), info(loc));
    }
    void notify_one(SourceLoc loc = SourceLoc::current()) { value_.notify_one(info(loc)); }
    void notify_all(SourceLoc loc = SourceLoc::current()) { value_.notify_all(info(loc)); }

   private:
    // Relacy takes C++11's pairs of orders only (the failure order no stronger than the success
    // order's load part): C++17's other pairs it would weaken or drop without a word (with its
    // internal checks off), so they are a usage error here, never a silent answer.
    static void check_pair(std::memory_order success, std::memory_order failure,
                           const SourceLoc& loc) {
      const auto load_part = [](std::memory_order o) {
        switch (o) {
          case std::memory_order_relaxed:
          case std::memory_order_release:
            return 0;
          case std::memory_order_consume:
            return 1;
          case std::memory_order_acquire:
          case std::memory_order_acq_rel:
            return 2;
          case std::memory_order_seq_cst:
            break;
        }
        return 3;
      };
      if (load_part(failure) > load_part(success)) {
        usage_error(
            "a compare_exchange whose failure order is stronger than its success "
            "order's load part (C++17 allows it; Relacy models C++11's pairs only): "
            "strengthen the success order in the model",
            loc);
      }
    }

    rl::atomic<T> value_;
  };

  // Plain shared data: the value, and an rl::var touched by every access (construction writes it,
  // so a read of an object not yet published to the reader is a race, as in the explorer). For a
  // number or a pointer the rl::var holds a copy of the value, so Relacy's history shows it. A
  // load returns a reference, as StdSync's does, and Relacy judges the access at the load: a read
  // through the reference kept past a later synchronisation is not seen (TSan would see it).
  template <class T>
  class Shared {
   public:
    explicit Shared(T initial = T{}, std::string_view /*name*/ = {},
                    SourceLoc loc = SourceLoc::current())
        : value_(std::move(initial)) {
      access_(info(loc)).store(shown(value_));
    }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

    const T& load(SourceLoc loc = SourceLoc::current()) const {
      static_cast<void>(access_(info(loc)).load());
      return value_;
    }
    void store(T value, SourceLoc loc = SourceLoc::current()) {
      value_ = std::move(value);
      access_(info(loc)).store(shown(value_));
    }
    // `x += d`: a read, then a write (Relacy may run another thread between them only at a
    // visible operation, of which there is none here: the race check is what sees the overlap).
    void add(const T& delta, SourceLoc loc = SourceLoc::current()) {
      T sum = load(loc) + delta;
      store(std::move(sum), loc);
    }

   private:
    static constexpr bool kShown = std::is_arithmetic_v<T> || std::is_pointer_v<T>;
    using Shown = std::conditional_t<kShown, T, int>;
    static Shown shown(const T& value) {
      if constexpr (kShown) {
        return value;
      } else {
        return 0;
      }
    }

    T value_;
    rl::var<Shown> access_;  // never read back for its value: the access is what counts
  };

  static void fence(std::memory_order order, SourceLoc loc = SourceLoc::current()) {
    rl::atomic_thread_fence(order_of(order), info(loc));
  }

  static void yield(SourceLoc loc = SourceLoc::current()) { rl::yield(1, info(loc)); }

  // std::call_once's contract on Relacy's primitives: the first caller runs the function under the
  // flag's mutex and then marks it done with a release store; every caller that sees it done (an
  // acquire load, first outside the mutex) is ordered after the function's effects. An exception
  // leaves the flag not done, so a later caller runs the function again.
  class OnceFlag {
   public:
    OnceFlag() { done_.store(false, rl::mo_relaxed, info(SourceLoc::current())); }
    OnceFlag(const OnceFlag&) = delete;
    OnceFlag& operator=(const OnceFlag&) = delete;

   private:
    friend struct RelacySync;
    rl::atomic<bool> done_;
    Mutex mutex_;
  };

  template <class F>
  static void call_once(OnceFlag& flag, F&& f, SourceLoc loc = SourceLoc::current()) {
    if (flag.done_.load(rl::mo_acquire, info(loc))) return;
    flag.mutex_.lock(loc);
    struct Unlock {
      Mutex& mutex;
      SourceLoc loc;
      ~Unlock() { mutex.unlock(loc); }
    } unlock{flag.mutex_, loc};
    if (flag.done_.load(rl::mo_relaxed, info(loc))) return;
    std::forward<F>(f)();
    flag.done_.store(true, rl::mo_release, info(loc));
  }

  // Relacy's condition variable over Mutex (wait releases it and takes it again). Relacy wakes a
  // waiter spuriously only under its random scheduler, never in the full or context-bound search
  // dc_relacy runs: a wait not in a loop passes here (the explorer wakes every waiter spuriously).
  class ConditionVariable {
   public:
    explicit ConditionVariable(std::string_view /*name*/ = {}) {}
    ConditionVariable(const ConditionVariable&) = delete;
    ConditionVariable& operator=(const ConditionVariable&) = delete;
    ~ConditionVariable() = default;

    void wait(Mutex& mutex, SourceLoc loc = SourceLoc::current()) DC_REQUIRES(mutex) {
      Relock relock{mutex};
      cv_.wait(relock, info(loc));
    }
    template <class Predicate>
    void wait(Mutex& mutex, Predicate ready, SourceLoc loc = SourceLoc::current())
        DC_REQUIRES(mutex) {
      Relock relock{mutex};
      cv_.wait(relock, std::move(ready), info(loc));
    }
    void notify_one(SourceLoc loc = SourceLoc::current()) { cv_.notify_one(info(loc)); }
    void notify_all(SourceLoc loc = SourceLoc::current()) { cv_.notify_all(info(loc)); }

   private:
    // Mutex as Relacy's condition variable takes a lock: lock and unlock with Relacy's debug info.
    struct Relock {
      Mutex& mutex;
      void lock(rl::debug_info_param at) { mutex.mutex_.lock_exclusive(at); }
      void unlock(rl::debug_info_param at) { mutex.mutex_.unlock_exclusive(at); }
    };
    rl::condition_variable_any cv_;
  };

  // A model thread: one of Relacy's dynamic threads, joined by join() or by the destructor.
  class Thread {
   public:
    template <class F, class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, Thread>>>
    explicit Thread(F&& body, SourceLoc loc = SourceLoc::current())
        : body_(std::make_unique<std::function<void()>>(std::forward<F>(body))) {
      if (threads_started() == kMaxThreads) {
        usage_error("a model that starts more than " + std::to_string(kMaxThreads) +
                        " threads (RelacySync::kMaxThreads)",
                    loc);
      }
      ++threads_started();
      rl::rl_pthread_create(&handle_, nullptr, &run, body_.get(), info(loc));
    }
    Thread(Thread&& other) noexcept
        : body_(std::move(other.body_)), handle_(std::exchange(other.handle_, nullptr)) {}
    Thread& operator=(Thread&&) = delete;
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;
    ~Thread() {
      if (handle_ != nullptr) join();
    }

    void join(SourceLoc loc = SourceLoc::current()) {
      void* result = nullptr;
      rl::rl_pthread_join(std::exchange(handle_, nullptr), &result, info(loc));
    }

   private:
    static void* run(void* body) {
      (*static_cast<std::function<void()>*>(body))();
      return nullptr;
    }

    std::unique_ptr<std::function<void()>> body_;  // outlives the thread: joined before freed
    rl::rl_pthread_t handle_ = nullptr;
  };

  // Symmetric threads (ModelSync::symmetric_threads): Relacy has no symmetry reduction, so here
  // just threads, spawned in order.
  template <class F>
  static std::vector<Thread> symmetric_threads(std::size_t count, const F& body,
                                               SourceLoc loc = SourceLoc::current()) {
    std::vector<Thread> threads;
    threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back(symmetric_body(body, i), loc);
    return threads;
  }
};

}  // namespace doublecheck
