#include "model/catalogue/replay_cli.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "replay/gate.hpp"
#include "replay/schedule.hpp"

namespace doublecheck::model {
namespace {

namespace po = boost::program_options;

constexpr int kChecksFailed = 1;
constexpr int kLeftSchedule = 2;
constexpr int kTimedOut = 3;
constexpr int kUsage = 64;

struct Settings {
  std::vector<std::string> files;
  std::string filter;
  bool visible_gate = false;
  double stall_seconds = 10;
  double timeout_seconds = 300;
  bool list = false;
  bool races_only = false;
};

// Ends the process, saying which replay, when one runs past its time (a replay that left its
// schedule may block for real, and a hang must say where). A thread of its own, outside every
// replay: it touches nothing of theirs.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::duration<double> limit)
      : limit_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit)),
        thread_([this] { watch(); }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    {
      const std::scoped_lock lock(mutex_);
      done_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void start(std::string what) {
    const std::scoped_lock lock(mutex_);
    what_ = std::move(what);
    deadline_ = std::chrono::steady_clock::now() + limit_;
    running_ = true;
  }
  void stop() {
    const std::scoped_lock lock(mutex_);
    running_ = false;
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!done_) {
      if (running_ && std::chrono::steady_clock::now() >= deadline_) {
        std::fprintf(stderr,
                     "replay: %s did not finish in %.0f s: a thread is blocked for real (a "
                     "deadlock the schedule does not have, or an operation outside the seam); "
                     "stopping\n",
                     what_.c_str(), std::chrono::duration<double>(limit_).count());
        std::fflush(stderr);
        std::_Exit(kTimedOut);
      }
      changed_.wait_for(lock, std::chrono::milliseconds(200));
    }
  }

  const std::chrono::steady_clock::duration limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  bool running_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;  // last: starts once the fields above exist
};

int usage(const ReplayRunnerInfo& info, const std::string& message) {
  std::cerr << info.program << ": " << message << " (see --help)\n";
  return kUsage;
}

// Runs one schedule; the exit status it earns.
int replay_one(const ModelSpec& spec, const replay::Schedule& schedule, const Settings& s,
               Watchdog& watchdog) {
  std::cout << "replay " << schedule.model << ": " << schedule.origin << " ("
            << schedule.steps.size() << " steps"
            << (s.visible_gate ? ", visible gate: the control, hides every race" : "") << ")\n";
  if (schedule.race) {
    std::cout << "  the model's race: " << schedule.race->first.text() << " (earlier) and "
              << schedule.race->second.text() << " (later)\n";
  }
  std::cout << std::flush;
  watchdog.start("the replay of " + schedule.model + " (" + schedule.origin + ")");
  replay::Outcome outcome;
  std::string escaped;
  {
    replay::Gate gate(schedule,
                      s.visible_gate ? replay::GateMode::kVisible : replay::GateMode::kInvisible,
                      std::chrono::milliseconds(static_cast<long long>(s.stall_seconds * 1000)));
    try {
      spec.body();
    } catch (const std::exception& e) {
      escaped = e.what();
    } catch (...) {
      escaped = "an exception of unknown type";
    }
    gate.body_done();
    outcome = gate.outcome();
  }
  watchdog.stop();
  int status = 0;
  if (!outcome.divergence.empty()) {
    std::cout << "  LEFT THE SCHEDULE after " << outcome.followed << " of " << outcome.total
              << " steps: " << outcome.divergence << "\n";
    status = kLeftSchedule;
  } else {
    std::cout << "  followed " << outcome.followed << " of " << outcome.total << " steps\n";
  }
  for (const std::string& failed : outcome.failed_checks) {
    std::cout << "  CHECK FAILED on real threads: " << failed << "\n";
    if (status == 0) status = kChecksFailed;
  }
  if (!escaped.empty()) {
    std::cout << "  EXCEPTION escaped the model body: " << escaped << "\n";
    if (status == 0) status = kChecksFailed;
  }
  std::cout << std::flush;
  return status;
}

// The command line's options, into `s`.
po::options_description options_of(const ReplayRunnerInfo& info, Settings& s) {
  po::options_description options(info.program + ": " + info.description);
  options.add_options()("help,h", "show this help")(
      "schedules", po::value(&s.files)->multitoken(),
      "schedule files written by a model runner's --schedules-out (replay/schedule.hpp)")(
      "filter", po::value(&s.filter), "replay only the schedules of models matching this regex")(
      "visible-gate", po::bool_switch(&s.visible_gate),
      "the control: make the gate ordinary synchronisation, which TSan sees (every race of the "
      "schedule is then hidden)")(
      "stall-timeout", po::value(&s.stall_seconds),
      "seconds a replay may stand still before it is said to have left its schedule (default 10)")(
      "timeout", po::value(&s.timeout_seconds),
      "seconds one replay may take before the runner stops (default 300)")(
      "list", po::bool_switch(&s.list), "list the schedules of the files, do not run them")(
      "races-only", po::bool_switch(&s.races_only),
      "replay only the counterexamples of data races (the schedules with a racing pair)");
  return options;
}

}  // namespace

int run_replays(const Registry& registry, const ReplayRunnerInfo& info, int argc, char** argv) {
  Settings s;
  const po::options_description options = options_of(info, s);
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
      std::cout << options << "\n";
      return 0;
    }
  } catch (const po::error& e) {
    return usage(info, e.what());
  }
  if (s.files.empty()) return usage(info, "no --schedules file given");
  if (!(s.stall_seconds > 0) || !(s.timeout_seconds > 0)) {
    return usage(info, "--stall-timeout and --timeout must be positive numbers of seconds");
  }
  std::regex filter;
  try {
    filter = std::regex(s.filter);
  } catch (const std::regex_error& e) {
    return usage(info, "--filter '" + s.filter + "' is not a regular expression: " + e.what());
  }

  std::vector<replay::Schedule> schedules;
  try {
    for (const std::string& file : s.files) {
      for (replay::Schedule& schedule : replay::read_schedule_file(file)) {
        if (s.races_only && !schedule.race) continue;
        if (std::regex_search(schedule.model, filter)) schedules.push_back(std::move(schedule));
      }
    }
  } catch (const std::exception& e) {
    return usage(info, e.what());
  }
  if (schedules.empty()) {
    return usage(info, std::string("no schedule") + (s.races_only ? " of a data race" : "") +
                           " matches --filter '" + s.filter + "'");
  }
  std::vector<const ModelSpec*> specs;
  for (const replay::Schedule& schedule : schedules) {
    const ModelSpec* spec = registry.find(schedule.model);
    if (spec == nullptr) {
      return usage(info, "a schedule is of the model '" + schedule.model +
                             "', which this runner does not have (a schedule of another runner, "
                             "or of an older catalogue?)");
    }
    specs.push_back(spec);
  }
  if (s.list) {
    for (const replay::Schedule& schedule : schedules) {
      std::cout << schedule.model << "  " << schedule.origin << "  (" << schedule.steps.size()
                << " steps)\n";
    }
    return 0;
  }

  int status = 0;
  std::size_t followed = 0;
  try {
    Watchdog watchdog{std::chrono::duration<double>(s.timeout_seconds)};
    for (std::size_t i = 0; i < schedules.size(); ++i) {
      const int one = replay_one(*specs[i], schedules[i], s, watchdog);
      if (one == 0) ++followed;
      if (one == kLeftSchedule || status == 0) status = std::max(status, one);
    }
  } catch (const std::exception& e) {
    std::cerr << info.program << ": internal error: " << e.what() << "\n";
    return 70;
  }
  std::cout << schedules.size() << " schedules replayed, " << followed
            << " followed to their end with every check holding\n";
  return status;
}

}  // namespace doublecheck::model
