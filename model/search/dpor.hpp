// Dynamic partial-order reduction with source sets and sleep sets (Abdulla, Aronis, Jonsson and
// Sagonas, POPL 2014): one execution per equivalence class of interleavings, where two
// interleavings are equivalent when they order every pair of dependent operations
// (operation.hpp: dependent()) the same way.
//
// The search is the depth-first one of DfsScheduler, but a decision point does not try every
// enabled thread: it starts with one, and more are added (its *backtrack set*) only when a later
// step races with the step taken there — a dependent operation of another thread not ordered
// after it. Reversing the race means running first the steps that do not depend on the earlier
// one; the thread added is one that can start that sequence (an *initial*), which keeps the
// search sound together with sleep sets, which stop an execution that only repeats an explored
// class.
//
// A value choice of the memory model (which store a load reads, where a store goes) is a decision
// point too, every alternative of which is explored: the reduction is over the interleavings, and
// each interleaving's executions differ in their values. Interleavings that give the same
// execution graph are then counted once by the explorer (MemoryGraph::key()).
//
// Happens-before here is the order the steps' dependencies impose (vector clocks), including a
// mutex's unlock before its next lock, spawn before the child and the child before join; not the
// memory model's happens-before (that is the race detector's).
//
// What a step costs does not grow with the length of the execution (a spin loop of 100,000 steps
// must not take minutes to reach the step bound), and neither does what an execution keeps per
// step. No list of the steps is kept. Races are found in an index: per object and thread, the
// latest step of each class of operation, so a step looks at one candidate per other thread, the
// latest dependent step of that thread, which is the only one of its steps that can be a race
// (its earlier ones happen before it). Of a chain's classes (steps that each happen after the
// ones before them on the object, as a mutex's acquisitions do), only the object's latest step
// is kept, the one candidate of the chain; per thread, only the other classes' (the reads).
// Reversing a race needs the clocks of past steps, which are kept per thread as its clock at the
// steps where a component of it other than its own grew (a thread running on alone, or reading what
// it already saw, adds none), beside its runs of consecutive steps; a past step's clock component
// is then a binary search away.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/engine/vector_clock.hpp"
#include "model/search/scheduler.hpp"

namespace doublecheck::model {

// The order of the search. A decision point tries the threads of its backtrack set in the order
// they were added to it (first in, first tried), and the race reversals of an execution are
// resolved in the order of the executions (depth first) and, within one, in the order they are
// found. So the place of an alternative among its decision's alternatives is fixed when it is
// added, and with it what it is explored with (asleep there: the alternatives before it): a part of
// the search can be given another OS thread as soon as it is known, and that thread explores
// exactly the executions the sequential search would (model/search/work_stealing.hpp).
class DporScheduler final : public Scheduler {
 public:
  class Sharing;
  class Subtree;

  DporScheduler() = default;
  // Explores one given-away alternative (give_away()) and everything below it, nothing above.
  explicit DporScheduler(Subtree subtree);

  void begin_execution() override;
  Pick pick(const Choice& choice) override;
  Pick choose_value(std::uint32_t options) override;
  bool next_execution() override;

  // Decision points above `depth` try every enabled thread (no reduction there), so that the
  // search can be split into subtrees at `depth` (partition.hpp) without a race found in one
  // subtree having to reach a decision point that another part of the search owns.
  void branch_fully_above(std::uint32_t depth) { full_depth_ = depth; }
  // An estimate of the share of the search done, for the progress line.
  [[nodiscard]] double progress() const override;

  void on_step(ThreadId thread, const OpDesc& op) override;
  void on_unfinished(ThreadId thread, const OpDesc& op) override;
  void on_spawn(ThreadId parent, ThreadId child) override;
  void on_join(ThreadId joiner, ThreadId target) override;
  // Like a join: the thread's next step happens after that step of `before` (its clock joins the
  // step's), so no race between the two is ever reversed.
  void on_ordered_after(ThreadId thread, ThreadId before, std::uint32_t nth) override;

  // How many entries the current execution's index holds: per object the threads that acted on
  // it, per thread its runs of steps and the growths of its clock. What an execution keeps besides
  // its decision points; a long run of a few threads on a few objects keeps few (tests read it).
  [[nodiscard]] std::size_t retained_entries() const;

  // --- sharing the search (work_stealing.hpp) ----------------------------------------------------
  // Attaches the part of the search this scheduler is (nullptr: none, it is the whole search).
  void share_with(Sharing* sharing) { sharing_ = sharing; }
  // The first alternative of the shallowest decision point that has one not yet tried: marked given
  // away (this scheduler skips it) and returned, with the decisions that lead to it. Between
  // executions only.
  std::optional<Subtree> give_away();
  // A race reversal for decision point `decision` of this scheduler's own (one the sharing took
  // in add_backtrack and now resolves, in the order of the search): adds the alternative
  // add_backtrack would have.
  void resolve(std::size_t decision, ThreadSet initials);
  // Where the current execution is in the order of the search: per decision point so far, the
  // place of the alternative it takes (a thread's among its decision's, or the value).
  void position(std::vector<std::uint32_t>& out) const;
  // Decision points below this one are another part's (a Subtree's way there), not this one's.
  [[nodiscard]] std::size_t floor() const { return floor_; }

 private:
  static constexpr ThreadSet kUnknown = ~ThreadSet{0};  // (no set of threads has every bit)
  struct Decision {
    ThreadSet enabled = 0;    // who could run here
    ThreadSet backtrack = 0;  // who must be tried here (grows as races are found)
    ThreadSet done = 0;       // who has been tried here
    ThreadSet asleep = 0;     // who was asleep on arrival (explored from an earlier point)
    ThreadId chosen = 0;      // who runs in the current execution (a value choice: the alternative)
    std::uint32_t options = 0;  // a value choice's number of alternatives; 0 at a thread decision
    // Each enabled thread's next operation here, in thread order from ops_[first_op]: kept beside
    // the decisions, only for the threads that could run (most decisions have two of sixteen).
    std::uint32_t first_op = 0;
    // Who sleeps after the chosen thread's step here (pick()), kept until `chosen` changes: the
    // same at every replay of this decision. kUnknown: not computed yet.
    ThreadSet sleep_after = kUnknown;
    // The backtrack set in the order its threads were added, 4 bits each (the order tried).
    std::uint64_t order = 0;
    std::uint8_t added = 0;   // threads in `order`
    std::uint8_t cursor = 0;  // the place of `chosen` in `order`
    // Alternatives another part of the search explores (a thread, or a value below 32).
    ThreadSet given_away = 0;
  };
  static_assert(kMaxThreads <= 16, "Decision::order keeps 4 bits per thread");
  static ThreadId at(const Decision& d, std::uint32_t place) {
    return static_cast<ThreadId>((d.order >> (4 * place)) & 0xFU);
  }
  static void add_alternative(Decision& d, ThreadId t);
  // Moves decision `index` to its next alternative; false when it has none left.
  bool advance(std::size_t index);
  // pick()'s uncommon paths, out of line (a replayed decision, most of them, takes neither):
  // appends decision point `index`, false when every thread that could run there is asleep;
  // works out who sleeps after d's chosen thread's step (Decision::sleep_after).
  bool add_decision(const Choice& choice, std::size_t index);
  void find_sleep_after(Decision& d) const;
  // The next operation at `d` of `t`, one of the threads that could run there.
  [[nodiscard]] const OpDesc& op_of(const Decision& d, ThreadId t) const {
    return ops_[d.first_op + static_cast<std::uint32_t>(count(d.enabled & (single(t) - 1)))];
  }

  // A step of the current execution, as the index names it: its position in the execution, its
  // thread, and the decision point it was chosen at (-1: only one thread could run).
  struct StepRef {
    std::uint32_t step = 0;
    ThreadId thread = 0;
    std::int32_t decision = -1;
    OpClass cls = OpClass::kNone;  // its operation's
  };
  // The latest step of one thread on one object with one class of operation.
  struct Latest {
    std::uint32_t tick = 0;  // its position plus one, as in a clock (0: none yet)
    std::int32_t decision = -1;
  };
  static constexpr std::size_t kClasses = kOpClasses;
  // One thread's latest steps on one object, by class: find_races reads those of them that are
  // dependent, often one. Only the classes the object's actors_of has the thread in are this
  // execution's (the others are stale), and only those not of a chain (kChains) are kept.
  struct ThreadSteps {
    std::array<Latest, kClasses> by_class{};
  };

  // A past step of the current execution whose clock a later step joins, named instead of copied
  // (a copy a step cost more than finding it in the history when it is joined, a third of the
  // steps): its thread's clock at it is that thread's latest growth at it, with its own
  // component `tick`. tick 0: no such step.
  struct ClockRef {
    ThreadId thread = 0;
    std::uint32_t tick = 0;  // its position plus one
  };
  // What orders steps on one object (the last write-like step, and the reads since), and the
  // index of its steps: per thread id, the latest step of each class.
  struct ObjectIndex {
    ClockRef last_write;
    VectorClock reads;
    ClockRef waits;                   // the last waiter operation (operation.hpp: ClockRole)
    VectorClock sleeps;               // the atomic wait's sleeps since it
    std::vector<ThreadSteps> latest;  // by thread id: kMaxThreads of them, or none yet
    // Per class not of a chain, the threads with a step of it (its actors), the only ones
    // find_races reads: those with a dependent one.
    std::array<ThreadSet, kClasses> actors_of{};
    std::uint32_t classes = 0;  // the classes with a step, a bit each (none: no step yet)
    // Per class (in `classes`), its latest step, by any thread: when a step's dependent classes
    // are all of one chain (kChains), the latest of them is the only possible race.
    std::array<StepRef, kClasses> last_of{};
  };

  // Steps first..end-1 of the execution are one thread's.
  struct Run {
    std::uint32_t first = 0;
    std::uint32_t end = 0;
  };
  // From step `step` (of the thread whose history it is) on, the components of its clock but its
  // own are those of `clock`: the whole clock, one copy, where a step grows a few components (a
  // copy per component, each in a list of its own, cost more to append and to clear).
  struct Growth {
    // A constructor, not an aggregate, so that emplace_back builds it in place on clang 14 too
    // (which has no parenthesised aggregate initialisation): a temporary is a second clock copy.
    Growth(std::uint32_t from, const VectorClock& since) : step(from), clock(since) {}
    std::uint32_t step = 0;
    VectorClock clock;
  };
  // One thread's steps in the current execution and how its clock grew.
  struct History {
    std::vector<Run> runs;
    std::vector<Growth> growths;
  };

  // The decision point of the earlier step of a race (with `later` of `later_thread`, the step
  // being taken or one left waiting) also tries a thread that lets `later`'s side go first.
  // Only for a race reversible() says may add one.
  void add_backtrack(const StepRef& earlier, ThreadId later_thread, const VectorClock& later);
  // Whether reversing a race with `earlier` can add to the backtrack set of its decision point:
  // not when only one thread could run there, nor when every thread that could is tried there
  // already (resolve() adds only such threads). That holds for a part of a shared search too,
  // which then need not ask the sharing: the backtrack set only grows, and a part's copy of a
  // decision point another part owns (below floor()) is one the owner's grew from.
  [[nodiscard]] bool reversible(const StepRef& earlier) const {
    if (earlier.decision < 0) return false;
    const Decision& d = decisions_[static_cast<std::size_t>(earlier.decision)];
    return (d.enabled & ~d.backtrack) != 0;
  }
  // The earlier steps that `op` of `thread`, whose clock is `clock`, races with, into racing_.
  void find_races(ThreadId thread, const OpDesc& op, const VectorClock& clock);
  // find_races() for an operation of class `cls` on the object of `object`.
  void find_races_on(ThreadId thread, const ObjectIndex& object, OpClass cls,
                     const VectorClock& clock);
  // find_races() when the dependent classes `classes` are of several chains: per thread.
  void find_races_by_thread(ThreadId thread, const ObjectIndex& object, std::uint32_t classes,
                            const VectorClock& clock);
  // on_step()'s update of the clocks and the index of `object` for the step of `thread`, of class
  // `cls` whose role's clock uses (dpor.cpp: ClockUse) are `kUse`.
  template <std::uint8_t kUse>
  void take_step(ThreadId thread, ObjectIndex& object, OpClass cls, std::int32_t decision);
  // `clock` := the join of it and the clock of step `step`, which it has not seen, saying in
  // raised_ of `thread`, its thread, that a component other than its own grew.
  void join_step(VectorClock& clock, ThreadId thread, const ClockRef& step);
  // Appends step `step` of `thread`, with its clock, to the thread's history.
  void record(ThreadId thread, std::uint32_t step, const VectorClock& clock);
  // The first step of `thread` after step `step`, or -1.
  [[nodiscard]] std::int64_t first_step_after(ThreadId thread, std::uint32_t step) const;
  // Component `of` of the clock of step `step`, one of `thread`'s.
  [[nodiscard]] std::uint32_t tick_of(ThreadId thread, std::uint32_t step, ThreadId of) const;
  // Inline, with the growth out of line: once a step, and the object is nearly always known.
  ObjectIndex& index_of(std::uint32_t object) {
    if (object >= object_count_) [[unlikely]]
      grow_objects(object);
    return objects_[object];
  }
  // objects_ reaches `object`.
  void grow_objects(std::uint32_t object);
  void note_thread(ThreadId thread) { threads_ = std::max(threads_, thread + 1); }

  std::uint32_t full_depth_ = 0;     // decision points above it branch fully
  std::size_t floor_ = 0;            // decisions_[0, floor_) are fixed (a Subtree's way there)
  Sharing* sharing_ = nullptr;       // the part of a shared search this is, if any
  bool over_ = false;                // the sharing ended the search
  std::uint32_t requests_ = 0;       // race reversals the current execution asked for
  std::vector<Decision> decisions_;  // the current execution's decision points
  std::vector<OpDesc> ops_;          // their enabled threads' next operations (Decision::first_op)
  std::size_t position_ = 0;         // the next decision point of the current execution

  // State of the current execution.
  std::uint32_t steps_ = 0;  // steps taken
  ThreadId threads_ = 0;     // threads seen (ids below it); the others' state is empty
  std::array<VectorClock, kMaxThreads> thread_clock_{};  // per thread: its last step's clock
  std::array<History, kMaxThreads> history_{};
  // Per thread: the lanes of its clock raised since its last step (or more), never its own (no
  // other clock is ahead of a thread in its own lane): when there is one, record() appends a
  // growth.
  std::array<ThreadSet, kMaxThreads> raised_{};
  std::vector<ObjectIndex> objects_;             // by object id
  std::uint32_t object_count_ = 0;               // objects_.size(), without its division
  ThreadSet sleep_ = 0;                          // threads asleep now
  std::array<OpDesc, kMaxThreads> sleep_ops_{};  // their next operations
  std::int32_t current_decision_ = -1;           // the decision point the next step was chosen at
  // The thread of the last step (kNoThread: none yet), whose run the next step of it extends.
  ThreadId last_thread_ = kNoThread;
  // The races find_races found, racing_[0, races_): one per other thread at most (where the
  // dependent classes are of one chain, its one race, and only when reversible()).
  std::array<StepRef, kMaxThreads> racing_{};
  std::size_t races_ = 0;
};

// An alternative of a decision point given away, with the decision points that lead to it.
class DporScheduler::Subtree {
 public:
  // The given-away decision point's depth, and the place of the alternative given away (its
  // place in the decision's order, or the value).
  [[nodiscard]] std::size_t root() const { return decisions_.size() - 1; }
  [[nodiscard]] std::uint32_t place() const {
    const Decision& d = decisions_.back();
    return d.options != 0 ? d.chosen : d.cursor;
  }

 private:
  friend class DporScheduler;
  std::vector<Decision> decisions_;
  std::vector<OpDesc> ops_;
};

// What a part of a shared search does with the decision points it shares (work_stealing.hpp).
class DporScheduler::Sharing {
 public:
  virtual ~Sharing() = default;
  // A race reversal the current execution asks of decision point `decision` (its `seq`-th): true
  // when the sharing takes it (it is another part's, or must wait for an earlier part's reports),
  // false when the scheduler resolves it now.
  virtual bool take(const DporScheduler& scheduler, std::size_t decision, ThreadSet initials,
                    std::uint32_t seq) = 0;
  // Decision point `decision` went past its alternative at `place`, which was given away.
  virtual void passed(std::size_t decision, std::uint32_t place) = 0;
  // Decision point `decision` moves to its next alternative (`exhausted`: it has none left, and
  // the given-away ones must report first, since their race reversals may add some). Resolves the
  // requests that can be now. False when the search is over.
  virtual bool settle(DporScheduler& scheduler, std::size_t decision, bool exhausted) = 0;

 protected:
  Sharing() = default;
  Sharing(const Sharing&) = default;
  Sharing& operator=(const Sharing&) = default;
};

}  // namespace doublecheck::model
