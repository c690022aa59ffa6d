#include "model/search/dpor.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <iterator>
#include <utility>
#include <vector>

namespace doublecheck::model {
namespace {

// Per class of a step, the classes of the earlier steps on its object dependent() pairs it with,
// a bit each: the entries of the object's index find_races reads, and no others (on one object,
// dependent() depends on the classes only).
constexpr std::array<std::uint32_t, kOpClasses> kDependentClasses = [] {
  std::array<std::uint32_t, kOpClasses> table{};
  for (std::size_t later = 0; later < kOpClasses; ++later) {
    for (std::size_t earlier = 0; earlier < kOpClasses; ++earlier) {
      if (dependent(OpDesc{0, static_cast<OpClass>(earlier)},
                    OpDesc{0, static_cast<OpClass>(later)})) {
        table[later] |= 1U << earlier;
      }
    }
  }
  return table;
}();

// What on_step() does with a step's clock and the object's, by the role of its class
// (clock_role()), a bit each.
enum ClockUse : std::uint8_t {
  kAfterWrite = 1U << 0,   // joins the object's last write-like step
  kAfterReads = 1U << 1,   // joins the reads since it
  kAfterWaits = 1U << 2,   // joins the last waiter operation
  kAfterSleeps = 1U << 3,  // joins the sleeps since it
  kIsRead = 1U << 4,       // joins the object's reads
  kIsSleep = 1U << 5,      // joins the object's sleeps
  kIsWaiter = 1U << 6,     // is the object's last waiter operation (the sleeps start again)
  kIsWrite = 1U << 7,      // is the object's last write-like step (the reads start again)
};
constexpr std::uint8_t clock_uses(ClockRole role) {
  switch (role) {
    case ClockRole::kRead:
      return kAfterWrite | kIsRead;
    case ClockRole::kWrite:
      return kAfterWrite | kAfterReads | kIsWrite;
    case ClockRole::kWaiter:
      return kAfterWaits | kAfterSleeps | kIsWaiter;
    case ClockRole::kReadAndWaiter:
      return kAfterWrite | kAfterWaits | kIsRead | kIsSleep;
  }
  return 0;
}
// By class.
constexpr std::array<std::uint8_t, kOpClasses> kClockUses = [] {
  std::array<std::uint8_t, kOpClasses> table{};
  for (std::size_t c = 0; c < kOpClasses; ++c)
    table[c] = clock_uses(clock_role(static_cast<OpClass>(c)));
  return table;
}();

// Per class of a step, the classes of the earlier steps on its object that happen before it
// whatever the interleaving, a bit each: exactly those whose clock on the object the later step
// takes in (kClockUses). A write-like step is after every earlier write-like one (they form a
// chain) and every earlier read (the first write after a read joined it); a read is after every
// earlier write-like step; a waiter operation is after every earlier waiter operation and sleep;
// a sleep after every earlier write-like step and waiter operation. find_races needs no clock
// for such a pair.
constexpr std::array<std::uint32_t, kOpClasses> kOrderedClasses = [] {
  const auto ordered = [](std::uint8_t earlier, std::uint8_t later) {
    const auto both = [&](std::uint8_t after, std::uint8_t is) {
      return (later & after) != 0 && (earlier & is) != 0;
    };
    return both(kAfterWrite, kIsWrite) || both(kAfterReads, kIsRead) ||
           both(kAfterWaits, kIsWaiter) || both(kAfterSleeps, kIsSleep);
  };
  std::array<std::uint32_t, kOpClasses> table{};
  // kNone (class 0) takes no step in the index: no entry, either way.
  for (std::size_t later = 1; later < kOpClasses; ++later) {
    for (std::size_t earlier = 1; earlier < kOpClasses; ++earlier) {
      if (ordered(kClockUses[earlier], kClockUses[later])) table[later] |= 1U << earlier;
    }
  }
  return table;
}();

// The classes whose steps on one object form a chain, each after the ones before it
// (kOrderedClasses): the write-like ones, and the waiter operations.
constexpr std::array<std::uint32_t, 2> kChains = [] {
  std::array<std::uint32_t, 2> chains{};
  for (std::size_t c = 1; c < kOpClasses; ++c) {
    const ClockRole role = clock_role(static_cast<OpClass>(c));
    if (role == ClockRole::kWrite) chains[0] |= 1U << c;
    if (role == ClockRole::kWaiter) chains[1] |= 1U << c;
  }
  return chains;
}();

// dependent(a, b), from the table: the pick and wake-up checks of sleep sets run it several times
// a step, and dependent() itself is a call.
bool depends(const OpDesc& a, const OpDesc& b) {
  return a.object == b.object && ((kDependentClasses[static_cast<std::size_t>(b.cls)] >>
                                   static_cast<std::uint32_t>(a.cls)) &
                                  1U) != 0;
}

}  // namespace

DporScheduler::DporScheduler(Subtree subtree)
    : floor_(subtree.decisions_.size()),
      decisions_(std::move(subtree.decisions_)),
      ops_(std::move(subtree.ops_)) {}

void DporScheduler::add_alternative(Decision& d, ThreadId t) {
  if (contains(d.backtrack, t)) return;
  d.order |= std::uint64_t{t} << (4U * d.added);
  ++d.added;
  d.backtrack |= single(t);
}

void DporScheduler::begin_execution() {
  position_ = 0;
  requests_ = 0;
  // Only the threads of the last execution have state to clear (threads_ covers all it touched).
  for (ThreadId t = 0; t < threads_; ++t) {
    thread_clock_[t] = VectorClock{};  // (no call: clear() fills by a memset of unknown length)
    raised_[t] = 0;
    history_[t].runs.clear();
    history_[t].growths.clear();
  }
  for (ObjectIndex& object : objects_) {
    // Only on_step() changes an object's index, and it makes the thread an actor: an object
    // without one is as this left it (most objects, Shared<T>'s outside symptom mode, take no
    // steps).
    if (object.classes == 0) continue;
    object.last_write.tick = 0;
    object.reads = VectorClock{};
    object.waits.tick = 0;
    object.sleeps = VectorClock{};
    object.actors_of.fill(0);
    object.classes = 0;
    // `latest` keeps its entries: only the actors' are read, so no execution resizes it again.
  }
  steps_ = 0;
  threads_ = 1;  // thread 0, the main thread, which no on_spawn() notes
  sleep_ = 0;
  current_decision_ = -1;
  last_thread_ = kNoThread;
}

void DporScheduler::grow_objects(std::uint32_t object) {
  objects_.resize(object + 1);
  object_count_ = object + 1;
}

std::size_t DporScheduler::retained_entries() const {
  std::size_t entries = 0;
  // Of an object's entries, the ones up to its highest actor (the others are stale).
  for (const ObjectIndex& object : objects_) {
    ThreadSet actors = 0;
    for (const ThreadSet of_class : object.actors_of) actors |= of_class;
    for (std::uint32_t c = object.classes; c != 0; c &= c - 1) {
      actors |= single(object.last_of[static_cast<std::size_t>(std::countr_zero(c))].thread);
    }
    entries += static_cast<std::size_t>(std::bit_width(actors));
  }
  for (ThreadId t = 0; t < threads_; ++t) {
    entries += history_[t].runs.size();
    entries += history_[t].growths.size();
  }
  return entries;
}

Pick DporScheduler::pick(const Choice& choice) {
  const auto index = position_++;
  if (index < decisions_.size()) {
    const Decision& d = decisions_[index];
    if (d.options != 0 || d.enabled != choice.enabled) return {Pick::Kind::kMismatch, 0};
  } else if (!add_decision(choice, index)) {
    return {Pick::Kind::kRedundant, 0};
  }
  Decision& d = decisions_[index];
  if (d.sleep_after == kUnknown) [[unlikely]]
    find_sleep_after(d);
  sleep_ = d.sleep_after;
  for (ThreadSet s = sleep_; s != 0; s &= s - 1) sleep_ops_[lowest(s)] = op_of(d, lowest(s));
  current_decision_ = static_cast<std::int32_t>(index);
  return Pick::run(d.chosen);
}

bool DporScheduler::add_decision(const Choice& choice, std::size_t index) {
  Decision d;
  d.enabled = choice.enabled;
  d.asleep = sleep_ & choice.enabled;
  const ThreadSet awake = choice.enabled & ~sleep_;
  if (awake == 0) return false;
  d.first_op = static_cast<std::uint32_t>(ops_.size());
  for (ThreadSet s = choice.enabled; s != 0; s &= s - 1) ops_.push_back(choice.op(lowest(s)));
  d.chosen = contains(awake, choice.previous) ? choice.previous : lowest(awake);
  add_alternative(d, d.chosen);
  if (index < full_depth_) {
    for (ThreadSet s = awake; s != 0; s &= s - 1) add_alternative(d, lowest(s));
  }
  d.done = single(d.chosen);
  decisions_.push_back(d);
  return true;
}

void DporScheduler::find_sleep_after(Decision& d) const {
  // Asleep from here on: who was asleep on arrival, and who was fully explored here before the
  // chosen thread — unless the chosen thread's operation conflicts with theirs (then it wakes
  // them).
  const ThreadSet sleepers = d.asleep | (d.done & ~single(d.chosen));
  d.sleep_after = 0;
  for (ThreadSet s = sleepers; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (!depends(op_of(d, t), op_of(d, d.chosen))) d.sleep_after |= single(t);
  }
}

Pick DporScheduler::choose_value(std::uint32_t options) {
  const auto index = position_++;
  if (index < decisions_.size()) {
    const Decision& d = decisions_[index];
    if (d.options != options) return {Pick::Kind::kMismatch, 0};
    return Pick::run(d.chosen);
  }
  Decision d;
  d.options = options;
  d.first_op = static_cast<std::uint32_t>(ops_.size());
  decisions_.push_back(d);
  return Pick::run(0);
}

double DporScheduler::progress() const {
  double covered = 0;
  double weight = 1;
  for (const Decision& d : decisions_) {
    if (d.options != 0) {
      covered += weight * d.chosen / d.options;
      weight /= d.options;
      continue;
    }
    const int alternatives = count(d.backtrack & ~d.asleep);
    if (alternatives == 0) break;
    covered += weight * (count(d.done & ~d.asleep) - 1) / alternatives;
    weight /= alternatives;
  }
  return covered;
}

bool DporScheduler::advance(std::size_t index) {
  // The sharing's settle() says whether the search goes on; once it does not, nothing does.
  const auto settle = [this, index](bool exhausted) {
    if (sharing_ != nullptr && !sharing_->settle(*this, index, exhausted)) over_ = true;
    return !over_;
  };
  while (true) {
    Decision& d = decisions_[index];
    const std::uint8_t known = d.added;
    if (d.options != 0) {
      while (d.chosen + 1 < d.options) {
        ++d.chosen;
        if (d.chosen >= 32 || !contains(d.given_away, d.chosen)) return settle(false);
        sharing_->passed(index, d.chosen);
      }
    } else {
      // The next alternative in the order they were added: one asleep on arrival is explored
      // already (from an earlier point), and one given away is another part's, explored before
      // the ones after it all the same (it is done here, for their sleep sets).
      while (d.cursor + 1U < d.added) {
        ++d.cursor;
        const ThreadId t = at(d, d.cursor);
        if (contains(d.asleep, t)) continue;
        d.done |= single(t);
        d.sleep_after = kUnknown;
        if (contains(d.given_away, t)) {
          sharing_->passed(index, d.cursor);
          continue;
        }
        d.chosen = t;
        return settle(false);
      }
    }
    // None left here, unless what was given away here reports race reversals that add some.
    if (sharing_ == nullptr || !settle(true)) return false;
    if (decisions_[index].added == known) return false;
  }
}

bool DporScheduler::next_execution() {
  while (!over_ && decisions_.size() > floor_) {
    if (advance(decisions_.size() - 1)) return true;
    if (over_) break;
    ops_.resize(decisions_.back().first_op);
    decisions_.pop_back();
  }
  return false;
}

inline std::int64_t DporScheduler::first_step_after(ThreadId thread, std::uint32_t step) const {
  const std::vector<Run>& runs = history_[thread].runs;
  // (Often: a thread with no step after `step`, found without a search.)
  if (runs.empty() || runs.back().end <= step + 1) return -1;
  const auto run = std::partition_point(runs.begin(), runs.end(),
                                        [step](const Run& r) { return r.end <= step + 1; });
  if (run == runs.end()) return -1;
  return std::max(run->first, step + 1);
}

std::uint32_t DporScheduler::tick_of(ThreadId thread, std::uint32_t step, ThreadId of) const {
  if (of == thread) return step + 1;  // a step's own component is its position (plus one)
  const std::vector<Growth>& growths = history_[thread].growths;
  const auto after = std::partition_point(growths.begin(), growths.end(),
                                          [step](const Growth& g) { return g.step <= step; });
  return after == growths.begin() ? 0 : std::prev(after)->clock[of];
}

// Inline: once a step.
inline void DporScheduler::record(ThreadId thread, std::uint32_t step, const VectorClock& clock) {
  std::vector<Run>& runs = history_[thread].runs;
  if (thread == last_thread_) {
    ++runs.back().end;  // (its last run ends at `step`: the step before was its)
  } else {
    runs.push_back(Run{step, step + 1});
    last_thread_ = thread;
  }
  // Only the lanes raised since the thread's last step can have grown; about half the steps (a
  // thread going on with what it saw) raise none but its own.
  // (Built in place: a temporary Growth was a second copy of the clock.)
  if (raised_[thread] != 0) history_[thread].growths.emplace_back(step, clock);
  raised_[thread] = 0;
}

void DporScheduler::add_backtrack(const StepRef& earlier, ThreadId later_thread,
                                  const VectorClock& later) {
  Decision& d = decisions_[static_cast<std::size_t>(earlier.decision)];
  // v = the steps after `earlier` that do not happen after it, then `later`: the reversed race
  // runs them first. Its initials are the threads whose first step in v has no predecessor in v.
  // No list of v is needed: a thread's steps in v are a prefix of its steps after `earlier` (once
  // one happens after `earlier`, so do the ones after it), so v is known from each thread's first
  // step after `earlier`, when that step does not happen after it.
  std::array<std::uint32_t, kMaxThreads> first{};  // per thread in v: its first step in v
  ThreadSet in_v = 0;
  for (ThreadId t = 0; t < threads_; ++t) {
    const std::int64_t step = first_step_after(t, earlier.step);
    if (step < 0) continue;
    first[t] = static_cast<std::uint32_t>(step);
    if (tick_of(t, first[t], earlier.thread) <= earlier.step) in_v |= single(t);
  }
  // Whether a step of v of another thread than `self` happens before the step of `self` whose
  // clock's component of thread u is tick(u). Of another thread's steps in v, it suffices to
  // look at the first: if any of them happens before that step, the first does.
  const auto has_predecessor = [&](ThreadId self, const auto& tick) {
    for (ThreadSet s = in_v & ~single(self); s != 0; s &= s - 1) {
      const ThreadId u = lowest(s);
      if (first[u] + 1 <= tick(u)) return true;
    }
    return false;
  };
  ThreadSet initials = 0;
  for (ThreadSet s = in_v; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (!has_predecessor(t, [&](ThreadId u) { return tick_of(t, first[t], u); })) {
      initials |= single(t);
    }
  }
  if (!contains(in_v, later_thread) &&
      !has_predecessor(later_thread, [&later](ThreadId u) { return later[u]; })) {
    initials |= single(later_thread);
  }
  // A thread that starts v is already tried here: nothing to add, whenever it is resolved (the
  // backtrack set only grows), so not even a part that does not own `d` needs to ask.
  if ((initials & d.backtrack) != 0) return;
  const auto index = static_cast<std::size_t>(earlier.decision);
  if (sharing_ != nullptr && sharing_->take(*this, index, initials, requests_++)) return;
  resolve(index, initials);
}

void DporScheduler::resolve(std::size_t decision, ThreadSet initials) {
  Decision& d = decisions_[decision];
  if ((initials & d.backtrack) != 0) return;  // a thread that starts v is already tried here
  const ThreadSet candidates = initials & d.enabled;
  if (candidates == 0) {
    // None of them could run here: try everyone (conservative).
    for (ThreadSet s = d.enabled; s != 0; s &= s - 1) add_alternative(d, lowest(s));
  } else if ((candidates & ~d.asleep) != 0) {
    add_alternative(d, lowest(candidates & ~d.asleep));
  } else {
    add_alternative(d, lowest(candidates));  // asleep: that class was explored already
  }
}

void DporScheduler::position(std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::size_t i = 0; i < position_ && i < decisions_.size(); ++i) {
    const Decision& d = decisions_[i];
    out.push_back(d.options != 0 ? d.chosen : d.cursor);
  }
}

std::optional<DporScheduler::Subtree> DporScheduler::give_away() {
  for (std::size_t i = floor_; i < decisions_.size(); ++i) {
    Decision& d = decisions_[i];
    Decision root = d;
    root.sleep_after = kUnknown;  // (its `chosen` is another)
    bool found = false;
    if (d.options != 0) {
      for (std::uint32_t v = d.chosen + 1; v < std::min<std::uint32_t>(d.options, 32); ++v) {
        if (contains(d.given_away, v)) continue;
        d.given_away |= single(v);
        root.chosen = v;
        found = true;
        break;
      }
    } else {
      for (std::uint32_t place = d.cursor + 1U; place < d.added; ++place) {
        const ThreadId t = at(d, place);
        if (contains(d.asleep, t) || contains(d.given_away, t)) continue;
        d.given_away |= single(t);
        root.chosen = t;
        root.cursor = static_cast<std::uint8_t>(place);
        // Tried before it, in the sequential search: every alternative before it in the order.
        for (std::uint32_t before = 0; before <= place; ++before) {
          if (!contains(d.asleep, at(d, before))) root.done |= single(at(d, before));
        }
        found = true;
        break;
      }
    }
    if (!found) continue;
    Subtree subtree;
    subtree.decisions_.assign(decisions_.begin(),
                              decisions_.begin() + static_cast<std::ptrdiff_t>(i));
    subtree.decisions_.push_back(root);
    for (Decision& above : subtree.decisions_) above.given_away = 0;  // (not the taker's)
    const std::size_t ops_end =
        i + 1 < decisions_.size() ? decisions_[i + 1].first_op : ops_.size();
    subtree.ops_.assign(ops_.begin(), ops_.begin() + static_cast<std::ptrdiff_t>(ops_end));
    return subtree;
  }
  return std::nullopt;
}

// Inline, with the search per thread out of line: once a step, and most steps are of one chain.
inline void DporScheduler::find_races(ThreadId thread, const OpDesc& op, const VectorClock& clock) {
  // Earlier dependent steps of other threads that do not happen before `op` (`clock` does not
  // yet include its own dependencies), and are not ordered before it through another such step:
  // source-DPOR's race relation. A mutex's acquisitions race with each other directly, not
  // through its unlock (an unlock and a lock are not dependent). Of one thread's dependent steps
  // only the latest can race: the earlier ones happen before it (program order).
  races_ = 0;
  if (op.cls != OpClass::kNone && op.object < object_count_) {
    find_races_on(thread, objects_[op.object], op.cls, clock);
  }
}

inline void DporScheduler::find_races_on(ThreadId thread, const ObjectIndex& object, OpClass cls,
                                         const VectorClock& clock) {
  const std::uint32_t classes = kDependentClasses[static_cast<std::size_t>(cls)] & object.classes;
  if (classes == 0) return;
  if ((classes & ~kChains[0]) != 0 && (classes & ~kChains[1]) != 0) {
    find_races_by_thread(thread, object, classes, clock);
    return;
  }
  // One chain: its other steps happen before its latest, so that one is the only race, if it is
  // one (of another thread, and not seen by this one, which then saw none of the chain's others).
  // (Mostly one class: a lock's dependent ones are locks and try_locks, and a mutex sees few of
  // the second.)
  StepRef latest = object.last_of[static_cast<std::size_t>(std::countr_zero(classes))];
  for (std::uint32_t c = classes & (classes - 1); c != 0; c &= c - 1) {
    const StepRef& candidate = object.last_of[static_cast<std::size_t>(std::countr_zero(c))];
    if (candidate.step > latest.step) latest = candidate;
  }
  // Kept only if its reversal may add to a backtrack set (no other race to compare it with): most
  // races are with a step no other thread could have run instead of.
  if (latest.thread != thread && latest.step >= clock[latest.thread] && reversible(latest)) {
    racing_[0] = latest;
    races_ = 1;
  }
}

void DporScheduler::find_races_by_thread(ThreadId thread, const ObjectIndex& object,
                                         std::uint32_t classes, const VectorClock& clock) {
  // Of a chain's steps, only its latest (last_of) is a candidate: the chain's others happen
  // before it, so that one of them races only when it does too, and then is not a race of its
  // own (a thread's step that happens before a race is not kept: below). The threads' own
  // entries are kept for the other classes only (take_step()).
  const std::uint32_t unchained = classes & ~(kChains[0] | kChains[1]);
  std::array<StepRef, 2> chain_latest{};  // per chain with a dependent class, its latest step
  std::array<bool, 2> chained{};
  ThreadSet candidates = 0;  // the other threads with a dependent step
  for (std::size_t k = 0; k < kChains.size(); ++k) {
    for (std::uint32_t c = classes & kChains[k]; c != 0; c &= c - 1) {
      const StepRef& step = object.last_of[static_cast<std::size_t>(std::countr_zero(c))];
      if (!chained[k] || step.step > chain_latest[k].step) chain_latest[k] = step;
      chained[k] = true;
    }
    if (chained[k]) candidates |= single(chain_latest[k].thread);
  }
  for (std::uint32_t c = unchained; c != 0; c &= c - 1) {
    candidates |= object.actors_of[static_cast<std::size_t>(std::countr_zero(c))];
  }
  std::size_t last = 0;  // the latest race, in racing_
  for (ThreadSet others = candidates & ~single(thread); others != 0; others &= others - 1) {
    const ThreadId t = lowest(others);
    Latest latest;
    OpClass cls = OpClass::kNone;
    if (unchained != 0) {
      const ThreadSteps& steps = object.latest[t];
      for (std::uint32_t c = unchained; c != 0; c &= c - 1) {
        const auto at = static_cast<std::size_t>(std::countr_zero(c));
        if (!contains(object.actors_of[at], t)) continue;
        if (steps.by_class[at].tick > latest.tick) {
          latest = steps.by_class[at];
          cls = static_cast<OpClass>(at);
        }
      }
    }
    for (std::size_t k = 0; k < kChains.size(); ++k) {
      const StepRef& step = chain_latest[k];
      if (chained[k] && step.thread == t && step.step + 1 > latest.tick) {
        latest = Latest{step.step + 1, step.decision};
        cls = step.cls;
      }
    }
    // A race unless `op`'s thread has seen it (then it happens before `op`).
    if (latest.tick <= clock[t]) continue;
    if (races_ != 0 && latest.tick - 1 > racing_[last].step) last = races_;
    racing_[races_++] = StepRef{latest.tick - 1, t, latest.decision, cls};
  }
  if (races_ <= 1) return;
  // The latest race is kept; the others are not when they happen before it, as they mostly do (a
  // mutex's acquisitions are all ordered: kOrderedClasses), which needs no sorting.
  const StepRef latest = racing_[last];
  const std::uint32_t ordered = kOrderedClasses[static_cast<std::size_t>(latest.cls)];
  bool all_before = true;
  for (std::size_t i = 0; i < races_ && all_before; ++i) {
    const StepRef& earlier = racing_[i];
    all_before = i == last || (ordered >> static_cast<std::uint32_t>(earlier.cls) & 1U) != 0 ||
                 earlier.step + 1 <= tick_of(latest.thread, latest.step, earlier.thread);
  }
  if (all_before) {
    racing_[0] = latest;
    races_ = 1;
    return;
  }
  // The latest first, each kept unless it happens before one kept already.
  // An insertion sort: a step races with a few threads' steps at most (one per other thread), and
  // std::sort's call cost more than the sorting. No two entries have the same step.
  for (std::size_t i = 1; i < races_; ++i) {
    const StepRef moved = racing_[i];
    std::size_t j = i;
    for (; j > 0 && racing_[j - 1].step < moved.step; --j) racing_[j] = racing_[j - 1];
    racing_[j] = moved;
  }
  std::size_t kept = 0;  // racing_[0, kept) are the races found so far
  for (std::size_t i = 0; i < races_; ++i) {
    const StepRef earlier = racing_[i];
    const bool through_another =
        std::any_of(racing_.begin(), racing_.begin() + static_cast<std::ptrdiff_t>(kept),
                    [&](const StepRef& race) {
                      return earlier.step + 1 <= tick_of(race.thread, race.step, earlier.thread);
                    });
    if (!through_another) racing_[kept++] = earlier;  // (to an index at most its own)
  }
  races_ = kept;
}

void DporScheduler::on_unfinished(ThreadId thread, const OpDesc& op) {
  // The execution ended (a deadlock, a failure) with `thread` waiting to run `op`: the operation
  // never became a step, but its races must be reversed all the same — a lock blocked in a
  // deadlock is how the other order of two lock acquisitions is found.
  note_thread(thread);
  VectorClock clock = thread_clock_[thread];
  clock.set(thread, steps_ + 1);
  find_races(thread, op, clock);
  for (std::size_t i = 0; i < races_; ++i) {
    if (reversible(racing_[i])) add_backtrack(racing_[i], thread, clock);
  }
}

void DporScheduler::join_step(VectorClock& clock, ThreadId thread, const ClockRef& step) {
  // The growth it is at: mostly its thread's latest (the thread has not grown since).
  const std::vector<Growth>& growths = history_[step.thread].growths;
  if (!growths.empty()) {
    if (growths.back().step < step.tick) {
      clock.join(growths.back().clock);
    } else {
      const auto after = std::partition_point(
          growths.begin(), growths.end(), [&step](const Growth& g) { return g.step < step.tick; });
      if (after != growths.begin()) clock.join(std::prev(after)->clock);
    }
  }
  // The step's own component was not seen: it grows, and it is not `thread`'s.
  clock.set(step.thread, step.tick);
  raised_[thread] |= single(step.thread);
}

template <std::uint8_t kUse>
inline void DporScheduler::take_step(ThreadId thread, ObjectIndex& object, OpClass cls,
                                     std::int32_t decision) {
  VectorClock& clock = thread_clock_[thread];
  // After the steps of the object this one depends on (clock_role): its last write; a write (or
  // any mutex or once operation) also the reads since it; a waiter operation the last one and
  // the sleeps since it; a sleep the last waiter operation.
  ThreadSet& raised = raised_[thread];
  // A step seen already (its thread's own component says so) has nothing to join: its own steps
  // and no step at all (tick 0) are seen, and so are most.
  if constexpr ((kUse & kAfterWrite) != 0) {
    if (object.last_write.tick > clock[object.last_write.thread]) {
      join_step(clock, thread, object.last_write);
    }
  }
  // The reads since the last write: joined by a write, which the next ones follow instead.
  static_assert((kUse & kAfterReads) == 0 || (kUse & kIsWrite) != 0);
  if constexpr ((kUse & kAfterReads) != 0) {
    if (!object.reads.empty()) {
      raised |= clock.join_raising(object.reads);
      object.reads.clear();
    }
  }
  if constexpr ((kUse & kAfterWaits) != 0) {
    if (object.waits.tick > clock[object.waits.thread]) join_step(clock, thread, object.waits);
  }
  // Likewise the sleeps since the last waiter operation.
  static_assert((kUse & kAfterSleeps) == 0 || (kUse & kIsWaiter) != 0);
  if constexpr ((kUse & kAfterSleeps) != 0) {
    if (!object.sleeps.empty()) {
      raised |= clock.join_raising(object.sleeps);
      object.sleeps.clear();
    }
  }
  // (Read once: the stores below could alias steps_ as far as the compiler knows, and it loaded
  // it again for each.)
  const std::uint32_t step = steps_;
  clock.set(thread, step + 1);
  const auto c = static_cast<std::size_t>(cls);
  // A thread's own latest step of a class is read only for the classes that are not of a chain
  // (find_races_by_thread()): the reads (the read roles).
  if constexpr ((kUse & kIsRead) != 0) {
    if (object.latest.empty()) [[unlikely]]
      object.latest.resize(kMaxThreads);
    object.latest[thread].by_class[c] = Latest{step + 1, decision};
    object.actors_of[c] |= single(thread);
  }
  object.classes |= 1U << static_cast<std::uint32_t>(cls);
  object.last_of[c] = StepRef{step, thread, decision, cls};
  if constexpr ((kUse & kIsRead) != 0) object.reads.join(clock);
  // Sleeps commute with each other (each only joins the waiters): like reads, they are kept
  // apart from the waiter operations they follow.
  if constexpr ((kUse & kIsSleep) != 0) object.sleeps.join(clock);
  if constexpr ((kUse & kIsWaiter) != 0) {
    object.waits = ClockRef{thread, step + 1};
  }
  if constexpr ((kUse & kIsWrite) != 0) {
    object.last_write = ClockRef{thread, step + 1};
  }
}

void DporScheduler::on_step(ThreadId thread, const OpDesc& op) {
  // (`thread` is noted already: thread 0 by begin_execution(), any other by its on_spawn(), which
  // comes before its first step.)
  const std::int32_t decision = std::exchange(current_decision_, -1);
  // Updated in place: find_races reads it before this step's own dependencies join in.
  VectorClock& clock = thread_clock_[thread];

  races_ = 0;
  if (op.cls != OpClass::kNone) {
    ObjectIndex& object = index_of(op.object);
    find_races_on(thread, object, op.cls, clock);
    // One path per role, its clock uses known at compile time: no test of each use at every step.
    // The write-like steps first, without the switch: most steps are (a mutex's, an atomic's
    // stores and read-modify-writes).
    // (The role's uses, from the table: one load, where clock_role() is a switch.)
    if (kClockUses[static_cast<std::size_t>(op.cls)] == clock_uses(ClockRole::kWrite)) [[likely]] {
      take_step<clock_uses(ClockRole::kWrite)>(thread, object, op.cls, decision);
    } else {
      switch (clock_role(op.cls)) {
        case ClockRole::kRead:
          take_step<clock_uses(ClockRole::kRead)>(thread, object, op.cls, decision);
          break;
        case ClockRole::kWrite:  // taken above; here too, so that no role is ever skipped
          take_step<clock_uses(ClockRole::kWrite)>(thread, object, op.cls, decision);
          break;
        case ClockRole::kWaiter:
          take_step<clock_uses(ClockRole::kWaiter)>(thread, object, op.cls, decision);
          break;
        case ClockRole::kReadAndWaiter:
          take_step<clock_uses(ClockRole::kReadAndWaiter)>(thread, object, op.cls, decision);
          break;
      }
    }
  } else {
    clock.set(thread, steps_ + 1);
  }

  for (std::size_t i = 0; i < races_; ++i) {
    if (reversible(racing_[i])) add_backtrack(racing_[i], thread, clock);
  }
  // A sleeping thread whose operation conflicts with this step wakes up.
  for (ThreadSet s = sleep_; s != 0; s &= s - 1) {
    const ThreadId t = lowest(s);
    if (depends(sleep_ops_[t], op)) sleep_ &= ~single(t);
  }
  // Recorded last: the races reversed above look at the steps before this one.
  record(thread, steps_, clock);
  ++steps_;
}

void DporScheduler::on_spawn(ThreadId parent, ThreadId child) {
  note_thread(child);  // (the parent, a thread that runs, is noted)
  thread_clock_[child] = thread_clock_[parent];
  raised_[child] = thread_clock_[child].nonzero_lanes();
}

void DporScheduler::on_join(ThreadId joiner, ThreadId target) {
  // (Both are noted: the joiner runs, and the target was spawned.) Every lane but the joiner's
  // own may grow: a join learns most of what the target saw.
  thread_clock_[joiner].join(thread_clock_[target]);
  raised_[joiner] |= (single(threads_) - 1) & ~single(joiner);
}

void DporScheduler::on_ordered_after(ThreadId thread, ThreadId before, std::uint32_t nth) {
  note_thread(thread);
  note_thread(before);
  // The position of `before`'s nth step in the execution, from its runs of steps.
  std::uint32_t left = nth;
  for (const Run& run : history_[before].runs) {
    if (left < run.end - run.first) {
      const std::uint32_t step = run.first + left;
      VectorClock& clock = thread_clock_[thread];
      for (ThreadId u = 0; u < threads_; ++u) {
        const std::uint32_t tick = tick_of(before, step, u);
        if (tick <= clock[u]) continue;
        clock.set(u, tick);
        raised_[thread] |= single(u);
      }
      return;
    }
    left -= run.end - run.first;
  }
}

}  // namespace doublecheck::model
