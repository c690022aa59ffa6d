// The litmus programs of the C++ memory model, as model bodies: litmus_test.cpp asserts their
// outcomes and execution counts against GenMC's, and bench/model_bench.cpp times their searches
// (one text for both, so the benchmark measures exactly what the tests check).
//
// A litmus program returns its outcome (registers and final values) of one execution; it is run
// inside an exploration (Explorer::run), like any model body.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/engine/model_sync.hpp"

namespace doublecheck::model::litmus {

using Outcome = std::vector<int>;
using Order = std::memory_order;
inline constexpr Order kRlx = std::memory_order_relaxed;
inline constexpr Order kAcq = std::memory_order_acquire;
inline constexpr Order kRel = std::memory_order_release;
inline constexpr Order kAcqRel = std::memory_order_acq_rel;
inline constexpr Order kSc = std::memory_order_seq_cst;

// Store buffering: x=1; r1=y || y=1; r2=x (with a fence between each store and load).
inline std::function<Outcome()> sb(Order store, Order load,
                                   std::optional<Order> fence = std::nullopt) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    int r2 = -1;
    thread a([&] {
      x.store(1, store);
      if (fence) ModelSync::fence(*fence);
      r1 = y.load(load);
    });
    thread b([&] {
      y.store(1, store);
      if (fence) ModelSync::fence(*fence);
      r2 = x.load(load);
    });
    a.join();
    b.join();
    return Outcome{r1, r2};
  };
}

// Message passing: x=1; y=1 || r1=y; r2=x (the data x always relaxed).
inline std::function<Outcome()> mp(Order store_y, Order load_y, std::optional<Order> writer_fence,
                                   std::optional<Order> reader_fence) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    int r2 = -1;
    thread a([&] {
      x.store(1, kRlx);
      if (writer_fence) ModelSync::fence(*writer_fence);
      y.store(1, store_y);
    });
    thread b([&] {
      r1 = y.load(load_y);
      if (reader_fence) ModelSync::fence(*reader_fence);
      r2 = x.load(kRlx);
    });
    a.join();
    b.join();
    return Outcome{r1, r2};
  };
}

// Load buffering: r1=y; x=1 || r2=x; y=1.
inline std::function<Outcome()> lb(Order order) {
  return [order] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    int r2 = -1;
    thread a([&] {
      r1 = y.load(order);
      x.store(1, order);
    });
    thread b([&] {
      r2 = x.load(order);
      y.store(1, order);
    });
    a.join();
    b.join();
    return Outcome{r1, r2};
  };
}

// Independent reads of independent writes: x=1 || r1=x; r2=y || r3=y; r4=x || y=1.
inline std::function<Outcome()> iriw(Order store, Order load) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    Outcome r(4, -1);
    thread wx([&] { x.store(1, store); });
    thread ra([&] {
      r[0] = x.load(load);
      r[1] = y.load(load);
    });
    thread rb([&] {
      r[2] = y.load(load);
      r[3] = x.load(load);
    });
    thread wy([&] { y.store(1, store); });
    wx.join();
    ra.join();
    rb.join();
    wy.join();
    return r;
  };
}

// Coherence of read-read: x=1 || r1=x; r2=x.
inline std::function<Outcome()> corr(Order order) {
  return [order] {
    ModelSync::Atomic<int> x(0, "x");
    int r1 = -1;
    int r2 = -1;
    thread a([&] { x.store(1, kRlx); });
    thread b([&] {
      r1 = x.load(order);
      r2 = x.load(order);
    });
    a.join();
    b.join();
    return Outcome{r1, r2};
  };
}

// Coherence of write-read: x=1; r1=x || x=2 (r1, final x).
inline std::function<Outcome()> cowr() {
  return [] {
    ModelSync::Atomic<int> x(0, "x");
    int r1 = -1;
    thread a([&] {
      x.store(1, kRlx);
      r1 = x.load(kRlx);
    });
    thread b([&] { x.store(2, kRlx); });
    a.join();
    b.join();
    return Outcome{r1, x.load(kRlx)};
  };
}

// 2+2W: x=1; y=2 || y=1; x=2 (final x, y).
inline std::function<Outcome()> two_plus_two_w(Order order) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    thread a([&] {
      x.store(1, order);
      y.store(2, order);
    });
    thread b([&] {
      y.store(1, order);
      x.store(2, order);
    });
    a.join();
    b.join();
    return Outcome{x.load(kRlx), y.load(kRlx)};
  };
}

// R: x=1; y=1 || y=2; r1=x (final y, r1).
inline std::function<Outcome()> r_test(Order order) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    thread a([&] {
      x.store(1, order);
      y.store(1, order);
    });
    thread b([&] {
      y.store(2, order);
      r1 = x.load(order);
    });
    a.join();
    b.join();
    return Outcome{y.load(kRlx), r1};
  };
}

// S: x=2; y=1 || r1=y; x=1 (r1, final x).
inline std::function<Outcome()> s_test(Order store_y, Order load_y) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    int r1 = -1;
    thread a([&] {
      x.store(2, kRlx);
      y.store(1, store_y);
    });
    thread b([&] {
      r1 = y.load(load_y);
      x.store(1, kRlx);
    });
    a.join();
    b.join();
    return Outcome{r1, x.load(kRlx)};
  };
}

// WRC: x=1 || r1=x; y=1 || r2=y; r3=x.
inline std::function<Outcome()> wrc(Order store, Order load) {
  return [=] {
    ModelSync::Atomic<int> x(0, "x");
    ModelSync::Atomic<int> y(0, "y");
    Outcome r(3, -1);
    thread a([&] { x.store(1, store); });
    thread b([&] {
      r[0] = x.load(load);
      y.store(1, store);
    });
    thread c([&] {
      r[1] = y.load(load);
      r[2] = x.load(kRlx);
    });
    a.join();
    b.join();
    c.join();
    return r;
  };
}

// Two relaxed fetch_adds (final x, what each returned).
inline std::function<Outcome()> two_fetch_adds() {
  return [] {
    ModelSync::Atomic<int> x(0, "x");
    int a_saw = -1;
    int b_saw = -1;
    thread a([&] { a_saw = x.fetch_add(1, kRlx); });
    thread b([&] { b_saw = x.fetch_add(1, kRlx); });
    a.join();
    b.join();
    return Outcome{x.load(kRlx), a_saw, b_saw};
  };
}

// One compare-exchange of 0 for 1 (whether it succeeded, final x).
inline std::function<Outcome()> compare_exchange(bool weak) {
  return [weak] {
    ModelSync::Atomic<int> x(0, "x");
    int expected = 0;
    const bool ok = weak ? x.compare_exchange_weak(expected, 1, kRlx)
                         : x.compare_exchange_strong(expected, 1, kRlx);
    return Outcome{ok ? 1 : 0, x.load(kRlx)};
  };
}

// fetch_or, fetch_and and fetch_xor on one location, each in its thread (final x).
inline std::function<Outcome()> fetch_or_and_xor() {
  return [] {
    ModelSync::Atomic<unsigned> x(0b0011U, "x");
    thread a([&] { x.fetch_or(0b0100U, kRlx); });
    thread b([&] { x.fetch_and(0b0110U, kRlx); });
    thread c([&] { x.fetch_xor(0b1000U, kRlx); });
    a.join();
    b.join();
    c.join();
    return Outcome{static_cast<int>(x.load(kRlx))};
  };
}

// Peterson's lock around a plain counter. Each thread raises its flag, gives the turn away and
// waits (assume: the wait's last check) until the other's flag is down or the turn is its own; it
// lowers its flag with `exit` (default: `store`). `fence`: a seq_cst fence after giving the turn;
// `turn_by_exchange`: the turn given by an acq_rel exchange instead of a store.
inline std::function<void()> peterson(Order store, Order load, bool fence,
                                      std::optional<Order> exit = std::nullopt,
                                      bool turn_by_exchange = false) {
  return [=] {
    ModelSync::Atomic<int> flag0(0, "flag0");
    ModelSync::Atomic<int> flag1(0, "flag1");
    ModelSync::Atomic<int> turn(0, "turn");
    ModelSync::Shared<int> counter(0, "counter");
    auto enter = [&](int me, ModelSync::Atomic<int>& mine, ModelSync::Atomic<int>& other) {
      mine.store(1, store);
      if (turn_by_exchange) {
        turn.exchange(1 - me, kAcqRel);
      } else {
        turn.store(1 - me, store);
      }
      if (fence) ModelSync::fence(kSc);
      assume(other.load(load) == 0 || turn.load(load) == me);
      counter.add(1);
      mine.store(0, exit.value_or(store));
    };
    thread a([&] { enter(0, flag0, flag1); });
    thread b([&] { enter(1, flag1, flag0); });
    a.join();
    b.join();
    check(counter.load() == 2, "both increments counted");
  };
}

// A named litmus program as a plain model body (its outcome dropped), for the benchmark.
struct Program {
  std::string name;
  std::function<void()> body;
};

inline std::function<void()> dropping_outcome(std::function<Outcome()> test) {
  return [test = std::move(test)] { (void)test(); };
}

// Every program litmus_test.cpp explores, with the orders it uses.
inline std::vector<Program> programs() {
  const auto p = dropping_outcome;
  return {
      {"SB/rlx", p(sb(kRlx, kRlx))},
      {"SB/rel+acq", p(sb(kRel, kAcq))},
      {"SB/sc", p(sb(kSc, kSc))},
      {"SB/rlx+fence(sc)", p(sb(kRlx, kRlx, kSc))},
      {"SB/rlx+fence(acq_rel)", p(sb(kRlx, kRlx, kAcqRel))},
      {"MP/rlx", p(mp(kRlx, kRlx, {}, {}))},
      {"MP/rel+acq", p(mp(kRel, kAcq, {}, {}))},
      {"MP/sc", p(mp(kSc, kSc, {}, {}))},
      {"MP/rlx+fences(rel,acq)", p(mp(kRlx, kRlx, kRel, kAcq))},
      {"MP/rlx+fence(rel)", p(mp(kRlx, kRlx, kRel, {}))},
      {"LB/rlx", p(lb(kRlx))},
      {"LB/sc", p(lb(kSc))},
      {"IRIW/rlx", p(iriw(kRlx, kRlx))},
      {"IRIW/rel+acq", p(iriw(kRel, kAcq))},
      {"IRIW/sc", p(iriw(kSc, kSc))},
      {"CoRR/rlx", p(corr(kRlx))},
      {"CoRR/acq", p(corr(kAcq))},
      {"CoWR/rlx", p(cowr())},
      {"2+2W/rlx", p(two_plus_two_w(kRlx))},
      {"2+2W/rel", p(two_plus_two_w(kRel))},
      {"2+2W/sc", p(two_plus_two_w(kSc))},
      {"R/rlx", p(r_test(kRlx))},
      {"R/sc", p(r_test(kSc))},
      {"S/rlx", p(s_test(kRlx, kRlx))},
      {"S/rel+acq", p(s_test(kRel, kAcq))},
      {"WRC/rlx", p(wrc(kRlx, kRlx))},
      {"WRC/rel+acq", p(wrc(kRel, kAcq))},
      {"fetch_add x2", p(two_fetch_adds())},
      {"cas/weak", p(compare_exchange(true))},
      {"cas/strong", p(compare_exchange(false))},
      {"fetch_or/and/xor", p(fetch_or_and_xor())},
      {"Peterson/sc", peterson(kSc, kSc, false)},
      {"Peterson/rel+acq", peterson(kRel, kAcq, false)},
      {"Peterson/fence+exchange", peterson(kRlx, kAcq, true, kRel, true)},
      {"Peterson/fence", peterson(kRlx, kAcq, true, kRel)},
      {"Peterson/fence+rlx-exit", peterson(kRlx, kAcq, true, kRlx)},
      {"Peterson/no-fence", peterson(kRlx, kAcq, false, kRel)},
      {"Peterson/rlx", peterson(kRlx, kRlx, false)},
  };
}

}  // namespace doublecheck::model::litmus
