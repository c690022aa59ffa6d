// Fair spinning: which model threads are spinning without effect, so the scheduler stops running
// them until another thread makes progress (the fairness CHESS, loom and Relacy give their
// searches; GenMC's "spin assume" in a dynamic form).
//
// A spin loop — `while (!ready.load()) {}`, Peterson's wait, a test-and-set lock's
// `while (flag.exchange(true)) {}` — repeats steps that change nothing. An exhaustive search that
// lets it spin explores every count of iterations and never ends. So a thread is *stalled* when it
// re-reads an atomic and sees the same store it saw at its previous read of that atomic, with no
// progress by any thread since (progress: a step that changes shared state — a store, a
// read-modify-write that changes the value, a lock, an unlock, a plain write) and no news to the
// thread itself (none of its reads in between saw another store than the one before). The
// iterations a stalled thread would still run are equivalent to none; it becomes runnable again at
// the next progress.
//
// Which loops are spins. A thread cannot be seen to loop: straight-line code that reads an atomic
// twice (a getter called twice) looks like a re-read too, and stalling it would hide the
// interleavings where its next, different steps run first — a search that misses executions. So
// by default a re-read is a spin's only when the thread yielded since its previous read of that
// atomic: `while (!ready.load()) yield();` says it spins (loom's and Relacy's contract: a loop that
// yields has no other effect per iteration). ExploreOptions::unmarked_spins takes every re-read
// for a spin, for spin loops without yield (Peterson as written, a test-and-set lock), at that
// risk.
//
// When every live thread is stalled or blocked, the stalled ones are woken once (wake_all()); when
// they all stall again with no progress between, no thread can make progress: a livelock — unless a
// stalled thread read a store that is not the newest (its next read may see the newer one: such an
// execution is unfair, not a livelock, and is discarded; the fair one reads the newer store and is
// explored as a value choice). The assumption: a loop whose iterations differ only in local
// variables (a bounded retry count) is taken for a spin; the explorer's option fair_spinning
// turns the stalls off.
#pragma once

#include <array>
#include <cstdint>

#include "model/engine/vector_clock.hpp"
#include "model/search/path.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

class SpinWatch {
 public:
  // Where a stalled thread spins: the re-read that stalled it and its previous read (the cycle).
  struct Spin {
    std::uint32_t object = 0;
    SourceLoc loc;
    std::uint32_t first_row = 0;  // trace row of the previous read of the same store
    std::uint32_t row = 0;        // trace row of the re-read
    bool stale = false;           // a read of its cycle saw a store that a newer one hides
  };

  // Thread `t` read atomic `object`'s value slot `read` (its value is slot `now` after the step:
  // another slot for a read-modify-write that wrote the value back). Returns true when this is a
  // spin's re-read: the thread is then stalled.
  bool observe(ThreadId t, std::uint32_t object, std::uint32_t read, std::uint32_t now, bool stale,
               const SourceLoc& loc, std::uint32_t row, bool need_yield) {
    Observation* entry = nullptr;
    for (Observation& seen : seen_[t]) {
      if (seen.object == object) entry = &seen;
    }
    touched_ |= single(t);
    const bool same_store = entry != nullptr && entry->slot == read;
    // A re-read is a spin's only where the thread says it spins (a yield since its previous read),
    // unless told to take every re-read for one (need_yield false).
    const bool again = same_store && entry->progress == progress_ && entry->news == news_[t] &&
                       (!need_yield || entry->yields != yields_[t]);
    if (!same_store) ++news_[t];  // the thread learnt something: its next iteration may differ
    if (entry == nullptr) {
      entry = &seen_[t][next_slot_[t]];
      next_slot_[t] = static_cast<std::uint8_t>((next_slot_[t] + 1) % kRemembered);
    }
    const std::uint32_t first_row = entry->row;
    *entry = Observation{object, now, progress_, news_[t], yields_[t], row, stale};
    if (!again) return false;
    // The spin could still end if any read of its cycle (every read since the last progress) saw
    // a store that a newer one hides.
    bool any_stale = false;
    for (const Observation& seen : seen_[t]) {
      any_stale |= seen.object != 0 && seen.progress == progress_ && seen.stale;
    }
    stalled_ |= single(t);
    spins_[t] = Spin{object, loc, first_row, row, any_stale};
    return true;
  }

  // Thread `t` took a step; `progress` when it changed shared state.
  void stepped(ThreadId t, bool progress) {
    if (!progress) return;
    ++progress_;
    stalled_ &= single(t);
  }
  void yielded(ThreadId t) {
    touched_ |= single(t);
    ++yields_[t];
  }

  // Of the threads `ready` to run, those the scheduler may pick: not stalled.
  [[nodiscard]] ThreadSet runnable(ThreadSet ready) const { return ready & ~stalled_; }
  [[nodiscard]] ThreadSet stalled() const { return stalled_; }
  // Nothing else can run: the stalled threads run again, once per level of progress. A re-read
  // is not always a spin (straight-line code may read a variable twice before it writes): a
  // thread that was not spinning goes on to make progress; one that was stalls again at once.
  // Returns false when each was woken at this level already: then they all spin for good.
  bool wake_all() {
    ThreadSet woken = 0;
    for (ThreadSet s = stalled_; s != 0; s &= s - 1) {
      const ThreadId t = lowest(s);
      // Woken already with nothing new since, to itself or to all: it spins for good.
      if (woken_at_[t] == progress_ && woken_news_[t] == news_[t]) continue;
      woken_at_[t] = progress_;
      woken_news_[t] = news_[t];
      woken |= single(t);
    }
    stalled_ &= ~woken;
    return woken != 0;
  }
  [[nodiscard]] const Spin& spin(ThreadId t) const { return spins_[t]; }

  // As constructed, for the next execution, when the last one had `threads` threads: the lanes of
  // the others are still as constructed (keep in step with the members).
  void reset(std::uint32_t threads) {
    // Only a thread that observed or yielded has state to clear (wake_all() wakes only stalled
    // threads, which observed): most executions' threads never read an atomic twice.
    for (ThreadSet s = touched_ & (single(threads) - 1); s != 0; s &= s - 1) {
      const ThreadId t = lowest(s);
      seen_[t] = {};
      next_slot_[t] = 0;
      spins_[t] = Spin{};
      news_[t] = 0;
      woken_at_[t] = ~std::uint64_t{0};
      woken_news_[t] = 0;
      yields_[t] = 0;
    }
    progress_ = 0;
    stalled_ = 0;
    touched_ = 0;
  }

 private:
  // Per thread, its last read of a few atomics (a spin loop reads one or two).
  static constexpr std::size_t kRemembered = 4;
  struct Observation {
    std::uint32_t object = 0;  // 0: none (object ids start at 1)
    std::uint32_t slot = 0;
    std::uint64_t progress = 0;
    std::uint64_t news = 0;    // the thread's news_ then
    std::uint64_t yields = 0;  // the thread's yields_ then
    std::uint32_t row = 0;
    bool stale = false;
  };

  std::array<std::array<Observation, kRemembered>, kMaxThreads> seen_{};
  std::array<std::uint8_t, kMaxThreads> next_slot_{};
  std::array<Spin, kMaxThreads> spins_{};
  // Per thread, how many of its reads saw another store than its previous read of that atomic.
  std::array<std::uint64_t, kMaxThreads> news_{};
  std::uint64_t progress_ = 0;
  // Per thread, the level of progress at which wake_all() last woke it (none: all ones).
  std::array<std::uint64_t, kMaxThreads> woken_at_ = [] {
    std::array<std::uint64_t, kMaxThreads> none{};
    none.fill(~std::uint64_t{0});
    return none;
  }();
  std::array<std::uint64_t, kMaxThreads> woken_news_{};  // and the thread's news_ then
  ThreadSet stalled_ = 0;
  std::array<std::uint64_t, kMaxThreads> yields_{};  // per thread, its yields so far
  ThreadSet touched_ = 0;  // the threads that observed or yielded since the last reset()
};

}  // namespace doublecheck::model
