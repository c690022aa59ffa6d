// The worked example of README.md, "Auditing your own fix": a class of your own, on the Sync seam.
//
// A configuration cache that loads its value on first use. Its fix is the usual one: the check
// "loaded yet?", the load and the lookup count all run under one mutex. The class is written once
// as a template over a synchronisation policy, exactly like the emitter (DESIGN.md, "The seam"):
//
//   BasicConfigCache<StdSync>                 production: std::mutex and plain fields, no overhead
//   BasicConfigCache<ModelSync>               inside the explorer: every interleaving checked
//   BasicConfigCache<Sync, UnlockedCache>     the negative control: the same code, lock removed
//
// The rules that make the model see everything:
//   - every field that threads share goes through the policy: Sync::Mutex, Sync::Atomic<T>, or
//     Sync::Shared<T> for plain data (a Shared<T> that is not on the policy is invisible to the
//     model); give each a name, it is what the reports show ("cache.loaded");
//   - the fix is a policy parameter (here `Locking`), so the negative control is this very
//     source with the fix taken out, not a copy that could drift;
//   - DC_GUARDED_BY lets Clang's -Wthread-safety check the locking too (tsan/static_negative/).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "seam/scoped_lock.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck::examples {

// The fix: get() runs under the cache's mutex.
struct LockedCache {
  template <class Mutex>
  using Guard = ScopedLock<Mutex>;
};

// The negative control: the pre-fix code, "check, then load" with no lock. NoLock claims the
// mutex to Clang's analysis so that this compiles under -Werror; it takes nothing.
struct UnlockedCache {
  template <class Mutex>
  using Guard = NoLock<Mutex>;
};

template <class Sync, class Locking = LockedCache>
class BasicConfigCache {
 public:
  using Loader = std::function<std::string()>;

  // `loader` produces the value; it may be slow, and it must run once.
  explicit BasicConfigCache(Loader loader) : loader_(std::move(loader)) {}

  // The value: loaded by the first call, and only by it; every caller gets the same value.
  std::string get() {
    const typename Locking::template Guard<Mutex> guard(mutex_);
    if (!loaded_.load()) {
      value_.store(loader_());
      loaded_.store(true);
    }
    lookups_.add(1);
    return value_.load();
  }

  // How many get() calls have completed.
  std::int64_t lookups() {
    const typename Locking::template Guard<Mutex> guard(mutex_);
    return lookups_.load();
  }

 private:
  using Mutex = typename Sync::Mutex;
  template <class T>
  using Shared = typename Sync::template Shared<T>;

  Loader loader_;  // immutable after construction: not shared state
  Mutex mutex_{"cache.mutex"};
  Shared<bool> loaded_ DC_GUARDED_BY(mutex_){false, "cache.loaded"};
  Shared<std::string> value_ DC_GUARDED_BY(mutex_){std::string(), "cache.value"};
  Shared<std::int64_t> lookups_ DC_GUARDED_BY(mutex_){0, "cache.lookups"};
};

// What production code uses.
using ConfigCache = BasicConfigCache<StdSync>;

}  // namespace doublecheck::examples
