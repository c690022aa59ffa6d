#include "model/mutation/section_cut.hpp"

#include <iterator>

#include "model/mutation/mutation.hpp"

namespace doublecheck::model {

SectionTracker::SectionTracker(const Mutant* mutant)
    : mutant_(mutant != nullptr && cuts_section(mutant->weakening) ? mutant : nullptr) {}

void SectionTracker::entered(ThreadId thread, SiteOp op, MutexState& mutex, const SourceLoc& loc,
                             std::uint32_t next_object_id) {
  // Whether the mutant's lock site is this one is asked once here, not at every access.
  const bool at_mutant_site =
      mutant_ != nullptr && mutant_->at_site(op, mutex, loc, std::memory_order_seq_cst);
  held_.push_back(Held{thread, op, &mutex, loc, next_object_id, 0, at_mutant_site});
}

void SectionTracker::left(ThreadId thread, const MutexState& mutex) {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
    if (it->thread == thread && it->mutex == &mutex) {
      held_.erase(std::next(it).base());
      return;
    }
  }
}

SectionCut SectionTracker::access(ThreadId thread, SiteOp op, const ObjectHeader& object,
                                  const SourceLoc& loc, std::memory_order order, SiteLog* log) {
  SectionCut cut;
  for (Held& held : held_) {
    if (held.thread != thread || object.id >= held.first_private) continue;
    const bool later = held.units++ > 0;
    if (log != nullptr) {
      log->note_point(held.op, *held.mutex, held.loc, op, object, loc, order, later);
    }
    // The innermost matching section is cut (two sections of one lock site are only held at once
    // by two mutexes of one name). A mutex unlocked by hand has ended its section already; the
    // owner test keeps a cut from ever unlocking a mutex the thread does not hold.
    if (!held.at_mutant_site || held.mutex->owner != thread ||
        !mutant_->at_access(op, object, loc, order)) {
      continue;
    }
    if (mutant_->weakening == Weakening::kExclude) {
      cut = SectionCut{SectionCut::Kind::kExclude, held.mutex};
    } else if (later) {
      cut = SectionCut{SectionCut::Kind::kSplit, held.mutex};
    }
  }
  return cut;
}

}  // namespace doublecheck::model
