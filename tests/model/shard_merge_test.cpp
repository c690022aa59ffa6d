// dc_model --merge (model/catalogue/shard_merge.hpp): the shards of one run, merged, give the
// verdict of the unsharded run, and a set of reports that is not every shard of one run is refused
// with a message naming what is wrong — never a verdict over a part of the tree.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "model/emitter/catalog.hpp"
#include "tests/model/explore_helpers.hpp"

namespace doublecheck::model {
namespace {

using Json = nlohmann::json;
using test_support::Ran;

// A fix, whose shards must all finish, and a variant whose failure some shard must find.
const std::string kFilter = "^(init/acq_rel_dcl/4|snapshot/unlocked_snapshot/2w1\\+1r)$";

class ShardMerge : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("shard_merge_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // The runner over the emitter's catalogue, with --filter kFilter and `arguments`.
  static Ran dc_model(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--filter", kFilter, "--jobs", "1"});
    return test_support::run_runner(emitter_models(), std::move(arguments));
  }

  // Shard i of n (1-based) with `options`, its report in shard-i-of-n.json; the report's path.
  std::string shard(std::uint32_t i, std::uint32_t n, std::vector<std::string> options = {}) {
    std::string path = file("shard-" + std::to_string(i) + "-of-" + std::to_string(n) +
                                  (options.empty() ? "" : "-" + options.back()) + ".json");
    options.insert(options.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n),
                                   "--json", path});
    const Ran ran = dc_model(options);
    EXPECT_LE(ran.status, 1) << ran.errors;  // a shard of the variant alone may pass
    return path;
  }

  std::vector<std::string> shards(std::uint32_t n, const std::vector<std::string>& options = {}) {
    std::vector<std::string> paths;
    for (std::uint32_t i = 1; i <= n; ++i) paths.push_back(shard(i, n, options));
    return paths;
  }

  static Ran merge(const std::vector<std::string>& paths, std::vector<std::string> more = {}) {
    std::vector<std::string> arguments{"--merge"};
    arguments.insert(arguments.end(), paths.begin(), paths.end());
    arguments.insert(arguments.end(), more.begin(), more.end());
    return dc_model(arguments);
  }

  static Json read(const std::string& path) {
    std::ifstream in(path);
    return Json::parse(in);
  }
  static void write(const std::string& path, const Json& report) {
    std::ofstream(path) << report.dump(1);
  }

  static const Json& model(const Json& report, const std::string& name) {
    for (const Json& m : report["models"]) {
      if (m["name"] == name) return m;
    }
    ADD_FAILURE() << name << " not in the report";
    static const Json kNone;
    return kNone;
  }

  // Each failure's kind and lines (whichever of a race's two accesses came first).
  static std::set<std::string> failure_places(const Json& model) {
    std::set<std::string> places;
    for (const Json& f : model["failures"]) {
      std::set<std::string> lines;
      for (const Json& access : f["accesses"]) lines.insert(access["short"].get<std::string>());
      std::string place = f["kind"].get<std::string>();
      for (const std::string& line : lines) place += " " + line;
      places.insert(place);
    }
    return places;
  }

 private:
  std::filesystem::path dir_;
};

TEST_F(ShardMerge, MergedShardsGiveTheUnshardedRunsVerdictFailuresAndCounts) {
  // Under sequential consistency with the plain search each execution is explored in exactly one
  // shard, so the counts must add up exactly; the DPOR search branches fully above the split (at
  // least the single run's executions).
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{"--search", "plain", "--memory-model", "sc", "--no-symmetry",
                                 "--keep-going"},
        std::vector<std::string>{"--keep-going"}}) {
    const bool exact = options.front() == "--search";
    std::vector<std::string> whole_options = options;
    whole_options.insert(whole_options.end(), {"--json", file("whole.json")});
    const Ran whole = dc_model(whole_options);
    ASSERT_EQ(whole.status, 0) << whole.out << whole.errors;
    const Ran merged = merge(shards(3, options), {"--json", file("merged.json")});
    ASSERT_EQ(merged.status, 0) << merged.out << merged.errors;
    EXPECT_NE(merged.out.find("merged 3 shards"), std::string::npos) << merged.out;
    EXPECT_NE(merged.out.find("2 models, 2 as expected, 0 unexpected"), std::string::npos)
        << merged.out;

    const Json single = read(file("whole.json"));
    const Json together = read(file("merged.json"));
    EXPECT_TRUE(together["run"]["shard"].is_null());
    EXPECT_EQ(together["run"]["merged_from"].size(), 3U);
    for (const std::string& name : std::vector<std::string>{"init/acq_rel_dcl/4", "snapshot/unlocked_snapshot/2w1+1r"}) {
      const Json& a = model(single, name);
      const Json& b = model(together, name);
      EXPECT_EQ(b["verdict"], a["verdict"]) << name;
      EXPECT_EQ(b["as_expected"], true) << name;
      EXPECT_EQ(b["exhaustive"], a["exhaustive"]) << name;
      EXPECT_EQ(failure_places(b), failure_places(a)) << name;
      if (exact) {
        EXPECT_EQ(b["executions"], a["executions"]) << name;
      } else {
        EXPECT_GE(b["executions"].get<std::uint64_t>(), a["executions"].get<std::uint64_t>());
      }
    }
    EXPECT_TRUE(model(together, "init/acq_rel_dcl/4")["exhaustive"].get<bool>());
  }
}

TEST_F(ShardMerge, TheMergedFailureNamesItsShardAndItsTokenReplaysIt) {
  const Ran merged = merge(shards(3), {"--json", file("merged.json")});
  ASSERT_EQ(merged.status, 0) << merged.errors;
  const Json report = read(file("merged.json"));
  const Json& variant = model(report, "snapshot/unlocked_snapshot/2w1+1r");
  ASSERT_FALSE(variant["failures"].empty());
  const Json& first = variant["failures"][0];
  EXPECT_EQ(first["found_by"].get<std::string>().rfind("shard ", 0), 0U) << first["found_by"];
  EXPECT_FALSE(first["trace"].empty()) << "the shard's interleaving is carried over";
  const Ran replayed = test_support::run_runner(
      emitter_models(), {"--filter", "^snapshot/unlocked_snapshot/2w1\\+1r$", "--replay",
                         first["replay_token"].get<std::string>()});
  EXPECT_NE(replayed.out.find(first["kind"].get<std::string>()), std::string::npos)
      << replayed.out;
  EXPECT_NE(replayed.out.find(first["location"].get<std::string>()), std::string::npos)
      << replayed.out;
}

TEST_F(ShardMerge, AShardThatDidNotFinishItsPartMakesTheWholeNotExhaustive) {
  std::vector<std::string> paths = shards(2);
  Json report = read(paths[1]);
  for (Json& m : report["models"]) {
    m["part_exhausted"] = false;
    m["stopped_by"] = "time limit";
  }
  write(paths[1], report);
  const Ran merged = merge(paths);
  EXPECT_EQ(merged.status, 1) << "a fix whose search is not complete is not verified";
  EXPECT_NE(merged.out.find("not exhaustive (shard 2 of 2: time limit)"), std::string::npos)
      << merged.out;
}

TEST_F(ShardMerge, AMissingShardIsRefused) {
  std::vector<std::string> paths = shards(3);
  paths.erase(paths.begin() + 1);
  const Ran merged = merge(paths);
  EXPECT_EQ(merged.status, 65);
  EXPECT_NE(merged.errors.find("of the 3 shards, 2 is missing"), std::string::npos)
      << merged.errors;
}

TEST_F(ShardMerge, AShardGivenTwiceIsRefused) {
  std::vector<std::string> paths = shards(2);
  const std::string copy = file("copy.json");
  std::filesystem::copy_file(paths[0], copy);
  const Ran merged = merge({paths[0], copy, paths[1]});
  EXPECT_EQ(merged.status, 65);
  EXPECT_NE(merged.errors.find("shard 1 of 2 is given twice"), std::string::npos)
      << merged.errors;
}

TEST_F(ShardMerge, ReportsThatAreNotShardsOfOneRunAreRefused) {
  const std::vector<std::string> plain = shards(2, {"--search", "plain"});
  const std::vector<std::string> dpor = shards(2);
  const std::vector<std::string> three = shards(3);
  const std::string unsharded = file("unsharded.json");
  ASSERT_LE(dc_model({"--json", unsharded}).status, 1);
  const std::string garbage = file("garbage.json");
  std::ofstream(garbage) << "not json";
  Json mutated = read(dpor[0]);
  mutated["mutants"] = Json::array();
  const std::string mutants = file("mutants.json");
  write(mutants, mutated);
  Json other_models = read(dpor[1]);
  other_models["models"].erase(0);
  const std::string fewer = file("fewer.json");
  write(fewer, other_models);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{plain[0], dpor[1]}, "were run with different options (search)"},
      {{dpor[0], three[1]}, "not shards of one run"},
      {{unsharded}, "not a shard's report"},
      {{garbage}, "not JSON"},
      {{file("absent.json")}, "cannot read it"},
      {{mutants, dpor[1]}, "holds mutation results"},
      {{dpor[0], fewer}, "ran other models"},
  };
  for (const auto& [paths, message] : cases) {
    const Ran merged = merge(paths);
    EXPECT_EQ(merged.status, 65) << message;
    EXPECT_NE(merged.errors.find(message), std::string::npos) << merged.errors;
    EXPECT_EQ(merged.out.find("PASS"), std::string::npos) << "no verdict from a refused merge";
  }
}

TEST_F(ShardMerge, MergeRunsNothingSoSearchOptionsWithItAreUsageErrors) {
  const std::vector<std::string> paths = shards(2);
  for (const std::string& option : std::vector<std::string>{"--mutate", "--list"}) {
    const Ran merged = merge(paths, {option});
    EXPECT_EQ(merged.status, 64) << option;
    EXPECT_NE(merged.errors.find("--merge runs nothing: it cannot take " + option),
              std::string::npos)
        << merged.errors;
  }
}

}  // namespace
}  // namespace doublecheck::model
