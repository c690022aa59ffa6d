// Model threads run as fibers: one OS thread, one model thread at a time, a switch only where the
// explorer decides. Boost.Context's fcontext switch saves a handful of registers (tens of
// nanoseconds); ucontext's swapcontext also saves the signal mask with a system call on every
// switch, which would dominate the cost of a step (see scripts/bench, fiber switch row).
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace doublecheck::model {

// Stacks are reused across executions: an explorer runs millions of short executions, and an
// mmap/munmap pair per model thread would cost more than the execution itself. A stack is
// reserved, not committed (MAP_NORESERVE): the kernel backs only the pages a thread touches, so a
// large default costs address space, not memory. Guard pages below each stack turn an overflow
// into a fault at a known address (crash.hpp reports it as a stack overflow); the build's
// -fstack-clash-protection makes a frame larger than the guard probe its pages in order instead of
// jumping over it into the memory below.
class StackPool {
 public:
  static constexpr std::size_t kDefaultStackSize = std::size_t{1} << 20;  // 1 MiB
  // The range ExploreOptions::stack_size and --stack-size accept.
  static constexpr std::size_t kMinStackSize = std::size_t{64} << 10;  // 64 KiB
  static constexpr std::size_t kMaxStackSize = std::size_t{1} << 30;   // 1 GiB
  static constexpr std::size_t kGuardSize = std::size_t{16} << 10;     // 4 pages of 4 KiB

  // Stacks of `stack_size` bytes (rounded up to whole pages), each with its guard below.
  explicit StackPool(std::size_t stack_size = kDefaultStackSize);
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool();

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& stack) noexcept;

  // The usable size of each stack (without its guard).
  [[nodiscard]] std::size_t stack_size() const { return stack_size_; }
  // Whether `address` is in the guard pages of `stack` (one of this pool's): a fault there is an
  // overflow of that stack. Async-signal-safe.
  [[nodiscard]] bool in_guard(const boost::context::stack_context& stack,
                              std::uintptr_t address) const noexcept;

 private:
  std::size_t stack_size_;                           // whole pages
  std::size_t guard_size_;                           // whole pages
  std::vector<boost::context::stack_context> free_;  // stacks ready for reuse
};

// The allocator interface Boost.Context expects, drawing from a pool the explorer owns. When given
// a slot, it also writes there the stack it handed out, so the execution knows which stack is
// whose (a crash report tells a stack overflow by it).
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool, boost::context::stack_context* slot = nullptr)
      : pool_(&pool), slot_(slot) {}
  boost::context::stack_context allocate() {
    const boost::context::stack_context stack = pool_->allocate();
    if (slot_ != nullptr) *slot_ = stack;
    return stack;
  }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->deallocate(stack); }

 private:
  StackPool* pool_;                      // not owned; outlives every fiber
  boost::context::stack_context* slot_;  // not owned; may be null
};

using Fiber = boost::context::fiber;

// Keeps `fiber`, suspended, for the rest of the process: never resumed and never destroyed.
// Destroying a suspended Boost fiber unwinds its stack by force (Boost.Context resumes it to throw
// forced_unwind through it), which must not happen to a thread that crashed: the exception would
// unwind through the signal handler's frame and the code that faulted. Thread-safe.
void bury_forever(Fiber fiber);

}  // namespace doublecheck::model
