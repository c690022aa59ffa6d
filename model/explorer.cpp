#include "model/explorer.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "model/execution.hpp"
#include "model/path.hpp"
#include "model/scheduler.hpp"

namespace doublecheck::model {
namespace {

// The replay token DC_REPLAY asks for this model, if any.
std::optional<std::string> replay_from_environment(std::string_view model) {
  const char* value = std::getenv("DC_REPLAY");
  if (value == nullptr || *value == '\0') return std::nullopt;
  const std::string_view text(value);
  const auto equals = text.rfind('=');
  if (equals == std::string_view::npos) return std::string(text);
  if (text.substr(0, equals) != model) return std::nullopt;
  return std::string(text.substr(equals + 1));
}

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

}  // namespace

ExploreResult Explorer::run(std::string_view model_name, const std::function<void()>& body) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  ExploreResult result;
  result.model = std::string(model_name);

  ExecutionConfig config;
  config.symptom_mode = options_.symptom_mode;
  config.continue_past_race = options_.continue_past_race;
  config.max_steps = options_.max_steps;

  std::optional<std::string> replay = options_.replay_token;
  if (!replay) replay = replay_from_environment(model_name);

  if (replay) {
    result.search = "replay";
    result.stopped_by = "replay";
    const auto choices = Path::parse_token(*replay);
    if (!choices) {
      result.failures.push_back(Failure::make(
          FailureKind::kUsageError,
          "not a replay token: '" + *replay + "' (a token looks like dc1:0110)", {}, {}));
    } else {
      ReplayScheduler scheduler(*choices);
      config.tracing = true;
      Execution execution(stacks_, scheduler, config);
      execution.run(body);
      result.executions = 1;
      result.steps = execution.steps();
      for (Failure failure : execution.failures()) {
        failure.replay_token = execution.token();
        failure.preemptions = execution.preemptions();
        failure.execution = 1;
        failure.trace = execution.render_trace();
        failure.events.assign(execution.trace().events().begin(), execution.trace().events().end());
        failure.threads = execution.thread_count();
        result.failures.push_back(std::move(failure));
      }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }

  result.search = "exhaustive";
  DfsScheduler scheduler;
  bool more = true;
  while (more) {
    Execution execution(stacks_, scheduler, config);
    execution.run(body);
    ++result.executions;
    result.steps += execution.steps();
    bool stop = false;
    for (const Failure& failure : execution.failures()) {
      const std::string signature = failure.signature();
      bool known = false;
      for (Failure& seen : result.failures) {
        if (seen.signature() == signature) {
          ++seen.occurrences;
          known = true;
        }
      }
      if (!known) {
        add_counterexample(result, failure, result.executions, execution.choices(), body);
      }
      if (failure.kind == FailureKind::kUsageError) stop = true;
    }
    // Past a race (continue_past_race) the search goes on to what the race leads to; any other
    // failure ends it unless keep_going collects them all.
    for (const Failure& failure : execution.failures()) {
      const bool race_passed =
          failure.kind == FailureKind::kDataRace && options_.continue_past_race;
      if (!race_passed && !options_.keep_going) stop = true;
    }
    if (stop) {
      result.stopped_by = "failure";
      break;
    }
    more = scheduler.next_execution();
    if (!more) {
      result.exhaustive = true;
      result.stopped_by = "exhausted";
      break;
    }
    if (options_.max_executions != 0 && result.executions >= options_.max_executions) {
      result.stopped_by = "execution limit";
      break;
    }
    if (options_.time_limit_seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() > options_.time_limit_seconds) {
      result.stopped_by = "time limit";
      break;
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

void Explorer::add_counterexample(ExploreResult& result, Failure failure, std::uint64_t execution,
                                  const std::vector<std::uint32_t>& choices,
                                  const std::function<void()>& body) {
  // Exploration keeps no history (it would cost on every step); the counterexample is run again,
  // deterministically, with the history on.
  ReplayScheduler scheduler(choices);
  ExecutionConfig config;
  config.symptom_mode = options_.symptom_mode;
  config.continue_past_race = options_.continue_past_race;
  config.max_steps = options_.max_steps;
  config.tracing = true;
  Execution replay(stacks_, scheduler, config);
  replay.run(body);
  const std::string signature = failure.signature();
  for (const Failure& replayed : replay.failures()) {
    if (replayed.signature() == signature) {
      failure.accesses = replayed.accesses;  // rows of the traced run
      break;
    }
  }
  failure.replay_token = replay.token();
  failure.preemptions = replay.preemptions();
  failure.execution = execution;
  failure.trace = replay.render_trace();
  failure.events.assign(replay.trace().events().begin(), replay.trace().events().end());
  failure.threads = replay.thread_count();
  result.failures.push_back(std::move(failure));
}

std::string format_verdict(const ExploreResult& result) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f s", result.seconds);
  std::string line = result.passed() ? "PASS  " : "FAIL  ";
  line += result.model + "  ";
  if (result.exhaustive) {
    line += result.search;
  } else if (result.stopped_by == "failure") {
    line += result.search + " search, stopped at its first failure";
  } else {
    line += result.search + " (bounded: " + result.stopped_by + ")";
  }
  line += "  " + with_thousands(result.executions) + " executions  " +
          with_thousands(result.steps) + " steps  " + seconds;
  if (!result.passed()) {
    // Headline: what the race led to, when the search went past it (symptom mode), else the first.
    const Failure* headline = &result.failures.front();
    for (const Failure& failure : result.failures) {
      if (failure.kind != FailureKind::kDataRace) {
        headline = &failure;
        break;
      }
    }
    line += "  " + std::string(kind_name(headline->kind)) + " at " + headline->location();
    if (result.failures.size() > 1) {
      line += " (+" + std::to_string(result.failures.size() - 1) + " more)";
    }
  }
  return line;
}

std::string format_report(const ExploreResult& result) {
  std::string out = format_verdict(result) + "\n";
  int index = 0;
  for (const Failure& failure : result.failures) {
    out += "\n  failure " + std::to_string(++index) + ": " + std::string(kind_name(failure.kind)) +
           "\n";
    out += "    " + failure.message + "\n";
    for (const Access& access : failure.accesses) {
      out += "    at " + short_location(access.loc) + " (T" + std::to_string(access.thread) +
             ", step " + std::to_string(access.step) + ")\n";
    }
    out += "    found in execution " + with_thousands(failure.execution);
    if (failure.occurrences > 1) out += ", seen in " + with_thousands(failure.occurrences);
    out += "; preemptions: " + std::to_string(failure.preemptions) + "\n";
    out += "    replay: --replay " + failure.replay_token + "   or   DC_REPLAY='" + result.model +
           "=" + failure.replay_token + "'\n\n";
    // The history is printed once: failures found in the same interleaving point to the first.
    int same = 0;
    for (int earlier = 0; earlier + 1 < index && same == 0; ++earlier) {
      if (result.failures[static_cast<std::size_t>(earlier)].replay_token == failure.replay_token) {
        same = earlier + 1;
      }
    }
    out += same != 0 ? "    interleaving: as in failure " + std::to_string(same) + " above\n"
                     : failure.trace;
  }
  return out;
}

}  // namespace doublecheck::model
