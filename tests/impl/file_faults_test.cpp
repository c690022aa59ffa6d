// The daily file under the faults a hostile environment gives: a disk that fills up part-way
// through a line, short writes under many threads, EINTR and EIO, the directory deleted or the
// file moved away while the emitter runs, UTC midnight, a symlink or a FIFO planted at the file's
// path, modes wider than 0600. Each test says what the fault did before the sink handled it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "impl/file_sink.hpp"
#include "impl/telemetry.hpp"
#include "tests/impl/test_support.hpp"
#include "tests/race/run_together.hpp"

namespace doublecheck {
namespace {

using testing_support::read_lines;
using testing_support::RecordingEnvironment;
using testing_support::ScriptedWrite;
using testing_support::TempDir;
using testing_support::utc;
using Step = ScriptedWrite::Step;

const auto kMorning = utc(2026, 11, 26, 9, 30, 0);
constexpr std::string_view kMorningFile = "mcp_telemetry_20261126.jsonl";

// How the lines of a file parse: the events in file order, and the lines that are not JSON.
struct ParsedFile {
  std::vector<Json> events;
  std::vector<std::string> bad_lines;
};

ParsedFile parse_file(const std::filesystem::path& file) {
  ParsedFile parsed;
  for (const auto& line : read_lines(file)) {
    try {
      parsed.events.push_back(Json::parse(line));
    } catch (const Json::exception&) {
      parsed.bad_lines.push_back(line);
    }
  }
  return parsed;
}

// The file's last byte is a newline (or the file is empty): it does not end inside a line.
bool ends_with_newline(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.empty() || text.back() == '\n';
}

// The number of messages that contain every one of `words`.
std::size_t messages_with(const std::vector<std::string>& messages,
                          const std::vector<std::string>& words) {
  std::size_t count = 0;
  for (const auto& message : messages) {
    bool all = true;
    for (const auto& word : words) all = all && message.find(word) != std::string::npos;
    count += all ? 1 : 0;
  }
  return count;
}

class FileFaults : public ::testing::Test {
 protected:
  // The emitter on `write` (the real ::write when empty), clock and diagnostics recorded.
  TelemetryEmitter make_emitter(EmitterEnvironment::Write write = {}) {
    EmitterEnvironment env = recording_.env();
    env.write = std::move(write);
    return {true, dir_.path(), std::move(env)};
  }
  [[nodiscard]] std::filesystem::path file() const { return dir_ / kMorningFile; }
  // Moves the clock past the sink's recheck interval, so the next event checks the file.
  void let_recheck_interval_pass() {
    now_ += FileSink::kRecheckInterval + std::chrono::milliseconds(1);
    recording_.set_now(now_);
  }

  TempDir dir_;
  std::chrono::system_clock::time_point now_ = kMorning;
  RecordingEnvironment recording_{kMorning};
};

// Before: the torn half of the cut event stayed without a newline and the next event was glued to
// it, one invalid line holding two events, the second counted as written.
TEST_F(FileFaults, ADiskFullPartWayThroughALineLeavesOneBadLineAndTheNextEventIntact) {
  // Call 0 writes the first line; call 1 writes 40 bytes of the second; call 2 (its
  // continuation) finds the disk full; every later write succeeds (space came back).
  ScriptedWrite disk([](std::size_t call, std::size_t /*size*/) {
    if (call == 1) return Step{.limit = 40};
    if (call == 2) return Step{.error = ENOSPC};
    return Step{};
  });
  auto emitter = make_emitter(disk.function());
  emitter.emit_tool_call("first", "ok", 1, 1, 1);
  emitter.emit_tool_call("cut", "ok", 1, 1, 1);
  emitter.emit_tool_call("after", "ok", 1, 1, 1);
  emitter.emit_tool_call("last", "ok", 1, 1, 1);

  const ParsedFile parsed = parse_file(file());
  ASSERT_EQ(parsed.bad_lines.size(), 1U) << "expected the cut event as one bad line of its own";
  EXPECT_EQ(parsed.bad_lines[0].size(), 40U) << "the fragment alone: " << parsed.bad_lines[0];
  ASSERT_EQ(parsed.events.size(), 3U);
  EXPECT_EQ(parsed.events[0].at("tool"), "first");
  EXPECT_EQ(parsed.events[1].at("tool"), "after");
  EXPECT_EQ(parsed.events[2].at("tool"), "last");
  EXPECT_TRUE(ends_with_newline(file()));
  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.write_errors, 1U);
  EXPECT_EQ(summary.events_lost, 1U);
  EXPECT_EQ(summary.metrics.tool_calls, 4);
  EXPECT_EQ(messages_with(recording_.messages(), {file().string(), "No space left on device"}), 1U);
}

TEST_F(FileFaults, AWriteThatFailsBeforeAnyByteLosesOnlyItsEventAndAddsNoBadLine) {
  ScriptedWrite disk([](std::size_t call, std::size_t /*size*/) {
    return call == 1 ? Step{.error = EIO} : Step{};
  });
  auto emitter = make_emitter(disk.function());
  for (int i = 0; i < 3; ++i) emitter.emit_tool_call("t" + std::to_string(i), "ok", 1, 1, 1);

  const ParsedFile parsed = parse_file(file());
  EXPECT_TRUE(parsed.bad_lines.empty());
  ASSERT_EQ(parsed.events.size(), 2U);
  EXPECT_EQ(parsed.events[1].at("tool"), "t2");
  EXPECT_EQ(emitter.get_session_summary().write_errors, 1U);
  EXPECT_EQ(messages_with(recording_.messages(), {file().string(), "Input/output error"}), 1U);
}

TEST_F(FileFaults, InterruptedAndShortWritesAreContinuedAndLoseNothing) {
  // Every write is interrupted once (EINTR) and then written 7 bytes at a time.
  ScriptedWrite disk([](std::size_t call, std::size_t /*size*/) {
    return call % 2 == 0 ? Step{.error = EINTR} : Step{.limit = 7};
  });
  auto emitter = make_emitter(disk.function());
  for (int i = 0; i < 20; ++i) emitter.emit_tool_call("t" + std::to_string(i), "ok", 1, 1, 1);

  const ParsedFile parsed = parse_file(file());
  EXPECT_TRUE(parsed.bad_lines.empty());
  ASSERT_EQ(parsed.events.size(), 20U);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(parsed.events[i].at("tool"), "t" + std::to_string(i));
  EXPECT_EQ(emitter.get_session_summary().events_lost, 0U);
  EXPECT_TRUE(recording_.messages().empty());
}

// Before: 1,253 bad lines of 400,000 — a cut line's continuation landed after other threads'
// lines.
TEST_F(FileFaults, ShortWritesUnderEightThreadsNeverInterleaveLines) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 1000;
  // Short writes of a pseudo-random length (a fixed sequence: the test repeats exactly).
  ScriptedWrite disk([](std::size_t call, std::size_t size) {
    const std::size_t mix = (call * 2654435761U) >> 7U;
    return Step{.limit = 1 + mix % std::max<std::size_t>(size, 1)};
  });
  auto emitter = make_emitter(disk.function());
  const Json metadata = {{"padding", std::string(300, 'p')}};
  race::run_together(kThreads, [&](int t) {
    const std::string tool = "writer_" + std::to_string(t);
    for (int i = 0; i < kCalls; ++i) emitter.emit_tool_call(tool, "ok", 1, 1, 1, "", metadata);
  });

  const ParsedFile parsed = parse_file(file());
  EXPECT_EQ(parsed.bad_lines.size(), 0U)
      << "first bad line: " << (parsed.bad_lines.empty() ? "" : parsed.bad_lines[0]);
  std::map<std::string, int> per_tool;
  for (const auto& event : parsed.events) ++per_tool[event.at("tool").get<std::string>()];
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(per_tool["writer_" + std::to_string(t)], kCalls);
  EXPECT_GT(disk.calls(), static_cast<std::size_t>(kThreads * kCalls))
      << "the plan should have made writes short";
  EXPECT_EQ(emitter.get_session_summary().events_lost, 0U);
}

// Before: about 70 of 100 events went to the unlinked file, lost silently (write_errors 0), and
// the summary named a path that no longer existed.
TEST_F(FileFaults, ADeletedDirectoryIsRecreatedAndTheEventsWrittenToTheDeletedFileAreCounted) {
  auto emitter = make_emitter();
  for (int i = 0; i < 3; ++i) emitter.emit_tool_call("before", "ok", 1, 1, 1);
  std::filesystem::remove_all(dir_.path());
  // Within the recheck interval these still go to the deleted file: lost, and counted.
  for (int i = 0; i < 5; ++i) emitter.emit_tool_call("unnoticed", "ok", 1, 1, 1);
  let_recheck_interval_pass();
  for (int i = 0; i < 4; ++i) emitter.emit_tool_call("after", "ok", 1, 1, 1);

  ASSERT_TRUE(std::filesystem::exists(file())) << "the directory and file should be back";
  struct stat info {};
  ASSERT_EQ(::stat(dir_.path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777U, 0700U) << "the recreated directory is private";
  const ParsedFile parsed = parse_file(file());
  ASSERT_EQ(parsed.events.size(), 4U);
  for (const auto& event : parsed.events) EXPECT_EQ(event.at("tool"), "after");
  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.events_lost, 8U) << "the 3 + 5 events of the deleted file are in no file";
  EXPECT_EQ(summary.write_errors, 0U);
  EXPECT_EQ(summary.telemetry_file, file());
  const auto messages = recording_.messages();
  EXPECT_EQ(messages_with(messages, {file().string(), "deleted", "8 event(s)"}), 1U);
  EXPECT_EQ(messages_with(messages, {dir_.path().string(), "created it again"}), 1U);
}

TEST_F(FileFaults, ADeletedFileIsNoticedWithinTheRecheckEventCountWithoutTheClockMoving) {
  auto emitter = make_emitter();
  emitter.emit_tool_call("before", "ok", 1, 1, 1);
  std::filesystem::remove(file());
  const auto enough = static_cast<int>(FileSink::kRecheckEvents) + 10;
  for (int i = 0; i < enough; ++i) emitter.emit_tool_call("t", "ok", 1, 1, 1);

  const auto lost = emitter.get_session_summary().events_lost;
  EXPECT_GE(lost, 1U);
  EXPECT_LE(lost, FileSink::kRecheckEvents);
  EXPECT_EQ(parse_file(file()).events.size() + lost, static_cast<std::size_t>(enough) + 1);
}

// Before: after log rotation moved the file away, events followed the old inode.
TEST_F(FileFaults, AFileMovedAwayIsReopenedAtItsPathAndTheMovedFileKeepsItsEvents) {
  auto emitter = make_emitter();
  for (int i = 0; i < 3; ++i) emitter.emit_tool_call("before", "ok", 1, 1, 1);
  const auto rotated = dir_ / "rotated.jsonl";
  std::filesystem::rename(file(), rotated);
  for (int i = 0; i < 2; ++i) emitter.emit_tool_call("unnoticed", "ok", 1, 1, 1);
  let_recheck_interval_pass();
  for (int i = 0; i < 4; ++i) emitter.emit_tool_call("after", "ok", 1, 1, 1);

  EXPECT_EQ(parse_file(rotated).events.size(), 5U) << "the old inode keeps what it was given";
  const ParsedFile reopened = parse_file(file());
  ASSERT_EQ(reopened.events.size(), 4U);
  EXPECT_EQ(reopened.events[0].at("tool"), "after");
  EXPECT_EQ(emitter.get_session_summary().events_lost, 0U) << "moved, not lost";
  EXPECT_EQ(messages_with(recording_.messages(), {file().string(), "moved away or replaced"}), 1U);
}

// Before: the file was chosen at construction, so events after midnight went into yesterday's.
TEST_F(FileFaults, EventsAfterUtcMidnightGoToTheNewDaysFile) {
  recording_.set_now(utc(2026, 11, 26, 23, 59, 59, 999'999));
  auto emitter = make_emitter();
  emitter.emit_tool_call("evening", "ok", 1, 1, 1);
  recording_.set_now(utc(2026, 11, 27, 0, 0, 0, 1));
  emitter.emit_tool_call("night", "ok", 1, 1, 1);
  emitter.emit_server_stop();

  const ParsedFile yesterday = parse_file(file());
  ASSERT_EQ(yesterday.events.size(), 1U);
  EXPECT_EQ(yesterday.events[0].at("tool"), "evening");
  const auto today_file = dir_ / "mcp_telemetry_20261127.jsonl";
  const ParsedFile today = parse_file(today_file);
  ASSERT_EQ(today.events.size(), 2U);
  EXPECT_EQ(today.events[0].at("tool"), "night");
  EXPECT_EQ(emitter.get_session_summary().telemetry_file, today_file);
  EXPECT_TRUE(recording_.messages().empty()) << "a new day is not a fault";
}

TEST_F(FileFaults, AFileLeftInsideACutLineIsEndedWhenTheDayChangesAndTheNewFileStartsClean) {
  ScriptedWrite disk([](std::size_t call, std::size_t /*size*/) {
    if (call == 0) return Step{.limit = 30};
    if (call == 1) return Step{.error = ENOSPC};
    return Step{};
  });
  recording_.set_now(utc(2026, 11, 26, 23, 59, 59));
  auto emitter = make_emitter(disk.function());
  emitter.emit_tool_call("cut", "ok", 1, 1, 1);
  recording_.set_now(utc(2026, 11, 27, 0, 0, 1));
  emitter.emit_tool_call("tomorrow", "ok", 1, 1, 1);

  EXPECT_TRUE(ends_with_newline(file())) << "the fragment is ended in its own file";
  EXPECT_EQ(parse_file(file()).bad_lines.size(), 1U);
  const auto today = read_lines(dir_ / "mcp_telemetry_20261127.jsonl");
  ASSERT_EQ(today.size(), 1U) << "no empty line at the start of the new file";
  EXPECT_EQ(Json::parse(today[0]).at("tool"), "tomorrow");
}

TEST_F(FileFaults, ALateEventOfYesterdayNeverMakesTheFileGoBack) {
  auto emitter = make_emitter();
  recording_.set_now(utc(2026, 11, 27, 0, 0, 1));
  emitter.emit_tool_call("today", "ok", 1, 1, 1);
  recording_.set_now(utc(2026, 11, 26, 23, 59, 59));  // a clock stepped back
  emitter.emit_tool_call("late", "ok", 1, 1, 1);

  EXPECT_EQ(parse_file(dir_ / "mcp_telemetry_20261127.jsonl").events.size(), 2U);
  EXPECT_TRUE(parse_file(file()).events.empty());
}

// Before: the link was followed (an event appended to its 0644 target; a dangling link made the
// emitter create its target).
TEST_F(FileFaults, ASymlinkAtTheFilesPathIsRefusedAtConstructionNamingThePath) {
  const TempDir elsewhere("dc-target");
  const auto target = elsewhere / "target.txt";
  std::filesystem::create_symlink(target, file());  // dangling
  try {
    auto emitter = make_emitter();
    ADD_FAILURE() << "expected std::system_error for the symlink at " << file();
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ELOOP);
    EXPECT_NE(std::string(error.what()).find(file().string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("symbolic link"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(target)) << "the link's target must not be created";
}

TEST_F(FileFaults, ASymlinkPlantedLaterIsACountedReportedFailureAndItsTargetIsUntouched) {
  const TempDir elsewhere("dc-target");
  const auto target = elsewhere / "target.txt";
  std::ofstream(target) << "precious\n";
  auto emitter = make_emitter();
  emitter.emit_tool_call("before", "ok", 1, 1, 1);
  std::filesystem::remove(file());
  std::filesystem::create_symlink(target, file());
  let_recheck_interval_pass();
  for (int i = 0; i < 3; ++i) emitter.emit_tool_call("refused", "ok", 1, 1, 1);

  EXPECT_EQ(read_lines(target), (std::vector<std::string>{"precious"}));
  const auto summary = emitter.get_session_summary();
  EXPECT_EQ(summary.write_errors, 3U);
  EXPECT_EQ(summary.events_lost, 4U) << "3 refused and the 1 of the deleted file";
  EXPECT_EQ(messages_with(recording_.messages(), {file().string(), "symbolic link"}), 1U)
      << "one report for the failures 1..3 (then 10, 100, ...)";
}

// Before: open() of the FIFO blocked for ever, waiting for a reader. A watchdog opens the FIFO's
// reading end after 5 s, so a sink that blocks fails this test instead of hanging it.
TEST_F(FileFaults, AFifoAtTheFilesPathIsRefusedInsteadOfBlocking) {
  ASSERT_EQ(::mkfifo(file().c_str(), 0600), 0);
  std::atomic<bool> returned{false};
  int reader = -1;  // written by the watchdog, read after join()
  std::thread watchdog([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!returned.load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!returned.load()) reader = ::open(file().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  });
  try {
    auto emitter = make_emitter();
    returned = true;
    ADD_FAILURE() << "expected std::system_error for the FIFO at " << file();
  } catch (const std::system_error& error) {
    returned = true;
    EXPECT_NE(std::string(error.what()).find(file().string()), std::string::npos) << error.what();
  }
  watchdog.join();
  EXPECT_LT(reader, 0) << "opening " << file() << " blocked until the test opened its reading end";
  if (reader >= 0) ::close(reader);
}

TEST_F(FileFaults, AFileWithAModeWiderThan0600IsTightenedAndReportedOnce) {
  std::ofstream(file()) << "";
  ASSERT_EQ(::chmod(file().c_str(), 0666), 0);
  auto emitter = make_emitter();
  emitter.emit_tool_call("t", "ok", 1, 1, 1);
  emitter.emit_tool_call("t", "ok", 1, 1, 1);

  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777U, 0600U);
  EXPECT_EQ(messages_with(recording_.messages(), {file().string(), "0666", "tightened"}), 1U);
}

TEST_F(FileFaults, AnOutputDirectoryWritableByOthersIsReportedOnce) {
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0777), 0);
  auto emitter = make_emitter();
  emitter.emit_tool_call("t", "ok", 1, 1, 1);
  std::filesystem::remove(file());
  let_recheck_interval_pass();
  emitter.emit_tool_call("t", "ok", 1, 1, 1);  // reopened: the directory is not reported again

  EXPECT_EQ(messages_with(recording_.messages(), {dir_.path().string(), "0777", "group or others"}),
            1U);
}

}  // namespace
}  // namespace doublecheck
