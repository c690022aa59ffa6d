#!/usr/bin/env python3
"""One counterexample, two checkers: replay the explorer's interleaving under ThreadSanitizer.

    replay_control.py control --model-runner DC_MODEL --replay-runner DC_REPLAY --filter REGEX
                              [--visible-gate]
    replay_control.py sampled --model-runner DC_MODEL --replay-runner DC_REPLAY --filter REGEX
                              [--iterations N] [--seed S]

`control` (a negative control, deterministic): the explorer (DC_MODEL, an ordinary build) finds
the data race of the models matching REGEX and writes its counterexample's schedule
(--schedules-out); DC_REPLAY (the same models on ScheduledSync, built with -fsanitize=thread)
runs that very interleaving on real threads. PASSES (exit 0) only when TSan reports a data race
whose two access stacks name the model's racing pair of lines: the same bug, shown by both
checkers. A disagreement — TSan reports nothing on the model's own interleaving, reports another
pair of lines, or the replay could not follow the schedule — is a failure of the harness: exit 2,
with the model's pair and TSan's report both shown. One looser agreement is named as such: TSan
names one line of the model's pair exactly and, for the other, an access at most NEIGHBOURHOOD
lines from it in the same file (measured: on the unlocked snapshot's interleaving TSan passes
over the write of tool_calls_ and reports the write of total_bytes_in_ one line later, on the
same object, in the same unsynchronised run of stores): "the same racing statements", never
"the same pair". Any other failure (no race found by the
model, a runner that cannot run) exits 1.

`sampled` (a fix): the explorer samples N random and N PCT executions of each model (seed S,
recorded), and TSan replays every one: PASSES only when every schedule is followed to its end with
no report and every check of the model holding — interleavings a stress test rarely reaches.

TSAN_OPTIONS comes from the environment (ctest sets it from tsan/options), else from tsan/options.
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
import run_negative_control  # noqa: E402
import tsan_report  # noqa: E402

AGREE = 0
FAILED = 1
DISAGREE = 2

_REPLAY = re.compile(r"^replay (?P<model>\S+): (?P<origin>.*)$")
_MODEL_RACE = re.compile(r"^  the model's race: (?P<earlier>\S+) \(earlier\) and "
                         r"(?P<later>\S+) \(later\)$")


def run(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Runs `command` (again under setarch -R when TSan cannot map its shadow memory)."""
    code, output = run_negative_control.run(command, env, timeout)
    if aslr.aborted(output) and aslr.available():
        print(f"NOTE: ThreadSanitizer aborted with '{aslr.MEMORY_MAPPING}'; re-running under "
              f"`{' '.join(aslr.prefix())}`")
        code, output = run_negative_control.run(aslr.prefix() + command, env, timeout)
    return code, output


def explore(args: argparse.Namespace, schedules: str, extra: list[str]) -> bool:
    """Runs the explorer over the models, writing their schedules; False (said why) on failure."""
    # Sequentially consistent executions only: real threads following a schedule read the newest
    # store of each location (what SC says), and cannot be made to read a stale one, which an
    # RC11 execution of the explorer may (the replay then leaves its schedule at the next step of
    # the thread that read it). A data race is found under SC alike: it is a matter of
    # happens-before, not of the values read.
    command = [args.model_runner, "--filter", args.filter, "--schedules-out", schedules,
               "--memory-model", "sc", "--jobs", "1", "--no-progress", *extra]
    if not os.path.exists(args.model_runner):
        print(f"FAIL: the explorer's runner {args.model_runner} is not built: build the default "
              "preset first (scripts/test does), or configure the tsan build with "
              "-DDC_MODEL_RUNNER=<path to dc_model>")
        return False
    print("running: " + " ".join(command))
    code, output = run(command, dict(os.environ), args.timeout)
    print(run_negative_control.tail(output, 20))
    # The negative controls' models fail as the catalogue expects (exit 0); a fix's sampled run
    # passes. Anything else is the explorer's own failure.
    if code != 0:
        print(f"FAIL: the explorer {run_negative_control.describe_exit(code)} (expected 0: every "
              "model as the catalogue expects)")
        return False
    return True


def frames_of(section: tsan_report.Section) -> set[tuple[str, int]]:
    """(file, line) of every frame of an access stack that has them."""
    return {(frame.file, frame.line) for frame in section.frames
            if frame.file is not None and frame.line is not None}


def names(section_frames: set[tuple[str, int]], place: str) -> bool:
    """True when some frame is at `place` ("impl/x.hpp:12", relative to the source root)."""
    relative, _, line = place.rpartition(":")
    return any(frame_line == int(line) and tsan_report.same_source(frame_file, relative)
               for frame_file, frame_line in section_frames)


NEIGHBOURHOOD = 3


def neighbour(section_frames: set[tuple[str, int]], place: str, root: str) -> str | None:
    """A frame within NEIGHBOURHOOD lines of `place` in its file (not `place` itself), if any."""
    relative, _, line = place.rpartition(":")
    for frame_file, frame_line in sorted(section_frames):
        if (tsan_report.same_source(frame_file, relative) and frame_line != int(line)
                and abs(frame_line - int(line)) <= NEIGHBOURHOOD):
            return f"{relative}:{frame_line}"
    return None


def first_project_frame(section: tsan_report.Section, root: str) -> str:
    """The first frame in the source tree outside the policies (seam/, replay/): where it is."""
    for frame in section.frames:
        if frame.file is None:
            continue
        path = os.path.normpath(frame.file)
        if not path.startswith(root + os.sep):
            continue
        relative = os.path.relpath(path, root)
        if relative.startswith(("seam" + os.sep, "replay" + os.sep)):
            continue
        return f"{relative}:{frame.line}"
    return "(no frame in the source tree)"


def control(args: argparse.Namespace, env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory(prefix="dc-replay-") as scratch:
        schedules = os.path.join(scratch, "schedules.txt")
        if not explore(args, schedules, []):
            return FAILED
        command = [args.replay_runner, "--schedules", schedules, "--races-only"]
        if args.visible_gate:
            command.append("--visible-gate")
        env = dict(env, TMPDIR=scratch)
        print("running: " + " ".join(command))
        code, output = run(command, env, args.timeout)
    return judge_control(output, code, os.path.normpath(args.source_root))


def judge_control(output: str, code: int, root: str) -> int:
    """The verdict on one control's replay output (see the module's docstring)."""
    race = next((m for m in map(_MODEL_RACE.match, output.splitlines()) if m), None)
    if race is None:
        print(run_negative_control.tail(output, 40))
        if "no schedule of a data race" in output:
            print("FAIL: the explorer found no data race in these models: nothing to replay")
            return FAILED
        print(f"FAIL: the replay runner {run_negative_control.describe_exit(code)} before it "
              "replayed a schedule")
        return FAILED
    earlier, later = race.group("earlier"), race.group("later")
    model_text = f"model: data race at {earlier} (earlier) and {later} (later)"
    reports = tsan_report.parse_reports(output)
    if not reports:
        print(run_negative_control.tail(output, 40))
        print(model_text)
        left = next((line.strip() for line in output.splitlines() if "LEFT THE SCHEDULE" in line),
                    None)
        print("DISAGREE: " + (f"the replay could not follow the model's schedule: {left}" if left
                              else "ThreadSanitizer reported nothing on the model's own "
                                   "interleaving"))
        return DISAGREE
    report = reports[0]
    print("\n".join(report.lines))
    print(model_text)
    if report.kind != "data race":
        print(f"DISAGREE: ThreadSanitizer's first report is a '{report.kind}', not a data race")
        return DISAGREE
    sections = report.access_sections()
    current = next((s for s in sections if not s.title.lower().startswith("previous")), None)
    previous = next((s for s in sections if s.title.lower().startswith("previous")), None)
    if current is None or previous is None:
        print("DISAGREE: the report lacks one of its two access stacks (history_size too small?)")
        return DISAGREE
    now, before = frames_of(current), frames_of(previous)
    tsan_text = (f"tsan: data race at {first_project_frame(previous, root)} (previous) and "
                 f"{first_project_frame(current, root)} (current)")
    print(tsan_text)
    same = ((names(now, later) and names(before, earlier))
            or (names(now, earlier) and names(before, later)))
    if same:
        print(f"AGREE: tsan on the model's interleaving: race at {later} and {earlier}, same pair "
              "as the model")
        return AGREE
    for exact, other, stack in ((earlier, later, now), (later, earlier, before),
                                (earlier, later, before), (later, earlier, now)):
        exact_stack = before if stack is now else now
        nearby = neighbour(stack, other, root)
        if names(exact_stack, exact) and nearby:
            print(f"AGREE: tsan on the model's interleaving: race at {exact} and {nearby}, the same "
                  f"racing statements as the model's {earlier} and {later} (TSan passed over the "
                  f"access at {other} and reported the one at {nearby})")
            return AGREE
    if not same:
        print(f"DISAGREE: TSan's two access stacks do not name the model's pair {earlier} and "
              f"{later}")
        return DISAGREE
    return AGREE


def sampled(args: argparse.Namespace, env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory(prefix="dc-replay-") as scratch:
        files = []
        for search in ("random", "pct"):
            path = os.path.join(scratch, f"{search}.txt")
            if not explore(args, path, ["--search", search, "--iterations", str(args.iterations),
                                        "--seed", str(args.seed)]):
                return FAILED
            files.append(path)
        command = [args.replay_runner, "--schedules", *files]
        print("running: " + " ".join(command))
        code, output = run(command, dict(env, TMPDIR=scratch), args.timeout)
    count = sum(1 for line in output.splitlines() if _REPLAY.match(line))
    reports = tsan_report.parse_reports(output)
    if reports:
        lines = output.splitlines()
        first = next(i for i, line in enumerate(lines) if "WARNING: ThreadSanitizer" in line)
        which = next((line for line in reversed(lines[:first]) if _REPLAY.match(line)), "?")
        print("\n".join(reports[0].lines))
        print(f"FAIL: ThreadSanitizer reported a {reports[0].kind} on the schedule of {which}")
        return FAILED
    print(run_negative_control.tail(output, 30))
    if code != 0:
        print(f"FAIL: the replays {run_negative_control.describe_exit(code)} (a schedule not "
              "followed, or a model's check failing on real threads: see above)")
        return FAILED
    print(f"PASS: {count} schedules sampled by the explorer (random and pct, {args.iterations} "
          f"each per model, seed {args.seed}) replayed under ThreadSanitizer: no report")
    return AGREE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("mode", choices=("control", "sampled"))
    parser.add_argument("--model-runner", required=True, help="dc_model of an ordinary build")
    parser.add_argument("--replay-runner", required=True, help="dc_replay of the tsan build")
    parser.add_argument("--filter", required=True, help="the models (a regex of their names)")
    parser.add_argument("--source-root", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help="the project's source directory")
    parser.add_argument("--visible-gate", action="store_true",
                        help="control only: the gate made visible to TSan (must then disagree)")
    parser.add_argument("--iterations", type=int, default=50, help="sampled: per search and model")
    parser.add_argument("--seed", type=int, default=1, help="sampled: the explorer's seed")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for one run")
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("TSAN_OPTIONS"):
        env["TSAN_OPTIONS"] = run_negative_control.default_tsan_options()
    print(f"TSAN_OPTIONS={env['TSAN_OPTIONS']}")
    try:
        return control(args, env) if args.mode == "control" else sampled(args, env)
    except subprocess.TimeoutExpired as error:
        print(f"FAIL: {' '.join(error.cmd)} did not finish within {error.timeout:.0f} s")
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
