#include "model/engine/lifetime.hpp"

#include <new>
#include <string>

namespace doublecheck::model {

std::optional<UnorderedAccess> unordered_last_op(const LastOps& ops, ThreadId thread,
                                                 const VectorClock& clock, std::uint32_t threads) {
  std::optional<UnorderedAccess> latest;
  for (ThreadId t = 0; t < threads; ++t) {
    const LastOp& op = ops.by_thread[t];
    if (t == thread || op.tick == 0 || Epoch{t, op.tick}.happens_before(clock)) continue;
    if (!latest || op.row > latest->row) latest = UnorderedAccess{t, op.kind, op.loc, op.row};
  }
  return latest;
}

void Lifetimes::bury_growing(const ObjectHeader& object, ThreadId thread, const SourceLoc& after,
                             std::uint32_t row) noexcept {
  try {
    // Most executions destroy a few dozen objects: one allocation for them.
    if (graves_.capacity() == 0) graves_.reserve(kFirstGraves);
    graves_.push_back(Grave{&object, object.id, object.kind, object.name, thread, after, row});
  } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): see bury's comment
  }
}

const Grave* Lifetimes::grave(const void* address) const {
  for (auto it = graves_.rbegin(); it != graves_.rend(); ++it) {
    if (it->address == address) return &*it;
  }
  return nullptr;
}

std::string display_name(const Grave& grave) {
  ObjectHeader header;
  header.id = grave.id;
  header.kind = grave.kind;
  header.name = grave.name;
  return display_name(header);
}

}  // namespace doublecheck::model
