// Pre-fix RC-002: emit_tool_call updates the five counters with no lock (lost updates). The
// snapshot still takes the lock, so this variant isolates the update site.
#pragma once

#include "seam/scoped_lock.hpp"

namespace doublecheck::variants {

struct PreFixRC002 {
  template <class Mutex>
  using UpdateGuard = NoLock<Mutex>;  // the removed fix: counters updated unlocked
  template <class Mutex>
  using ReadGuard = ScopedLock<Mutex>;
};

}  // namespace doublecheck::variants
