// Fix-necessity mutation (issue 6): a passing model shows a fix is *sufficient*; its mutants show
// each synchronisation site of it is *necessary*. While a model passes, the explorer records every
// synchronisation site it meets (a Site); each mutant (a Mutant) then weakens exactly one site
// through the engine's interception point (mutation_hook.hpp) — no source is edited — and the
// model is run again: a mutant the model then fails is killed (mutation_run.hpp runs them and
// reports).
//
// The weakenings, one site at a time:
//   - a mutex site: its lock (and the unlock paired with it) become no-ops, the critical section
//     runs unprotected;
//   - an atomic operation: its memory order steps down one level (seq_cst -> acq_rel for an RMW,
//     acquire for a load, release for a store; acq_rel -> acquire and -> release; acquire, release,
//     consume -> relaxed);
//   - an atomic read-modify-write: split into a load and a store, two visible operations (two
//     decision points), no longer atomic;
//   - a critical section (model/mutation/section_cut.hpp), every access inside it still locked: cut
//   in two
//     before one of its accesses (the mutex released and taken again there: "split"), or one
//     access run with the mutex released around it ("exclude").
//
// A site is keyed by what the source says at it: the operation, the object's name, the file and
// line of the call (the caller's SourceLoc) and, for atomics, the order written there. A mutex
// site is the lock's line: a ScopedLock passes it to its unlock as well, and an unlock at another
// line pairs with a removed lock through the thread's own record of the locks it skipped. An access
// inside a critical section (a section point) is keyed the same way: "metrics.total_bytes_in@
// telemetry_emitter.hpp:139:add", with the section's lock site beside it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/operation.hpp"
#include "model/engine/operation_hook.hpp"
#include "seam/source_loc.hpp"

namespace doublecheck::model {

// The operations of a site are the interception point's (SiteOp, site_op_name:
// model/engine/operation_hook.hpp). A mutex site is a lock or try_lock, of either mode (an unlock
// is no site: it goes with its lock); a Shared<T> access is met only as an access inside a critical
// section (SectionPoint).
constexpr bool is_mutex_op(SiteOp op) {
  return op == SiteOp::kLock || op == SiteOp::kTryLock || op == SiteOp::kLockShared ||
         op == SiteOp::kTryLockShared;
}
constexpr bool is_rmw_op(SiteOp op) {
  return op == SiteOp::kExchange || op == SiteOp::kCompareExchange || op == SiteOp::kFetchAdd ||
         op == SiteOp::kFetchSub || op == SiteOp::kFetchOr || op == SiteOp::kFetchAnd ||
         op == SiteOp::kFetchXor;
}
// A fence is an atomic operation without an object: its order steps down (to nothing, relaxed).
// An atomic wait's loads are one site: its order steps down as a load's does.
constexpr bool is_atomic_op(SiteOp op) {
  return op == SiteOp::kLoad || op == SiteOp::kWait || op == SiteOp::kStore ||
         op == SiteOp::kFence || is_rmw_op(op);
}
constexpr bool is_shared_op(SiteOp op) {
  return op == SiteOp::kRead || op == SiteOp::kWrite || op == SiteOp::kAdd;
}
// What a critical section can be cut around: one call of a public access of a model object.
constexpr bool is_access_op(SiteOp op) { return is_atomic_op(op) || is_shared_op(op); }

// One synchronisation site: an operation on one object at one line of the source. Also one access
// unit inside a critical section (SectionPoint::access), with the same key.
struct Site {
  SiteOp op = SiteOp::kLock;
  std::string object;  // the object's display name: "metrics_mutex", "global.instance", "once#4"
  std::string file;    // relative to the source root: "impl/telemetry_emitter.hpp"
  std::uint32_t line = 0;
  std::memory_order order = std::memory_order_seq_cst;  // atomics only (else seq_cst)
  // A lock of a shared mutex: it can also be taken shared (Weakening::kShared; not a try_lock,
  // whose failure leaves no unlock to pair with). Not part of the key: the object decides it.
  bool of_shared_mutex = false;

  // "telemetry_emitter.hpp:150"
  [[nodiscard]] std::string where() const;
  // "lock metrics_mutex at telemetry_emitter.hpp:150", "load(acquire) global.instance at ...",
  // "add metrics.total_bytes_in at telemetry_emitter.hpp:139"
  [[nodiscard]] std::string describe() const;
  // The stable, shell-safe key: "metrics_mutex@telemetry_emitter.hpp:150:lock",
  // "global.instance@acq_rel_dcl.hpp:18:load.acquire", "metrics.tool_calls@...:138:add".
  [[nodiscard]] std::string key() const;
  // Parses key(); nullopt (with `why` set) when it is not one.
  static std::optional<Site> parse_key(std::string_view key, std::string* why = nullptr);

  friend bool operator==(const Site&, const Site&) = default;
  friend bool operator<(const Site& a, const Site& b);
};

// One access met inside one critical section (identified by its lock site): where the section
// operators can cut (mutants_of).
struct SectionPoint {
  Site section;  // the lock site: "lock metrics_mutex at telemetry_emitter.hpp:137"
  Site access;   // the access unit: "add metrics.total_bytes_in at telemetry_emitter.hpp:139"
  // Seen after another access unit of the same instance of the section: the section can be split
  // before it. Every point can have its access excluded.
  bool split_point = false;

  friend bool operator==(const SectionPoint&, const SectionPoint&) = default;
  friend bool operator<(const SectionPoint& a, const SectionPoint& b);
};

// The sites one job's executions met (recording is opt-in: mutation_hooks() with a recorder), and
// the section points. Noting a site or point already seen costs a short scan and no allocation.
class SiteLog {
 public:
  void note(SiteOp op, const ObjectHeader& object, const SourceLoc& loc, std::memory_order order);
  // An access (`op` on `object` at `loc`, written with `order`) inside the section locked by
  // `lock_op` of `mutex` at `lock_loc`; `later`: not the section instance's first access unit.
  void note_point(SiteOp lock_op, const ObjectHeader& mutex, const SourceLoc& lock_loc, SiteOp op,
                  const ObjectHeader& object, const SourceLoc& loc, std::memory_order order,
                  bool later);
  // Every distinct site, sorted.
  [[nodiscard]] std::vector<Site> sites() const;
  // Every distinct section point, sorted (a split point when any instance saw it as one).
  [[nodiscard]] std::vector<SectionPoint> points() const;

 private:
  struct Raw {
    SiteOp op;
    std::memory_order order;
    std::uint32_t line;
    const char* file;  // as the compiler spelled it (a literal: compared by address first)
    std::string_view kind;
    std::string_view name;  // a literal too; empty for an unnamed object (then `id` names it)
    std::uint32_t id;

    [[nodiscard]] bool same(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                            std::memory_order order) const;
    [[nodiscard]] Site site() const;
  };
  struct RawPoint {
    Raw section;
    Raw access;
    bool later = false;  // seen as a split point
  };
  std::vector<Raw> raw_;
  std::vector<RawPoint> points_;
};

// The sites and points every job of a search met: each job keeps its own SiteLog and adds it here
// at its end.
class SiteRecorder {
 public:
  void add(const SiteLog& log);
  // Every distinct site, sorted.
  [[nodiscard]] std::vector<Site> sites() const;
  // Every distinct section point, sorted; a split point when some job saw it as one.
  [[nodiscard]] std::vector<SectionPoint> points() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Site> sites_;
  std::vector<SectionPoint> points_;
};

// Merges sorted point lists: the union, a split point when either saw it as one.
std::vector<SectionPoint> merge_points(const std::vector<SectionPoint>& a,
                                       const std::vector<SectionPoint>& b);

// How a mutant weakens its site.
enum class Weakening : std::uint8_t {
  kNoLock,  // a mutex site: lock and its paired unlock do nothing
  kShared,  // a shared mutex's lock site: it and its unlock take the shared mode
  kOrder,   // an atomic site: the memory order steps down one level (to `Mutant::to`)
  kSplit,   // an atomic RMW site: a load and then a store, two visible operations
  // A lock site's critical section, at one of its accesses (`Mutant::access`):
  kSplitBefore,  // the mutex is released and taken again just before the access
  kExclude,      // the mutex is released just before the access and taken again just after it
};

constexpr bool cuts_section(Weakening weakening) {
  return weakening == Weakening::kSplitBefore || weakening == Weakening::kExclude;
}

// One weakened site. The MutationHook (mutation_hook.hpp) asks whether an operation falls under it.
struct Mutant {
  Site site;  // the section operators: the section's lock site
  Weakening weakening = Weakening::kNoLock;
  std::memory_order to = std::memory_order_relaxed;  // kOrder: the weaker order
  Site access;  // kSplitBefore, kExclude: the access in the section the cut is at

  // The identifier a replay takes (dc_model --mutant <id> --replay <token>): the site's key, '/',
  // and "no-lock", "split", the weaker order, or "split-before:" / "exclude:" and the access's key:
  // "metrics_mutex@telemetry_emitter.hpp:150:lock/no-lock",
  // "global.instance@acq_rel_dcl.hpp:18:load.acquire/relaxed",
  // "metrics_mutex@telemetry_emitter.hpp:137:lock/split-before:metrics.total_bytes_in@
  // telemetry_emitter.hpp:139:add" (one word, no spaces).
  [[nodiscard]] std::string id() const;
  // "lock/unlock -> no-op", "acquire -> relaxed", "RMW -> load + store", "unlock/relock before add
  // metrics.total_bytes_in at telemetry_emitter.hpp:139", "add metrics.total_bytes_in at
  // telemetry_emitter.hpp:139 outside the lock".
  [[nodiscard]] std::string weakening_text() const;
  // Parses id(); nullopt (with `error` set) when it is not one.
  static std::optional<Mutant> parse(std::string_view id, std::string* error = nullptr);

  // A seq_cst -> acquire/release/acq_rel step: the explorer runs sequentially consistent
  // interleavings and orders by happens-before, where seq_cst and acquire/release agree, so such a
  // mutant can only be judged by its happens-before effect (none): a survivor is "not judged".
  [[nodiscard]] bool judged_by_happens_before_only() const;

  // --- the checks the MutationHook makes at each operation ---
  // Whether the lock (or try_lock) of `mutex` at `loc` is removed.
  [[nodiscard]] bool removes_lock(SiteOp op, const ObjectHeader& mutex, const SourceLoc& loc) const;
  // Whether the exclusive lock of the shared mutex `mutex` at `loc` is taken shared.
  [[nodiscard]] bool takes_shared(SiteOp op, const ObjectHeader& mutex, const SourceLoc& loc) const;
  // The order an atomic operation written with `order` runs with (weaker when it is the site).
  [[nodiscard]] std::memory_order order_at(SiteOp op, const ObjectHeader& object,
                                           const SourceLoc& loc, std::memory_order order) const;
  // Whether the RMW at `loc` (written with `order`) runs as a load and a store.
  [[nodiscard]] bool splits(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                            std::memory_order order) const;

  // Whether the operation is at this mutant's site.
  [[nodiscard]] bool at_site(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                             std::memory_order order) const;
  // A section operator: whether the access (`op` on `object` at `loc`, written with `order`) is
  // the one it cuts at (the section it is in is matched by at_site, once, at its lock).
  [[nodiscard]] bool at_access(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                               std::memory_order order) const;
};

// Every mutant of `sites`, in the sites' order: one no-lock per mutex site (and a shared mutex's
// exclusive lock site also one taking it shared), one per one-level
// order step of an atomic site (two for acq_rel), one split per RMW site. call_once sites and
// relaxed loads and stores have none. A lock site's section `points` follow its no-lock: one
// split-before per split point, then one exclude per point, each in the points' order.
std::vector<Mutant> mutants_of(const std::vector<Site>& sites,
                               const std::vector<SectionPoint>& points = {});

}  // namespace doublecheck::model
