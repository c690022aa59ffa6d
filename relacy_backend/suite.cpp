#include "relacy_backend/suite.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "relacy_backend/child_process.hpp"
#include "relacy_backend/relacy_sync.hpp"  // last: Relacy's macros (no errno here: child_process)

namespace doublecheck::relacy {
namespace {

// The child's search: its body, its budget and what it has seen. Set in the child only.
struct ChildState {
  const std::function<void()>* body = nullptr;
  const rl::test_params* params = nullptr;
  std::uint64_t max_executions = 0;
  std::uint64_t executions = 0;  // begun, by the search (not by the rerun for the history)
  std::size_t threads = 0;       // the most threads an execution started
  int out = -1;
};
ChildState& child() {
  static ChildState state;
  return state;
}

// Relacy's output, straight to the pipe. Not through a std::ostringstream: Relacy writes the
// failure's history while its simulation runs, when every allocation is its own, and a string grown
// then would be freed by the C library afterwards.
class PipeBuffer final : public std::streambuf {
 public:
  explicit PipeBuffer(int fd) : fd_(fd) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    write_all(fd_, std::string(1, traits_type::to_char_type(c)));
    return c;
  }
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    write_all(fd_, std::string(text, static_cast<std::size_t>(n)));
    return n;
  }

 private:
  int fd_;
};

// The child's last line, after Relacy's own output: "<marker> <end> <result> <executions>
// <threads>".
constexpr std::string_view kEndMarker = "\ndc_relacy-end ";

[[noreturn]] void finish_child(Outcome::End end, int result) {
  std::cout.flush();  // what the model printed, before the verdict line (_exit flushes nothing)
  std::fflush(nullptr);
  const ChildState& state = child();
  write_all(state.out, std::string(kEndMarker) + std::to_string(static_cast<int>(end)) + " " +
                           std::to_string(result) + " " + std::to_string(state.executions) + " " +
                           std::to_string(state.threads) + "\n");
  ::_exit(0);
}

// The model body as Relacy's test suite: one static thread runs the body, which starts `kThreads`
// dynamic threads of its own. The count is the model's own (measured first, run()): Relacy runs
// every dynamic thread it is given, and a thread the model never starts still ends in every order
// the full search tries (an empty body with 8 spare threads is 8! executions).
// (Relacy calls before(), after() and thread() on its instance of the suite: they are members.)
// NOLINTBEGIN(readability-convert-member-functions-to-static)
template <std::size_t kThreads>
struct BodySuite : rl::test_suite<BodySuite<kThreads>, 1> {
  static constexpr rl::thread_id_t dynamic_thread_count = kThreads;

  void before() {
    RelacySync::threads_started() = 0;
    ChildState& state = child();
    if (state.params->collect_history) return;  // Relacy reruns the failing execution
    if (state.executions == state.max_executions) finish_child(Outcome::End::kBudget, 0);
    ++state.executions;
  }
  void after() { child().threads = std::max(child().threads, RelacySync::threads_started()); }
  void thread(unsigned /*index*/) { (*child().body)(); }
};
// NOLINTEND(readability-convert-member-functions-to-static)

template <std::size_t... kThreads>
void simulate(std::size_t threads, rl::test_params& params, std::index_sequence<0, kThreads...>) {
  ((threads == kThreads ? static_cast<void>(rl::simulate<BodySuite<kThreads>>(params))
                        : static_cast<void>(0)),
   ...);
}

[[noreturn]] void search_in_child(const std::function<void()>& body, const SearchOptions& options,
                                  std::size_t threads, std::uint64_t max_executions, int out) {
  rl::test_params params;
  PipeBuffer pipe(out);
  std::ostream report(&pipe);
  std::ostream progress(nullptr);  // Relacy's percentage lines: dropped (a stream with no buffer)
  params.output_stream = &report;
  params.progress_stream = &progress;
  params.search_type = options.search == Search::kFull ? rl::sched_full : rl::sched_bound;
  params.context_bound = options.context_bound;
  params.execution_depth_limit = options.execution_depth_limit;

  ChildState& state = child();
  state.body = &body;
  state.params = &params;
  state.max_executions = max_executions;
  state.out = out;
  // Suites for 1 to kMaxThreads dynamic threads (a model of none still gets one: Relacy's
  // scheduler arrays of a single thread draw GCC's -Warray-bounds).
  simulate(std::max<std::size_t>(threads, 1), params,
           std::make_index_sequence<RelacySync::kMaxThreads + 1>());
  report.flush();
  const auto result = static_cast<int>(params.test_result);
  finish_child(result == rl::test_result_success ? Outcome::End::kFinished : Outcome::End::kFailed,
               result);
}

// Relacy's report without the suite's type name it starts with (BodySuite's mangled name).
std::string without_test_name(std::string text) {
  const std::size_t line = text.find('\n');
  if (line != std::string::npos && text.compare(0, 3, "N11") == 0) text.erase(0, line + 1);
  return text;
}

// One search in a child: `threads` dynamic threads, at most `max_executions`.
Outcome search(const std::function<void()>& body, const SearchOptions& options, std::size_t threads,
               std::uint64_t max_executions, std::size_t* threads_seen) {
  ChildLimits limits;
  limits.cpu = options.cpu_limit;
  const ChildExit exit = run_in_child(
      [&](int out) { search_in_child(body, options, threads, max_executions, out); }, limits);
  Outcome outcome;
  outcome.search = options.search;
  outcome.context_bound = options.search == Search::kContextBound ? options.context_bound : 0;
  outcome.cpu_seconds = exit.cpu_seconds;
  int end = -1;
  unsigned long long executions = 0;
  unsigned long long seen = 0;
  const std::size_t marker = exit.output.rfind(kEndMarker);
  const bool told = marker != std::string::npos &&
                    std::sscanf(exit.output.c_str() + marker + kEndMarker.size(), "%d %d %llu %llu",
                                &end, &outcome.result, &executions, &seen) == 4;
  if (!told || !exit.exited || exit.status != 0) {
    outcome.end = Outcome::End::kCrashed;
    outcome.report = exit.cpu_limit ? "Relacy's search used up its CPU limit of " +
                                          std::to_string(options.cpu_limit.count()) +
                                          " s (a model that never ends an execution?)"
                     : exit.exited ? "Relacy's search ended without a result (exit status " +
                                         std::to_string(exit.status) + ")"
                                   : "Relacy's search died of " + signal_text(exit.signal);
    if (!exit.output.empty()) outcome.report += "; its output:\n" + exit.output;
    return outcome;
  }
  outcome.end = static_cast<Outcome::End>(end);
  outcome.executions = executions;
  if (outcome.end == Outcome::End::kFinished || outcome.end == Outcome::End::kFailed) {
    outcome.result_name = std::string(result_name(outcome.result));
  }
  outcome.report = without_test_name(exit.output.substr(0, marker));
  if (threads_seen != nullptr) *threads_seen = static_cast<std::size_t>(seen);
  return outcome;
}

}  // namespace

std::string search_name(Search search, unsigned context_bound) {
  return search == Search::kFull ? "full search" : "context bound " + std::to_string(context_bound);
}

std::string_view result_name(int result) {
  return rl::test_result_str(static_cast<rl::test_result_e>(result));
}

std::optional<int> relacy_result_for(model::FailureKind kind) {
  using model::FailureKind;
  switch (kind) {
    case FailureKind::kAssertion:
      return rl::test_result_user_assert_failed;
    case FailureKind::kDataRace:
      return rl::test_result_data_race;
    case FailureKind::kUseAfterFree:
      return rl::test_result_access_to_freed_memory;
    case FailureKind::kDeadlock:
      return rl::test_result_deadlock;
    case FailureKind::kRelock:
      return rl::test_result_recursion_on_nonrecursive_mutex;
    case FailureKind::kUnlockNotOwner:
      return rl::test_result_unlocking_mutex_wo_ownership;
    case FailureKind::kStepBoundExceeded:
    case FailureKind::kLivelock:
      return rl::test_result_livelock;
    case FailureKind::kThreadNotJoined:    // RelacySync's threads join when they go away
    case FailureKind::kUncaughtException:  // ends the child: a crash, not a result
    case FailureKind::kCrash:
    case FailureKind::kUsageError:  // RelacySync's are INCONSISTENT TEST SUITE, never expected
      break;
  }
  return std::nullopt;
}

std::string_view end_name(Outcome::End end) {
  switch (end) {
    case Outcome::End::kFinished:
      return "finished";
    case Outcome::End::kFailed:
      return "failed";
    case Outcome::End::kBudget:
      return "budget";
    case Outcome::End::kCrashed:
      break;
  }
  return "crashed";
}

std::vector<Outcome> run(const std::function<void()>& body,
                         const std::vector<SearchOptions>& ladder) {
  std::vector<Outcome> outcomes;
  if (ladder.empty()) return outcomes;
  // First the model's thread count: one execution with every thread slot (its count does not
  // depend on the interleaving: a model starts its threads the same way every time). A body that
  // fails or finishes in that one execution has its verdict already.
  std::size_t threads = 0;
  Outcome probe = search(body, ladder.front(), RelacySync::kMaxThreads, 1, &threads);
  if (probe.end != Outcome::End::kBudget) {
    outcomes.push_back(std::move(probe));
    return outcomes;
  }
  for (const SearchOptions& options : ladder) {
    outcomes.push_back(search(body, options, threads, options.max_executions, nullptr));
    outcomes.back().threads = threads;
    if (outcomes.back().end != Outcome::End::kBudget) break;
  }
  outcomes.front().cpu_seconds += probe.cpu_seconds;
  return outcomes;
}

Outcome run(const std::function<void()>& body, const SearchOptions& options) {
  return std::move(run(body, std::vector<SearchOptions>{options}).back());
}

}  // namespace doublecheck::relacy
