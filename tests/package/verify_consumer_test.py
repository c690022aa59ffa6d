#!/usr/bin/env python3
"""package.VerifyChecksTheConsumersRunner: `scripts/verify --models-only --models hits=<runner>`
on the consumer's own runner (model/examples/consumer/runner.cpp, built against the *installed*
package by package.InstalledPackageChecksAConsumer, the fixture this test requires), judged
exactly like the emitter's: its models run, its fix proven, its negative control caught, every
mutant of its gated fix (the lock) killed, the four reports written, exit 0, and every file named
relative to the consumer's source root, never doublecheck's. Then broken copies of the consumer,
each a scratch copy of its sources with one edit, built against the same installed package:

  LockRemovedTest        Locked takes no lock: exit 1, the fix's data race at the consumer's line
  GateTest               the fix's model has one thread (the lock is never needed): exit 1, "fix
                         not shown necessary" at the lock's line (the runner's own registry.gate)
  ControlNotCaughtTest   Unlocked takes the lock: its negative control is not caught, exit 2
  NoControlTest          no negative control registered at all: exit 2

  verify_consumer_test.py --runner PROGRAM --prefix DIR --work DIR --cmake CMAKE
                          --generator NAME --cxx COMPILER [unittest args]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True

ROOT = Path(__file__).resolve().parents[2]
VERIFY = ROOT / "scripts" / "verify"
CONSUMER = ROOT / "model" / "examples" / "consumer"
RACING_TEXT = "count_.store(count_.load() + 1)"
REPORTS = ("verify.json", "junit.xml", "verify.sarif", "index.html")
ARGS = argparse.Namespace()
# Edits of a copy of the consumer: file -> [(old, new)] (broken_consumer).
Edits = dict[str, list[tuple[str, str]]]


def line_of(source: Path, text: str, nth: int = 0) -> int:
    """The line number of the `nth` line of `source` that contains `text`."""
    numbers = [i for i, line in enumerate(source.read_text().splitlines(), 1) if text in line]
    assert len(numbers) > nth, f"{source} has no line {nth + 1} containing {text!r}"
    return numbers[nth]


def run_verify(runner: Path, report_dir: Path, *more: str) -> tuple[int, str]:
    """scripts/verify on the runner alone; its exit status and its whole output."""
    shutil.rmtree(report_dir, ignore_errors=True)
    proc = subprocess.run([sys.executable, str(VERIFY), "--models-only",
                           "--models", f"hits={runner}", "--report-dir", str(report_dir),
                           "--jobs", "1", *more], capture_output=True, text=True, check=False,
                          timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def broken_consumer(name: str, edits: Edits) -> tuple[Path, Path]:
    """A scratch copy of the consumer's sources with `edits` (file -> [(old, new)], the first
    `old`, a literal text that must be there, replaced by `new`), its runner built against the
    installed package; returns (its source root, its runner)."""
    source = Path(ARGS.work) / name / "src"
    build = Path(ARGS.work) / name / "build"
    shutil.rmtree(source.parent, ignore_errors=True)
    shutil.copytree(CONSUMER, source)
    for file, replacements in edits.items():
        text = (source / file).read_text()
        for old, new in replacements:
            assert old in text, f"{file} has no {old!r}: the consumer changed, update this test"
            text = text.replace(old, new, 1)
        (source / file).write_text(text)
    for cmd in ([ARGS.cmake, "-G", ARGS.generator, f"-DCMAKE_CXX_COMPILER={ARGS.cxx}",
                 "-S", str(source), "-B", str(build), f"-DCMAKE_PREFIX_PATH={ARGS.prefix}"],
                [ARGS.cmake, "--build", str(build), "--target", "hit_counter_models"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return source, build / "hit_counter_models"


def guard_swapped(lock: str, by: str, why: str) -> Edits:
    """The edit that makes hit_counter.hpp's first Guard that is a `lock` a `by`, saying `why`."""
    return {"hit_counter.hpp": [(f"using Guard = doublecheck::{lock}<Mutex>;",
                                 f"using Guard = doublecheck::{by}<Mutex>;  // {why}")]}


class BrokenConsumerTest(unittest.TestCase):
    """A broken copy of the consumer, verified like the consumer itself."""

    def verify_broken(self, name: str, edits: Edits, code: int) -> tuple[Path, Path, str]:
        """broken_consumer(name, edits) verified, its reports in <work>/<name>/report, and verify
        exiting with `code`; returns (its source root, its report directory, verify's output)."""
        source, runner = broken_consumer(name, edits)
        reports = Path(ARGS.work) / name / "report"
        status, output = run_verify(runner, reports)
        self.assertEqual(status, code, output)
        return source, reports, output


class VerifiedTest(unittest.TestCase):
    """The consumer as it is: verified, like the emitter."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.report_dir = Path(ARGS.work) / "report"
        cls.code, cls.output = run_verify(Path(ARGS.runner), cls.report_dir,
                                          "--source-root", f"hits={CONSUMER}")
        cls.report = json.loads((cls.report_dir / "verify.json").read_text())
        cls.rows = {v["name"]: v for v in cls.report["variants"]}

    def test_exit_0_and_verified(self) -> None:
        self.assertEqual(self.code, 0, self.output)
        self.assertIn("VERIFIED: hits: 1 fix proven (locked), 1 negative control caught "
                      "(unlocked)", self.output)
        self.assertEqual((self.report["verdict"], self.report["exit_code"],
                          self.report["models_only"]), ("verified", 0, True))

    def test_only_the_runners_variants_are_rows(self) -> None:
        self.assertEqual(sorted((v["source"], v["name"]) for v in self.report["variants"]),
                         [("hits", "locked"), ("hits", "unlocked")])
        self.assertEqual({m["runner"] for m in self.report["models"]}, {"hits"})

    def test_the_fix_is_proven_exhaustively(self) -> None:
        locked = self.rows["locked"]
        self.assertEqual((locked["role"], locked["ok"], locked["model"]["verdict"],
                          locked["model"]["exhaustive"]), ("fix", True, "pass", True), locked)
        self.assertRegex(self.output, r"ok\s+locked\s+\[fix\]")

    def test_the_negative_control_is_caught_at_the_consumers_line(self) -> None:
        unlocked = self.rows["unlocked"]
        where = f"hit_counter.hpp:{line_of(CONSUMER / 'hit_counter.hpp', RACING_TEXT)}"
        self.assertEqual((unlocked["role"], unlocked["ok"], unlocked["model"]["kind"],
                          unlocked["model"]["location"]),
                         ("negative control", True, "data race", where), unlocked)
        self.assertIn(f"data race on hits.count at {where}", self.output)

    def test_every_mutant_of_the_lock_is_killed(self) -> None:
        mutation = self.rows["locked"]["mutation"]
        listed = [m for m in self.report["mutants"]
                  if (m["runner"], m["variant"]) == ("hits", "locked") and m["in_fix"]]
        self.assertGreater(len(listed), 0, self.report["mutants"])
        self.assertEqual((mutation["mutants"], mutation["killed"], mutation["survived"]),
                         (len(listed), len(listed), 0), mutation)
        self.assertEqual({m["verdict"] for m in listed}, {"killed"})
        # Every site of the fix is the consumer's lock, at its lines in the consumer's header.
        self.assertEqual({m["site_location"]["object"] for m in listed}, {"hits.mutex"})
        raw = json.loads((self.report_dir / "results" / "models-hits.json").read_text())
        own = [m for m in raw["mutation_summary"] if m["variant"] == "locked" and m["in_fix"]]
        self.assertEqual(len(own), len(listed), "verify lists the runner's own mutants")
        self.assertIn(f"{len(listed)} mutants of the fix at", self.output)

    def test_the_reports_are_written(self) -> None:
        for name in REPORTS:
            self.assertGreater((self.report_dir / name).stat().st_size, 0, name)
        junit = (self.report_dir / "junit.xml").read_text()
        self.assertIn('classname="verify.locked"', junit)

    def test_files_are_named_relative_to_the_consumers_root(self) -> None:
        files = {a["file"] for m in self.report["mutants"] for a in
                 (m["site_location"], m.get("counterexample") or {}) if a.get("file")}
        files |= {m["location"].rsplit(":", 1)[0] for m in self.report["models"]
                  if m["location"]}
        self.assertIn("hit_counter.hpp", files)
        for file in files:
            self.assertFalse(Path(file).is_absolute(), file)
            self.assertTrue((CONSUMER / file).is_file(),
                            f"{file} is not a file under the consumer's root")
            self.assertFalse(file.startswith("model/"), f"{file}: relative to doublecheck's root")
        # SARIF: the consumer's files under a base of their own, the consumer's root.
        run = json.loads((self.report_dir / "verify.sarif").read_text())["runs"][0]
        artifacts = [loc["physicalLocation"]["artifactLocation"]
                     for r in run["results"] for loc in r["locations"]
                     if "physicalLocation" in loc]
        self.assertIn({"uri": "hit_counter.hpp", "uriBaseId": "SRCROOT_hits"}, artifacts)
        self.assertEqual({a.get("uriBaseId") for a in artifacts}, {"SRCROOT_hits"})
        self.assertEqual(run["originalUriBaseIds"]["SRCROOT_hits"]["uri"],
                         CONSUMER.as_uri() + "/")
        # The HTML report shows the consumer's racing line, read from the consumer's sources.
        page = (self.report_dir / "index.html").read_text()
        self.assertTrue("count_.store(count_.load() + 1);" in page,
                        "index.html does not show the consumer's racing line")


class LockRemovedTest(BrokenConsumerTest):
    def test_a_fix_without_its_lock_is_not_proven_at_its_line(self) -> None:
        source, _, output = self.verify_broken(
            "lock-removed", guard_swapped("ScopedLock", "NoLock", "the lock removed"), code=1)
        self.assertIn("NOT VERIFIED: a fix is not proven", output)
        line = line_of(source / "hit_counter.hpp", RACING_TEXT)
        self.assertRegex(output, rf"NOT PROVEN   locked \(model\): model hits/locked/2 found "
                                 rf"data race at hit_counter\.hpp:{line}: ")
        self.assertRegex(output, r"FAIL\s+locked\s+\[fix\]")
        self.assertNotIn(str(ROOT), output.split("Verdict matrix")[1].split("reports:")[0])


class GateTest(BrokenConsumerTest):
    def test_a_surviving_mutant_of_the_runners_gated_fix_fails_at_the_lock(self) -> None:
        one_thread = ("[] { hits::BasicHitCounter<dc::ModelSync, hits::Locked> counter; "
                      "counter.hit(); dc::check(counter.count() == 1, \"a hit was lost\"); }}")
        source, reports, output = self.verify_broken("one-thread", {"runner.cpp": [(
            "hits::two_hits<hits::Locked>}", one_thread)]}, code=1)
        lock = line_of(source / "hit_counter.hpp", "const typename Locking::template Guard")
        self.assertRegex(output, rf"NOT PROVEN   locked \(mutation\): fix not shown necessary: "
                                 rf"lock hits\.mutex at hit_counter\.hpp:{lock} ")
        report = json.loads((reports / "verify.json").read_text())
        self.assertEqual(report["mutation"]["gate"], ["hits/locked"])
        self.assertGreater(len(report["mutation"]["not_shown_necessary"]), 0)
        # The same verdict from the saved results (run.json keeps the runner's gate and scope).
        again = Path(ARGS.work) / "one-thread" / "again"
        proc = subprocess.run([sys.executable, str(VERIFY), "--from-results", str(reports),
                               "--report-dir", str(again)], capture_output=True, text=True,
                              check=False, timeout=600)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertRegex(proc.stdout, rf"NOT PROVEN   locked \(mutation\): fix not shown "
                                      rf"necessary: lock hits\.mutex at hit_counter\.hpp:{lock} ")
        self.assertNotIn("fixed", [v["name"] for v in json.loads(
            (again / "verify.json").read_text())["variants"]])


class ControlNotCaughtTest(BrokenConsumerTest):
    def test_a_negative_control_that_holds_the_lock_is_not_caught(self) -> None:
        _, _, output = self.verify_broken("control-locked", guard_swapped(
            "NoLock", "ScopedLock", "the bug fixed in the control"), code=2)
        self.assertIn("NOT VERIFIED: a checker failed to catch a known bug", output)
        self.assertRegex(output, r"NOT CAUGHT   unlocked \(model\): model hits/unlocked/2 did "
                                 r"not catch it")


class NoControlTest(BrokenConsumerTest):
    def test_a_runner_with_no_negative_control_proves_nothing(self) -> None:
        runner_cpp = (CONSUMER / "runner.cpp").read_text()
        control = re.search(r'  registry\.add\(\{"hits/unlocked/2".*?\}\);\n', runner_cpp,
                            re.DOTALL)
        assert control, "runner.cpp registers no hits/unlocked/2: update this test"
        _, _, output = self.verify_broken(
            "no-control", {"runner.cpp": [(control.group(0), "")]}, code=2)
        self.assertIn("NOT CAUGHT   model runner 'hits': registers no negative control", output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for option in ("--runner", "--prefix", "--work", "--cmake", "--generator", "--cxx"):
        parser.add_argument(option, required=True)
    args, rest = parser.parse_known_args()
    vars(ARGS).update(vars(args))
    for option in ("runner", "prefix", "work"):
        setattr(ARGS, option, str(Path(getattr(ARGS, option)).resolve()))
    Path(ARGS.work).mkdir(parents=True, exist_ok=True)
    return 0 if unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result.wasSuccessful() \
        else 1


if __name__ == "__main__":
    sys.exit(main())
