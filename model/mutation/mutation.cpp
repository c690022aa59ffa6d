#include "model/mutation/mutation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <tuple>

#include "model/engine/source_path.hpp"

namespace doublecheck::model {
namespace {

constexpr std::array kSiteOps{SiteOp::kLock,     SiteOp::kTryLock,    SiteOp::kLoad,
                              SiteOp::kStore,    SiteOp::kExchange,   SiteOp::kCompareExchange,
                              SiteOp::kFetchAdd, SiteOp::kFetchSub,   SiteOp::kFetchOr,
                              SiteOp::kFetchAnd, SiteOp::kFetchXor,   SiteOp::kFence,
                              SiteOp::kCallOnce, SiteOp::kRead,       SiteOp::kWrite,
                              SiteOp::kAdd,      SiteOp::kLockShared, SiteOp::kTryLockShared,
                              SiteOp::kWait};

// The section operators' ids: "<lock site key><marker><access key>".
constexpr std::string_view kSplitBeforeMarker = "/split-before:";
constexpr std::string_view kExcludeMarker = "/exclude:";
constexpr std::array kOrders{std::memory_order_relaxed, std::memory_order_consume,
                             std::memory_order_acquire, std::memory_order_release,
                             std::memory_order_acq_rel, std::memory_order_seq_cst};

// Whether `object` is the one named `name` (display_name() without building the string).
bool named(const ObjectHeader& object, std::string_view name) {
  if (!object.name.empty()) return object.name == name;
  // "<kind>#<id>"
  if (name.size() <= object.kind.size() + 1 || name.substr(0, object.kind.size()) != object.kind ||
      name[object.kind.size()] != '#') {
    return false;
  }
  std::uint32_t id = 0;
  const std::string_view digits = name.substr(object.kind.size() + 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  return error == std::errc() && end == digits.data() + digits.size() && id == object.id;
}

std::optional<SiteOp> parse_op(std::string_view text) {
  for (const SiteOp op : kSiteOps) {
    if (site_op_name(op) == text) return op;
  }
  return std::nullopt;
}

std::optional<std::memory_order> parse_order(std::string_view text) {
  for (const std::memory_order order : kOrders) {
    if (order_name(order) == text) return order;
  }
  return std::nullopt;
}

// The one-level weaker orders of an atomic operation written with `order`.
std::vector<std::memory_order> steps_down(SiteOp op, std::memory_order order) {
  switch (order) {
    case std::memory_order_seq_cst:
      if (op == SiteOp::kLoad || op == SiteOp::kWait) return {std::memory_order_acquire};
      if (op == SiteOp::kStore) return {std::memory_order_release};
      return {std::memory_order_acq_rel};  // an RMW or a fence
    case std::memory_order_acq_rel:
      return {std::memory_order_acquire, std::memory_order_release};
    case std::memory_order_acquire:
    case std::memory_order_release:
    case std::memory_order_consume:
      return {std::memory_order_relaxed};
    default:
      return {};
  }
}

}  // namespace

std::string Site::where() const { return file + ":" + std::to_string(line); }

std::string Site::describe() const {
  std::string text(site_op_name(op));
  if (is_atomic_op(op)) text += "(" + std::string(order_name(order)) + ")";
  return text + " " + object + " at " + where();
}

std::string Site::key() const {
  std::string text = object + "@" + where() + ":" + std::string(site_op_name(op));
  if (is_atomic_op(op)) text += "." + std::string(order_name(order));
  return text;
}

std::optional<Site> Site::parse_key(std::string_view key, std::string* why) {
  const auto fail = [&](std::string reason) -> std::optional<Site> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  Site site;
  // The object's name may hold anything (even '@'); a source path holds no '@'.
  const auto at = key.rfind('@');
  if (at == std::string_view::npos || at == 0) return fail("no '<object>@'");
  site.object = std::string(key.substr(0, at));
  key.remove_prefix(at + 1);
  // <file>:<line>:<op>[.<order>]
  const auto op_colon = key.rfind(':');
  if (op_colon == std::string_view::npos) return fail("no ':<operation>'");
  std::string_view op_text = key.substr(op_colon + 1);
  key = key.substr(0, op_colon);
  const auto line_colon = key.rfind(':');
  if (line_colon == std::string_view::npos || line_colon == 0) return fail("no '<file>:<line>'");
  const std::string_view line_text = key.substr(line_colon + 1);
  const auto [end, parse_error] =
      std::from_chars(line_text.data(), line_text.data() + line_text.size(), site.line);
  if (parse_error != std::errc() || end != line_text.data() + line_text.size() || site.line == 0) {
    return fail("the line is not a number");
  }
  site.file = std::string(key.substr(0, line_colon));
  std::optional<std::memory_order> order;
  if (const auto dot = op_text.find('.'); dot != std::string_view::npos) {
    order = parse_order(op_text.substr(dot + 1));
    if (!order) return fail("unknown memory order '" + std::string(op_text.substr(dot + 1)) + "'");
    op_text = op_text.substr(0, dot);
  }
  const auto op = parse_op(op_text);
  if (!op) return fail("unknown operation '" + std::string(op_text) + "'");
  site.op = *op;
  if (is_atomic_op(*op) != order.has_value()) {
    return fail(order ? "only atomic operations have an order"
                      : "an atomic operation needs .order");
  }
  if (order) site.order = *order;
  return site;
}

bool operator<(const Site& a, const Site& b) {
  return std::tie(a.file, a.line, a.op, a.object, a.order) <
         std::tie(b.file, b.line, b.op, b.object, b.order);
}

bool operator<(const SectionPoint& a, const SectionPoint& b) {
  return std::tie(a.section, a.access) < std::tie(b.section, b.access);
}

bool SiteLog::Raw::same(SiteOp other_op, const ObjectHeader& object, const SourceLoc& loc,
                        std::memory_order other_order) const {
  return line == loc.line && op == other_op && order == other_order && file == loc.file &&
         name.data() == object.name.data() && name.size() == object.name.size() &&
         (!object.name.empty() || (id == object.id && kind == object.kind));
}

Site SiteLog::Raw::site() const {
  Site site;
  site.op = op;
  site.object = !name.empty() ? std::string(name) : std::string(kind) + "#" + std::to_string(id);
  site.file = std::string(relative_path(file));
  site.line = line;
  site.order = is_atomic_op(op) ? order : std::memory_order_seq_cst;
  site.of_shared_mutex = op == SiteOp::kLock && kind == kSharedMutexKind;
  return site;
}

void SiteLog::note(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                   std::memory_order order) {
  for (const Raw& seen : raw_) {
    if (seen.same(op, object, loc, order)) return;
  }
  raw_.push_back(Raw{op, order, loc.line, loc.file, object.kind, object.name, object.id});
}

void SiteLog::note_point(SiteOp lock_op, const ObjectHeader& mutex, const SourceLoc& lock_loc,
                         SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                         std::memory_order order, bool later) {
  for (RawPoint& seen : points_) {
    if (seen.access.same(op, object, loc, order) &&
        seen.section.same(lock_op, mutex, lock_loc, std::memory_order_seq_cst)) {
      seen.later |= later;
      return;
    }
  }
  points_.push_back(
      RawPoint{Raw{lock_op, std::memory_order_seq_cst, lock_loc.line, lock_loc.file, mutex.kind,
                   mutex.name, mutex.id},
               Raw{op, order, loc.line, loc.file, object.kind, object.name, object.id}, later});
}

std::vector<Site> SiteLog::sites() const {
  std::vector<Site> sites;
  sites.reserve(raw_.size());
  for (const Raw& raw : raw_) sites.push_back(raw.site());
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  return sites;
}

std::vector<SectionPoint> SiteLog::points() const {
  std::vector<SectionPoint> points;
  points.reserve(points_.size());
  for (const RawPoint& raw : points_) {
    points.push_back(SectionPoint{raw.section.site(), raw.access.site(), raw.later});
  }
  std::sort(points.begin(), points.end());
  // Two raw points can name one point (two objects of one name): a split point if either is.
  std::vector<SectionPoint> unique;
  for (SectionPoint& point : points) {
    if (!unique.empty() && !(unique.back() < point)) {
      unique.back().split_point |= point.split_point;
    } else {
      unique.push_back(std::move(point));
    }
  }
  return unique;
}

std::vector<SectionPoint> merge_points(const std::vector<SectionPoint>& a,
                                       const std::vector<SectionPoint>& b) {
  std::vector<SectionPoint> merged;
  merged.reserve(a.size() + b.size());
  auto i = a.begin();
  auto k = b.begin();
  while (i != a.end() || k != b.end()) {
    if (k == b.end() || (i != a.end() && *i < *k)) {
      merged.push_back(*i++);
    } else if (i == a.end() || *k < *i) {
      merged.push_back(*k++);
    } else {
      merged.push_back(*i++);
      merged.back().split_point |= (k++)->split_point;
    }
  }
  return merged;
}

void SiteRecorder::add(const SiteLog& log) {
  const std::vector<Site> more = log.sites();
  const std::vector<SectionPoint> more_points = log.points();
  const std::scoped_lock lock(mutex_);
  std::vector<Site> merged;
  merged.reserve(sites_.size() + more.size());
  std::set_union(sites_.begin(), sites_.end(), more.begin(), more.end(),
                 std::back_inserter(merged));
  sites_ = std::move(merged);
  points_ = merge_points(points_, more_points);
}

std::vector<Site> SiteRecorder::sites() const {
  const std::scoped_lock lock(mutex_);
  return sites_;
}

std::vector<SectionPoint> SiteRecorder::points() const {
  const std::scoped_lock lock(mutex_);
  return points_;
}

std::string Mutant::id() const {
  std::string text = site.key() + "/";
  switch (weakening) {
    case Weakening::kNoLock:
      return text + "no-lock";
    case Weakening::kShared:
      return text + "shared";
    case Weakening::kSplit:
      return text + "split";
    case Weakening::kOrder:
      return text + std::string(order_name(to));
    case Weakening::kSplitBefore:
      return site.key() + std::string(kSplitBeforeMarker) + access.key();
    case Weakening::kExclude:
      return site.key() + std::string(kExcludeMarker) + access.key();
  }
  return text;
}

std::string Mutant::weakening_text() const {
  switch (weakening) {
    case Weakening::kNoLock:
      switch (site.op) {
        case SiteOp::kTryLock:
          return "try_lock/unlock -> no-op";
        case SiteOp::kLockShared:
          return "lock_shared/unlock_shared -> no-op";
        case SiteOp::kTryLockShared:
          return "try_lock_shared/unlock_shared -> no-op";
        default:
          return "lock/unlock -> no-op";
      }
    case Weakening::kShared:
      return "lock -> lock_shared";
    case Weakening::kSplit:
      return "RMW -> load + store";
    case Weakening::kOrder:
      return std::string(order_name(site.order)) + " -> " + std::string(order_name(to));
    case Weakening::kSplitBefore:
      return "unlock/relock before " + access.describe();
    case Weakening::kExclude:
      return access.describe() + " outside the lock";
  }
  return "?";
}

std::optional<Mutant> Mutant::parse(std::string_view id, std::string* error) {
  const auto fail = [&](const std::string& why) -> std::optional<Mutant> {
    if (error != nullptr) {
      *error = "not a mutant id: '" + std::string(id) + "' (" + why +
               "; an id looks like metrics_mutex@telemetry_emitter.hpp:150:lock/no-lock)";
    }
    return std::nullopt;
  };
  // A section operator: "<lock site key>/split-before:<access key>" or ".../exclude:...". Both
  // keys hold ':' and '@', and an object's name may hold '/' or '.', so every place the marker
  // occurs is tried; the first where both keys parse is the one.
  std::string first_why;
  for (const auto& [marker, cut] : {std::pair{kSplitBeforeMarker, Weakening::kSplitBefore},
                                    std::pair{kExcludeMarker, Weakening::kExclude}}) {
    for (auto at = id.find(marker); at != std::string_view::npos; at = id.find(marker, at + 1)) {
      std::string why;
      auto section = Site::parse_key(id.substr(0, at), &why);
      if (section && !is_mutex_op(section->op)) {
        why = std::string(marker.substr(1, marker.size() - 2)) + " cuts a lock site's section only";
        section.reset();
      }
      std::optional<Site> access;
      if (section) {
        access = Site::parse_key(id.substr(at + marker.size()), &why);
        if (!access) why.insert(0, "the access: ");
        if (access && !is_access_op(access->op)) {
          why = "the access must be a read, write, add or atomic operation";
          access.reset();
        }
      }
      if (section && access) {
        Mutant mutant;
        mutant.site = std::move(*section);
        mutant.weakening = cut;
        mutant.access = std::move(*access);
        return mutant;
      }
      if (first_why.empty()) first_why = why;
    }
  }
  if (!first_why.empty()) return fail(first_why);

  Mutant mutant;
  const auto slash = id.rfind('/');
  if (slash == std::string_view::npos) return fail("no '/<weakening>'");
  const std::string_view weakening = id.substr(slash + 1);
  std::string why;
  auto site = Site::parse_key(id.substr(0, slash), &why);
  if (!site) return fail(why);
  mutant.site = std::move(*site);
  const SiteOp op = mutant.site.op;

  if (weakening == "no-lock") {
    if (!is_mutex_op(op)) return fail("no-lock weakens a lock site only");
    mutant.weakening = Weakening::kNoLock;
  } else if (weakening == "shared") {
    if (op != SiteOp::kLock) return fail("shared weakens an exclusive lock site only");
    mutant.weakening = Weakening::kShared;
    mutant.site.of_shared_mutex = true;
  } else if (weakening == "split") {
    if (!is_rmw_op(op)) return fail("split weakens a read-modify-write only");
    mutant.weakening = Weakening::kSplit;
  } else {
    const auto to = parse_order(weakening);
    if (!to) return fail("unknown weakening '" + std::string(weakening) + "'");
    const auto steps = steps_down(op, mutant.site.order);
    if (!is_atomic_op(op) || std::find(steps.begin(), steps.end(), *to) == steps.end()) {
      return fail("not a one-level step down of this operation's order");
    }
    mutant.weakening = Weakening::kOrder;
    mutant.to = *to;
  }
  return mutant;
}

bool Mutant::judged_by_happens_before_only() const {
  return weakening == Weakening::kOrder && site.order == std::memory_order_seq_cst;
}

bool Mutant::at_site(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                     std::memory_order order) const {
  return loc.line == site.line && op == site.op && (!is_atomic_op(op) || order == site.order) &&
         relative_path(loc.file) == site.file && named(object, site.object);
}

bool Mutant::removes_lock(SiteOp op, const ObjectHeader& mutex, const SourceLoc& loc) const {
  return weakening == Weakening::kNoLock && at_site(op, mutex, loc, std::memory_order_seq_cst);
}

bool Mutant::takes_shared(SiteOp op, const ObjectHeader& mutex, const SourceLoc& loc) const {
  return weakening == Weakening::kShared && at_site(op, mutex, loc, std::memory_order_seq_cst);
}

std::memory_order Mutant::order_at(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                                   std::memory_order order) const {
  return weakening == Weakening::kOrder && at_site(op, object, loc, order) ? to : order;
}

bool Mutant::splits(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                    std::memory_order order) const {
  return weakening == Weakening::kSplit && at_site(op, object, loc, order);
}

bool Mutant::at_access(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                       std::memory_order order) const {
  return loc.line == access.line && op == access.op &&
         (!is_atomic_op(op) || order == access.order) && relative_path(loc.file) == access.file &&
         named(object, access.object);
}

std::vector<Mutant> mutants_of(const std::vector<Site>& sites,
                               const std::vector<SectionPoint>& points) {
  std::vector<Mutant> mutants;
  for (const Site& site : sites) {
    if (is_mutex_op(site.op)) {
      mutants.push_back(Mutant{site, Weakening::kNoLock, std::memory_order_relaxed, {}});
      if (site.of_shared_mutex) {
        mutants.push_back(Mutant{site, Weakening::kShared, std::memory_order_relaxed, {}});
      }
      // `points` is sorted by section first: this site's are one run of it.
      const auto first = std::find_if(points.begin(), points.end(),
                                      [&](const SectionPoint& p) { return p.section == site; });
      const auto last = std::find_if(first, points.end(),
                                     [&](const SectionPoint& p) { return !(p.section == site); });
      for (auto p = first; p != last; ++p) {
        if (p->split_point) {
          mutants.push_back(
              Mutant{site, Weakening::kSplitBefore, std::memory_order_relaxed, p->access});
        }
      }
      for (auto p = first; p != last; ++p) {
        mutants.push_back(Mutant{site, Weakening::kExclude, std::memory_order_relaxed, p->access});
      }
      continue;
    }
    if (!is_atomic_op(site.op)) continue;
    for (const std::memory_order to : steps_down(site.op, site.order)) {
      mutants.push_back(Mutant{site, Weakening::kOrder, to, {}});
    }
    if (is_rmw_op(site.op)) {
      mutants.push_back(Mutant{site, Weakening::kSplit, std::memory_order_relaxed, {}});
    }
  }
  return mutants;
}

}  // namespace doublecheck::model
