// A model object used from an OS thread the explorer does not run — a std::thread the model
// started, a pool's worker, a test's helper thread — is a failure of the search (a usage error
// naming the place), not an exception no one catches (std::terminate).
//
// Such a thread has no execution of its own (Execution::current_or_null() is null there), so its
// operation cannot be scheduled, ordered or checked, and it cannot go on: whatever it returned
// would be a value the explorer never chose. So the thread posts the misuse for the search and
// ends. The search's execution takes the post at its next step (Execution::decide() reads one
// flag), reports it and stops; a usage error stops the whole search.
//
// How the foreign thread ends. It is not ours to unwind with an exception: nothing catches it at
// the top of a std::thread (std::terminate). pthread_exit unwinds it by force instead, running
// its destructors, so a model thread that joins it goes on — but only where its stack holds
// cleanups alone (unwind_probe.hpp: a noexcept frame or a destructor would std::terminate, a
// catch(...) that does not rethrow would abort). Elsewhere it is parked for good, and standard
// error says where: a model thread that joins it then waits for ever, the one hang this cannot
// avoid (a real join cannot be interrupted).
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "seam/source_loc.hpp"

namespace doublecheck::model {

// Held by Explorer::run while it explores (counted: searches nest and run on several threads).
// While one is held anywhere in the process, a foreign use is a failure of the search.
class ForeignThreadWatch {
 public:
  ForeignThreadWatch();
  ForeignThreadWatch(const ForeignThreadWatch&) = delete;
  ForeignThreadWatch& operator=(const ForeignThreadWatch&) = delete;
  ~ForeignThreadWatch();
};

// In place of an operation at `where` (line 0: a constructor, which has no place) on a thread
// with no execution. With no search running, or on the process's main thread, throws
// std::logic_error: the object is used outside any model run, and the caller can catch that.
// Otherwise posts the misuse and ends the calling thread as the header says; never returns.
[[noreturn]] void foreign_use(const SourceLoc& where);

namespace foreign_use_detail {
// A report waits to be taken (foreign_thread.cpp). Here, not there, so that the test below is
// inline: decide() makes it at every step.
inline std::atomic<bool> posted{false};
}  // namespace foreign_use_detail

// True when a misuse is posted and not yet taken: one relaxed load, for every step.
inline bool foreign_use_posted() {
  return foreign_use_detail::posted.load(std::memory_order_relaxed);
}

// The report of the misuse posted, taken once (the first execution to ask reports it).
std::optional<std::string> take_foreign_use();

}  // namespace doublecheck::model
