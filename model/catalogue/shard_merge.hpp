// One verdict from the shards of one run (dc_model --merge): a search too big for one machine runs
// as `--shard i/n --json F` on n machines (a CI matrix), and their reports are merged here.
//
// The merge is strict, because a verdict that silently lacks a part of the search tree would be a
// proof of nothing: every report must be a shard of the same runner run with the same options,
// shards 1..n must each be there exactly once, and all must hold the same models. Per model the
// counts are summed, the search is exhaustive only when every shard explored its whole part, and
// the failures are those of the shards in shard order (the first shard's first failure first),
// each with the replay token its shard printed: a token replays the whole interleaving, whichever
// shard found it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "model/engine/explorer.hpp"

namespace doublecheck::model {

// One model over all the shards.
struct MergedModel {
  std::string name;
  ExploreResult result;  // counts summed; failures without their event lists (see `failures`)
  // The failures as the shards reported them (with "found_by": "shard i of n"), in the order of
  // `result.failures`: the merged report carries their interleavings unchanged.
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
};

struct MergedRun {
  std::string program;           // the runner that ran the shards ("dc_model")
  std::uint32_t shards = 0;      // n
  std::vector<std::string> paths;  // the reports, in shard order
  nlohmann::ordered_json options;  // what every shard was run with (the "run" object's options)
  std::vector<MergedModel> models;  // in the order the shards ran them
  // The file names the failures' accesses point into (SourceLoc holds a `const char*`): owned
  // here, behind a pointer so that moving the run keeps them where they are.
  std::unique_ptr<std::deque<std::string>> files = std::make_unique<std::deque<std::string>>();
};

// Reads the reports at `paths` and merges them; on error, why (one line naming the file and what
// to do: "shard 2 of 3 is missing (given: ...)", "b.json: run without --shard", ...).
std::variant<MergedRun, std::string> merge_shard_reports(const std::vector<std::string>& paths);

}  // namespace doublecheck::model
