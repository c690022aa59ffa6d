#include "model/catalogue/report_json.hpp"

namespace doublecheck::model {
namespace {

nlohmann::ordered_json location(const SourceLoc& loc) {
  return {{"file", std::string(relative_path(loc.file))},
          {"line", loc.line},
          {"short", location_text(loc)}};
}

// A section operator's access ("add metrics.total_bytes_in at telemetry_emitter.hpp:139"), else
// null.
nlohmann::ordered_json access_json(const Mutant& mutant) {
  return cuts_section(mutant.weakening) ? nlohmann::ordered_json(mutant.access.describe())
                                        : nlohmann::ordered_json(nullptr);
}

// A site's parts: operation, object, file, line, "file:line", the order of an atomic (else null).
nlohmann::ordered_json site_json(const Site& site) {
  return {{"op", site_op_name(site.op)},
          {"object", site.object},
          {"file", site.file},
          {"line", site.line},
          {"location", site.where()},
          {"order", is_atomic_op(site.op) ? nlohmann::ordered_json(order_name(site.order))
                                          : nlohmann::ordered_json(nullptr)}};
}

// The expected verdict; a failing one's kind, the lines it names ("lines": every candidate
// "file:line") and "location": the access that met it (`met`), else the first candidate line.
nlohmann::ordered_json expected_json(const Expectation& expected, const Access* met) {
  nlohmann::ordered_json out;
  out["verdict"] = expected.pass ? "pass" : "fail";
  if (expected.pass) return out;
  out["kind"] = kind_name(expected.kind);
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const SourceLines& at : expected.at) {
    for (const std::uint32_t line : locate(at).value_or(std::vector<std::uint32_t>{})) {
      lines.push_back(at.file + ":" + std::to_string(line));
    }
  }
  if (met != nullptr && met->loc.line != 0 && !expected.at.empty()) {
    out["location"] = location_text(met->loc);
  } else if (!lines.empty()) {
    out["location"] = lines.front();
  } else {
    out["location"] = expected.at.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(expected.at.front().file);
  }
  out["lines"] = std::move(lines);
  return out;
}

}  // namespace

nlohmann::ordered_json to_json(const Failure& failure) {
  nlohmann::ordered_json out;
  out["kind"] = kind_name(failure.kind);
  out["message"] = failure.message;
  out["object"] = failure.object;
  out["location"] = failure.location();
  out["accesses"] = nlohmann::ordered_json::array();
  for (const Access& access : failure.accesses) {
    nlohmann::ordered_json a = location(access.loc);
    a["thread"] = access.thread;
    a["write"] = access.write;
    a["step"] = access.step;
    out["accesses"].push_back(std::move(a));
  }
  out["preemptions"] = failure.preemptions;
  out["replay_token"] = failure.replay_token;
  out["execution"] = failure.execution;
  out["occurrences"] = failure.occurrences;
  out["threads"] = failure.threads;
  out["trace_text"] = failure.trace;
  out["trace"] = nlohmann::ordered_json::array();
  for (const TraceEvent& event : failure.events) {
    nlohmann::ordered_json e;
    e["row"] = event.row;
    e["thread"] = event.thread;
    e["op"] = op_name(event.kind);
    e["object"] = event.object;
    e["detail"] = event.detail;
    e["location"] = event.loc.line == 0 ? nlohmann::ordered_json(nullptr) : location(event.loc);
    e["highlight"] = event.highlight;
    e["preemption"] = event.preemption;
    if (event.kind == OpKind::kLoad || event.kind == OpKind::kRmw) {
      // The store it read (its row; null: the initial value) and whether it was stale.
      e["reads_from"] = event.reads_from == 0 ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(event.reads_from);
      e["stale"] = event.stale;
    }
    out["trace"].push_back(std::move(e));
  }
  return out;
}

nlohmann::ordered_json to_json(const ModelSpec& spec) {
  nlohmann::ordered_json out;
  out["name"] = spec.name;
  out["variant"] = spec.variant;
  out["property"] = spec.property;
  out["summary"] = spec.summary;
  out["expected"] = expected_json(spec.expected, nullptr);
  return out;
}

nlohmann::ordered_json to_json(const ModelSpec& spec, const ExploreResult& result) {
  nlohmann::ordered_json out = to_json(spec);
  out["expected"] = expected_json(spec.expected, expected_access(spec.expected, result));
  const std::string why = mismatch(spec.expected, result);
  out["verdict"] = result.passed() ? "pass" : "fail";
  out["as_expected"] = why.empty();
  out["mismatch"] = why;
  out["search"] = result.search;
  out["memory_model"] = memory_model_name(result.memory_model);
  out["exhaustive"] = result.exhaustive;
  out["part_exhausted"] = result.part_exhausted;  // a shard's: its whole part (dc_model --merge)
  out["stopped_by"] = result.stopped_by;
  out["bound"] = result.bound;
  out["pruned"] = result.pruned;
  out["executions"] = result.executions;
  out["steps"] = result.steps;
  out["seconds"] = result.seconds;
  out["verdict_line"] = format_verdict(result);
  out["failures"] = nlohmann::ordered_json::array();
  for (const Failure& failure : result.failures) out["failures"].push_back(to_json(failure));
  return out;
}

nlohmann::ordered_json to_json(const ModelSpec& spec, const MutantResult& result, bool in_fix) {
  const Mutant& mutant = result.mutant;
  nlohmann::ordered_json out;
  out["model"] = spec.name;
  out["variant"] = spec.variant;
  out["site"] = mutant.site.describe();
  out["weakening"] = mutant.weakening_text();
  out["access"] = access_json(mutant);
  out["verdict"] = verdict_name(result.verdict);
  out["killed_by"] = result.killed_by ? nlohmann::ordered_json(result.killed_by_text())
                                      : nlohmann::ordered_json(nullptr);
  out["executions"] = result.executions;
  if (result.killed_by) {
    out["replay"] = {{"mutant", mutant.id()},
                     {"token", result.killed_by->replay_token},
                     {"arguments", replay_arguments(spec.name, result)}};
  } else {
    out["replay"] = nullptr;
  }
  out["id"] = mutant.id();
  out["site_detail"] = site_json(mutant.site);
  // A section operator's access, where it cuts (the report's source line for it).
  out["access_detail"] =
      cuts_section(mutant.weakening) ? site_json(mutant.access) : nlohmann::ordered_json(nullptr);
  out["in_fix"] = in_fix;
  out["reason"] = result.reason;
  out["search"] = result.search;
  out["exhaustive"] = result.exhaustive;
  out["memory_model"] = memory_model_text(result.memory_model);
  out["counterexample"] =
      result.killed_by ? to_json(*result.killed_by) : nlohmann::ordered_json(nullptr);
  return out;
}

nlohmann::ordered_json to_json(const MutationSummary& summary) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const MutantSummary& entry : summary.entries()) {
    nlohmann::ordered_json e;
    e["variant"] = entry.variant;
    e["site"] = entry.mutant.site.describe();
    e["weakening"] = entry.mutant.weakening_text();
    e["access"] = access_json(entry.mutant);
    e["id"] = entry.mutant.id();
    e["in_fix"] = entry.in_fix;
    e["verdict"] = verdict_name(entry.verdict);
    e["killed_in"] = entry.killed_in;
    e["survived_in"] = entry.survived_in;
    e["not_judged_in"] = entry.not_judged_in;
    e["memory_model"] = memory_model_text(entry.memory_model);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace doublecheck::model
