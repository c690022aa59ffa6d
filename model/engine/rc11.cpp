#include "model/engine/rc11.hpp"

#include <cstddef>
#include <cstdint>

namespace doublecheck::model {
namespace {

// A square relation over the graph's events, one bit row per event.
class Relation {
 public:
  explicit Relation(std::size_t n) : n_(n), words_((n + 63) / 64), bits_(n * words_, 0) {}

  [[nodiscard]] bool has(std::size_t a, std::size_t b) const {
    return ((bits_[a * words_ + b / 64] >> (b % 64)) & 1U) != 0;
  }
  void set(std::size_t a, std::size_t b) {
    bits_[a * words_ + b / 64] |= std::uint64_t{1} << (b % 64);
  }
  // Row `a` |= row `b` of `other`.
  void add_row(std::size_t a, const Relation& other, std::size_t b) {
    for (std::size_t w = 0; w < words_; ++w) bits_[a * words_ + w] |= other.bits_[b * words_ + w];
  }
  // this ; other
  [[nodiscard]] Relation then(const Relation& other) const {
    Relation result(n_);
    for (std::size_t a = 0; a < n_; ++a) {
      for (std::size_t x = 0; x < n_; ++x) {
        if (has(a, x)) result.add_row(a, other, x);
      }
    }
    return result;
  }
  // The transitive closure (Warshall).
  void close() {
    for (std::size_t k = 0; k < n_; ++k) {
      for (std::size_t a = 0; a < n_; ++a) {
        if (has(a, k)) add_row(a, *this, k);
      }
    }
  }
  [[nodiscard]] std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  std::size_t words_;
  std::vector<std::uint64_t> bits_;
};

bool is_fence(const MemoryEvent& e) { return e.kind == MemoryEventKind::kFence; }

bool cyclic(const std::vector<std::vector<std::size_t>>& successors) {
  enum class Mark : std::uint8_t { kNew, kOpen, kDone };
  std::vector<Mark> mark(successors.size(), Mark::kNew);
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // node, next successor to visit
  for (std::size_t root = 0; root < successors.size(); ++root) {
    if (mark[root] != Mark::kNew) continue;
    stack.emplace_back(root, 0);
    mark[root] = Mark::kOpen;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == successors[node].size()) {
        mark[node] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const std::size_t to = successors[node][next++];
      if (mark[to] == Mark::kOpen) return true;
      if (mark[to] == Mark::kNew) {
        mark[to] = Mark::kOpen;
        stack.emplace_back(to, 0);
      }
    }
  }
  return false;
}

}  // namespace

bool psc_acyclic(const std::vector<MemoryEvent>& events,
                 const std::vector<ModificationOrder>& locations) {
  const std::size_t n = events.size();
  std::vector<std::int64_t> rank(n, -1);  // a store's place in its location's modification order
  for (const ModificationOrder& order : locations) {
    for (std::uint32_t i = 0; i < order.size(); ++i) rank[order[i].event] = i;
  }
  // Happens-before: executed earlier, and seen by the later event's clock.
  Relation hb(n);
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      if (events[a].at.happens_before(events[b].clock)) hb.set(a, b);
    }
  }
  const auto same_location = [&](std::size_t a, std::size_t b) {
    return !is_fence(events[a]) && !is_fence(events[b]) && events[a].location == events[b].location;
  };
  Relation po_other_location(n);
  Relation scb(n);
  Relation eco(n);
  for (std::size_t a = 0; a < n; ++a) {
    const MemoryEvent& x = events[a];
    for (std::size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      const MemoryEvent& y = events[b];
      const bool po = x.at.thread == y.at.thread && a < b;
      const bool same = same_location(a, b);
      if (po && !same) po_other_location.set(a, b);
      const bool mo = same && x.writes() && y.writes() && rank[a] < rank[b];
      const bool rb =
          same && x.reads() && y.writes() && rank[b] > rank[static_cast<std::size_t>(x.reads_from)];
      const bool rf = y.reads() && y.reads_from == static_cast<std::int32_t>(a);
      if (po || (same && hb.has(a, b)) || mo || rb) scb.set(a, b);
      if (mo || rb || rf) eco.set(a, b);
    }
  }
  const Relation around = po_other_location.then(hb).then(po_other_location);
  for (std::size_t a = 0; a < n; ++a) scb.add_row(a, around, a);
  eco.close();
  const Relation hb_eco_hb = hb.then(eco).then(hb);

  std::vector<std::size_t> sc;  // the seq_cst events, by index
  for (std::size_t a = 0; a < n; ++a) {
    if (events[a].kind != MemoryEventKind::kInit && events[a].seq_cst()) sc.push_back(a);
  }
  // From a: scb out of a, or out of anything after fence a.
  Relation from(n);
  for (const std::size_t a : sc) {
    from.add_row(a, scb, a);
    if (!is_fence(events[a])) continue;
    for (std::size_t x = 0; x < n; ++x) {
      if (hb.has(a, x)) from.add_row(a, scb, x);
    }
  }
  std::vector<std::vector<std::size_t>> successors(sc.size());
  for (std::size_t i = 0; i < sc.size(); ++i) {
    const std::size_t a = sc[i];
    for (std::size_t j = 0; j < sc.size(); ++j) {
      const std::size_t b = sc[j];
      if (a == b) continue;
      bool edge = from.has(a, b);
      if (!edge && is_fence(events[b])) {
        for (std::size_t y = 0; y < n && !edge; ++y) edge = from.has(a, y) && hb.has(y, b);
      }
      if (!edge && is_fence(events[a]) && is_fence(events[b])) {
        edge = hb.has(a, b) || hb_eco_hb.has(a, b);
      }
      if (edge) successors[i].push_back(j);
    }
  }
  return !cyclic(successors);
}

}  // namespace doublecheck::model
