// Owns every emitter a global-init strategy constructs, so that no instance leaks (P6) and none is
// destroyed while a caller still holds it, even in the pre-fix variant that makes one per call.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "seam/scoped_lock.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

template <class Sync, class Emitter>
class EmitterStore {
 public:
  // Takes ownership of `emitter` and returns it, alive until the store goes.
  Emitter* adopt(std::unique_ptr<Emitter> emitter) {
    const ScopedLock guard(mutex_);
    emitters_.push_back(std::move(emitter));
    return emitters_.back().get();
  }

  // How many emitters were ever constructed (P4 wants exactly one).
  [[nodiscard]] std::size_t size() {
    const ScopedLock guard(mutex_);
    return emitters_.size();
  }

 private:
  // Bookkeeping, not the RC-004 fix: it orders adopt() calls with each other and nothing else.
  typename Sync::Mutex mutex_{"global.store_mutex"};
  std::vector<std::unique_ptr<Emitter>> emitters_ DC_GUARDED_BY(mutex_);
};

}  // namespace doublecheck
