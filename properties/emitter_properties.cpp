#include "properties/emitter_properties.hpp"

#include <array>
#include <optional>
#include <stdexcept>
#include <vector>

namespace doublecheck::properties {
namespace {

constexpr std::array<std::string_view, 6> kIds{"P1", "P2", "P3", "P4", "P5", "P6"};
constexpr std::array<std::string_view, 6> kStatements{
    "after N threads x K calls join, each of the five metrics is the exact sum and errors counts "
    "exactly the status==\"error\" calls",
    "every get_session_summary() taken while writers run is the metrics of exactly a set of whole "
    "calls, a prefix of each writer's calls",
    "every server_stop event carries such a snapshot; after all writers joined, the exact totals",
    "all concurrent init_telemetry() callers get one instance, one session id and the "
    "configuration of the one call that built it; exactly one emitter is constructed",
    "get_telemetry() racing init_telemetry() returns nothing or the fully constructed instance",
    "no data race on any shared variable, no deadlock, no leaked instance",
};

// Call k's multiples of its unit: bytes_in, bytes_out, duration_ms.
constexpr std::int64_t kBytesOutFactor = 3;
constexpr std::int64_t kDurationFactor = 5;

bool is_error_call(int k) { return k % 3 == 1; }

std::string field_list(const Metrics& m) {
  return "tool_calls=" + std::to_string(m.tool_calls) +
         ", total_bytes_in=" + std::to_string(m.total_bytes_in) +
         ", total_bytes_out=" + std::to_string(m.total_bytes_out) +
         ", total_duration_ms=" + std::to_string(m.total_duration_ms) +
         ", errors=" + std::to_string(m.errors);
}

// The fields of `got` that differ from `want`: "errors=1 (expected 2), tool_calls=..."
std::string differences(const Metrics& got, const Metrics& want) {
  std::string text;
  const auto compare = [&](std::string_view name, std::int64_t g, std::int64_t w) {
    if (g == w) return;
    if (!text.empty()) text += ", ";
    text += std::string(name) + "=" + std::to_string(g) + " (expected " + std::to_string(w) + ")";
  };
  compare("tool_calls", got.tool_calls, want.tool_calls);
  compare("total_bytes_in", got.total_bytes_in, want.total_bytes_in);
  compare("total_bytes_out", got.total_bytes_out, want.total_bytes_out);
  compare("total_duration_ms", got.total_duration_ms, want.total_duration_ms);
  compare("errors", got.errors, want.errors);
  return text;
}

// The calls of each writer in `calls`: "writer 0: calls 0-1 of 2, writer 1: none of 2".
std::string describe(const CallPlan& plan, std::uint64_t calls) {
  std::string text;
  for (int w = 0; w < plan.writers(); ++w) {
    if (!text.empty()) text += ", ";
    text += "writer " + std::to_string(w) + ": ";
    std::vector<int> counted;
    for (int c = 0; c < plan.calls(); ++c) {
      if ((calls >> (w * plan.calls() + c) & 1U) != 0) counted.push_back(c);
    }
    if (counted.empty()) {
      text += "none";
    } else if (counted.back() + 1 == static_cast<int>(counted.size())) {
      text += counted.size() == 1 ? "call 0" : "calls 0-" + std::to_string(counted.back());
    } else {
      text += "calls {";
      for (std::size_t i = 0; i < counted.size(); ++i) {
        text += (i == 0 ? "" : ", ") + std::to_string(counted[i]);
      }
      text += "}";
    }
    text += " of " + std::to_string(plan.calls());
  }
  return text;
}

// The first writer whose counted calls are not calls 0..j-1, or -1.
int first_non_prefix_writer(const CallPlan& plan, std::uint64_t calls) {
  const std::uint64_t mask = (std::uint64_t{1} << plan.calls()) - 1;
  for (int w = 0; w < plan.writers(); ++w) {
    const std::uint64_t mine = calls >> (w * plan.calls()) & mask;
    if ((mine & (mine + 1)) != 0) return w;  // not of the form 2^j - 1
  }
  return -1;
}

// Adds one call to `m`, as record_call() does.
void count(Metrics& m, const PlannedCall& call) {
  m.tool_calls += 1;
  m.total_bytes_in += call.bytes_in;
  m.total_bytes_out += call.bytes_out;
  m.total_duration_ms += call.duration_ms;
  m.errors += call.error ? 1 : 0;
}

Violation violation(Property property, std::string message) {
  return Violation{property, std::move(message)};
}

// A symmetric plan's snapshot: how many writers made each call, read off bytes_in in base
// writers + 1; nullopt when it is no such count (a digit left over past the last call).
std::optional<std::vector<int>> writers_per_call(const CallPlan& plan, std::int64_t bytes_in) {
  if (bytes_in < 0) return std::nullopt;
  std::vector<int> made(static_cast<std::size_t>(plan.calls()));
  const std::int64_t base = plan.writers() + 1;
  for (int& count : made) {
    count = static_cast<int>(bytes_in % base);
    bytes_in /= base;
  }
  if (bytes_in != 0) return std::nullopt;
  return made;
}

std::string describe_counts(const std::vector<int>& made) {
  std::string text;
  for (std::size_t c = 0; c < made.size(); ++c) {
    text += (c == 0 ? "" : ", ") + std::to_string(made[c]) + " writer(s) made call " +
            std::to_string(c);
  }
  return text;
}

// A symmetric snapshot's digits, read as writers_per_call() reads them (made[c] writers made call
// c), with the metrics of those counts summed on the way: no vector unless there is a violation to
// describe.
struct SymmetricReading {
  bool counts = true;  // the digits are a count of writers per call (writers_per_call() has one)
  int non_prefix = 0;  // the first call more writers made than its predecessor, if any
  Metrics want;        // the metrics of the counts
};

SymmetricReading read_symmetric(const CallPlan& plan, std::int64_t bytes_in) {
  SymmetricReading reading;
  const std::int64_t base = plan.writers() + 1;
  std::int64_t rest = bytes_in;
  std::int64_t previous = 0;
  for (int c = 0; c < plan.calls() && rest >= 0; ++c) {
    const std::int64_t made = rest % base;
    rest /= base;
    if (c > 0 && made > previous && reading.non_prefix == 0) reading.non_prefix = c;
    previous = made;
    const PlannedCall& call = plan.call(0, c);
    reading.want.tool_calls += made;
    reading.want.total_bytes_in += made * call.bytes_in;
    reading.want.total_bytes_out += made * call.bytes_out;
    reading.want.total_duration_ms += made * call.duration_ms;
    reading.want.errors += call.error ? made : 0;
  }
  reading.counts = rest == 0;
  return reading;
}

// The violation of a symmetric snapshot that is no whole calls, out of line: building its message
// cost every check, which passes in every execution of a model, a frame of its own.
[[gnu::noinline, gnu::cold]] Violation symmetric_snapshot_violation(
    Property property, const CallPlan& plan, const Metrics& metrics, std::string_view what,
    const SymmetricReading& reading) {
  const std::string head = std::string(what) + " is not the metrics of whole calls: ";
  if (!reading.counts) {
    return violation(property, head + "total_bytes_in=" + std::to_string(metrics.total_bytes_in) +
                                   " is no count of writers per call of the plan (" +
                                   field_list(metrics) + ")");
  }
  const std::string counts = describe_counts(*writers_per_call(plan, metrics.total_bytes_in));
  if (reading.non_prefix > 0) {
    return violation(property, head + "total_bytes_in counts " + counts +
                                   ": more writers made call " +
                                   std::to_string(reading.non_prefix) +
                                   " than its predecessor, not a prefix of each writer's calls (" +
                                   field_list(metrics) + ")");
  }
  return violation(property, head + "total_bytes_in counts " + counts + " (" +
                                 std::to_string(reading.want.tool_calls) + " calls, " +
                                 std::to_string(reading.want.errors) + " errors), but " +
                                 differences(metrics, reading.want));
}

Verdict check_symmetric_snapshot(Property property, const CallPlan& plan, const Metrics& metrics,
                                 std::string_view what) {
  const SymmetricReading reading = read_symmetric(plan, metrics.total_bytes_in);
  if (reading.counts && reading.non_prefix == 0 && metrics == reading.want) return std::nullopt;
  return symmetric_snapshot_violation(property, plan, metrics, what, reading);
}

}  // namespace

std::string_view id(Property property) { return kIds.at(static_cast<std::size_t>(property)); }

std::string_view statement(Property property) {
  return kStatements.at(static_cast<std::size_t>(property));
}

std::string Violation::text() const { return std::string(id(property)) + " " + message; }

CallPlan::CallPlan(int writers, int calls) : CallPlan(writers, calls, false) {}

CallPlan CallPlan::symmetric(int writers, int calls) { return {writers, calls, true}; }

CallPlan::CallPlan(int writers, int calls, bool symmetric)
    : writers_(writers), calls_(calls), symmetric_(symmetric) {
  if (writers < 1 || calls < 1) {
    throw std::invalid_argument("CallPlan: writers and calls must be >= 1, got " +
                                std::to_string(writers) + " x " + std::to_string(calls));
  }
  decodable_ = decodable_shape(writers, calls, symmetric);
  planned_.reserve(static_cast<std::size_t>(size()));
  for (int w = 0; w < writers_; ++w) {
    for (int c = 0; c < calls_; ++c) {
      planned_.push_back(make_call(w, c));
      count(totals_, planned_.back());
    }
  }
}

bool CallPlan::decodable_shape(int writers, int calls, bool symmetric) {
  if (!symmetric) return writers * calls <= kMaxDecodableCalls;
  // Every counter of every snapshot fits an int64: 5 x writers x (B^calls - 1) / (B - 1) < 2^62.
  const std::int64_t base = writers + 1;
  std::int64_t power = 1;
  for (int c = 0; c < calls; ++c) {
    if (power > (std::int64_t{1} << 58) / base) return false;
    power *= base;
  }
  return true;
}

void CallPlan::no_such_call(int writer, int index) const {
  throw std::out_of_range("CallPlan: no call " + std::to_string(index) + " of writer " +
                          std::to_string(writer) + " in a plan of " + std::to_string(writers_) +
                          " x " + std::to_string(calls_));
}

PlannedCall CallPlan::make_call(int writer, int index) const {
  if (symmetric_) {
    std::int64_t unit = 1;  // (writers + 1)^index, or index + 1 past what can be decoded
    if (decodable()) {
      for (int c = 0; c < index; ++c) unit *= writers_ + 1;
    } else {
      unit = std::int64_t{index} + 1;
    }
    return PlannedCall{
        writer, index, kDurationFactor * unit, unit, kBytesOutFactor * unit, is_error_call(index)};
  }
  const int k = writer * calls_ + index;
  const std::int64_t unit = decodable() ? std::int64_t{1} << k : std::int64_t{k} + 1;
  return PlannedCall{writer,          index, kDurationFactor * unit, unit, kBytesOutFactor * unit,
                     is_error_call(k)};
}

std::uint64_t CallPlan::all_calls() const {
  if (!decodable() || symmetric_) {
    throw std::logic_error("CallPlan::all_calls: the plan is not decodable call by call");
  }
  return (std::uint64_t{1} << size()) - 1;
}

Metrics CallPlan::metrics_of(std::uint64_t calls) const {
  if (!decodable() || symmetric_) {
    throw std::logic_error("CallPlan::metrics_of: the plan is not decodable call by call");
  }
  Metrics m;
  for (int k = 0; k < size(); ++k) {
    if ((calls >> k & 1U) == 0) continue;
    count(m, call(k / calls_, k % calls_));
  }
  return m;
}

Verdict check_totals(Property property, const CallPlan& plan, const Metrics& metrics,
                     std::string_view what) {
  const Metrics& want = plan.totals();
  if (metrics == want) return std::nullopt;
  return violation(
      property, std::string(what) + " after " + std::to_string(plan.writers()) + " x " +
                    std::to_string(plan.calls()) + " calls joined (" + std::to_string(want.errors) +
                    " of them errors) is not their exact sum: " + differences(metrics, want));
}

Verdict check_snapshot(Property property, const CallPlan& plan, const Metrics& metrics,
                       std::string_view what) {
  if (!plan.decodable()) {
    throw std::logic_error("check_snapshot: a plan of " + std::to_string(plan.size()) +
                           " calls cannot be decoded (at most " +
                           std::to_string(CallPlan::kMaxDecodableCalls) + ")");
  }
  if (plan.symmetric()) return check_symmetric_snapshot(property, plan, metrics, what);
  const auto head = [what] { return std::string(what) + " is not the metrics of whole calls: "; };
  const auto calls = static_cast<std::uint64_t>(metrics.total_bytes_in);
  if (metrics.total_bytes_in < 0 || (calls & ~plan.all_calls()) != 0) {
    return violation(property, head() + "total_bytes_in=" + std::to_string(metrics.total_bytes_in) +
                                   " is no sum of distinct calls of the plan (" +
                                   field_list(metrics) + ")");
  }
  if (const int w = first_non_prefix_writer(plan, calls); w >= 0) {
    return violation(property, head() + "total_bytes_in counts " + describe(plan, calls) +
                                   ": not a prefix of writer " + std::to_string(w) + "'s calls (" +
                                   field_list(metrics) + ")");
  }
  const Metrics want = plan.metrics_of(calls);
  if (metrics == want) return std::nullopt;
  return violation(property, head() + "total_bytes_in counts " + describe(plan, calls) + " (" +
                                 std::to_string(want.tool_calls) + " calls, " +
                                 std::to_string(want.errors) + " errors), but " +
                                 differences(metrics, want));
}

Metrics metrics_of_event(const Json& event) {
  const Json& j = event.at("metrics");
  const auto field = [&j](const char* key) { return j.at(key).get<std::int64_t>(); };
  return Metrics{field("tool_calls"), field("total_bytes_in"), field("total_bytes_out"),
                 field("total_duration_ms"), field("errors")};
}

Verdict check_snapshots_grow(Property property, const CallPlan& plan, const Metrics& earlier,
                             const Metrics& later, std::string_view what) {
  if (plan.symmetric()) {
    const auto before = writers_per_call(plan, earlier.total_bytes_in);
    const auto after = writers_per_call(plan, later.total_bytes_in);
    if (before && after) {
      bool grew = true;
      for (std::size_t c = 0; c < before->size(); ++c) grew &= (*after)[c] >= (*before)[c];
      if (grew) return std::nullopt;
      return violation(property, std::string(what) +
                                     " went backwards: " + describe_counts(*before) + ", then " +
                                     describe_counts(*after));
    }
    return violation(property, std::string(what) + ": a snapshot is no count of whole calls");
  }
  const auto before = static_cast<std::uint64_t>(earlier.total_bytes_in);
  const auto after = static_cast<std::uint64_t>(later.total_bytes_in);
  if ((before & ~after) == 0) return std::nullopt;
  return violation(property, std::string(what) + " went backwards: " + describe(plan, before) +
                                 ", then " + describe(plan, after));
}

Verdict check_single_instance(std::span<const Seen> callers, std::size_t constructor_runs,
                              const std::filesystem::path& constructed_with) {
  if (constructor_runs != 1) {
    return violation(Property::kP4, std::to_string(constructor_runs) + " emitters constructed by " +
                                        std::to_string(callers.size()) +
                                        " init_telemetry() calls (exactly one must be)");
  }
  for (std::size_t i = 0; i < callers.size(); ++i) {
    const Seen& mine = callers[i];
    const std::string who = "caller " + std::to_string(i);
    if (mine.instance != callers.front().instance) {
      return violation(Property::kP4, who + " got another instance than caller 0");
    }
    if (mine.session_id != callers.front().session_id) {
      return violation(Property::kP4, who + " saw session id '" + mine.session_id +
                                          "', caller 0 '" + callers.front().session_id + "'");
    }
    if (mine.output_dir != constructed_with) {
      return violation(Property::kP4, who + "'s instance has output_dir " +
                                          mine.output_dir.string() + ", not " +
                                          constructed_with.string() +
                                          ", the configuration it was constructed with");
    }
  }
  return std::nullopt;
}

Verdict check_published(const Seen& getter, const Seen& initialised) {
  if (getter.instance == nullptr) return std::nullopt;
  if (getter.instance != initialised.instance) {
    return violation(Property::kP5, "get_telemetry() returned another instance than init");
  }
  if (getter.session_id != initialised.session_id || getter.enabled != initialised.enabled ||
      getter.output_dir != initialised.output_dir) {
    return violation(Property::kP5,
                     "get_telemetry() returned an emitter not fully constructed: session id '" +
                         getter.session_id + "', enabled=" + (getter.enabled ? "true" : "false") +
                         ", output_dir " + getter.output_dir.string() + "; init saw '" +
                         initialised.session_id +
                         "', enabled=" + (initialised.enabled ? "true" : "false") +
                         ", output_dir " + initialised.output_dir.string());
  }
  return std::nullopt;
}

}  // namespace doublecheck::properties
