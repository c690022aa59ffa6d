#include "model/engine/memory_graph.hpp"

#include <algorithm>
#include <bit>

#include "model/engine/happens_before.hpp"
#include "model/engine/rc11.hpp"

namespace doublecheck::model {
ModificationOrder& MemoryGraph::location(std::uint32_t id) {
  if (id >= locations_.size()) locations_.resize(id + 1);
  if (id >= last_access_.size()) last_access_.resize(id + 1);
  return locations_[id];
}

const std::vector<std::uint32_t>& MemoryGraph::load_candidates(std::uint32_t location,
                                                               const VectorClock& clock) {
  locations_[location].load_candidates(clock, weak(), scratch_);
  return scratch_;
}

const std::vector<std::uint32_t>& MemoryGraph::update_candidates(std::uint32_t location,
                                                                 const VectorClock& clock) {
  locations_[location].update_candidates(clock, weak(), scratch_);
  return scratch_;
}

const std::vector<std::uint32_t>& MemoryGraph::store_places(std::uint32_t location,
                                                            const VectorClock& clock) {
  locations_[location].store_places(clock, weak(), scratch_);
  return scratch_;
}

std::uint32_t MemoryGraph::add_event(MemoryEvent event, ThreadView thread) {
  event.at = Epoch{thread.thread, thread.clock[thread.thread]};
  event.clock = thread.clock;
  event.loc = thread.loc;
  event.trace_row = thread.trace_row;
  if (event.id == 0) event.id = step_id(thread.thread);
  if (event.kind != MemoryEventKind::kInit && event.seq_cst()) ++seq_cst_events_;
  events_.push_back(event);
  const auto index = static_cast<std::uint32_t>(events_.size() - 1);
  // Every atomic's first event is its init, which makes its entry first (location()).
  if (event.kind != MemoryEventKind::kFence) {
    last_access_[event.location][thread.thread] = index + 1;
  }
  return index;
}

std::optional<std::uint32_t> MemoryGraph::unordered_access(std::uint32_t location, ThreadId thread,
                                                           const VectorClock& clock,
                                                           std::uint32_t threads) const {
  if (location >= last_access_.size()) return std::nullopt;
  std::optional<std::uint32_t> latest;
  for (ThreadId t = 0; t < threads; ++t) {
    const std::uint32_t entry = last_access_[location][t];
    if (t == thread || entry == 0 || events_[entry - 1].at.happens_before(clock)) continue;
    if (!latest || entry - 1 > *latest) latest = entry - 1;
  }
  return latest;
}

void MemoryGraph::init(std::uint32_t location_id, std::uint32_t slot, ThreadView thread) {
  MemoryEvent event;
  event.kind = MemoryEventKind::kInit;
  event.location = location_id;
  event.slot = slot;
  event.id = graph_mix(step_id(thread.thread), 0x1417ULL + location_id);
  ModificationOrder& mo = location(location_id);  // before the event, which needs its entry
  const std::uint32_t index = add_event(event, thread);
  StoreRecord record;
  record.event = index;
  record.slot = slot;
  record.at = events_[index].at;
  mo.push_initial(record);
}

MemoryEvent MemoryGraph::read(std::uint32_t location_id, std::uint32_t store,
                              std::memory_order order, ThreadView thread, MemoryEventKind kind) {
  ModificationOrder& mo = location(location_id);
  StoreRecord& source = mo[store];
  const ThreadId t = thread.thread;
  if (store != mo.newest()) against_execution_order_ = true;  // rb points back to a newer store
  // An acquire takes in the release sequence now; a relaxed read keeps it for an acquire fence.
  if (is_acquire(order)) {
    thread.clock.join(source.sync);
  } else {
    acquire_pending_[t].join(source.sync);
    fence_clocks_ |= 1U << t;
  }
  if (source.readers[t] == 0) source.readers.set(t, thread.clock[t]);
  thread_key_[t] = graph_mix(thread_key_[t], events_[source.event].id);
  MemoryEvent event;
  event.kind = kind;
  event.order = order;
  event.location = location_id;
  event.reads_from = static_cast<std::int32_t>(source.event);
  event.slot = source.slot;
  return event;
}

bool MemoryGraph::load(std::uint32_t location_id, std::uint32_t store, std::memory_order order,
                       ThreadView thread) {
  add_event(read(location_id, store, order, thread, MemoryEventKind::kLoad), thread);
  return consistent();
}

bool MemoryGraph::store(std::uint32_t location_id, std::uint32_t place, std::uint32_t slot,
                        std::memory_order order, ThreadView thread) {
  ModificationOrder& mo = location(location_id);
  if (place != mo.size()) against_execution_order_ = true;  // mo points back to an older store
  MemoryEvent event;
  event.kind = MemoryEventKind::kStore;
  event.order = order;
  event.location = location_id;
  event.slot = slot;
  const std::uint32_t index = add_event(event, thread);
  StoreRecord record;
  record.event = index;
  record.slot = slot;
  record.at = events_[index].at;
  record.sync = is_release(order) ? thread.clock : release_fence_[thread.thread];
  mo.insert(place, record);
  return consistent();
}

bool MemoryGraph::update(std::uint32_t location_id, std::uint32_t source_index, std::uint32_t slot,
                         std::memory_order order, ThreadView thread) {
  ModificationOrder& mo = location(location_id);
  const ThreadId t = thread.thread;
  MemoryEvent event = read(location_id, source_index, order, thread, MemoryEventKind::kUpdate);
  event.slot = slot;
  const StoreRecord& source = mo[source_index];
  StoreRecord record;
  record.slot = slot;
  record.update = true;
  // It continues the release sequence of the store it read (C++20 [intro.races] 5).
  record.sync = source.sync;
  record.sync.join(is_release(order) ? thread.clock : release_fence_[t]);
  record.event = add_event(event, thread);
  record.at = events_[record.event].at;
  mo.insert(source_index + 1, record);
  return consistent();
}

bool MemoryGraph::fence(std::memory_order order, ThreadView thread) {
  const ThreadId t = thread.thread;
  if (is_acquire(order)) thread.clock.join(acquire_pending_[t]);
  if (is_release(order)) {
    release_fence_[t] = thread.clock;
    fence_clocks_ |= 1U << t;
  }
  MemoryEvent event;
  event.kind = MemoryEventKind::kFence;
  event.order = order;
  add_event(event, thread);
  return consistent();
}

bool MemoryGraph::consistent() {
  if (!weak() || !against_execution_order_ || seq_cst_events_ < 2) return true;
  return psc_acyclic(events_, locations_);
}

void MemoryGraph::reset() {
  // Every member but the model (keep in step with the class).
  events_.clear();
  locations_.clear();
  last_access_.clear();
  scratch_.clear();
  for (std::uint32_t s = fence_clocks_; s != 0; s &= s - 1) {
    const auto t = static_cast<std::size_t>(std::countr_zero(s));
    release_fence_[t].clear();
    acquire_pending_[t].clear();
  }
  fence_clocks_ = 0;
  steps_.fill(0);
  thread_key_.fill(0);
  // Zeroed, not emptied: key() skips an object whose entries are 0, as it skips one past their
  // end, and note_step() then need not grow them again in every execution.
  std::fill(object_keys_.begin(), object_keys_.end(), ObjectKey{});
  seq_cst_events_ = 0;
  against_execution_order_ = false;
}

std::uint64_t MemoryGraph::key() const {
  // Once per execution (the explorer's set of graphs). The thread and object keys are already
  // mixed hashes, so they are combined with one multiply each (an order-sensitive step, a
  // bijection in either argument) and the result mixed fully once at the end. Every thread's key
  // is taken, in thread order (0 for one with no atomic or object-less step, in every execution
  // alike: its other steps are in the objects' keys with its id), so the place of
  // each in the chain names its thread, with no test and no index. The stores' ids (thread and
  // step, not hashes) go through graph_mix itself.
  constexpr std::uint64_t kOdd = 0x9E3779B97F4A7C15ULL;
  const auto step = [](std::uint64_t seed, std::uint64_t value) { return (seed ^ value) * kOdd; };
  std::uint64_t key = 0;
  for (const std::uint64_t thread : thread_key_) key = step(key, thread);
  for (std::size_t id = 0; id < locations_.size(); ++id) {
    const ModificationOrder& mo = locations_[id];
    if (mo.size() == 0) continue;
    key = graph_mix(key, id);
    for (std::uint32_t i = 0; i < mo.size(); ++i) key = graph_mix(key, events_[mo[i].event].id);
  }
  for (std::size_t id = 0; id < object_keys_.size(); ++id) {
    const ObjectKey& object = object_keys_[id];
    if (object.key != 0 || object.reads != 0) {
      key = step(step(key, (std::uint64_t{1} << 63U) | id), graph_mix(object.key, object.reads));
    }
  }
  return graph_mix(0, key);
}

}  // namespace doublecheck::model
