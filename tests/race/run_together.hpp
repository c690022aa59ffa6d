// The race tests' one way to start threads: all of them released together by a std::latch, so
// that their racing parts overlap as much as the machine allows, then joined. Shared by the
// emitter's race suite (race_bodies.hpp) and the tests of the seam's primitives (std_sync_*).
#pragma once

#include <cstddef>
#include <latch>
#include <thread>
#include <vector>

namespace doublecheck::race {

// Runs body(i) for i in [0, n) on n threads that start together, and joins them.
template <class Body>
void run_together(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&start, &body, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace doublecheck::race
