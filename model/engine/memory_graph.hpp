// The memory graph of one execution under the C++ memory model: the atomic accesses and fences as
// events, each location's modification order (modification_order.hpp), which store each load read
// (reads-from), and the per-thread state fences need. ModelSync's atomics and fences go through
// it; it decides nothing itself (the candidates it lists become the scheduler's value choices,
// Execution::choose) but keeps the graph consistent:
//   - coherence and atomicity hold by construction: a load reads only a store coherence allows, a
//     store goes only where it may (modification_order.hpp);
//   - po ∪ rf is acyclic by construction, since a load reads only a store already executed (so
//     there is no load buffering and no out-of-thin-air value, as in RC11 and GenMC);
//   - RC11's partial SC order (psc) is checked (rc11.hpp) after each event that could close a
//     cycle in it; an execution that breaks it is not one C++ allows and is discarded.
// Happens-before (the threads' vector clocks) moves here for atomics and fences, by C++20's rules:
// an acquire that reads a store takes in the store's release sequence (a release store heads one;
// a read-modify-write continues the one of the store it read); a release fence lets the thread's
// later relaxed stores carry its clock; an acquire fence takes in what the thread's earlier
// relaxed loads read.
//
// It also keeps the execution's identity as a graph (key()): two interleavings that give the same
// reads-from, modification orders and lock orders are one execution of the C++ memory model, and
// the explorer counts it once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/engine/memory_model.hpp"
#include "model/engine/modification_order.hpp"
#include "model/engine/vector_clock.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

// splitmix64's finaliser over a combination: an order-sensitive hash of a sequence. In the header:
// note_step, inlined into every step, uses it.
constexpr std::uint64_t graph_mix(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t z = seed ^ (value + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The cheap order-sensitive combination of note_step, which runs once a step: one 64x64->128-bit
// multiply of the two operands, each offset by a constant, folded (wyhash's mum). Both operands
// vary, so every bit of each reaches the middle of the product, and the fold brings the high half
// down onto the low one; splitmix's two multiplies a value (graph_mix) cost four times as many
// instructions. Only the identity of an execution's graph within one search rests on it (key()).
constexpr std::uint64_t step_mix(std::uint64_t seed, std::uint64_t value) {
  const __uint128_t product =
      static_cast<__uint128_t>(seed ^ 0xA0761D6478BD642FULL) * (value ^ 0xE7037ED1A0B428DBULL);
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
}

enum class MemoryEventKind : std::uint8_t { kInit, kLoad, kStore, kUpdate, kFence };

struct MemoryEvent {
  MemoryEventKind kind = MemoryEventKind::kLoad;
  std::memory_order order = std::memory_order_relaxed;
  Epoch at;                      // its thread and tick
  std::uint32_t location = 0;    // the atomic's object id (unused for a fence)
  std::int32_t reads_from = -1;  // loads and updates: the event of the store read
  std::uint64_t id = 0;          // its identity across executions (thread, step)
  VectorClock clock;             // what happens before it, itself included
  SourceLoc loc;
  std::uint32_t trace_row = 0;
  std::uint32_t slot = 0;  // stores: the value's slot in the atomic

  [[nodiscard]] bool reads() const {
    return kind == MemoryEventKind::kLoad || kind == MemoryEventKind::kUpdate;
  }
  [[nodiscard]] bool writes() const {
    return kind == MemoryEventKind::kInit || kind == MemoryEventKind::kStore ||
           kind == MemoryEventKind::kUpdate;
  }
  [[nodiscard]] bool seq_cst() const { return order == std::memory_order_seq_cst; }
};

// What an access needs of its thread.
struct ThreadView {
  ThreadId thread = 0;
  VectorClock& clock;  // the thread's happens-before clock (moved by acquires)
  std::uint32_t trace_row = 0;
  SourceLoc loc;
};

class MemoryGraph {
 public:
  explicit MemoryGraph(MemoryModel model) : model_(model) {}
  // Empty again, as constructed, keeping the vectors' capacity (for the next execution).
  void reset();

  [[nodiscard]] MemoryModel model() const { return model_; }
  [[nodiscard]] bool weak() const { return model_ == MemoryModel::kRc11; }

  // --- what may happen next (into a scratch list, valid until the next call) ---
  const std::vector<std::uint32_t>& load_candidates(std::uint32_t location,
                                                    const VectorClock& clock);
  const std::vector<std::uint32_t>& update_candidates(std::uint32_t location,
                                                      const VectorClock& clock);
  const std::vector<std::uint32_t>& store_places(std::uint32_t location, const VectorClock& clock);
  [[nodiscard]] const ModificationOrder& order_of(std::uint32_t location) const {
    return locations_[location];
  }

  // --- events; each returns false when the graph is no longer one C++ allows ---
  // An atomic's construction: its initial value (not atomic; ordered by happens-before only).
  void init(std::uint32_t location, std::uint32_t slot, ThreadView thread);
  bool load(std::uint32_t location, std::uint32_t store, std::memory_order order,
            ThreadView thread);
  bool store(std::uint32_t location, std::uint32_t place, std::uint32_t slot,
             std::memory_order order, ThreadView thread);
  // A read-modify-write that read `source` (an index in modification order) and stored `slot`.
  bool update(std::uint32_t location, std::uint32_t source, std::uint32_t slot,
              std::memory_order order, ThreadView thread);
  bool fence(std::memory_order order, ThreadView thread);

  // A visible operation of `thread` on the object `object` (0: none) ended (Execution::after).
  // `reads`: the step only reads its (non-atomic) object (operation.hpp: clock_role), so it
  // commutes with the object's other reads: the key keeps which reads fall between two of its
  // other steps, not their order (two readers of a shared mutex in either order are one graph).
  // Inline: once a step, from Execution::after, where the call cost as much as the hashing.
  void note_step(ThreadId thread, std::uint32_t kind, std::uint32_t object, bool atomic,
                 bool reads = false) {
    if (atomic || object == 0) {
      thread_key_[thread] = step_mix(thread_key_[thread], (std::uint64_t{kind} << 32U) | object);
    } else {
      // A step on a non-atomic object goes into that object's key only, with its kind and its
      // place among its thread's steps: the thread's key need not have it (one mix a step, not
      // two), since the objects' keys say which of each thread's steps are on which object, and
      // the thread's key orders the others.
      if (object >= object_keys_.size()) [[unlikely]] {
        object_keys_.resize(object + 1);
      }
      ObjectKey& keys = object_keys_[object];
      const std::uint64_t step = (std::uint64_t{kind} << 40U) | step_id(thread);
      if (reads) {
        keys.reads += graph_mix(0, step);  // a sum: the reads' order is lost
      } else {
        // The reads since the last write (a sum of mixed values, 0 when none) folded into the
        // key before this write: one mix, not one for the reads and one for the write.
        keys.key = step_mix(keys.key ^ keys.reads, step);
        keys.reads = 0;
      }
    }
    ++steps_[thread];
  }

  [[nodiscard]] const std::vector<MemoryEvent>& events() const { return events_; }
  // The destruction of the atomic `location` by `thread`, whose clock is `clock`, is a write
  // (model_sync.hpp): the event of another thread's (of the first `threads`) last access to it
  // that does not happen before the destruction, if any (the latest such).
  [[nodiscard]] std::optional<std::uint32_t> unordered_access(std::uint32_t location,
                                                              ThreadId thread,
                                                              const VectorClock& clock,
                                                              std::uint32_t threads) const;
  [[nodiscard]] const std::vector<ModificationOrder>& locations() const { return locations_; }
  // The execution as a graph: equal for two executions exactly when they have the same events per
  // thread, the same reads-from, the same modification orders and the same order of operations on
  // every mutex and once-flag.
  [[nodiscard]] std::uint64_t key() const;

 private:
  std::uint32_t add_event(MemoryEvent event, ThreadView thread);
  // The reading half of a load or update of the store at `store`: happens-before, the store's
  // readers, the thread's key; the event, to be added.
  MemoryEvent read(std::uint32_t location_id, std::uint32_t store, std::memory_order order,
                   ThreadView thread, MemoryEventKind kind);
  [[nodiscard]] std::uint64_t step_id(ThreadId thread) const {
    return (std::uint64_t{thread} << 32U) | steps_[thread];
  }
  ModificationOrder& location(std::uint32_t id);
  // After an event: whether the graph still has an acyclic psc (checked only when it could not).
  bool consistent();

  MemoryModel model_;
  std::vector<MemoryEvent> events_;
  std::vector<ModificationOrder> locations_;  // by object id (non-atomic objects stay empty)
  // By object id: each thread's last access to the atomic, as its event's index + 1 (0: none):
  // one store per event, read only when the atomic is destroyed.
  std::vector<std::array<std::uint32_t, kMaxThreads>> last_access_;
  std::vector<std::uint32_t> scratch_;
  std::array<VectorClock, kMaxThreads> release_fence_{};    // the clock at the last release fence
  std::array<VectorClock, kMaxThreads> acquire_pending_{};  // what relaxed loads read since
  // A bit per thread whose release_fence_ or acquire_pending_ may not be empty: the only ones
  // reset() clears.
  std::uint32_t fence_clocks_ = 0;
  std::array<std::uint32_t, kMaxThreads> steps_{};  // visible operations so far, per thread
  // Per thread, hashed: its atomic and object-less operations and what its loads read (its steps
  // on non-atomic objects are in their objects' keys, with their places among its steps).
  std::array<std::uint64_t, kMaxThreads> thread_key_{};
  // Per non-atomic object: the order of its operations, and its reads since (a sum). One vector
  // of both, not two: note_step() then checks one bound and finds one entry.
  struct ObjectKey {
    std::uint64_t key = 0;
    std::uint64_t reads = 0;
  };
  std::vector<ObjectKey> object_keys_;
  std::uint32_t seq_cst_events_ = 0;
  // Some edge of mo or rb points against the order events were executed in: only then can psc
  // (every other edge of which follows that order) have a cycle.
  bool against_execution_order_ = false;
};

}  // namespace doublecheck::model
