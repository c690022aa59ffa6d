#!/usr/bin/env python3
"""Unit tests of scripts/verify's judging (ctest label `verify`, every preset: no build needed).

Small fabricated model runs and ctest records, fed to the judging functions themselves
(scripts/verifier/judging, mutation, stages.junit, tsan/aslr.py), each test one way a verdict can
go; and a failed test's own words (scripts/verifier/failures: GoogleTest's failure blocks, the
negative-control runner's FAIL lines, from fixtures/failing-*.out) on the console and in
junit.xml; and the agreement of the explorer and TSan on the explorer's counterexample replayed
(fixtures/replay-*.out: same pair, same statements, a disagreement that exits 2), the replay
gate's self-check, and a fix's sampled replays routed to their variant's row. The baseline (`verified()`) is
the matrix of matrix/variants.json with every fix proven and every negative control caught; each
test changes one thing and asserts the verdict, its exit status and the line that says why.
(verify_reports_test.py runs the whole of scripts/verify on real explorer output; these need
neither a build nor the explorer.)

  judging_test.py [unittest args]
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from verifier import failures, matrix, paths  # noqa: E402
from verifier.console import (SHOWN_FAILURES, print_failures, print_verdict,  # noqa: E402
                              tsan_detail_lines)
from verifier.judging import agreement  # noqa: E402
from verifier.judging.tsan import replay_gate_result  # noqa: E402
from verifier.judging.models import evaluate_model  # noqa: E402
from verifier.judging.variants import build_variants  # noqa: E402
from verifier.judging.verdict import verdict_of  # noqa: E402
from verifier.mutation.gate import mutation_results  # noqa: E402
from verifier.mutation.mutants import build_mutants  # noqa: E402
from verifier.reports.junit import write_junit  # noqa: E402
from verifier.stages import junit  # noqa: E402
from verifier.stages.explorer import add_runner_gate  # noqa: E402
from verifier.stages.output import KEEP_OUTPUT_LINES, essential_output  # noqa: E402
from verifier.tsan_tools import aslr  # noqa: E402

FIXES = [v for v in matrix.variants() if v.role == "fix"]
# The fixes TSan checks through their race suites (not fence_dcl: TSan does not model fences).
RACE_TESTED_FIXES = [v for v in FIXES if v.race_suites]
NEGATIVES = [v for v in matrix.variants() if v.role != "fix"]
GATED = matrix.fixed_emitter().name
CAUGHT = "found: impl/telemetry_emitter.hpp:138 (a line matching /x/) at frame #1\nPASS: caught\n"
# A failed race test's and a failed negative control's output, as ctest's JUnit output holds them.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAILED_RACE = (FIXTURES / "failing-race-test.out").read_text()
FAILED_CONTROL = (FIXTURES / "failing-negative-control.out").read_text()
REJECTED = ("found: impl/telemetry_emitter.hpp:138 (a line matching /x/): reading variable "
            "'tool_calls_' requires holding mutex 'metrics_mutex_'\n")


def passing_model(variant: str, name: str = "increment") -> dict:
    return {"name": f"{name}/{variant}/2", "variant": variant, "property": "P1",
            "expected": {"verdict": "pass"}, "verdict": "pass", "as_expected": True,
            "exhaustive": True, "stopped_by": "exhausted", "search": "dpor", "executions": 10,
            "seconds": 0.01, "failures": []}


def failing_model(variant: str, location: str = "impl/telemetry_emitter.hpp:138") -> dict:
    access = {"short": location, "file": "impl/telemetry_emitter.hpp", "line": 138}
    return {"name": f"increment/{variant}/2", "variant": variant, "property": "P1",
            "expected": {"verdict": "fail", "kind": "data race", "location": location},
            "verdict": "fail", "as_expected": True, "exhaustive": False, "stopped_by": "failure",
            "search": "dpor", "executions": 1, "seconds": 0.0,
            "failures": [{"kind": "data race", "location": location, "message": "race",
                          "object": "metrics.tool_calls", "accesses": [access],
                          "preemptions": 0}]}


def ctest_test(name: str, *labels: str, passed: bool = True, output: str = "") -> dict:
    return {"name": name, "passed": passed, "status": "Passed" if passed else "Failed",
            "attempts": 1, "seconds": 0.1, "output": output, "command": [],
            "labels": list(labels), "no_tsan_runtime": False}


SITE = "lock metrics_mutex at impl/telemetry_emitter.hpp:137"


def killed_mutant(variant: str, site: str = SITE, verdict: str = "killed") -> dict:
    return {"variant": variant, "id": f"{site}/noop", "site": site,
            "weakening": "lock/unlock -> no-op", "in_fix": True, "verdict": verdict,
            "model": f"increment/{variant}/2", "executions": 3, "exhaustive": True,
            "killed_by": ("data race at impl/telemetry_emitter.hpp:138" if verdict == "killed"
                          else None)}


def verified() -> tuple[dict, dict]:
    """(model_runs, ctest) of a run in which everything is as the matrix expects."""
    models = [passing_model(v.name) for v in FIXES] + [failing_model(v.name) for v in NEGATIVES]
    model_runs = {matrix.RUNNER: {"ok": True, "message": "", "models": models,
                                  "mutants": [killed_mutant(GATED)], "mutate": True}}
    race = [ctest_test(f"{suite}.Works", "race") for v in FIXES for suite in v.race_suites]
    negative = [ctest_test(f"TsanCatches{v.name}.Works", "tsan-negative", f"variant={v.name}",
                           output=CAUGHT) for v in NEGATIVES if v.expected_tsan]
    static = [ctest_test(test, "static", f"variant={v.name}",
                         output=REJECTED if expect == "reject" else "PASS: accepted\n")
              for v in matrix.variants() for test, expect in v.static_expect]
    ctest = {label: {"label": label, "ran": True, "notes": [], "tests": tests}
             for label, tests in (("race", race), ("tsan-negative", negative), ("static", static))}
    return model_runs, ctest


def judge(model_runs: dict, ctest: dict, builds: dict | None = None,
          bounded_ok: bool = False, matrix_rows: bool = True,
          relacy: dict | None = None) -> tuple[dict[str, dict], dict]:
    """The rows by name and the verdict, as scripts/verify judges them."""
    builds = builds or {"default": {"ok": True}, "tsan": {"ok": True, "configured": True}}
    variants = build_variants(model_runs, ctest, builds, bounded_ok, matrix_rows, relacy)
    mutants = build_mutants(model_runs, variants)
    mutation_results(variants, mutants, model_runs, builds)
    verdict = verdict_of(variants, builds, model_runs, bounded_ok)
    return {v["name"]: v for v in variants}, verdict


def model_named(model_runs: dict, name: str) -> dict:
    return next(m for m in model_runs[matrix.RUNNER]["models"] if m["name"] == name)


def test_named(ctest: dict, label: str, name: str) -> dict:
    return next(t for t in ctest[label]["tests"] if t["name"] == name)


class BaselineTest(unittest.TestCase):
    def test_everything_as_expected_is_verified(self) -> None:
        rows, verdict = judge(*verified())
        self.assertEqual((verdict["exit_code"], verdict["verdict"]), (0, "verified"))
        self.assertEqual([name for name in rows], [v.name for v in matrix.variants()])
        self.assertTrue(all(row["ok"] for row in rows.values()))
        self.assertEqual(rows[GATED]["mutation"]["verdict"], "killed")

    def test_the_rows_are_the_matrix_roles_and_expectations(self) -> None:
        rows, _ = judge(*verified())
        for v in matrix.variants():
            self.assertEqual(rows[v.name]["role"], v.role)
            self.assertEqual(rows[v.name]["expected"]["model"], v.expected_model)
            self.assertEqual("static" in rows[v.name], v.expected_static is not None, v.name)


def relacy_suite(variant: str, as_expected: bool = True) -> dict:
    """A suite of dc_relacy's --json: a fix's passes its full search, a control's is caught."""
    fix = variant in {v.name for v in FIXES}
    passed = fix == as_expected
    search = {"search": "full search", "end": "finished" if passed else "failed",
              "result": "SUCCESS" if passed else "DATA RACE", "executions": 100 if passed else 1,
              "cpu_seconds": 0.1, "exhaustive": passed}
    return {"name": f"increment/{variant}/2", "variant": variant, "property": "P1",
            "expected": "passes" if fix else "fails: data race", "as_expected": as_expected,
            "verdict": "pass (full search, 100 executions)" if passed else
            "DATA RACE at impl/telemetry_emitter.hpp:138 (full search, 1 execution)",
            "place": None if passed else "impl/telemetry_emitter.hpp:138",
            "searches": [search]}


def relacy_run() -> dict:
    """stages.relacy's results of a run in which Relacy meets every expectation."""
    return {"configured": True, "ok": True, "message": "",
            "relacy": {"dir": "/src/relacy", "commit": "9f2543898aee"},
            "models": [relacy_suite(v.name) for v in matrix.variants()]}


class RelacyTest(unittest.TestCase):
    """The relacy line of each row: not configured counts neither way; configured, a fix Relacy
    fails is not proven (1) and a control it misses is a blind checker (2)."""

    def test_not_configured_says_so_and_counts_neither_way(self) -> None:
        rows, verdict = judge(*verified())
        self.assertEqual(verdict["exit_code"], 0)
        for row in rows.values():
            self.assertEqual(row["relacy"]["verdict"], "not configured")
            self.assertIsNone(row["relacy"]["ok"])
            self.assertIn("not configured", row["relacy"]["summary"])
        # A broken fix stays broken: "not configured" is no pass that could hide it.
        model_runs, ctest = verified()
        model_named(model_runs, f"increment/{GATED}/2").update(verdict="fail", as_expected=False)
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertFalse(rows[GATED]["ok"])

    def test_every_suite_as_expected_verifies_with_relacy_lines(self) -> None:
        rows, verdict = judge(*verified(), relacy=relacy_run())
        self.assertEqual(verdict["exit_code"], 0)
        self.assertEqual(rows[GATED]["relacy"]["verdict"], "pass")
        self.assertIn("pass: 1 suite (1 full search)", rows[GATED]["relacy"]["summary"])
        negative = NEGATIVES[0].name
        self.assertEqual(rows[negative]["relacy"]["verdict"], "caught")
        self.assertIn("DATA RACE", rows[negative]["relacy"]["summary"])
        self.assertEqual(rows[negative]["relacy"]["location"], "impl/telemetry_emitter.hpp:138")

    def test_a_fix_relacy_fails_is_not_proven_exit_1(self) -> None:
        run = relacy_run()
        run["models"] = [relacy_suite(GATED, as_expected=False) if m["variant"] == GATED else m
                         for m in run["models"]]
        rows, verdict = judge(*verified(), relacy=run)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertFalse(rows[GATED]["ok"])
        self.assertEqual(rows[GATED]["relacy"]["verdict"], "failed")
        self.assertIn(f"{GATED} (relacy): Relacy suite increment/{GATED}/2: DATA RACE",
                      "\n".join(verdict["not_proven"]))

    def test_a_control_relacy_misses_is_a_blind_checker_exit_2(self) -> None:
        negative = NEGATIVES[0].name
        run = relacy_run()
        run["models"] = [relacy_suite(negative, as_expected=False)
                         if m["variant"] == negative else m for m in run["models"]]
        rows, verdict = judge(*verified(), relacy=run)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertEqual(rows[negative]["relacy"]["verdict"], "not caught")
        self.assertTrue(any(line.startswith(f"{negative} (relacy):")
                            for line in verdict["checker_blind"]), verdict["checker_blind"])

    def test_a_variant_with_no_relacy_suite_is_not_proven(self) -> None:
        run = relacy_run()
        run["models"] = [m for m in run["models"] if m["variant"] != GATED]
        rows, verdict = judge(*verified(), relacy=run)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertEqual(rows[GATED]["relacy"]["verdict"], "not run")

    def test_a_failed_relacy_run_is_not_proven(self) -> None:
        rows, verdict = judge(*verified(), relacy={"configured": True, "ok": False,
                                                   "message": "dc_relacy crashed", "models": []})
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("dc_relacy crashed", rows[GATED]["relacy"]["summary"])

    def test_relacys_failures_are_sarif_findings_notes_when_expected(self) -> None:
        from verifier.reports.sarif import Rules, relacy_results
        from verifier.results import Results
        negative = NEGATIVES[0].name
        run = relacy_run()
        run["models"] = [relacy_suite(negative), relacy_suite(GATED, as_expected=False),
                         relacy_suite(FIXES[1].name)]
        results = Results(mode="full", model_runs={}, ctest={}, relacy=run)
        roles = {v.name: v.role for v in matrix.variants()}
        found = relacy_results(Rules(), results, roles)
        self.assertEqual([(f["properties"]["variant"], f["level"]) for f in found],
                         [(negative, "note"), (GATED, "error")])
        self.assertEqual(found[0]["ruleId"], "relacy/data-race")
        self.assertEqual(found[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 138)
        self.assertEqual(relacy_results(Rules(), Results(mode="full", model_runs={}, ctest={}),
                                        roles), [])
        # A suite with no verdict is an error of its own, with no line to point at.
        stuck = relacy_suite(GATED)
        stuck["searches"][-1].update(end="budget", result=None)
        stuck.update(as_expected=False, verdict="no verdict: the full search did not finish")
        run["models"] = [stuck]
        found = relacy_results(Rules(), Results(mode="full", model_runs={}, ctest={}, relacy=run),
                               roles)
        self.assertEqual([(f["ruleId"], f["level"]) for f in found],
                         [("relacy/no-verdict", "error")])

    def test_a_configured_dc_relacy_that_fails_before_its_report_is_not_proven(self) -> None:
        from verifier.stages import relacy as relacy_stage
        with tempfile.TemporaryDirectory() as tmp:
            build, out = Path(tmp) / "build", Path(tmp) / "out"
            (build / "relacy_backend").mkdir(parents=True)
            out.mkdir()
            (build / "CMakeCache.txt").write_text("DC_RELACY_DIR:PATH=/src/relacy\n")
            program = build / "relacy_backend" / "dc_relacy"
            program.write_text("#!/bin/sh\necho 'cannot load a library' >&2\nexit 127\n")
            program.chmod(0o755)
            with mock.patch.dict(relacy_stage.BUILD, {"default": build}):
                run = relacy_stage.run_relacy(out, out, verbose=False)
            self.assertEqual((run["configured"], run["ok"]), (True, False))
            self.assertIn("127", run["message"])
            # And read back by --from-results the same way.
            self.assertEqual(relacy_stage.load_relacy_json(out / "relacy.json")["ok"], False)
            rows, verdict = judge(*verified(), relacy=run)
            self.assertEqual(verdict["exit_code"], 1)
            self.assertIn("not run", rows[GATED]["relacy"]["summary"])

    def test_the_stage_reads_the_build_cache(self) -> None:
        from verifier.stages import relacy as relacy_stage
        with tempfile.TemporaryDirectory() as tmp:
            build = Path(tmp)
            self.assertIsNone(relacy_stage.configured_dir(build))
            (build / "CMakeCache.txt").write_text("DC_RELACY_DIR:PATH=\n")
            self.assertIsNone(relacy_stage.configured_dir(build))
            (build / "CMakeCache.txt").write_text("X:BOOL=ON\nDC_RELACY_DIR:PATH=/src/relacy\n")
            self.assertEqual(relacy_stage.configured_dir(build), "/src/relacy")
            self.assertEqual(relacy_stage.load_relacy_json(build / "none.json"),
                             {"configured": False})
            (build / "bad.json").write_text('{"schema": "other/1", "models": []}')
            self.assertFalse(relacy_stage.load_relacy_json(build / "bad.json")["ok"])


class FixTest(unittest.TestCase):
    def test_a_failing_fix_model_is_not_proven_exit_1(self) -> None:
        model_runs, ctest = verified()
        fixed = model_named(model_runs, f"increment/{GATED}/2")
        broken = failing_model(GATED)
        fixed.update(verdict="fail", as_expected=False, failures=broken["failures"])
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertEqual(verdict["reason"], "a fix is not proven")
        self.assertEqual(rows[GATED]["model"]["verdict"], "fail")
        self.assertIn(f"{GATED} (model): model increment/{GATED}/2 found data race",
                      verdict["not_proven"][0])
        self.assertEqual(verdict["checker_blind"], [])

    def test_a_bounded_fix_search_is_not_proven_unless_bounded_runs_are_allowed(self) -> None:
        model_runs, ctest = verified()
        model_named(model_runs, f"increment/{GATED}/2").update(exhaustive=False,
                                                               stopped_by="time limit")
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("passed, but its search was not exhaustive (time limit)",
                      verdict["not_proven"][0])
        rows, verdict = judge(model_runs, ctest, bounded_ok=True)
        self.assertEqual(verdict["exit_code"], 0)
        self.assertTrue(verdict["bounded"])
        self.assertTrue(rows[GATED]["model"]["bounded"])
        self.assertIn("BOUNDED (time limit)", rows[GATED]["model"]["summary"])

    def test_a_race_test_with_a_report_on_a_fix_is_not_proven(self) -> None:
        model_runs, ctest = verified()
        suite = RACE_TESTED_FIXES[0].race_suites[0]
        test_named(ctest, "race", f"{suite}.Works").update(
            output="WARNING: ThreadSanitizer: data race (pid=1)\n")
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("passed, but TSan reported data race",
                      rows[RACE_TESTED_FIXES[0].name]["tsan"]["problems"][0])

    def test_a_race_test_in_a_binary_without_tsan_proves_nothing(self) -> None:
        model_runs, ctest = verified()
        suite = RACE_TESTED_FIXES[-1].race_suites[0]
        test_named(ctest, "race", f"{suite}.Works")["no_tsan_runtime"] = True
        _, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("in a binary with no TSan runtime", verdict["not_proven"][0])

    def test_a_failed_build_is_exit_1_not_2(self) -> None:
        model_runs, ctest = verified()
        for record in ctest.values():
            record.update(tests=[], ran=False, notes=["not run: the tsan build failed (x)"])
        builds = {"default": {"ok": True}, "tsan": {"ok": False, "configured": False,
                                                    "message": "x"}}
        _, verdict = judge(model_runs, ctest, builds)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertEqual(verdict["not_proven"][0], "the tsan build failed (x)")
        self.assertRegex(verdict["not_proven"][-1], r"^\(and \d+ checker results not run because "
                                                    r"a build failed\)$")


class NegativeControlTest(unittest.TestCase):
    def test_a_negative_control_the_model_misses_exits_2(self) -> None:
        model_runs, ctest = verified()
        name = NEGATIVES[0].name
        model_named(model_runs, f"increment/{name}/2").update(
            verdict="pass", as_expected=False, failures=[], mismatch="found no failure")
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertEqual(verdict["reason"], "a checker failed to catch a known bug")
        self.assertEqual(rows[name]["model"]["not_caught"],
                         [f"model increment/{name}/2 did not catch it: found no failure"])

    def test_a_negative_control_tsan_misses_exits_2(self) -> None:
        model_runs, ctest = verified()
        name = next(v.name for v in NEGATIVES if v.expected_tsan)
        test_named(ctest, "tsan-negative", f"TsanCatches{name}.Works").update(
            passed=False, status="Failed", output="FAIL: exited 0: the race went undetected\n")
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertEqual(rows[name]["tsan"]["verdict"], "not caught")
        self.assertIn("the race went undetected", verdict["checker_blind"][0])

    def test_blind_wins_over_not_proven(self) -> None:
        model_runs, ctest = verified()
        model_named(model_runs, f"increment/{GATED}/2").update(verdict="fail", as_expected=False)
        model_named(model_runs, f"increment/{NEGATIVES[0].name}/2").update(
            verdict="pass", as_expected=False, failures=[])
        _, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertEqual(verdict["reason"],
                         "a checker failed to catch a known bug (and a fix is not proven)")
        self.assertTrue(verdict["not_proven"] and verdict["checker_blind"])

    def test_caught_at_the_wrong_line_is_a_problem(self) -> None:
        model_runs, ctest = verified()
        name = NEGATIVES[0].name
        model = model_named(model_runs, f"increment/{name}/2")
        model.update(as_expected=False, mismatch="expected it at impl/telemetry_emitter.hpp:1")
        self.assertEqual(evaluate_model(model, False)["elsewhere"], True)
        # Every fix proven: the expectation is stale, the checker blind to the bug (exit 2).
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertIn("caught a data race, but not at the expected line",
                      rows[name]["model"]["elsewhere"][0])
        self.assertEqual(verdict["caught_elsewhere"], [])
        # A fix broken too (its code shared with the variants): a consequence, exit 1.
        model_named(model_runs, f"increment/{GATED}/2").update(verdict="fail", as_expected=False)
        _, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertEqual(len(verdict["caught_elsewhere"]), 1)

    def test_a_static_rejection_at_another_line_is_elsewhere(self) -> None:
        model_runs, ctest = verified()
        name, test = next((v.name, t) for v in NEGATIVES for t, e in v.static_expect
                          if e == "reject")
        test_named(ctest, "static", test).update(
            passed=False, status="Failed", output="FAIL: rejected, but not at the expected line\n")
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertEqual(len(rows[name]["static"]["elsewhere"]), 1)


class MatrixCoverageTest(unittest.TestCase):
    def test_a_variant_with_no_model_is_reported(self) -> None:
        model_runs, ctest = verified()
        name = NEGATIVES[-1].name
        model_runs[matrix.RUNNER]["models"] = [m for m in model_runs[matrix.RUNNER]["models"]
                                               if m["variant"] != name]
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(rows[name]["model"]["verdict"], "not run")
        self.assertEqual(verdict["exit_code"], 2)
        self.assertIn(f"{name} (model): no model of variant '{name}' ran", verdict["checker_blind"])

    def test_a_variant_with_no_tsan_test_is_reported(self) -> None:
        model_runs, ctest = verified()
        fix = RACE_TESTED_FIXES[-1]
        ctest["race"]["tests"] = [t for t in ctest["race"]["tests"]
                                  if t["name"].split(".")[0] not in fix.race_suites]
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(rows[fix.name]["tsan"]["verdict"], "not run")
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn(f"{fix.name} (tsan): no TSan test of '{fix.name}' ran",
                      verdict["not_proven"])

    def test_a_variant_with_no_static_check_is_reported(self) -> None:
        model_runs, ctest = verified()
        name = next(v.name for v in NEGATIVES if v.expected_static)
        ctest["static"]["tests"] = [t for t in ctest["static"]["tests"]
                                    if f"variant={name}" not in t["labels"]]
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(rows[name]["static"]["verdict"], "not run")
        self.assertEqual(verdict["exit_code"], 2)


class LabelTest(unittest.TestCase):
    """Which row a test checks comes from its labels and the matrix's race suites, not names."""

    def test_a_negative_control_belongs_to_its_variant_label_whatever_its_name(self) -> None:
        model_runs, ctest = verified()
        name = next(v.name for v in NEGATIVES if v.expected_tsan)
        ctest["tsan-negative"]["tests"].append(
            ctest_test("SomeOtherName.Works", "tsan-negative", f"variant={name}",
                       output=CAUGHT))
        rows, _ = judge(model_runs, ctest)
        self.assertIn("SomeOtherName.Works", [t["name"] for t in rows[name]["tsan"]["tests"]])

    def test_an_unlabelled_negative_control_gets_a_row_of_its_own(self) -> None:
        model_runs, ctest = verified()
        ctest["tsan-negative"]["tests"].append(
            ctest_test("TsanCatchesNew.Works", "tsan-negative", output=CAUGHT))
        rows, verdict = judge(model_runs, ctest)
        row = rows["TsanCatchesNew.Works"]
        self.assertEqual((row["role"], row["tsan"]["verdict"]), ("negative control", "data race"))
        self.assertIn("not in DESIGN.md's matrix", row["title"])
        self.assertEqual(verdict["exit_code"], 2)  # it has no model

    def test_a_control_of_a_variant_the_matrix_lacks_gets_that_variants_row(self) -> None:
        model_runs, ctest = verified()
        for test in ("A", "B"):
            ctest["tsan-negative"]["tests"].append(ctest_test(
                f"X.{test}", "tsan-negative", "variant=brand_new", output=CAUGHT))
        rows, _ = judge(model_runs, ctest)
        self.assertEqual([t["name"] for t in rows["brand_new"]["tsan"]["tests"]], ["X.A", "X.B"])

    def test_an_unclaimed_race_test_and_unlabelled_static_check_check_the_fixed_emitter(self):
        model_runs, ctest = verified()
        ctest["race"]["tests"].append(ctest_test("NoSuiteClaimsMe.Works", "race"))
        ctest["static"]["tests"].append(ctest_test("Unlabelled.Check", "static"))
        rows, verdict = judge(model_runs, ctest)
        self.assertIn("NoSuiteClaimsMe.Works", [t["name"] for t in rows[GATED]["tsan"]["tests"]])
        self.assertIn("Unlabelled.Check", [t["name"] for t in rows[GATED]["static"]["tests"]])
        self.assertEqual(verdict["exit_code"], 0)

    def test_a_race_suite_names_the_fix_it_checks(self) -> None:
        rows, _ = judge(*verified())
        for fix in FIXES:
            self.assertEqual({t["name"].split(".")[0] for t in rows[fix.name]["tsan"]["tests"]},
                             set(fix.race_suites), fix.name)


class MutationTest(unittest.TestCase):
    def test_a_surviving_mutant_of_the_gated_fix_is_fix_not_shown_necessary(self) -> None:
        model_runs, ctest = verified()
        model_runs[matrix.RUNNER]["mutants"] = [killed_mutant(GATED, SITE, "survived")]
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertEqual(rows[GATED]["mutation"]["verdict"], "survived")
        self.assertIn(f"{GATED} (mutation): fix not shown necessary: {SITE} (lock/unlock -> "
                      "no-op survives 1 model that meet it)", verdict["not_proven"])

    def test_survivors_of_another_fix_are_listed_not_counted(self) -> None:
        model_runs, ctest = verified()
        other = next(v.name for v in FIXES if not v.mutate)
        model_runs[matrix.RUNNER]["mutants"].append(killed_mutant(other, "store x", "survived"))
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 0)
        self.assertEqual((rows[other]["mutation"]["survived"], rows[other]["mutation"]["ok"]),
                         (1, True))
        self.assertIn("listed, not counted", rows[other]["mutation"]["summary"])

    def test_no_mutation_results_for_the_gated_fix_is_not_proven(self) -> None:
        model_runs, ctest = verified()
        del model_runs[matrix.RUNNER]["mutants"]
        _, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("fix not shown necessary: no mutation results", verdict["not_proven"][0])

    def test_the_gated_fixs_mutants_come_first(self) -> None:
        model_runs, ctest = verified()
        other = next(v.name for v in FIXES if not v.mutate)
        model_runs[matrix.RUNNER]["mutants"].insert(0, killed_mutant(other, "store x"))
        variants = build_variants(model_runs, ctest, {}, False)
        self.assertEqual([m["variant"] for m in build_mutants(model_runs, variants)],
                         [GATED, other])


class MatrixFileTest(unittest.TestCase):
    def test_the_gate_is_the_variant_with_mutate(self) -> None:
        self.assertEqual(matrix.gate(), {(matrix.RUNNER, v.name) for v in matrix.variants()
                                         if v.mutate})

    def test_a_variant_without_tsan_or_race_suites_has_no_tsan_expectation(self) -> None:
        v = matrix.variant_from({"id": "x", "title": "x", "role": "fix",
                                 "expected": {"model": "pass", "tsan": "clean"}})
        self.assertIsNone(v.expected_tsan)
        self.assertIsNone(v.expected_static)

    def test_a_file_of_another_schema_is_refused(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write('{"schema": "something/2", "variants": []}')
            f.flush()
            with self.assertRaises(matrix.MatrixError):
                matrix.load(Path(f.name))

    def test_the_label_names_the_variant(self) -> None:
        self.assertEqual(matrix.ctest_label_variant(["static", "variant=naive_dcl"]), "naive_dcl")
        self.assertIsNone(matrix.ctest_label_variant(["static"]))


class CtestJunitTest(unittest.TestCase):
    """Each test's result from ctest's own JUnit output."""

    XML = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="x" tests="3">
  <testcase name="A.pass" classname="A.pass" time="0.25" status="run">
    <system-out>hello
</system-out>
  </testcase>
  <testcase name="A.fail" classname="A.fail" time="1.5" status="fail">
    <failure message=""/>
    <system-out>FAIL: no
</system-out>
  </testcase>
  <testcase name="A.notrun" classname="A.notrun" time="0" status="notrun">
    <skipped message="Unable to find executable"/>
    <system-out></system-out>
  </testcase>
</testsuite>
"""

    def test_passed_failed_and_not_run(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "results.xml"
            path.write_text(self.XML)
            cases = junit.read_cases(path)
        self.assertEqual(cases["A.pass"], {"passed": True, "status": "Passed", "seconds": 0.25,
                                           "output": "hello\n"})
        self.assertEqual((cases["A.fail"]["passed"], cases["A.fail"]["status"],
                          cases["A.fail"]["output"]), (False, "Failed", "FAIL: no\n"))
        self.assertEqual(cases["A.notrun"]["status"], "Not Run (Unable to find executable)")

    def test_no_file_is_no_result(self) -> None:
        self.assertEqual(junit.read_cases(Path("/nonexistent/results.xml")), {})


class FailureTextTest(unittest.TestCase):
    """A failed test says why in its own words: its problem carries the first assertion, its
    entry the failure text, and both reach the console and junit.xml; a passing test says
    nothing, and a flood of failures is cut short."""

    FIX = RACE_TESTED_FIXES[0]
    NEGATIVE = next(v for v in NEGATIVES if v.expected_tsan)
    ASSERTION = ("race_bodies.hpp:186: Failure: Expected equality of these values: m.tool_calls "
                 "Which is: 49 kThreads Which is: 50 P1 lost call counts")
    EXCEPTION = 'C++ exception with description "init_telemetry: cannot create'

    def failed_race(self) -> tuple[dict[str, dict], dict]:
        return self.failed("race", f"{self.FIX.race_suites[0]}.Works", FAILED_RACE)

    def failed_control(self) -> tuple[dict[str, dict], dict]:
        return self.failed("tsan-negative", f"TsanCatches{self.NEGATIVE.name}.Works",
                           FAILED_CONTROL)

    @staticmethod
    def failed(label: str, name: str, output: str) -> tuple[dict[str, dict], dict]:
        model_runs, ctest = verified()
        test_named(ctest, label, name).update(passed=False, status="***Failed", output=output)
        return judge(model_runs, ctest)

    @staticmethod
    def junit_failures(rows: dict[str, dict]) -> dict[tuple[str, str], ET.Element]:
        """(classname, name) -> <failure> of each failed testcase of junit.xml."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "junit.xml"
            write_junit(path, {"variants": list(rows.values()), "models": [], "mutants": []})
            tree = ET.parse(path)
        return {(c.get("classname"), c.get("name")): c.find("failure")
                for c in tree.iter("testcase") if c.find("failure") is not None}

    @staticmethod
    def console(rows: dict[str, dict]) -> str:
        """What print_failures prints of the rows."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            print_failures(list(rows.values()))
        return out.getvalue()

    def test_a_failed_race_tests_assertion_is_its_problem_and_its_failure_text(self) -> None:
        rows, verdict = self.failed_race()
        self.assertEqual(verdict["exit_code"], 1)
        tsan = rows[self.FIX.name]["tsan"]
        self.assertIn(self.ASSERTION, tsan["problems"][0])
        failed = [t for t in tsan["tests"] if "failure" in t]
        self.assertEqual(len(failed), 1)
        self.assertIn("Expected equality of these values:\n  m.tool_calls\n    Which is: 49",
                      failed[0]["failure"])
        self.assertIn("P1 lost error counts", failed[0]["failure"])
        self.assertNotIn("[  FAILED  ]", failed[0]["failure"])

    def test_a_failed_negative_controls_fail_line_and_assertion_are_its_failure_text(self):
        rows, verdict = self.failed_control()
        self.assertEqual(verdict["exit_code"], 2)
        tsan = rows[self.NEGATIVE.name]["tsan"]
        self.assertIn("exited with status 1 without a ThreadSanitizer report",
                      tsan["problems"][0])
        failure = next(t["failure"] for t in tsan["tests"] if "failure" in t)
        self.assertIn(self.EXCEPTION, failure)
        self.assertRegex(failure, r"(?m)^FAIL: dc_race_negative_controls .* exited with status 1")

    def test_passing_tests_carry_no_failure_text(self) -> None:
        rows, _ = judge(*verified())
        self.assertFalse(any("failure" in t for row in rows.values()
                             for t in (row["tsan"].get("tests") or [])))
        self.assertEqual(failures.failure_lines(CAUGHT), [])

    def test_a_flood_of_failures_is_cut_short(self) -> None:
        block = FAILED_RACE.split("[ RUN      ] RC002MetricsLock.ConcurrentErrorIncrements\n")[1]
        flood = "\n".join(["x" * 1000 + ": Failure", "y" * 1000] + [block] * 300)
        lines = failures.failure_lines(flood)
        self.assertEqual(len(lines), failures.MAX_LINES + 1)
        self.assertRegex(lines[-1], r"^\.\.\. \(\d+ more lines of failures omitted\)$")
        self.assertTrue(all(len(line) <= failures.MAX_LINE_CHARS + 4 for line in lines))
        self.assertLessEqual(len(failures.failure_summary(flood)), failures.SUMMARY_CHARS)

    def test_a_failed_race_tests_assertion_reaches_the_console_and_junit(self) -> None:
        rows, _ = self.failed_race()
        text = self.console(rows)
        for line in ("tests/race/race_bodies.hpp:186: Failure", "    Which is: 49",
                     "P1 lost call counts", "P1 lost error counts"):
            self.assertIn(line, text)
        junit_failed = self.junit_failures(rows)
        self.assertEqual(list(junit_failed), [(f"verify.{self.FIX.name}", "tsan")])
        failure = junit_failed[(f"verify.{self.FIX.name}", "tsan")]
        self.assertIn(self.ASSERTION, failure.get("message"))
        self.assertNotIn("\n", failure.get("message"))
        self.assertIn("    Expected equality of these values:\n      m.tool_calls\n"
                      "        Which is: 49", failure.text)
        self.assertIn("P1 lost error counts", failure.text)

    def test_a_failed_negative_controls_fail_line_reaches_the_console_and_junit(self) -> None:
        rows, _ = self.failed_control()
        text = self.console(rows)
        self.assertIn("FAIL: dc_race_negative_controls", text)
        self.assertIn(self.EXCEPTION, text)
        failure = self.junit_failures(rows)[(f"verify.{self.NEGATIVE.name}", "tsan")]
        self.assertIn("exited with status 1 without a ThreadSanitizer report",
                      failure.get("message"))
        self.assertIn(self.EXCEPTION, failure.text)
        self.assertIn("FAIL: dc_race_negative_controls", failure.text)

    def test_passing_tests_say_nothing_on_the_console_nor_in_junit(self) -> None:
        rows, _ = judge(*verified())
        self.assertEqual(self.console(rows), "")
        self.assertEqual(self.junit_failures(rows), {})

    def test_the_console_shows_the_first_failed_tests_only(self) -> None:
        model_runs, ctest = verified()
        ctest["race"]["tests"] += [ctest_test(f"{self.FIX.race_suites[0]}.Works{i}", "race")
                                   for i in range(SHOWN_FAILURES)]
        for t in ctest["race"]["tests"]:
            t.update(passed=False, status="***Failed", output=FAILED_RACE)
        rows, _ = judge(model_runs, ctest)
        text = self.console(rows)
        self.assertEqual(text.count("P1 lost call counts"), SHOWN_FAILURES)
        self.assertIn(f"(+{len(ctest['race']['tests']) - SHOWN_FAILURES:,} more failed test", text)
        # junit.xml has them all (the second assertion of each is in its failure text only).
        failure = self.junit_failures(rows)[(f"verify.{self.FIX.name}", "tsan")]
        self.assertEqual(failure.text.count("P1 lost error counts"),
                         len(rows[self.FIX.name]["tsan"]["tests"]))

    def test_the_kept_output_keeps_the_failures(self) -> None:
        # Past the lines kept of a long output ...
        kept = essential_output("noise\n" * (KEEP_OUTPUT_LINES * 2) + FAILED_RACE)
        self.assertIn("P1 lost error counts", kept)
        self.assertLess(len(kept.splitlines()), KEEP_OUTPUT_LINES + 40)
        # ... and beside a ThreadSanitizer report, of which only the accesses are kept.
        report = "WARNING: ThreadSanitizer: data race (pid=1)\nSUMMARY: ThreadSanitizer: x\n"
        self.assertIn("P1 lost call counts", essential_output(report + FAILED_RACE))


# A replay of the explorer's counterexample under TSan (tsan/replay_control.py control), as ctest's
# JUnit output holds it: a real run's that agrees on the same pair (TsanReplaysNaiveDcl.init), and
# two made from real ones by editing their last lines: an agreement on the same racing statements
# (TSan names the access one line after the model's) and a disagreement (another model pair).
REPLAY_AGREES = (FIXTURES / "replay-agrees.out").read_text()
REPLAY_SAME_STATEMENTS = (FIXTURES / "replay-same-statements.out").read_text()
REPLAY_DISAGREES = (FIXTURES / "replay-disagrees.out").read_text()
SAMPLED = ("running: dc_replay --schedules random.txt pct.txt\n"
           + "replay init/acq_rel_dcl/2: random seed 1, iteration 0 (10 steps)\n" * 500
           + "PASS: 600 schedules sampled by the explorer (random and pct, 100 each per model, "
             "seed 1) replayed under ThreadSanitizer: no report\n")


class AgreementTest(unittest.TestCase):
    """One counterexample, two checkers: a negative control's replay says whether TSan agrees with
    the explorer on the explorer's own interleaving; a disagreement is the harness's failure (exit
    2) with both sides shown; the replay gate's control is the harness's self-check; a fix's
    sampled replays go to the fix of their variant label."""

    CONTROL = next(v for v in NEGATIVES if v.expected_tsan)

    def replayed(self, output: str, passed: bool = True) -> tuple[dict[str, dict], dict]:
        """The baseline with the first control of CONTROL replaced by a replay with `output`."""
        model_runs, ctest = verified()
        name = f"TsanCatches{self.CONTROL.name}.Works"
        test_named(ctest, "tsan-negative", name).update(
            name="TsanReplaysX.init", passed=passed, status="Passed" if passed else "Failed",
            output=essential_output(output))
        return judge(model_runs, ctest)

    def test_the_three_outcomes_are_read_with_both_pairs(self) -> None:
        cases = ((REPLAY_AGREES, "same pair", "impl/variants/naive_dcl.hpp:22"),
                 (REPLAY_SAME_STATEMENTS, "same statements", "impl/telemetry_emitter.hpp:174"),
                 (REPLAY_DISAGREES, "disagree", "impl/variants/naive_dcl.hpp:23"))
        for output, status, later in cases:
            # Read from what the results keep of the output, as verify reads it.
            found = agreement.agreement_of({"name": "T", "output": essential_output(output)})
            self.assertIsNotNone(found, status)
            self.assertEqual(found["status"], status)
            self.assertEqual(found["model"]["later"], later)
            self.assertRegex(found["tsan"]["current"], r"^impl/.+:\d+$")
            self.assertRegex(found["text"], r"^(AGREE|DISAGREE): ")
        self.assertIsNone(agreement.agreement_of({"name": "T", "output": CAUGHT}))

    def test_an_agreement_is_shown_in_the_row_and_verifies(self) -> None:
        rows, verdict = self.replayed(REPLAY_AGREES)
        self.assertEqual(verdict["exit_code"], 0)
        tsan = rows[self.CONTROL.name]["tsan"]
        self.assertEqual([a["status"] for a in tsan["agreements"]], ["same pair"])
        self.assertIn("1/", tsan["summary"])
        self.assertIn("replays agree with the model", tsan["summary"])
        lines = tsan_detail_lines(tsan)
        self.assertEqual(lines, ["TsanReplaysX.init: tsan on the model's interleaving: race at "
                                 "impl/variants/naive_dcl.hpp:22 and ...:20, same pair as the "
                                 "model"])

    def test_the_same_statements_agree_and_say_so(self) -> None:
        rows, verdict = self.replayed(REPLAY_SAME_STATEMENTS)
        self.assertEqual(verdict["exit_code"], 0)
        (line,) = tsan_detail_lines(rows[self.CONTROL.name]["tsan"])
        self.assertIn("the same racing statements as the model's", line)
        self.assertIn("TSan passed over the access at impl/telemetry_emitter.hpp:174", line)

    def test_a_disagreement_is_the_harness_failing_exit_2_with_both_sides(self) -> None:
        rows, verdict = self.replayed(REPLAY_DISAGREES, passed=False)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertTrue(verdict["reason"].startswith("the harness failed a self-check"))
        self.assertEqual(verdict["checker_blind"], [])
        (problem,) = verdict["harness"]
        self.assertIn("TsanReplaysX.init DISAGREES with the model", problem)
        self.assertIn("model: data race at impl/variants/naive_dcl.hpp:20 (earlier) and "
                      "impl/variants/naive_dcl.hpp:23 (later)", problem)
        tsan = rows[self.CONTROL.name]["tsan"]
        self.assertEqual(tsan["verdict"], "disagree")
        failure = next(t["failure"] for t in tsan["tests"] if t["name"] == "TsanReplaysX.init")
        for text in ("DISAGREE: TSan's two access stacks do not name the model's pair",
                     "model: data race at impl/variants/naive_dcl.hpp:20",
                     "tsan: data race at impl/variants/naive_dcl.hpp:26 (previous) and "
                     "impl/variants/naive_dcl.hpp:22 (current)",
                     "ThreadSanitizer's report: data race", "  Previous read of size 8",
                     "    #2 impl/variants/naive_dcl.hpp:26"):
            self.assertIn(text, failure)
        # ... and the console shows both, under the row and in the failed tests' words.
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            print_failures(list(rows.values()))
            print_verdict(verdict, list(rows.values()))
        self.assertIn("HARNESS", out.getvalue())
        self.assertIn("ThreadSanitizer's report: data race", out.getvalue())
        self.assertIn("model: data race at impl/variants/naive_dcl.hpp:20", out.getvalue())

    def test_a_failed_or_missing_replay_gate_control_is_the_harness_failing(self) -> None:
        model_runs, ctest = verified()
        test_named(ctest, "tsan-negative", f"TsanCatches{self.CONTROL.name}.Works").update(
            output=essential_output(REPLAY_AGREES))
        builds = {"default": {"ok": True}, "tsan": {"ok": True, "configured": True}}
        gate = ctest_test("ReplayGate.AVisibleGateHidesTheModelsRaceFromTsan", "replay-gate",
                          passed=False, output="FAIL: expected the check to fail\n")
        ctest["replay-gate"] = {"label": "replay-gate", "ran": True, "notes": [], "tests": [gate]}
        for tests, expected in (([gate], "did not make the replay disagree"),
                                ([], "no test carries the label 'replay-gate'")):
            ctest["replay-gate"]["tests"] = tests
            variants = build_variants(model_runs, ctest, builds, False)
            verdict = verdict_of(variants, builds, model_runs, False,
                                 replay_gate_result(ctest, builds))
            self.assertEqual(verdict["exit_code"], 2, expected)
            self.assertIn(expected, verdict["harness"][0])
        gate.update(passed=True, status="Passed")
        ctest["replay-gate"]["tests"] = [gate]
        variants = build_variants(model_runs, ctest, builds, False)
        self.assertEqual(verdict_of(variants, builds, model_runs, False,
                                    replay_gate_result(ctest, builds))["exit_code"], 0)

    def test_a_sampled_race_test_goes_to_its_variants_row(self) -> None:
        model_runs, ctest = verified()
        fix = next(v for v in RACE_TESTED_FIXES if v.name != GATED)
        name = f"TsanSampledSchedules.{fix.name}.init"
        ctest["race"]["tests"].append(ctest_test(name, "race", f"variant={fix.name}",
                                                 output=essential_output(SAMPLED)))
        rows, verdict = judge(model_runs, ctest)
        self.assertEqual(verdict["exit_code"], 0)
        self.assertIn(name, [t["name"] for t in rows[fix.name]["tsan"]["tests"]])
        self.assertNotIn(name, [t["name"] for t in rows[GATED]["tsan"]["tests"]])
        self.assertEqual(rows[fix.name]["tsan"]["sampled"][0]["schedules"], 600)
        self.assertIn("600 sampled schedules replayed", rows[fix.name]["tsan"]["summary"])
        self.assertIn(f"{name}: PASS: 600 schedules sampled by the explorer",
                      tsan_detail_lines(rows[fix.name]["tsan"])[0])


class AslrTest(unittest.TestCase):
    """tsan/aslr.py: setarch -R only where the kernel randomises mmap with more than 28 bits."""

    def bits(self, value: str):
        return mock.patch.object(aslr, "RND_BITS", mock.Mock(read_text=lambda: value))

    def test_needed_only_above_28_bits(self) -> None:
        with mock.patch.object(aslr, "available", return_value=True):
            for value, needed in (("28\n", False), ("32\n", True), ("garbage", False)):
                with self.bits(value):
                    self.assertEqual(aslr.needed(), needed, value)

    def test_not_needed_without_setarch(self) -> None:
        with self.bits("32\n"), mock.patch.object(aslr, "available", return_value=False):
            self.assertFalse(aslr.needed())

    def test_the_abort_is_recognised(self) -> None:
        self.assertTrue(aslr.aborted("FATAL: ThreadSanitizer: unexpected memory mapping 0x7f"))
        self.assertFalse(aslr.aborted("WARNING: ThreadSanitizer: data race"))
        self.assertEqual(aslr.prefix()[0::2], ["setarch", "-R"])


USER_SITE = "lock hits.mutex at hit_counter.hpp:24"


def user_run(survived: bool = False) -> dict:
    """A --models runner's results (the consumer's): its fix, its negative control, the mutants
    of its fix (run_catalogue --mutate)."""
    control = failing_model("unlocked", "hit_counter.hpp:25")
    mutant = killed_mutant("locked", USER_SITE, "survived" if survived else "killed")
    return {"ok": True, "message": "", "mutate": True,
            "models": [passing_model("locked", "hits"), control], "mutants": [mutant],
            "mutation_summary": [mutant]}


NOT_SHOWN_OUTPUT = (f"fix not shown necessary: {USER_SITE} (lock/unlock -> no-op survives every "
                    "model that meets it)\n2 models, 2 as expected, 0 unexpected\n")


class UserRunnerTest(unittest.TestCase):
    """A runner of the user's own (--models), judged like the emitter's."""

    def test_models_only_judges_the_runners_rows_alone(self) -> None:
        rows, verdict = judge({"hits": user_run()}, {}, builds={}, matrix_rows=False)
        self.assertEqual(sorted(rows), ["locked", "unlocked"])
        self.assertEqual((verdict["exit_code"], rows["locked"]["mutation"]["killed"]), (0, 1))

    def test_the_runners_own_gate_makes_a_survivor_fail_the_run(self) -> None:
        run = user_run(survived=True)
        add_runner_gate(run, "hit_counter_models", 1, NOT_SHOWN_OUTPUT)
        self.assertEqual((run["ok"], run["gated"]), (True, ["locked"]))
        rows, verdict = judge({"hits": run}, {}, builds={}, matrix_rows=False)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn(f"locked (mutation): fix not shown necessary: {USER_SITE} (lock/unlock -> "
                      "no-op survives 1 model that meet it)", verdict["not_proven"])
        self.assertTrue(rows["locked"]["mutation"]["counted"])

    def test_a_survivor_of_a_fix_the_runner_does_not_gate_is_listed_not_counted(self) -> None:
        run = user_run(survived=True)
        add_runner_gate(run, "hit_counter_models", 0, "2 models, 2 as expected, 0 unexpected\n")
        rows, verdict = judge({"hits": run}, {}, builds={}, matrix_rows=False)
        self.assertEqual(verdict["exit_code"], 0)
        self.assertIn("listed, not counted", rows["locked"]["mutation"]["summary"])

    def test_an_exit_1_nothing_explains_fails_the_runner(self) -> None:
        run = user_run()
        add_runner_gate(run, "hit_counter_models", 1, "something went wrong\n")
        self.assertFalse(run["ok"])
        _, verdict = judge({"hits": run}, {}, builds={}, matrix_rows=False)
        self.assertEqual(verdict["exit_code"], 1)
        self.assertIn("model runner 'hits': hit_counter_models exited with status 1 with every "
                      "model as expected", verdict["not_proven"][0])

    def test_a_gate_line_naming_no_surviving_mutant_fails_the_runner(self) -> None:
        run = user_run()  # its mutant was killed: the line names no survivor
        add_runner_gate(run, "hit_counter_models", 1, NOT_SHOWN_OUTPUT)
        self.assertFalse(run["ok"])
        self.assertIn("which no surviving mutant of a fix", run["message"])

    def test_a_runner_with_no_negative_control_is_blind(self) -> None:
        run = user_run()
        run["models"] = run["models"][:1]
        _, verdict = judge({"hits": run}, {}, builds={}, matrix_rows=False)
        self.assertEqual(verdict["exit_code"], 2)
        self.assertIn("model runner 'hits': registers no negative control",
                      verdict["checker_blind"][0])

    def test_its_files_are_relative_to_its_own_root_never_doublechecks(self) -> None:
        with mock.patch.dict(paths.USER_ROOTS, {"hits": Path("/src/hits")}):
            self.assertEqual(paths.runner_relative("hits", "/src/hits/hit_counter.hpp"),
                             "hit_counter.hpp")
            self.assertEqual(paths.runner_relative("hits", "hit_counter.hpp"), "hit_counter.hpp")
            # An installed doublecheck header stays as it is: not matched against this tree.
            installed = "/opt/dc/include/doublecheck/seam/std_sync.hpp"
            self.assertEqual(paths.runner_relative("hits", installed), installed)
            self.assertEqual(paths.repo_relative(installed), "seam/std_sync.hpp")
            self.assertEqual(paths.source_line("README.md", 1, "hits"), "")  # not ours
        self.assertNotEqual(paths.source_line("README.md", 1), "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
