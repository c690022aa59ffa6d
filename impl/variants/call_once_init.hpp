// Lazy init with call_once: the library does the double-checked locking. Completion of the call
// happens-before every return from call_once, so init() needs nothing else; get(), which must not
// run the initialiser, reads a pointer published with release/acquire.
#pragma once

#include <atomic>

#include "impl/emitter_store.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class CallOnceInit {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    Sync::call_once(once_,
                    [&] { instance_.store(store.adopt(make()), std::memory_order_release); });
    return *instance_.load(std::memory_order_relaxed);  // ordered by call_once
  }

  Emitter* get() { return instance_.load(std::memory_order_acquire); }

 private:
  typename Sync::OnceFlag once_;
  typename Sync::template Atomic<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
