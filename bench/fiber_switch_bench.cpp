// Why the explorer's model threads are Boost.Context fibers: a round trip (switch to a fiber and
// back) with Boost.Context's fcontext against ucontext's swapcontext, which also saves and restores
// the signal mask with a system call on every switch. The explorer switches up to twice per step.
//
//   build/default/bench/fiber_switch_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <ucontext.h>

#include <boost/context/fiber.hpp>
#include <cstddef>
#include <vector>

namespace {

void BM_BoostContextRoundTrip(benchmark::State& state) {
  namespace ctx = boost::context;
  bool done = false;
  ctx::fiber f{[&done](ctx::fiber&& back) {
    while (!done) back = std::move(back).resume();
    return std::move(back);
  }};
  for (auto _ : state) f = std::move(f).resume();
  done = true;
  f = std::move(f).resume();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BoostContextRoundTrip);

// swapcontext's C interface: makecontext's entry point takes no argument, so the two contexts and
// the stop flag it reads are globals.
ucontext_t g_main;    // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): see above
ucontext_t g_fiber;   // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): see above
bool g_done = false;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): see above

void fiber_body() {
  while (!g_done) swapcontext(&g_fiber, &g_main);
}

void BM_UcontextRoundTrip(benchmark::State& state) {
  std::vector<char> stack(std::size_t{256} * 1024);
  getcontext(&g_fiber);
  g_fiber.uc_stack.ss_sp = stack.data();
  g_fiber.uc_stack.ss_size = stack.size();
  g_fiber.uc_link = &g_main;
  makecontext(&g_fiber, fiber_body, 0);
  g_done = false;
  for (auto _ : state) swapcontext(&g_main, &g_fiber);
  g_done = true;
  swapcontext(&g_main, &g_fiber);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UcontextRoundTrip);

}  // namespace

BENCHMARK_MAIN();
