#!/usr/bin/env python3
"""Run one TSan negative control: a race test built against a pre-fix variant must be caught.

    run_negative_control.py --source-root DIR [--any] --expect FILE REGEX [--expect FILE REGEX ...]
                            -- PROGRAM [ARGS...]

Runs PROGRAM (a ThreadSanitizer-instrumented test binary, typically with --gtest_filter=<one
test>) and PASSES (exit 0) only when all of these hold:

  1. ThreadSanitizer printed a report, and the first report is a "data race";
  2. for every --expect FILE REGEX, some frame of that report's *access* stacks (the current or the
     previous access; not the allocation or thread-creation stacks) is at FILE:N, where N is a line
     of FILE (relative to --source-root) matching REGEX. The line numbers are found in the source
     when the control runs, so editing the file does not break the expectation; a REGEX that
     matches no line is an error (the expectation went stale). With --any, one of them is
     enough: the racing lines of a variant (matrix/variants.json) name the race when one of them is
     on an access stack;
  3. the program exited with TSan's exitcode (halt_on_error=1, exitcode=66 in tsan/options).

It FAILS with a message saying which of these did not hold: the program exited 0 without a
report (the race went undetected), exited otherwise without a report (a test assertion or a
crash), reported something else, or reported a race at a line other than the expected one.

If ThreadSanitizer aborts with "unexpected memory mapping" (kernels whose mmap ASLR entropy is
higher than this TSan supports), the program is run again under `setarch <arch> -R` (ASLR off),
and the runner says so.

TSAN_OPTIONS comes from the environment (ctest sets it from tsan/options); when it is unset, the
runner builds it from tsan/options and tsan/suppressions.txt itself, for manual runs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aslr  # noqa: E402  (next to this script)
import tsan_report  # noqa: E402


def default_tsan_options() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    options = []
    with open(os.path.join(here, "options"), encoding="utf-8") as lines:
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line:
                options.append(line)
    options.append("suppressions=" + os.path.join(here, "suppressions.txt"))
    return ":".join(options)


def option_value(options: str, name: str, default: str) -> str:
    value = default
    for item in re.split(r"[:\s,]+", options):
        key, _, val = item.partition("=")
        if key == name:
            value = val
    return value


def run(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    completed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout, check=False)
    return completed.returncode, completed.stdout.decode("utf-8", errors="replace")


def describe_exit(code: int) -> str:
    if code < 0:
        return f"was killed by signal {-code}"
    return f"exited with status {code}"


def tail(text: str, count: int = 60) -> str:
    lines = text.rstrip().splitlines()
    shown = lines[-count:]
    prefix = [f"... ({len(lines) - count} earlier lines omitted)"] if len(lines) > count else []
    return "\n".join(prefix + shown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--source-root", required=True, help="the project's source directory")
    parser.add_argument("--any", action="store_true",
                        help="pass when one --expect line is on an access stack (not every one)")
    parser.add_argument("--expect", nargs=2, action="append", metavar=("FILE", "REGEX"),
                        required=True, help="a racing line: FILE relative to the source root")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for one run")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- PROGRAM [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no program given (after --)")
    name = " ".join(os.path.basename(part) if i == 0 else part for i, part in enumerate(command))

    # The racing lines, found in the source now (not hard-coded line numbers).
    expectations = []
    for relative, pattern in args.expect:
        path = os.path.join(args.source_root, relative)
        try:
            lines = tsan_report.lines_matching(path, pattern)
        except OSError as error:
            print(f"FAIL: cannot read the expected source {path}: {error}")
            return 1
        if not lines:
            print(f"FAIL: no line of {relative} matches /{pattern}/: the expectation is stale "
                  "(was the racing line renamed?)")
            return 1
        expectations.append((relative, pattern, set(lines)))

    env = dict(os.environ)
    if not env.get("TSAN_OPTIONS"):
        env["TSAN_OPTIONS"] = default_tsan_options()
    print(f"running: {' '.join(command)}")
    print(f"TSAN_OPTIONS={env['TSAN_OPTIONS']}")

    # The program is stopped by TSan mid-test (halt_on_error), so its temporary directories are
    # never removed by the test: give it a private TMPDIR and remove that instead.
    with tempfile.TemporaryDirectory(prefix="dc-negative-control-") as scratch:
        env["TMPDIR"] = scratch
        return check(command, name, env, expectations, args.timeout, args.any)


def check(command: list[str], name: str, env: dict[str, str],
          expectations: list[tuple[str, str, set[int]]], timeout: float, any_of: bool) -> int:
    tsan_exitcode = int(option_value(env["TSAN_OPTIONS"], "exitcode", "66"))
    try:
        code, output = run(command, env, timeout)
        if aslr.aborted(output):
            print(f"NOTE: ThreadSanitizer aborted with '{aslr.MEMORY_MAPPING}' (this kernel "
                  "randomises mmap more than this TSan supports); re-running under "
                  f"`{' '.join(aslr.prefix())}` (address-space randomisation off).")
            if not aslr.available():
                print("FAIL: setarch is not installed (util-linux), cannot re-run without ASLR.")
                return 1
            code, output = run(aslr.prefix() + command, env, timeout)
            if aslr.aborted(output):
                print("FAIL: ThreadSanitizer cannot map its shadow memory even with ASLR off; "
                      "lower vm.mmap_rnd_bits (sysctl) and re-run.\n" + tail(output))
                return 1
    except subprocess.TimeoutExpired:
        print(f"FAIL: {name} did not finish within {timeout:.0f} s")
        return 1

    reports = tsan_report.parse_reports(output)
    if not reports:
        print(tail(output))
        if code == 0:
            print(f"FAIL: {name} exited 0 with no ThreadSanitizer report: the race went "
                  "undetected, so this negative control caught nothing.")
        else:
            print(f"FAIL: {name} {describe_exit(code)} without a ThreadSanitizer report (a test "
                  "assertion failed or the program crashed before TSan saw the race).")
        return 1

    report = reports[0]
    print("\n".join(report.lines))
    if report.kind != "data race":
        print(f"FAIL: ThreadSanitizer's first report is a '{report.kind}', expected a data race.")
        return 1

    frames = [(section, frame) for section in report.access_sections() for frame in section.frames]
    if not frames:
        print("FAIL: the data race report has no access stacks to check (symbolizer missing?).")
        return 1
    missing = []
    for relative, pattern, lines in expectations:
        hits = [(section, frame) for section, frame in frames
                if frame.file and frame.line in lines and tsan_report.same_source(frame.file,
                                                                                  relative)]
        if hits:
            section, frame = hits[0]
            print(f"found: {relative}:{frame.line} (a line matching /{pattern}/) at frame "
                  f"#{frame.index} of \"{section.title}\"")
        else:
            missing.append((relative, pattern, lines))
    if missing and not (any_of and len(missing) < len(expectations)):
        seen = sorted({f"{frame.file}:{frame.line}" for _, frame in frames if frame.file})
        for relative, pattern, lines in missing:
            print(f"FAIL: the data race does not name the expected line: no access frame at "
                  f"{relative}:{{{','.join(map(str, sorted(lines)))}}} (lines matching "
                  f"/{pattern}/).")
        print("access frames seen:\n  " + "\n  ".join(seen))
        return 1
    if code != tsan_exitcode:
        print(f"FAIL: ThreadSanitizer reported the race, but {name} {describe_exit(code)}, "
              f"expected status {tsan_exitcode} (are the options of tsan/options applied?).")
        return 1
    print(f"PASS: ThreadSanitizer caught the data race at the expected line "
          f"(exit status {code}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
