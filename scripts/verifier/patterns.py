"""What the tools print, as verify reads it: clang's diagnostics, ThreadSanitizer's warning line,
and the verdict lines of the project's own checkers (tsan/run_negative_control.py and
tsan/static_negative/check.cmake). One place, because the build, the judging and the reports all
read the same lines."""

from __future__ import annotations

import re

# clang: "impl/x.hpp:138:9: error: reading variable 'tool_calls_' requires holding mutex ..."
CLANG_DIAG = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*)$", re.M)
WARNING_FLAG = re.compile(r"\s*\[-W[^\]]*\]$")  # the "[-Werror,-Wthread-safety-analysis]" tail

# ThreadSanitizer: "WARNING: ThreadSanitizer: data race (pid=8448)"
TSAN_REPORT = re.compile(r"WARNING: ThreadSanitizer: (.*?)(?: \(pid=\d+\))?$", re.M)

# tsan/run_negative_control.py (the tsan-stress runs): the racing line it found, its retry without
# ASLR, and its verdicts; tsan/replay_control.py's lines too (the agreement's, below)
RUNNER_FOUND = re.compile(r"^found: (\S+)", re.M)
RUNNER_SETARCH = "re-running under `setarch"
RUNNER_LINE = re.compile(r"^(found|PASS|FAIL|NOTE|running|compiling|model|tsan|AGREE|DISAGREE): ")
WRONG_LINE = "does not name the expected line"  # a race, at another line

# tsan/replay_control.py control (TsanReplays<Variant>.<path>, the explorer's counterexample
# replayed under TSan): the model's pair, TSan's pair, then one verdict line, AGREE (exit 0: the
# same pair, or the same racing statements) or DISAGREE (exit 2: a failure of the harness)
REPLAY_MODEL_PAIR = re.compile(r"^model: data race at (?P<earlier>\S+) \(earlier\) and "
                               r"(?P<later>\S+) \(later\)$", re.M)
REPLAY_TSAN_PAIR = re.compile(r"^tsan: data race at (?P<previous>\S+) \(previous\) and "
                              r"(?P<current>\S+) \(current\)$", re.M)
REPLAY_VERDICT = re.compile(r"^(?P<verdict>AGREE|DISAGREE): (?P<text>.*)$", re.M)
REPLAY_SAME_STATEMENTS = "the same racing statements"  # AGREE's looser agreement
# tsan/replay_control.py sampled (TsanSampledSchedules.<variant>.<path>, a fix): its PASS line
REPLAY_SAMPLED = re.compile(r"^PASS: (?P<count>\d+) schedules sampled by the explorer.*$", re.M)

# GoogleTest: a failed assertion's block starts at "tests/race/race_bodies.hpp:186: Failure" (or
# "unknown file: Failure" for an exception) and runs to the next status line ("[  FAILED  ]",
# "[       OK ]", "[ RUN      ]", ...), or to a ThreadSanitizer report's separator printed into it
GTEST_FAILURE = re.compile(r"^\S.*: Failure$")
GTEST_BLOCK_END = re.compile(r"^(\[ *[A-Z=-]+ *\]|={10,}$|WARNING: ThreadSanitizer: )")
CHECKER_FAIL = "FAIL: "  # the project's checkers' failure lines (the negative-control runner's)

# tsan/static_negative/check.cmake: the rejection at the expected line, and its failure when the
# rejection is elsewhere
STATIC_FOUND = re.compile(r"^found: (?P<file>\S+):(?P<line>\d+) \(.*?\): (?P<msg>.*)$", re.M)
STATIC_WRONG_LINE = "not at the expected line"


def clang_message(message: str) -> str:
    """A clang diagnostic's message without its warning-flag tail."""
    return WARNING_FLAG.sub("", message)
