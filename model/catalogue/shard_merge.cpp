#include "model/catalogue/shard_merge.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace doublecheck::model {
namespace {

using Json = nlohmann::ordered_json;

// One shard's report, read and checked for what the merge needs.
struct Shard {
  std::string path;
  Json report;
  std::uint32_t index = 0;  // 1-based, as --shard spells it
  std::uint32_t count = 0;
};

std::string concat(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (const std::string_view part : parts) text += part;
  return text;
}

std::string shard_name(std::uint32_t index, std::uint32_t count) {
  return "shard " + std::to_string(index) + " of " + std::to_string(count);
}

std::variant<Shard, std::string> read_shard(const std::string& path) {
  std::ifstream in(path);
  if (!in) return path + ": cannot read it: " + std::strerror(errno);
  Shard shard{path, Json::parse(in, nullptr, false)};
  if (shard.report.is_discarded()) return path + ": not JSON (give the files --json wrote)";
  const Json& report = shard.report;
  if (!report.is_object() || report.value("schema", "") != "doublecheck-model-run/1") {
    return path + ": not a model run's report (schema doublecheck-model-run/1, from --json)";
  }
  const Json* run = report.contains("run") ? &report["run"] : nullptr;
  if (run == nullptr || !run->contains("shard") || (*run)["shard"].is_null()) {
    return path + ": not a shard's report (its run had no --shard i/n)";
  }
  if (report.contains("mutants")) {
    return path +
           ": holds mutation results (--mutate); they cannot be merged: run --mutate "
           "unsharded, or the shards without it";
  }
  shard.index = (*run)["shard"].at("index").get<std::uint32_t>();
  shard.count = (*run)["shard"].at("count").get<std::uint32_t>();
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count) {
    return path + ": its shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
           " is not one of 1/n..n/n";
  }
  return shard;
}

// The shards in index order, or why they do not make one run.
std::variant<std::vector<Shard>, std::string> check_shards(std::vector<Shard> given) {
  // The first report's identity, copied: the reports are moved into place below.
  const std::string first_path = given.front().path;
  const std::uint32_t count = given.front().count;
  const std::uint32_t first_index = given.front().index;
  const std::string program = given.front().report["run"].value("program", "");
  const Json first_options = given.front().report["run"]["options"];
  std::vector<std::optional<Shard>> by_index(count);
  for (Shard& shard : given) {
    if (shard.count != count) {
      return shard.path + " is " + shard_name(shard.index, shard.count) + " but " + first_path +
             " is " + shard_name(first_index, count) + ": not shards of one run";
    }
    if (shard.report["run"].value("program", "") != program) {
      return concat({shard.path, " was written by ", shard.report["run"].value("program", "?"),
                     " and ", first_path, " by ", program});
    }
    const Json& options = shard.report["run"]["options"];
    // As sets of keys (a report rewritten by another tool may reorder them).
    if (nlohmann::json::parse(options.dump()) != nlohmann::json::parse(first_options.dump())) {
      std::string differ;
      for (const auto& [key, value] : first_options.items()) {
        if (!options.contains(key) || options[key] != value) {
          differ += (differ.empty() ? "" : ", ") + key;
        }
      }
      for (const auto& [key, value] : options.items()) {
        if (!first_options.contains(key)) differ += (differ.empty() ? "" : ", ") + key;
      }
      return concat({shard.path, " and ", first_path, " were run with different options (", differ,
                     "): shards of one run have the same command line but for --shard"});
    }
    std::optional<Shard>& slot = by_index[shard.index - 1];
    if (slot) {
      return shard_name(shard.index, count) + " is given twice: " + slot->path + " and " +
             shard.path;
    }
    slot = std::move(shard);
  }
  std::string missing;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!by_index[i]) missing += (missing.empty() ? "" : ", ") + std::to_string(i + 1);
  }
  if (!missing.empty()) {
    std::string present;
    for (const auto& slot : by_index) {
      if (slot) {
        present +=
            (present.empty() ? "" : ", ") + std::to_string(slot->index) + " (" + slot->path + ")";
      }
    }
    return "of the " + std::to_string(count) + " shards, " + missing +
           (missing.find(',') == std::string::npos ? " is" : " are") +
           " missing (given: " + present + "): a verdict needs every part of the search";
  }
  std::vector<Shard> ordered;
  ordered.reserve(count);
  for (auto& slot : by_index) ordered.push_back(std::move(*slot));
  return ordered;
}

// A failure of a shard's report, as far as the verdict needs it (kind, place, token, counts).
Failure failure_of(const Json& json, std::deque<std::string>& files) {
  Failure failure;
  const std::string kind = json.at("kind").get<std::string>();
  const auto known = kind_named(kind);
  if (!known) throw std::runtime_error("unknown failure kind '" + kind + "'");
  failure.kind = *known;
  failure.message = json.at("message").get<std::string>();
  failure.object = json.at("object").get<std::string>();
  for (const Json& a : json.at("accesses")) {
    Access access;
    access.thread = a.at("thread").get<ThreadId>();
    access.write = a.at("write").get<bool>();
    access.step = a.at("step").get<std::uint32_t>();
    access.loc.line = a.at("line").get<std::uint32_t>();
    access.loc.file = files.emplace_back(a.at("file").get<std::string>()).c_str();
    failure.accesses.push_back(access);
  }
  failure.preemptions = json.at("preemptions").get<std::uint32_t>();
  failure.replay_token = json.at("replay_token").get<std::string>();
  failure.execution = json.at("execution").get<std::uint64_t>();
  failure.occurrences = json.at("occurrences").get<std::uint64_t>();
  failure.threads = json.at("threads").get<std::uint32_t>();
  failure.trace = json.at("trace_text").get<std::string>();
  return failure;
}

// Adds one shard's result for a model into `merged`.
void add_shard(MergedModel& merged, const Json& model, const Shard& shard,
               std::deque<std::string>& files) {
  ExploreResult& result = merged.result;
  result.executions += model.at("executions").get<std::uint64_t>();
  result.pruned += model.at("pruned").get<std::uint64_t>();
  result.steps += model.at("steps").get<std::uint64_t>();
  result.seconds += model.at("seconds").get<double>();
  const bool finished = model.at("part_exhausted").get<bool>();
  if (!finished && result.part_exhausted) {
    // The first shard that did not finish its part says why the whole is not exhaustive.
    result.part_exhausted = false;
    result.exhaustive = false;
    result.stopped_by = model.at("stopped_by").get<std::string>();
    result.bound =
        shard_name(shard.index, shard.count) + ": " +
        (result.stopped_by == "failure" ? "stopped at the first failure" : result.stopped_by);
  }
  for (const Json& found : model.at("failures")) {
    Failure failure = failure_of(found, files);
    failure.found_by = shard_name(shard.index, shard.count);
    const std::string signature = failure.signature();
    bool seen = false;
    for (Failure& earlier : result.failures) {
      if (earlier.signature() == signature) {
        earlier.occurrences += failure.occurrences;
        merged.failures[&earlier - result.failures.data()]["occurrences"] = earlier.occurrences;
        seen = true;
        break;
      }
    }
    if (seen) continue;
    Json shown = found;
    shown["found_by"] = failure.found_by;
    merged.failures.push_back(std::move(shown));
    result.failures.push_back(std::move(failure));
  }
}

std::string model_names(const Json& models) {
  std::string names;
  for (const Json& model : models) names += (names.empty() ? "" : ", ") + model.value("name", "?");
  return names;
}

std::variant<MergedRun, std::string> merge(const std::vector<Shard>& shards) {
  MergedRun run;
  const Shard& first = shards.front();
  run.program = first.report["run"].value("program", "");
  run.shards = first.count;
  run.options = first.report["run"]["options"];
  const Json& models = first.report.at("models");
  for (const Shard& shard : shards) {
    run.paths.push_back(shard.path);
    const Json& theirs = shard.report.at("models");
    bool same = theirs.size() == models.size();
    for (std::size_t i = 0; same && i < models.size(); ++i) {
      same = theirs[i].value("name", "") == models[i].value("name", "");
    }
    if (!same) {
      return shard.path + " ran other models than " + first.path + " (" + model_names(theirs) +
             " against " + model_names(models) + "): the shards of one run have the same --filter";
    }
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    MergedModel merged;
    merged.name = models[i].value("name", "");
    ExploreResult& result = merged.result;
    result.model = merged.name;
    result.search = models[i].value("search", "");
    const auto memory_model = parse_memory_model(models[i].value("memory_model", ""));
    if (!memory_model) return first.path + ": " + merged.name + " has no known memory model";
    result.memory_model = *memory_model;
    result.part_exhausted = true;
    result.exhaustive = true;
    result.stopped_by = "exhausted";
    for (const Shard& shard : shards) {
      try {
        add_shard(merged, shard.report["models"][i], shard, *run.files);
      } catch (const std::exception& e) {
        return shard.path + ": a malformed result for " + merged.name + " (" + e.what() + ")";
      }
    }
    run.models.push_back(std::move(merged));
  }
  return run;
}

}  // namespace

std::variant<MergedRun, std::string> merge_shard_reports(const std::vector<std::string>& paths) {
  if (paths.empty()) return std::string("no reports to merge");
  std::vector<Shard> shards;
  for (const std::string& path : paths) {
    try {
      auto read = read_shard(path);
      if (auto* error = std::get_if<std::string>(&read)) return std::move(*error);
      shards.push_back(std::move(std::get<Shard>(read)));
    } catch (const nlohmann::json::exception& e) {
      return path + ": a malformed report (" + e.what() + ")";
    }
  }
  auto checked = check_shards(std::move(shards));
  if (auto* error = std::get_if<std::string>(&checked)) return std::move(*error);
  try {
    return merge(std::get<std::vector<Shard>>(checked));
  } catch (const nlohmann::json::exception& e) {
    return std::string("a malformed report (") + e.what() + ")";
  }
}

}  // namespace doublecheck::model
