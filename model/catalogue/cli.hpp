// The command-line front end of a model runner: dc_model, dc_examples and a user's own runner are
// each a registry and a few lines calling run_catalogue() (README.md, "Auditing your own fix").
// Every option is here once: --list, --filter, --json, --replay, --mutate, --mutant, --merge, the
// searches and their bounds, --source-root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/catalogue/registry.hpp"

namespace doublecheck::model {

struct RunnerInfo {
  std::string program;      // "dc_model": the name in messages and --help
  std::string description;  // one line for --help
  // Where the runner's sources are, for expectations and reports (--source-root's default):
  // usually the CMake source dir the runner was built from. Empty: --source-root is required
  // when an expectation names a file.
  std::string source_root;
};

// Runs the runner: parses the command line, lists or runs (or replays, or mutates) the models of
// `registry`, prints one verdict line per model, writes --json (schema doublecheck-model-run/1).
// Exit status: 0 every model as expected (and, with --mutate, every mutant of a gated fix
// killed); 1 not; 64 bad usage; 65 the --merge reports are not every shard of one run; 73 the
// --json file cannot be written; 70 an internal error. Never throws.
int run_catalogue(const Registry& registry, const RunnerInfo& info, int argc, char** argv);

// Sets the search option `name` of `options` — a command-line option's name without "--":
// "search", "memory-model", "time-limit", "max-steps", "jobs", "iterations", "seed", ... — from
// `value`, checked as the command line checks it (the same ranges). Returns why not ("must be
// from 1 to 256, not 0", "is not a search option"), for the caller to prefix with its own
// spelling of the option. For front ends other than run_catalogue (model/gtest/model_test.hpp).
std::optional<std::string> set_search_option(ExploreOptions& options, std::string_view name,
                                             std::string_view value);

}  // namespace doublecheck::model
