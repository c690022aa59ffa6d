// Model threads run as fibers: one OS thread, one model thread at a time, a switch only where the
// explorer decides. Boost.Context's fcontext switch saves a handful of registers (tens of
// nanoseconds); ucontext's swapcontext also saves the signal mask with a system call on every
// switch, which would dominate the cost of a step (see scripts/bench, fiber switch row).
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace doublecheck::model {

// Stacks are reused across executions: an explorer runs millions of short executions, and an
// mmap/munmap pair per model thread would cost more than the execution itself. Each stack has a
// guard page, so an overflow is a clean SIGSEGV, not silent corruption.
class StackPool {
 public:
  static constexpr std::size_t kStackSize = std::size_t{256} * 1024;

  StackPool() = default;
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool();

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

 private:
  std::vector<boost::context::stack_context> free_;  // stacks ready for reuse
};

// The allocator interface Boost.Context expects, drawing from a pool the explorer owns.
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->allocate(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->deallocate(stack); }

 private:
  StackPool* pool_;  // not owned; outlives every fiber
};

using Fiber = boost::context::fiber;

}  // namespace doublecheck::model
