#include "model/engine/lifetime.hpp"

#include <new>
#include <string>

namespace doublecheck::model {

std::optional<UnorderedAccess> unordered_last_op(const LastOps& ops, ThreadId thread,
                                                 const VectorClock& clock, std::uint32_t threads) {
  std::optional<UnorderedAccess> latest;
  for (ThreadId t = 0; t < threads; ++t) {
    const std::uint32_t tick = ops.tick(t);
    if (t == thread || tick == 0 || Epoch{t, tick}.happens_before(clock)) continue;
    const LastOp op = ops.of(t);
    if (!latest || op.row > latest->row) latest = UnorderedAccess{t, op.kind, op.loc, op.row};
  }
  return latest;
}

void Lifetimes::bury_growing(const ObjectHeader& object, ThreadId thread, const SourceLoc& after,
                             std::uint32_t row) noexcept {
  try {
    // Most executions destroy a few dozen objects: one allocation for them. The room is made of
    // graves (resize()), so that bury_if_room() only fills one.
    const auto buried = static_cast<std::size_t>(next_grave_ - graves_.data());
    graves_.resize(graves_.empty() ? kFirstGraves : 2 * graves_.size());
    next_grave_ = graves_.data() + buried;
    graves_end_ = graves_.data() + graves_.size();
  } catch (const std::bad_alloc&) {  // NOLINT(bugprone-empty-catch): see bury's comment
    return;
  }
  bury_if_room(object, thread, after, row);
}

const Grave* Lifetimes::grave(const void* address) const {
  for (const Grave* grave = next_grave_; grave != graves_.data();) {
    --grave;
    if (grave->address == address) return grave;
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
