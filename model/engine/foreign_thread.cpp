#include "model/engine/foreign_thread.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "model/engine/source_path.hpp"
#include "model/engine/unwind_probe.hpp"

namespace doublecheck::model {
namespace {

std::atomic<int> g_searches{0};  // ForeignThreadWatch objects alive in the process
std::atomic<bool>& g_posted = foreign_use_detail::posted;  // a report waits in g_report
std::mutex g_report_mutex;            // guards g_report (std::mutex is no capability to annotate)
std::optional<std::string> g_report;  // the first misuse posted and not yet taken

std::string place(const SourceLoc& where) {
  if (where.line == 0) return "in a model object's constructor";
  return "at " + std::string(relative_path(where.file)) + ":" + std::to_string(where.line);
}

std::string misuse(const SourceLoc& where, std::string_view fate) {
  return "a model object was used " + place(where) +
         " from a thread the explorer does not run (a std::thread or other OS thread the model "
         "or the test started): the explorer schedules and checks only threads started with "
         "doublecheck::model::thread, so start the thread with it (it joins like std::thread). "
         "The foreign thread " +
         std::string(fate);
}

void post(std::string report) {
  const std::lock_guard lock(g_report_mutex);
  if (g_report) return;  // the first use is the one to fix
  g_report = std::move(report);
  g_posted.store(true, std::memory_order_release);
}

}  // namespace

ForeignThreadWatch::ForeignThreadWatch() { g_searches.fetch_add(1, std::memory_order_acq_rel); }

ForeignThreadWatch::~ForeignThreadWatch() {
  if (g_searches.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // The last search is over: a report no execution took (the use came after the last step)
    // belongs to no later search.
    const std::lock_guard lock(g_report_mutex);
    g_report.reset();
    g_posted.store(false, std::memory_order_relaxed);
  }
}

void foreign_use(const SourceLoc& where) {
  if (g_searches.load(std::memory_order_acquire) == 0 || gettid() == getpid()) {
    throw std::logic_error(
        "doublecheck: a ModelSync object or model operation was used " + place(where) +
        " outside a model run; create model objects inside the body passed to Explorer::run and "
        "use them from its model threads");
  }
  if (unwinds_cleanly_to(nullptr)) {
    post(misuse(where, "was ended (pthread_exit, its destructors run), so a join of it returns."));
    pthread_exit(nullptr);
  }
  const std::string report =
      misuse(where,
             "is parked for good: a noexcept function, a destructor or a catch clause on its "
             "stack forbids unwinding it, so a model thread that joins it waits for ever.");
  post(report);
  const std::string line = "doublecheck: " + report + "\n";
  std::fputs(line.c_str(), stderr);
  while (true) std::this_thread::sleep_for(std::chrono::hours(24));
}

std::optional<std::string> take_foreign_use() {
  const std::lock_guard lock(g_report_mutex);
  g_posted.store(false, std::memory_order_relaxed);
  return std::exchange(g_report, std::nullopt);
}

}  // namespace doublecheck::model
