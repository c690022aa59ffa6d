"""Why a test failed, in its own words: GoogleTest's failure blocks ("file:line: Failure" and the
assertion's lines, "Expected equality of these values: ... P1 lost call counts") and the project's
checkers' "FAIL: " lines, taken out of the test's output so that the console and junit.xml can
show them (a status like "[***Failed]" says nothing, and the whole output is in logs/). Bounded,
so that a test that fails a thousand assertions does not flood either."""

from __future__ import annotations

from .patterns import CHECKER_FAIL, GTEST_BLOCK_END, GTEST_FAILURE

MAX_LINES = 40  # of a test's failure text
MAX_LINE_CHARS = 300  # of each of its lines (a "Which is:" of a large value)
SUMMARY_CHARS = 200  # of the one-line summary in a problem (junit's failure message)


def failure_blocks(lines: list[str]) -> list[list[int]]:
    """The line numbers (0-based) of each failure block in `lines`, in order: a GoogleTest block
    from its "...: Failure" line to the line before the next status line (or report), and each
    "FAIL: " line on its own. Unbounded: callers choose how much to keep."""
    blocks: list[list[int]] = []
    in_block = False
    for i, line in enumerate(lines):
        if GTEST_FAILURE.match(line):
            blocks.append([i])
            in_block = True
        elif line.startswith(CHECKER_FAIL):
            blocks.append([i])
            in_block = False
        elif in_block and GTEST_BLOCK_END.match(line):
            in_block = False
        elif in_block:
            blocks[-1].append(i)
    return blocks


def failure_lines(output: str) -> list[str]:
    """The failure blocks' lines of `output`, at most MAX_LINES (saying how many more there were),
    each cut at MAX_LINE_CHARS; [] when the output says no failure of either kind."""
    lines = output.splitlines()
    kept = [lines[i].rstrip() for block in failure_blocks(lines) for i in block]
    cut = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " ..."
           for line in kept[:MAX_LINES]]
    if len(kept) > MAX_LINES:
        cut.append(f"... ({len(kept) - MAX_LINES} more lines of failures omitted)")
    return cut


def failure_summary(output: str) -> str:
    """The first failure block folded into one line ("tests/race/race_bodies.hpp:186: Failure:
    Expected equality of these values: m.tool_calls Which is: 49 kThreads Which is: 50 P1 lost
    call counts"), at most SUMMARY_CHARS: what a problem line and junit's message can carry."""
    lines = output.splitlines()
    blocks = failure_blocks(lines)
    if not blocks:
        return ""
    words = [lines[i].strip() for i in blocks[0]]
    text = words[0] + (": " + " ".join(w for w in words[1:] if w) if len(words) > 1 else "")
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 3] + "..."
