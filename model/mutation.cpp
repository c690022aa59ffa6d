#include "model/mutation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <tuple>

namespace doublecheck::model {
namespace {

constexpr std::array kSiteOps{SiteOp::kLock,     SiteOp::kTryLock,  SiteOp::kLoad,
                              SiteOp::kStore,    SiteOp::kExchange, SiteOp::kCompareExchange,
                              SiteOp::kFetchAdd, SiteOp::kFetchSub, SiteOp::kCallOnce};
constexpr std::array kOrders{std::memory_order_relaxed, std::memory_order_consume,
                             std::memory_order_acquire, std::memory_order_release,
                             std::memory_order_acq_rel, std::memory_order_seq_cst};

std::string_view base_name(std::string_view file) {
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  return file;
}

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
      if (op == SiteOp::kLoad) return {std::memory_order_acquire};
      if (op == SiteOp::kStore) return {std::memory_order_release};
      return {std::memory_order_acq_rel};
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

std::string_view site_op_name(SiteOp op) {
  switch (op) {
    case SiteOp::kLock:
      return "lock";
    case SiteOp::kTryLock:
      return "try_lock";
    case SiteOp::kLoad:
      return "load";
    case SiteOp::kStore:
      return "store";
    case SiteOp::kExchange:
      return "exchange";
    case SiteOp::kCompareExchange:
      return "compare_exchange";
    case SiteOp::kFetchAdd:
      return "fetch_add";
    case SiteOp::kFetchSub:
      return "fetch_sub";
    case SiteOp::kCallOnce:
      return "call_once";
  }
  return "?";
}

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

bool operator<(const Site& a, const Site& b) {
  return std::tie(a.file, a.line, a.op, a.object, a.order) <
         std::tie(b.file, b.line, b.op, b.object, b.order);
}

void SiteLog::note(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                   std::memory_order order) {
  for (const Raw& seen : raw_) {
    if (seen.line == loc.line && seen.op == op && seen.order == order && seen.file == loc.file &&
        seen.name.data() == object.name.data() && seen.name.size() == object.name.size() &&
        (!object.name.empty() || (seen.id == object.id && seen.kind == object.kind))) {
      return;
    }
  }
  raw_.push_back(Raw{op, order, loc.line, loc.file, object.kind, object.name, object.id});
}

std::vector<Site> SiteLog::sites() const {
  std::vector<Site> sites;
  sites.reserve(raw_.size());
  for (const Raw& raw : raw_) {
    Site site;
    site.op = raw.op;
    site.object = !raw.name.empty() ? std::string(raw.name)
                                    : std::string(raw.kind) + "#" + std::to_string(raw.id);
    site.file = std::string(base_name(raw.file));
    site.line = raw.line;
    site.order = is_atomic_op(raw.op) ? raw.order : std::memory_order_seq_cst;
    sites.push_back(std::move(site));
  }
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  return sites;
}

void SiteRecorder::add(const SiteLog& log) {
  const std::vector<Site> more = log.sites();
  const std::scoped_lock lock(mutex_);
  std::vector<Site> merged;
  merged.reserve(sites_.size() + more.size());
  std::set_union(sites_.begin(), sites_.end(), more.begin(), more.end(),
                 std::back_inserter(merged));
  sites_ = std::move(merged);
}

std::vector<Site> SiteRecorder::sites() const {
  const std::scoped_lock lock(mutex_);
  return sites_;
}

std::string Mutant::id() const {
  std::string text = site.key() + "/";
  switch (weakening) {
    case Weakening::kNoLock:
      return text + "no-lock";
    case Weakening::kSplit:
      return text + "split";
    case Weakening::kOrder:
      return text + std::string(order_name(to));
  }
  return text;
}

std::string Mutant::weakening_text() const {
  switch (weakening) {
    case Weakening::kNoLock:
      return site.op == SiteOp::kTryLock ? "try_lock/unlock -> no-op" : "lock/unlock -> no-op";
    case Weakening::kSplit:
      return "RMW -> load + store";
    case Weakening::kOrder:
      return std::string(order_name(site.order)) + " -> " + std::string(order_name(to));
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
  Mutant mutant;
  const auto slash = id.rfind('/');
  if (slash == std::string_view::npos) return fail("no '/<weakening>'");
  const std::string_view weakening = id.substr(slash + 1);
  std::string_view key = id.substr(0, slash);
  const auto at = key.rfind('@');
  if (at == std::string_view::npos || at == 0) return fail("no '<object>@'");
  mutant.site.object = std::string(key.substr(0, at));
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
      std::from_chars(line_text.data(), line_text.data() + line_text.size(), mutant.site.line);
  if (parse_error != std::errc() || end != line_text.data() + line_text.size() ||
      mutant.site.line == 0) {
    return fail("the line is not a number");
  }
  mutant.site.file = std::string(key.substr(0, line_colon));
  std::optional<std::memory_order> order;
  if (const auto dot = op_text.find('.'); dot != std::string_view::npos) {
    order = parse_order(op_text.substr(dot + 1));
    if (!order) return fail("unknown memory order '" + std::string(op_text.substr(dot + 1)) + "'");
    op_text = op_text.substr(0, dot);
  }
  const auto op = parse_op(op_text);
  if (!op) return fail("unknown operation '" + std::string(op_text) + "'");
  mutant.site.op = *op;
  if (is_atomic_op(*op) != order.has_value()) {
    return fail(order ? "only atomic operations have an order"
                      : "an atomic operation needs .order");
  }
  if (order) mutant.site.order = *order;

  if (weakening == "no-lock") {
    if (!is_mutex_op(*op)) return fail("no-lock weakens a lock site only");
    mutant.weakening = Weakening::kNoLock;
  } else if (weakening == "split") {
    if (!is_rmw_op(*op)) return fail("split weakens a read-modify-write only");
    mutant.weakening = Weakening::kSplit;
  } else {
    const auto to = parse_order(weakening);
    if (!to) return fail("unknown weakening '" + std::string(weakening) + "'");
    const auto steps = steps_down(*op, mutant.site.order);
    if (!is_atomic_op(*op) || std::find(steps.begin(), steps.end(), *to) == steps.end()) {
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
         base_name(loc.file) == site.file && named(object, site.object);
}

bool Mutant::removes_lock(SiteOp op, const ObjectHeader& mutex, const SourceLoc& loc) const {
  return weakening == Weakening::kNoLock && at_site(op, mutex, loc, std::memory_order_seq_cst);
}

std::memory_order Mutant::order_at(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                                   std::memory_order order) const {
  return weakening == Weakening::kOrder && at_site(op, object, loc, order) ? to : order;
}

bool Mutant::splits(SiteOp op, const ObjectHeader& object, const SourceLoc& loc,
                    std::memory_order order) const {
  return weakening == Weakening::kSplit && at_site(op, object, loc, order);
}

std::vector<Mutant> mutants_of(const std::vector<Site>& sites) {
  std::vector<Mutant> mutants;
  for (const Site& site : sites) {
    if (is_mutex_op(site.op)) {
      mutants.push_back(Mutant{site, Weakening::kNoLock, std::memory_order_relaxed});
      continue;
    }
    if (!is_atomic_op(site.op)) continue;
    for (const std::memory_order to : steps_down(site.op, site.order)) {
      mutants.push_back(Mutant{site, Weakening::kOrder, to});
    }
    if (is_rmw_op(site.op)) {
      mutants.push_back(Mutant{site, Weakening::kSplit, std::memory_order_relaxed});
    }
  }
  return mutants;
}

}  // namespace doublecheck::model
