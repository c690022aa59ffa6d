// The schedule's text format (replay/schedule.hpp): what the explorer writes is what a replay
// reads, and a malformed file is refused at its line.
#include "replay/schedule.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace doublecheck::replay {
namespace {

Schedule sample() {
  Schedule s;
  s.model = "init/relaxed_dcl/2";
  s.origin = "counterexample: data race, replay token sc:1";
  s.symptom = true;
  s.race = std::pair{Place{"impl/telemetry_emitter.hpp", 72}, Place{"impl/a:b.hpp", 137}};
  s.steps = {{0, "lock", {"impl/x.hpp", 3}}, {2, "rmw", {"impl/y.hpp", 40}}};
  return s;
}

std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    read_schedules(in, "f.txt");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ScheduleFormat, WhatIsWrittenIsReadBackEqual) {
  std::ostringstream out;
  write_schedule(out, sample());
  Schedule plain;
  plain.model = "m";
  write_schedule(out, plain);
  std::istringstream in(out.str());
  const auto read = read_schedules(in, "f.txt");
  ASSERT_EQ(read.size(), 2U);
  EXPECT_EQ(read[0], sample());
  EXPECT_EQ(read[1], plain);
}

TEST(ScheduleFormat, AMalformedFileIsRefusedAtItsLine) {
  EXPECT_EQ(error_of("step 1 lock a.hpp:3\n"),
            "f.txt:1: 'step' outside a schedule (a file starts with 'schedule <model>')");
  EXPECT_EQ(error_of("schedule m\nstep x lock a.hpp:3\nend\n"),
            "f.txt:2: a step is 'step <thread> <kind> <file>:<line>', got 'step x lock a.hpp:3'");
  EXPECT_EQ(error_of("schedule m\nstep 1 lock a.hpp\nend\n"),
            "f.txt:2: a step is 'step <thread> <kind> <file>:<line>', got 'step 1 lock a.hpp'");
  EXPECT_EQ(error_of("schedule m\nstep 1 lock a.hpp:3\n"),
            "f.txt:2: the schedule of m has no 'end' (the file is cut short)");
  EXPECT_EQ(error_of("schedule m\nsymptom 2\nend\n"), "f.txt:2: 'symptom' is 0 or 1, not '2'");
  EXPECT_EQ(error_of("schedule m\nrace a:1\nend\n"),
            "f.txt:2: 'race' needs two places <file>:<line>, got 'a:1'");
  EXPECT_EQ(error_of("schedule m\nfrobnicate\nend\n"), "f.txt:2: unknown keyword 'frobnicate'");
  EXPECT_EQ(error_of(""), "f.txt:0: no schedule in it");
}

TEST(ScheduleFormat, AnUnreadableFileSaysWhich) {
  EXPECT_THROW(
      {
        try {
          read_schedule_file("/nonexistent/dir/s.txt");
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "cannot read the schedule file /nonexistent/dir/s.txt");
          throw;
        }
      },
      std::runtime_error);
}

TEST(ScheduleFormat, ACompiledPathNamesItsRelativeFileOnlyAtADirectoryBoundary) {
  EXPECT_TRUE(same_file("/src/impl/x.hpp", "impl/x.hpp"));
  EXPECT_TRUE(same_file("impl/x.hpp", "impl/x.hpp"));
  EXPECT_FALSE(same_file("/src/myimpl/x.hpp", "impl/x.hpp"));
  EXPECT_FALSE(same_file("/src/impl/x.hpp", "impl/y.hpp"));
}

}  // namespace
}  // namespace doublecheck::replay
