// The body of one of a set of symmetric threads (a runtime's symmetric_threads(): the model's
// explores them up to renaming, model/engine/symmetry.hpp; the others just spawn them). Shared by
// every runtime so that a body means the same on each.
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>

namespace doublecheck {

// Thread `index`'s body: `body(index)` when it takes the index (which may only say where the
// thread leaves what it saw, never change what it does), else `body()`.
template <class F>
std::function<void()> symmetric_body(const F& body, std::size_t index) {
  if constexpr (std::invocable<const F&, std::size_t>) {
    return [body, index] { body(index); };
  } else {
    static_assert(std::invocable<const F&>,
                  "a symmetric thread's body is called with its index (std::size_t) or nothing");
    return [body] { body(); };
  }
}

}  // namespace doublecheck
