#include "model/engine/fiber.hpp"

#include <sys/mman.h>

#include <new>

namespace doublecheck::model {

StackPool::~StackPool() {
  for (auto& stack : free_) {
    void* base = static_cast<char*>(stack.sp) - stack.size;
    ::munmap(base, stack.size);
  }
}

boost::context::stack_context StackPool::allocate() {
  if (!free_.empty()) {
    auto stack = free_.back();
    free_.pop_back();
    return stack;
  }
  const std::size_t page = 4096;
  void* base =
      ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  ::mprotect(base, page, PROT_NONE);  // the guard page, below the stack (stacks grow down)
  boost::context::stack_context stack;
  stack.size = kStackSize;
  stack.sp = static_cast<char*>(base) + kStackSize;
  return stack;
}

void StackPool::deallocate(boost::context::stack_context& stack) noexcept {
  free_.push_back(stack);
}

}  // namespace doublecheck::model
