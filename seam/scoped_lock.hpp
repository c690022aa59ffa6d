// Scoped locking for any Sync::Mutex (and shared locking of a Sync::SharedMutex), visible to
// Clang's thread-safety analysis.
#pragma once

#include "seam/source_loc.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

// Holds `mutex` from construction to the end of the scope (like std::scoped_lock, but it passes
// the caller's location to the model and tells the analysis which capability it holds).
template <class Mutex>
class DC_SCOPED_CAPABILITY ScopedLock {
 public:
  explicit ScopedLock(Mutex& mutex, SourceLoc loc = SourceLoc::current()) DC_ACQUIRE(mutex)
      : mutex_(mutex), loc_(loc) {
    mutex_.lock(loc_);
  }
  ~ScopedLock() DC_RELEASE() { mutex_.unlock(loc_); }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;

 private:
  Mutex& mutex_;
  SourceLoc loc_;  // where the lock was taken: the unlock is reported at the same line
};

// Holds `mutex` shared (a reader of a Sync::SharedMutex) from construction to the end of the scope,
// like std::shared_lock; the analysis lets the scope read, not write, what the mutex guards.
template <class Mutex>
class DC_SCOPED_CAPABILITY SharedLock {
 public:
  explicit SharedLock(Mutex& mutex, SourceLoc loc = SourceLoc::current()) DC_ACQUIRE_SHARED(mutex)
      : mutex_(mutex), loc_(loc) {
    mutex_.lock_shared(loc_);
  }
  // The generic release: a scoped capability's destructor releases whichever mode it holds.
  ~SharedLock() DC_RELEASE() { mutex_.unlock_shared(loc_); }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;

 private:
  Mutex& mutex_;
  SourceLoc loc_;
};

// The *absence* of a lock, for the pre-fix variants only (impl/variants/). It tells the analysis
// that the mutex is held while it is not (DC_VARIANT_ACQUIRE, the lie), so that the pre-fix code
// compiles under -Werror and can be run by both checkers. Compiled with DC_HONEST_VARIANTS it
// claims nothing, and tsan/static_negative/ shows the analysis rejecting the very same code.
template <class Mutex>
class DC_SCOPED_CAPABILITY NoLock {
 public:
  explicit NoLock([[maybe_unused]] Mutex& mutex, SourceLoc /*loc*/ = SourceLoc::current())
      DC_VARIANT_ACQUIRE(mutex) {}
  // Not `= default`: Clang accepts the attribute there, but a defaulted destructor is trivial, so
  // the analysis never sees it run and reports the mutex as still held at the end of every scope.
  ~NoLock() DC_VARIANT_RELEASE() {}  // NOLINT(modernize-use-equals-default): see above
  NoLock(const NoLock&) = delete;
  NoLock& operator=(const NoLock&) = delete;
};

}  // namespace doublecheck
