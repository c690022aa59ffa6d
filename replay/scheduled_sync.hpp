// ScheduledSync: the seam's third policy (next to StdSync, seam/std_sync.hpp, and ModelSync,
// model/engine/model_sync.hpp). The production code runs on real std::threads with the real
// mutexes and atomics of StdSync, but each visible operation — the same ones the explorer makes a
// step of: locks, atomics, fences, call_once, yield, notifies — first waits at the active replay
// gate (gate.hpp) until the schedule says it is this thread's turn. Under ThreadSanitizer the gate
// is invisible, so TSan judges exactly the interleaving the explorer chose: a model
// counterexample replayed this way is reported by TSan as the same race, at the same lines.
//
// Beyond the seam's shape (std_sync.hpp) a runtime of model bodies has
//   Sync::Thread                  a thread: constructed with a callable, join()
//   Sync::check(cond, message)    a model's assertion
// so one model body, a template over its policy, runs under the explorer (ModelSync) and on real
// threads (ScheduledSync) alike. With no active gate everything behaves like StdSync.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "replay/gate.hpp"
#include "seam/source_loc.hpp"
#include "seam/std_sync.hpp"
#include "seam/symmetric_body.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

struct ScheduledSync {
 private:
  // The calling thread's next visible operation, `kind` (the explorer's verb) at `loc`.
  static void step(std::string_view kind, const SourceLoc& loc) {
    if (replay::Gate* gate = replay::Gate::active()) gate->step(kind, loc);
  }
  static void unsupported(std::string_view what, const SourceLoc& loc) {
    if (replay::Gate* gate = replay::Gate::active()) gate->unsupported(what, loc);
  }

 public:
  class ConditionVariable;

  class DC_CAPABILITY("mutex") Mutex {
   public:
    explicit Mutex(std::string_view /*name*/ = {}) {}
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE() {
      step("lock", loc);
      mutex_.lock();
    }
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE() {
      step("unlock", loc);
      mutex_.unlock();
    }
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true) {
      step("try_lock", loc);
      return mutex_.try_lock();
    }

   private:
    friend class ScheduledSync::ConditionVariable;  // waits on the native mutex
    std::mutex mutex_;
  };

  class DC_CAPABILITY("mutex") SharedMutex {
   public:
    explicit SharedMutex(std::string_view name = {}) : mutex_(name) {}
    SharedMutex(const SharedMutex&) = delete;
    SharedMutex& operator=(const SharedMutex&) = delete;

    void lock(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE() {
      step("lock", loc);
      mutex_.lock();
    }
    void unlock(SourceLoc loc = SourceLoc::current()) DC_RELEASE() {
      step("unlock", loc);
      mutex_.unlock();
    }
    bool try_lock(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE(true) {
      step("try_lock", loc);
      return mutex_.try_lock();
    }
    void lock_shared(SourceLoc loc = SourceLoc::current()) DC_ACQUIRE_SHARED() {
      step("lock_shared", loc);
      mutex_.lock_shared();
    }
    void unlock_shared(SourceLoc loc = SourceLoc::current()) DC_RELEASE_SHARED() {
      step("unlock_shared", loc);
      mutex_.unlock_shared();
    }
    bool try_lock_shared(SourceLoc loc = SourceLoc::current()) DC_TRY_ACQUIRE_SHARED(true) {
      step("try_lock_shared", loc);
      return mutex_.try_lock_shared();
    }

   private:
    StdSync::SharedMutex mutex_;
  };

  template <class T>
  class Atomic {
   public:
    explicit Atomic(T initial = T{}, std::string_view /*name*/ = {}) : value_(initial) {}

    T load(std::memory_order order = std::memory_order_seq_cst,
           SourceLoc loc = SourceLoc::current()) const {
      step("load", loc);
      return value_.load(order);
    }
    void store(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      step("store", loc);
      value_.store(desired, order);
    }
    T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.exchange(desired, order);
    }
    bool compare_exchange_strong(T& expected, T desired,
                                 std::memory_order order = std::memory_order_seq_cst,
                                 SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.compare_exchange_strong(expected, desired, order);
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                                 std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.compare_exchange_strong(expected, desired, success, failure);
    }
    // Strong on real threads too: a spurious failure is a value choice of the explorer, which a
    // replay cannot make the hardware repeat.
    bool compare_exchange_weak(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.compare_exchange_strong(expected, desired, order);
    }
    bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                               std::memory_order failure, SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.compare_exchange_strong(expected, desired, success, failure);
    }
    T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.fetch_add(delta, order);
    }
    T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.fetch_sub(delta, order);
    }
    T fetch_or(T bits, std::memory_order order = std::memory_order_seq_cst,
               SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.fetch_or(bits, order);
    }
    T fetch_and(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.fetch_and(bits, order);
    }
    T fetch_xor(T bits, std::memory_order order = std::memory_order_seq_cst,
                SourceLoc loc = SourceLoc::current()) {
      step("rmw", loc);
      return value_.fetch_xor(bits, order);
    }
    // The explorer splits a wait into loads and a sleep that only its scheduler can end; a replay
    // leaves its schedule here, saying so, and waits for real.
    void wait(T old, std::memory_order order = std::memory_order_seq_cst,
              SourceLoc loc = SourceLoc::current()) const {
      unsupported("an atomic wait()", loc);
      value_.wait(old, order);
    }
    void notify_one(SourceLoc loc = SourceLoc::current()) {
      step("notify", loc);
      value_.notify_one();
    }
    void notify_all(SourceLoc loc = SourceLoc::current()) {
      step("notify", loc);
      value_.notify_all();
    }

   private:
    std::atomic<T> value_;
  };

  // Plain shared data: what TSan checks. Its accesses are steps only in a schedule of the
  // explorer's symptom mode, where they were decision points too.
  //
  // Each access is made here, at the line the explorer names, so that TSan's report names it too:
  // a load copies the value before it returns the reference (else the caller's first use
  // of it would be the read TSan sees, lines away), and every write starts a new epoch of the
  // thread's TSan clock (a release store to a thread-local atomic nothing ever acquires: no
  // happens-before for anyone), so that TSan keeps each access's own stack rather than the first
  // of a run of accesses with no synchronisation between them (the allocation of the object,
  // say, which TSan records as a write of all of it).
  template <class T>
  class Shared {
   public:
    // Construction writes the value (a step in symptom mode, as in the explorer).
    explicit Shared(T initial = T{}, std::string_view /*name*/ = {},
                    SourceLoc loc = SourceLoc::current())
        : value_((before_access("write", loc), std::move(initial))) {}

    const T& load(SourceLoc loc = SourceLoc::current()) const {
      before_access("read", loc);
      read_here(value_);
      return value_;
    }
    void store(T value, SourceLoc loc = SourceLoc::current()) {
      before_access("write", loc);
      value_ = std::move(value);
    }
    // `x += d`: a read, then a write (two steps in symptom mode, as in the explorer).
    void add(const T& delta, SourceLoc loc = SourceLoc::current()) {
      before_access("read", loc);
      T sum = value_ + delta;
      before_access("write", loc);
      value_ = std::move(sum);
    }

   private:
    static void before_access(std::string_view kind, const SourceLoc& loc) {
      replay::Gate* gate = replay::Gate::active();
      if (gate != nullptr && gate->symptom()) gate->step(kind, loc);
      if (kind == "write") {
        thread_local std::atomic<unsigned char> epoch{0};
        epoch.store(0, std::memory_order_release);
      }
    }
    // A copy, made and dropped: the read of the whole value, here. (Not byte-wise through a
    // volatile pointer: TSan then loses the reader's access against a later write, measured.)
    // Replays are built at -O0 (model/CMakeLists.txt), so the copy is not optimised away.
    static void read_here(const T& value) {
      if constexpr (std::is_copy_constructible_v<T>) {
        // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the read is the point
        [[maybe_unused]] const T copy = value;
      }
    }

    T value_;
  };

  static void fence(std::memory_order order, SourceLoc loc = SourceLoc::current()) {
    step("fence", loc);
    std::atomic_thread_fence(order);
  }

  static void yield(SourceLoc loc = SourceLoc::current()) {
    step("yield", loc);
    std::this_thread::yield();
  }

  using OnceFlag = std::once_flag;

  // Two steps, as in the explorer: the call, and (for the caller that runs it) the initialiser's
  // end, before the flag is marked done.
  template <class F>
  static void call_once(OnceFlag& flag, F&& f, SourceLoc loc = SourceLoc::current()) {
    step("call_once", loc);
    std::call_once(flag, [&] {
      std::forward<F>(f)();
      step("call_once", loc);
    });
  }

  class ConditionVariable {
   public:
    explicit ConditionVariable(std::string_view /*name*/ = {}) {}
    ConditionVariable(const ConditionVariable&) = delete;
    ConditionVariable& operator=(const ConditionVariable&) = delete;
    ~ConditionVariable() = default;

    // The explorer's wait is four steps, one of them a wake-up only it can choose: a replay
    // leaves its schedule here, saying so, and waits for real.
    void wait(Mutex& mutex, SourceLoc loc = SourceLoc::current()) DC_REQUIRES(mutex) {
      unsupported("a condition variable's wait()", loc);
      cv_.wait(mutex.mutex_);
    }
    template <class Predicate>
    void wait(Mutex& mutex, Predicate ready, SourceLoc loc = SourceLoc::current())
        DC_REQUIRES(mutex) {
      unsupported("a condition variable's wait()", loc);
      cv_.wait(mutex.mutex_, std::move(ready));
    }
    void notify_one(SourceLoc loc = SourceLoc::current()) {
      step("notify", loc);
      cv_.notify_one();
    }
    void notify_all(SourceLoc loc = SourceLoc::current()) {
      step("notify", loc);
      cv_.notify_all();
    }

   private:
    std::condition_variable_any cv_;
  };

  // A model thread on a real std::thread: it gets the schedule's next thread id, and runs to its
  // first visible operation before the constructor returns (gate.hpp).
  class Thread {
   public:
    template <class F, class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, Thread>>>
    explicit Thread(F&& body, SourceLoc /*loc*/ = SourceLoc::current())
        : gate_(replay::Gate::active()), id_(gate_ != nullptr ? gate_->spawn() : 0) {
      thread_ = std::thread(
          [gate = gate_, id = id_, run = std::function<void()>(std::forward<F>(body))]() mutable {
            if (gate == nullptr) {
              run();
              return;
            }
            replay::Gate::enter(id);
            try {
              run();
            } catch (...) {
              gate->leave();
              throw;  // an exception escaping a thread ends the program, as on any std::thread
            }
            gate->leave();
            gate->linger();
          });
      if (gate_ != nullptr) gate_->await_parked(id_);
    }
    Thread(Thread&&) noexcept = default;
    Thread& operator=(Thread&&) = delete;
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;
    ~Thread() {
      if (thread_.joinable()) join();
    }

    void join(SourceLoc /*loc*/ = SourceLoc::current()) {
      if (gate_ != nullptr) gate_->before_join(id_);
      thread_.join();
    }

   private:
    replay::Gate* gate_;
    std::uint32_t id_;
    std::thread thread_;
  };

  // Symmetric threads (ModelSync::symmetric_threads): here just threads, spawned in order.
  template <class F>
  static std::vector<Thread> symmetric_threads(std::size_t count, const F& body,
                                               SourceLoc loc = SourceLoc::current()) {
    std::vector<Thread> threads;
    threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) threads.emplace_back(symmetric_body(body, i), loc);
    return threads;
  }

  // A model's assertion on real threads: recorded by the replay (which reports it), or, outside
  // one, printed before the program stops.
  static void check(bool condition, std::string_view message,
                    SourceLoc loc = SourceLoc::current()) {
    if (condition) return;
    if (replay::Gate* gate = replay::Gate::active()) {
      gate->check_failed(message, loc);
      return;
    }
    std::fprintf(stderr, "%s:%u: check failed: %.*s\n", loc.file, static_cast<unsigned>(loc.line),
                 static_cast<int>(message.size()), message.data());
    std::abort();
  }
};

}  // namespace doublecheck
