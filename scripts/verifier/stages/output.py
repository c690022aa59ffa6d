"""What the reports keep of a test's output (the whole of it is in logs/): the first
ThreadSanitizer report's racing accesses, the checkers' verdict lines (a replay's model:, tsan:,
AGREE or DISAGREE lines among them), GoogleTest's failure blocks and clang's errors; or, when there
is no report, the beginning of the output and any failure block or verdict line after it (the
judging reads the failures and the agreement from what is kept: failures, judging.agreement)."""

from __future__ import annotations

import re

from ..failures import failure_blocks
from ..patterns import CLANG_DIAG, RUNNER_LINE, TSAN_REPORT
from ..text import head

KEEP_OUTPUT_LINES = 400  # of each test's output, in results/ctest-*.json
SECTION_TITLE = re.compile(r"^  (\S.*):\s*$")
ACCESS_TITLE = re.compile(r"^(previous )?(atomic )?(read|write)\b", re.IGNORECASE)


def essential_output(output: str) -> str:
    """What results/ctest-<label>.json keeps of a test's output (see above): enough to judge it
    and to say why it failed, never the whole of a huge log."""
    lines = output.splitlines()
    failing = {i for block in failure_blocks(lines) for i in block}
    start = next((i for i, line in enumerate(lines) if TSAN_REPORT.match(line)), None)
    if start is None:
        # Past the first lines: the failures, and the checkers' verdict lines (the sampled
        # replays' PASS line, a replay's DISAGREE, which come after a long log of schedules).
        late = [line for i, line in enumerate(lines) if i >= KEEP_OUTPUT_LINES
                and (i in failing or RUNNER_LINE.match(line))]
        return head(output, KEEP_OUTPUT_LINES) + "".join(
            "\n" + line for line in late[:KEEP_OUTPUT_LINES]) + ("\n" if late else "")
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("SUMMARY: ")),
               len(lines) - 1)
    keep = report_accesses(lines[start:end + 1])
    keep += [line for i, line in enumerate(lines)
             if (i < start or i > end)
             and (i in failing or RUNNER_LINE.match(line) or CLANG_DIAG.match(line))]
    return "\n".join(keep[:KEEP_OUTPUT_LINES]) + "\n"


def report_accesses(report: list[str]) -> list[str]:
    """Of a report: the title, the racing accesses' stacks and the summary (not the location's
    allocation stack nor the thread-creation stacks, which do not say where the race is); frames
    of monstrous template names cut in the middle, keeping the function's start and the file:line
    at the end."""
    keep = []
    in_access = True
    for line in report:
        title = SECTION_TITLE.match(line)
        if title:
            in_access = bool(ACCESS_TITLE.match(title.group(1)))
        if in_access or line.startswith(("WARNING: ", "SUMMARY: ")):
            keep.append(line if len(line) <= 400 else line[:160] + " ... " + line[-220:])
    return keep
