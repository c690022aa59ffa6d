// A clock's reading in seconds, for the bench programs that report CPU time
// (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID) beside wall time (CLOCK_MONOTONIC): on a
// shared machine CPU time is what repeats.
#pragma once

#include <ctime>

namespace doublecheck::bench {

inline double seconds_of(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace doublecheck::bench
