// Lifetimes: what the explorer knows of the destruction of model objects (DESIGN.md, "Lifetimes").
//
// Destroying a model object (Shared<T>, Atomic<T>, Mutex, OnceFlag) is a write to it: another
// thread's access to it that does not happen before the destruction is a data race (C++
// [intro.races]: an atomic operation or a lock racing with the non-atomic end of the object's
// lifetime too), and an access after it is a use after free. ModelSync's destructors check the
// first (model_sync.hpp: begin_destruction, end_destruction); every operation checks the second
// through the object's liveness mark (ObjectHeader). This file keeps what both reports need and the
// destroyed object no longer has: where each destruction happened, by address, and where each
// thread last was.
//
// A destructor has no SourceLoc parameter (a defaulted argument is evaluated where the destructor
// is called, and nobody calls one by name): the place of a destruction is the destroying thread's
// last operation with a location before it, and the reports say "destroyed after <loc>". For `if
// (refs.fetch_sub(1) == 1) delete block;` that is the line of the delete itself; after an
// operation on another line, the destruction is somewhere after it in the same thread. A thread
// that destroys an object before any operation of its own has no such place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

// Another thread's access that a destruction does not follow in happens-before: the other side of
// the race.
struct UnorderedAccess {
  ThreadId thread = 0;
  OpKind kind = OpKind::kRead;  // the access: read, write, load, store, rmw, lock, ...
  SourceLoc loc;
  std::uint32_t row = 0;  // trace row
};

// The latest of the other threads' last operations in `ops` (of the execution's first `threads`)
// that does not happen before the destruction by `thread` (clock `clock`), if any.
std::optional<UnorderedAccess> unordered_last_op(const LastOps& ops, ThreadId thread,
                                                 const VectorClock& clock, std::uint32_t threads);

// A destroyed model object, as its destruction left it.
struct Grave {
  const void* address = nullptr;  // its header's
  std::uint32_t id = 0;
  std::string_view kind;
  std::string_view name;  // the header's (a name must outlive its object: a literal)
  ThreadId thread = 0;    // who destroyed it
  SourceLoc after;        // that thread's last operation before the destruction
  std::uint32_t row = 0;  // the destruction's trace row
};

class Lifetimes {
 public:
  Lifetimes() = default;
  // Not copied: next_grave_ points into graves_.
  Lifetimes(const Lifetimes&) = delete;
  Lifetimes& operator=(const Lifetimes&) = delete;

  // The calling thread `thread` is at `loc` (every operation with a location notes it: one store).
  // Field by field: a copy of the whole SourceLoc went through the stack when `loc` came in
  // registers (Shared<T>'s common case).
  void note(ThreadId thread, const SourceLoc& loc) {
    last_[thread].file = loc.file;
    last_[thread].line = loc.line;
  }
  // Where `thread` last was: the place its next destruction is reported after.
  [[nodiscard]] const SourceLoc& last(ThreadId thread) const { return last_[thread]; }

  // `object` is destroyed: recorded under its address, for a later use of it. (Out of memory, the
  // record is lost and a later use is reported without the place of the destruction.)
  // Inline while the graves have room (a push that cannot allocate, nor throw); out of line when
  // they must grow.
  void bury(const ObjectHeader& object, ThreadId thread, const SourceLoc& after,
            std::uint32_t row) noexcept {
    if (!bury_if_room(object, thread, after, row)) [[unlikely]] {
      bury_growing(object, thread, after, row);
    }
  }
  // bury() while the graves have room; false, with nothing recorded, when they have none (for a
  // destructor whose common case then calls nothing: Shared<T>'s).
  [[gnu::always_inline]] bool bury_if_room(const ObjectHeader& object, ThreadId thread,
                                           const SourceLoc& after, std::uint32_t row) noexcept {
    if (next_grave_ == graves_end_) [[unlikely]]
      return false;
    // Filled in place, field by field, over a grave of an earlier execution (reset() keeps them):
    // a Grave built first and then copied in cost every destruction a dozen instructions more,
    // and one value-initialised first (emplace_back()) half a dozen.
    Grave& grave = *next_grave_++;
    grave.address = &object;
    grave.id = object.id;
    grave.kind = object.kind;
    grave.name = object.name;
    grave.thread = thread;
    grave.after = after;
    grave.row = row;
    return true;
  }
  // The last destruction of an object whose header was at `address`, if any.
  [[nodiscard]] const Grave* grave(const void* address) const;
  // As constructed, keeping the graves' capacity (for the next execution).
  void reset() {
    last_.fill(SourceLoc{});
    next_grave_ = graves_.data();
  }

 private:
  static constexpr std::size_t kFirstGraves = 32;

  void bury_growing(const ObjectHeader& object, ThreadId thread, const SourceLoc& after,
                    std::uint32_t row) noexcept;

  std::array<SourceLoc, kMaxThreads> last_{};
  // In destruction order, those before next_grave_ (the rest are room, left as earlier executions
  // filled them); only searched on a use after free. Two pointers into it, not a count and its
  // size: the test for room and the grave's address then cost a comparison, not a division and
  // a multiply.
  std::vector<Grave> graves_;
  Grave* next_grave_ = nullptr;
  Grave* graves_end_ = nullptr;
};

// "payload", or "shared#3", for a grave.
std::string display_name(const Grave& grave);

}  // namespace doublecheck::model
