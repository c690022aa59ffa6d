#include "model/engine/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <mutex>
#include <new>
#include <utility>

namespace doublecheck::model {
namespace {

std::size_t page_size() {
  const long page = ::sysconf(_SC_PAGESIZE);
  return page > 0 ? static_cast<std::size_t>(page) : std::size_t{4096};
}

std::size_t round_up(std::size_t size, std::size_t unit) { return (size + unit - 1) / unit * unit; }

// A T built on first use and never destroyed: the graveyard must outlive everything, static
// destructors at exit included.
template <typename T>
class NoDestructor {
 public:
  NoDestructor() { ::new (static_cast<void*>(storage_)) T(); }
  NoDestructor(const NoDestructor&) = delete;
  NoDestructor& operator=(const NoDestructor&) = delete;
  ~NoDestructor() = default;  // deliberately leaves the T alone
  T& get() { return *std::launder(reinterpret_cast<T*>(storage_)); }

 private:
  alignas(T) std::byte storage_[sizeof(T)]{};
};

struct Graveyard {
  std::mutex mutex;
  std::vector<Fiber> fibers;  // guarded by mutex; moving a fiber only moves its handle
};

Graveyard& graveyard() {
  static NoDestructor<Graveyard> graveyard;
  return graveyard.get();
}

}  // namespace

StackPool::StackPool(std::size_t stack_size)
    : stack_size_(round_up(stack_size, page_size())),
      guard_size_(round_up(kGuardSize, page_size())) {}

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
  const std::size_t guard = guard_size_;
  const std::size_t mapped = guard + stack_size_;
  // MAP_NORESERVE: no swap is reserved for the whole stack up front; pages are committed as the
  // thread touches them. MAP_STACK: a hint that keeps transparent huge pages off it.
  void* base = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  if (::mprotect(base, guard, PROT_NONE) != 0) {  // the guard, below the stack (stacks grow down)
    ::munmap(base, mapped);
    throw std::bad_alloc();
  }
  boost::context::stack_context stack;
  stack.size = mapped;  // as Boost's protected_fixedsize_stack: the guard included
  stack.sp = static_cast<char*>(base) + mapped;
  return stack;
}

void bury_forever(Fiber fiber) {
  Graveyard& yard = graveyard();
  const std::lock_guard lock(yard.mutex);
  yard.fibers.push_back(std::move(fiber));
}

void StackPool::deallocate(boost::context::stack_context& stack) noexcept {
  free_.push_back(stack);
}

bool StackPool::in_guard(const boost::context::stack_context& stack,
                         std::uintptr_t address) const noexcept {
  if (stack.sp == nullptr) return false;
  const auto top = reinterpret_cast<std::uintptr_t>(stack.sp);
  const std::uintptr_t base = top - stack.size;
  return address >= base && address < base + guard_size_;
}

}  // namespace doublecheck::model
