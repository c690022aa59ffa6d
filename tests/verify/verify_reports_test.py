#!/usr/bin/env python3
"""Tests of scripts/verify's reports and verdicts (ctest label `verify`, default preset).

Fast: no TSan build is needed. The model results are real: dc_model and dc_examples run here with
--json; the TSan and static results are a real run's, captured in fixtures/ (refresh them with
`scripts/verify && cp build/report/results/ctest-*.json tests/verify/fixtures/`). scripts/verify
--from-results turns them into the four reports, which are checked:

  ReportsTest     verify.json against scripts/verify.schema.json, junit.xml (one testcase per
                  variant and checker, and per mutant of the fix), verify.sarif (SARIF 2.1.0
                  shape, code flows); the mutants (dc_model --mutate) in the output and in
                  verify.json: every lock site of the fixed emitter's fix, each mutant killed
  HtmlTest        index.html in headless Chromium: the pre-fix RC-002 counterexample's racing line
                  is in the rendered DOM, the mutants table lists every site of the fix, killed,
                  and screenshots are not blank
  VerdictTest     the verifier itself, on fabricated results: a negative control not caught exits
                  2 (a static one rejected at another line, or a static check that cannot fail,
                  too), a fix not proven exits 1 and names the model (or the static check), a
                  mutant of the fix that survives exits 1 ("fix not shown necessary" naming its
                  site), 2 wins, an unwritable report directory fails early; a failed race test
                  or negative control (its output from fixtures/failing-*.out: GoogleTest's
                  failure blocks, the runner's FAIL line) says why in its own words on the
                  terminal and in junit.xml's <failure>, and no passing testcase has one

  verify_reports_test.py --dc-model PROGRAM --dc-examples PROGRAM [unittest args, e.g. HtmlTest]
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import copy
import html.parser
import itertools
import json
import operator
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

sys.dont_write_bytecode = True

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from verifier.stages.output import essential_output  # noqa: E402
VERIFY = ROOT / "scripts" / "verify"
SCHEMA = ROOT / "scripts" / "verify.schema.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MATRIX = json.loads((ROOT / "matrix" / "variants.json").read_text())["variants"]
DESIGN_VARIANTS = [v["id"] for v in MATRIX]  # the rows of the matrix, in its order
FIXES = {v["id"] for v in MATRIX if v["role"] == "fix"}
# The rows TSan checks (a fix's race suites, a negative control's controls; scripts/verifier's
# matrix.py), and what each negative control's models must fail with (a data race by default).
TSAN_CHECKED = {v["id"] for v in MATRIX if "tsan" in v or "race_suites" in v}
MODEL_FAILURE = {v["id"]: v.get("model_failure", "data race") for v in MATRIX}
PROGRAMS: dict[str, str] = {}
SCRATCH: Path | None = None


def rc002_racing_line() -> str:
    """impl/telemetry_emitter.hpp:<the line of `tool_calls_.store(`>, found in the source now: the
    pre-fix RC-002 model's race ends at record_call()'s unlocked store of the counter."""
    lines = (ROOT / "impl" / "telemetry_emitter.hpp").read_text().splitlines()
    numbers = [i for i, text in enumerate(lines, 1) if "tool_calls_.store(" in text]
    assert numbers, "impl/telemetry_emitter.hpp has no `tool_calls_.store(`"
    return f"impl/telemetry_emitter.hpp:{numbers[0]}"


# The static tests by the matrix row that claims them (their label variant=<id>): the matrix's own,
# and tsan/CMakeLists.txt's check of the check, which is prefix_rc002's.
STATIC_CHECKS = {v["id"]: [s["test"] for s in v["static"]] for v in MATRIX if v.get("static")}
STATIC_CHECKS["prefix_rc002"].append("StaticCheck.FailsWhenTheErrorIsNotAtTheExpectedLine")


def diagnosed_source_line(output: str, location: str) -> str:
    """The source line clang echoed under its error at `location` (file:line) in `output`."""
    file, line = location.rsplit(":", 1)
    lines = output.splitlines()
    for i, text in enumerate(lines[:-1]):
        if re.match(rf"^\S*{re.escape(file)}:{line}:\d+: error: ", text):
            return lines[i + 1]
    return ""


def fix_sites() -> list[str]:
    """The lock sites of the fixed emitter's fix, found in the source now (not in the explorer's
    output): the metrics mutex in emit_tool_call and in snapshot() (get_session_summary,
    emit_server_stop), and the init mutex of init_telemetry() and get_telemetry()."""
    sites = []
    for file, marker, name in (("telemetry_emitter.hpp", "guard(metrics_mutex_)", "metrics_mutex"),
                               ("global_telemetry.hpp", "guard(mutex_)", "global.init_mutex")):
        lines = (ROOT / "impl" / file).read_text().splitlines()
        found = [i for i, text in enumerate(lines, 1) if marker in text]
        assert found, f"impl/{file} has no `{marker}`"
        sites += [f"lock {name} at impl/{file}:{n}" for n in found]
    assert len(sites) == 4, sites
    return sites


COUNTERS = ("tool_calls", "total_bytes_in", "total_bytes_out", "total_duration_ms", "errors")


def fix_mutants() -> list[tuple[str, str]]:
    """Every mutant of the fixed emitter's fix, as (site, weakening), found in the source now: per
    lock site of fix_sites() the no-lock, a split before each access of its section but the first,
    and an exclude of each access. The sections' accesses: the five counters in record_call() (each
    read for the overflow check, then each written) and in snapshot() (read), and global.instance
    in MutexInit's init() (read, write) and get() (read)."""
    def lines_of(file: str) -> list[str]:
        return (ROOT / "impl" / file).read_text().splitlines()

    def after(lines: list[str], start: int, text: str) -> int:
        """The number of the first line after line `start` that holds `text`."""
        return next(n for n, line in enumerate(lines, 1) if n > start and text in line)

    emitter, init = lines_of("telemetry_emitter.hpp"), lines_of("global_telemetry.hpp")
    update, copy, init_site, get_site = (int(site.rsplit(":", 1)[1]) for site in fix_sites())
    sections = [  # (lock line, file, [(what, object, line)])
        (update, "impl/telemetry_emitter.hpp",
         [("read", f"metrics.{c}", after(emitter, update, f"checked_total({c}_,")) for c in COUNTERS]
         + [("write", f"metrics.{c}", after(emitter, update, f"{c}_.store(")) for c in COUNTERS]),
        (copy, "impl/telemetry_emitter.hpp",
         [("read", f"metrics.{c}", after(emitter, copy, f"{c}_.load()")) for c in COUNTERS]),
        (init_site, "impl/global_telemetry.hpp",
         [("read", "global.instance", after(init, init_site, "instance_.load()")),
          ("write", "global.instance", after(init, init_site, "instance_.store("))]),
        (get_site, "impl/global_telemetry.hpp",
         [("read", "global.instance", after(init, get_site, "instance_.load()"))]),
    ]
    mutants = []
    for site, (_, file, accesses) in zip(fix_sites(), sections):
        mutants.append((site, "lock/unlock -> no-op"))
        described = [f"{what} {obj} at {file}:{line}" for what, obj, line in accesses]
        mutants += [(site, f"unlock/relock before {a}") for a in described[1:]]
        mutants += [(site, f"{a} outside the lock") for a in described]
    return mutants


def run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)


def collect_model_results(into: Path) -> None:
    """Real explorer output, as scripts/verify collects it: dc_model --mutate and dc_examples
    (which has no --mutate) --json."""
    into.mkdir(parents=True, exist_ok=True)
    for label, program, extra in (("emitter", PROGRAMS["dc_model"], ["--mutate"]),
                                  ("examples", PROGRAMS["dc_examples"], [])):
        proc = run([program, "--json", str(into / f"models-{label}.json"), "--jobs", "2", *extra])
        if proc.returncode != 0:
            raise AssertionError(f"{program} exited {proc.returncode}:\n{proc.stdout[-3000:]}"
                                 f"{proc.stderr[-2000:]}")
    for fixture in FIXTURES.glob("ctest-*.json"):
        shutil.copy(fixture, into / fixture.name)


def verify_from(results: Path, report_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([sys.executable, str(VERIFY), "--from-results", str(results), "--report-dir",
                str(report_dir), *extra])


def setUpModule() -> None:  # noqa: N802 (unittest's name)
    global SCRATCH
    SCRATCH = Path(tempfile.mkdtemp(prefix="dc-verify-test-"))
    collect_model_results(SCRATCH / "results")


def tearDownModule() -> None:  # noqa: N802
    if SCRATCH and not os.environ.get("DC_KEEP_TEST_OUTPUT"):
        shutil.rmtree(SCRATCH, ignore_errors=True)


class RealReports:
    """The reports of the real results, built once."""

    report_dir: Path | None = None
    proc: subprocess.CompletedProcess | None = None

    @classmethod
    def get(cls) -> tuple[Path, subprocess.CompletedProcess]:
        if cls.report_dir is None:
            assert SCRATCH is not None
            cls.report_dir = SCRATCH / "report"
            cls.proc = verify_from(SCRATCH / "results", cls.report_dir)
        assert cls.proc is not None
        return cls.report_dir, cls.proc


# --- ReportsTest ----------------------------------------------------------------------------------


class ReportsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.dir, cls.proc = RealReports.get()
        cls.output = cls.proc.stdout + cls.proc.stderr

    def test_verified_with_the_matrix_and_exit_0(self) -> None:
        self.assertEqual(self.proc.returncode, 0, self.output)
        self.assertRegex(self.output, rf"(?m)^VERIFIED: {len(FIXES)} fixes proven")
        for variant in DESIGN_VARIANTS:
            self.assertRegex(self.output, rf"(?m)^  ok   {variant}\s", variant)
        self.assertIn(f"data race on metrics.tool_calls at {rc002_racing_line()}", self.output)

    def test_verify_json_matches_the_schema(self) -> None:
        import jsonschema  # python3-jsonschema (scripts/setup)

        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        report = json.loads((self.dir / "verify.json").read_text())
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
        self.assertEqual(errors, [])
        # The validator is not vacuous: a broken report is rejected.
        broken = copy.deepcopy(report)
        broken["variants"][0]["model"]["verdict"] = "maybe"
        del broken["variants"][1]["tsan"]
        broken["verdict"] = "VERIFIED"
        self.assertGreaterEqual(len(list(validator.iter_errors(broken))), 3)
        # ... and so is a broken mutants section.
        self.assertTrue(report["mutants"])
        broken = copy.deepcopy(report)
        broken["mutants"][0]["verdict"] = "maybe"
        del broken["mutants"][1]["killed_by"]
        broken["mutants"][2]["executions"] = "many"
        paths = {tuple(e.absolute_path)[:2] for e in validator.iter_errors(broken)}
        self.assertEqual(paths, {("mutants", 0), ("mutants", 1), ("mutants", 2)})
        del broken["mutants"]
        self.assertTrue(list(validator.iter_errors(broken)), "mutants is not required")

    def test_verify_json_has_each_variant_as_measured(self) -> None:
        report = json.loads((self.dir / "verify.json").read_text())
        self.assertEqual(report["verdict"], "verified")
        by_name = {v["name"]: v for v in report["variants"]}
        self.assertEqual([v["name"] for v in report["variants"] if v["source"] == "emitter"],
                         DESIGN_VARIANTS)
        for name in DESIGN_VARIANTS:
            v = by_name[name]
            for checker in ("model", "tsan"):
                for field in ("verdict", "kind", "executions", "seconds", "location"):
                    self.assertIn(field, v[checker], f"{name}.{checker}")
            if name in FIXES:
                self.assertEqual(v["role"], "fix")
                self.assertEqual((v["model"]["verdict"], v["model"]["exhaustive"]),
                                 ("pass", True), name)
                self.assertEqual(v["tsan"]["verdict"],
                                 "clean" if name in TSAN_CHECKED else "not applicable", name)
            else:
                self.assertEqual(v["role"], "negative control")
                self.assertEqual((v["model"]["verdict"], v["model"]["kind"]),
                                 ("fail", MODEL_FAILURE[name]), name)
                if name not in TSAN_CHECKED:
                    self.assertEqual(v["tsan"]["verdict"], "not applicable", name)
                    continue
                self.assertEqual(v["tsan"]["verdict"], "data race", name)
                self.assertRegex(v["tsan"]["location"] or "", r"^impl/.+:\d+$", name)
        self.assertEqual(by_name["prefix_rc002"]["model"]["location"], rc002_racing_line())
        self.assertEqual(by_name["fixed"]["static"]["verdict"], "accepted")
        # Each static negative control rejected at its racing line, as check.cmake found it (the
        # fixture's own output: the line clang echoed under the error at that location).
        fixture = json.loads((FIXTURES / "ctest-static.json").read_text())
        outputs = {t["name"]: t["output"] for t in fixture["tests"]}
        for name, file, text in (("prefix_rc002", "impl/telemetry_emitter.hpp", "tool_calls_.add("),
                                 ("unlocked_snapshot", "impl/telemetry_emitter.hpp",
                                  "tool_calls_.load()"),
                                 ("naive_dcl", "impl/variants/naive_dcl.hpp",
                                  "if (Emitter* ready = instance_.load()) return *ready;")):
            static = by_name[name]["static"]
            self.assertEqual((static["verdict"], static["kind"], static["ok"]),
                             ("rejected", "thread-safety", True), name)
            self.assertRegex(static["location"], rf"^{re.escape(file)}:\d+$", name)
            self.assertIn(text, diagnosed_source_line(outputs[STATIC_CHECKS[name][0]],
                                                      static["location"]), name)
            self.assertEqual(by_name[name]["expected"]["static"], "rejected by -Wthread-safety")
        self.assertIn("requires holding mutex 'mutex_'", by_name["naive_dcl"]["static"]["summary"])
        for name, tests in STATIC_CHECKS.items():
            self.assertEqual([t["name"] for t in by_name[name]["static"]["tests"]], tests, name)
        self.assertNotIn("static", by_name["relaxed_dcl"])
        # model/examples/ is in the report too.
        self.assertEqual(by_name["cache_locked"]["model"]["verdict"], "pass")
        self.assertEqual(by_name["cache_unlocked"]["model"]["kind"], "data race")

    def test_junit_has_one_testcase_per_variant_and_checker(self) -> None:
        report = json.loads((self.dir / "verify.json").read_text())
        tree = ET.parse(self.dir / "junit.xml")
        cases = [(c.get("classname"), c.get("name")) for s in tree.iter("testsuite")
                 if s.get("name") not in ("mutation", "harness") for c in s.iter("testcase")]
        expected = [(f"verify.{v['name']}", checker)
                    for checker in ("model", "tsan", "static", "relacy")
                    for v in report["variants"]
                    if v.get(checker) and v[checker]["verdict"] != "not applicable"
                    and v[checker]["ok"] is not None]
        self.assertEqual(sorted(cases), sorted(expected))
        self.assertEqual(len(set(cases)), len(cases), "a (variant, checker) twice")
        self.assertIn(("verify.prefix_rc002", "model"), cases)
        self.assertIn(("verify.fixed", "tsan"), cases)
        mutation = [(c.get("classname"), c.get("name")) for c in tree.iter("testcase")
                    if c.get("classname", "").endswith(".mutants")]
        harness = [(c.get("classname"), c.get("name")) for s in tree.iter("testsuite")
                   if s.get("name") == "harness" for c in s.iter("testcase")]
        self.assertEqual(harness, [("verify.harness.replay-gate",
                                    "ReplayGate.AVisibleGateHidesTheModelsRaceFromTsan")])
        self.assertEqual(int(tree.getroot().get("tests")),
                         len(cases) + len(mutation) + len(harness))
        self.assertEqual(len(list(tree.iter("failure"))), 0)

    def test_each_negative_controls_replay_agrees_everywhere(self) -> None:
        """The real replays (fixtures/ctest-tsan-negative.json): each row's agreement on the
        terminal, in verify.json, as a junit property and as the SARIF result's message with
        both checkers' pairs as related locations."""
        report = json.loads((self.dir / "verify.json").read_text())
        relaxed = next(v for v in report["variants"] if v["name"] == "relaxed_dcl")
        statuses = {a["test"]: a["status"] for a in relaxed["tsan"]["agreements"]}
        self.assertEqual(statuses, {"TsanReplaysRelaxedDcl.init": "same pair",
                                    "TsanReplaysRelaxedDcl.get": "same pair"})
        get = next(a for a in relaxed["tsan"]["agreements"]
                   if a["test"] == "TsanReplaysRelaxedDcl.get")
        self.assertEqual(get["model"], {"earlier": "impl/telemetry_emitter.hpp:72",
                                        "later": "impl/telemetry_emitter.hpp:137"})
        self.assertIn("TsanReplaysRelaxedDcl.get: tsan on the model's interleaving: race at "
                      "impl/telemetry_emitter.hpp:137 and ...:72, same pair as the model",
                      self.output)
        self.assertEqual(report["harness"], [])
        self.assertTrue(report["replay_gate"]["ok"])
        tree = ET.parse(self.dir / "junit.xml")
        case = next(c for c in tree.iter("testcase")
                    if (c.get("classname"), c.get("name")) == ("verify.relaxed_dcl", "tsan"))
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        self.assertTrue(props["agreement.TsanReplaysRelaxedDcl.get"].startswith(
            "same pair: AGREE: tsan on the model's interleaving"))
        self.assertIn("AGREE: tsan on the model's interleaving", case.find("system-out").text)
        sarif = json.loads((self.dir / "verify.sarif").read_text())
        result = next(r for r in sarif["runs"][0]["results"]
                      if r["properties"].get("test") == "TsanReplaysRelaxedDcl.get")
        self.assertEqual(result["message"]["text"], f"TsanReplaysRelaxedDcl.get: {get['text']}")
        self.assertEqual(result["level"], "note")
        related = [(loc["physicalLocation"]["artifactLocation"]["uri"],
                    loc["physicalLocation"]["region"]["startLine"], loc["message"]["text"])
                   for loc in result["relatedLocations"]]
        self.assertEqual(related, [
            ("impl/telemetry_emitter.hpp", 72, "the model's racing access (earlier)"),
            ("impl/telemetry_emitter.hpp", 137, "the model's racing access (later)"),
            ("impl/telemetry_emitter.hpp", 72, "TSan's racing access (previous)"),
            ("impl/telemetry_emitter.hpp", 137, "TSan's racing access (current)")])

    def test_the_sampled_schedules_check_their_fixs_row(self) -> None:
        report = json.loads((self.dir / "verify.json").read_text())
        by_name = {v["name"]: v for v in report["variants"]}
        names = [t["name"] for t in by_name["acq_rel_dcl"]["tsan"]["tests"]]
        self.assertIn("TsanSampledSchedules.acq_rel_dcl.init", names)
        self.assertNotIn("TsanSampledSchedules.acq_rel_dcl.init",
                         [t["name"] for t in by_name["fixed"]["tsan"]["tests"]])
        self.assertEqual(by_name["acq_rel_dcl"]["tsan"]["sampled"][0]["schedules"], 600)
        self.assertIn("TsanSampledSchedules.acq_rel_dcl.init: PASS: 600 schedules sampled by "
                      "the explorer", self.output)

    def test_junit_has_one_testcase_per_mutant_of_the_fix(self) -> None:
        tree = ET.parse(self.dir / "junit.xml")
        suite = next(s for s in tree.iter("testsuite") if s.get("name") == "mutation")
        cases = [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")]
        self.assertEqual(sorted(cases), sorted(("verify.fixed.mutants", f"{site}: {weakening}")
                                               for site, weakening in fix_mutants()))
        self.assertEqual(int(suite.get("tests")), len(fix_mutants()))
        self.assertEqual(int(suite.get("failures")), 0)
        for case in suite.iter("testcase"):
            self.assertRegex(case.findtext("system-out") or "", r"killed by \S+: ")

    def test_the_mutants_section_lists_every_mutant_of_the_fix_killed(self) -> None:
        section = self.output.split("\nMutants: ", 1)
        self.assertEqual(len(section), 2, "no mutants section after the matrix")
        self.assertLess(self.output.index("Verdict matrix"), self.output.index("\nMutants: "))
        rows = [line for line in section[1].splitlines() if line.startswith("  fixed ")]
        expected = fix_mutants()
        # The fixed emitter's fix first: its mutants are the first rows, each killed by a model;
        # the no-lock ones by a data race, the splits by a broken property (a torn snapshot, two
        # emitters constructed), the excludes by a race or a property.
        self.assertEqual(len(rows), len(expected) + 1, section[1])
        for row in rows[:len(expected)]:
            self.assertRegex(row, r"killed\s+[1-9]\d*/\d+\s+\d+\s+\S+/fixed/\S+: "
                                  r"(data race|assertion failed) at ")
            if "lock/unlock -> no-op" in row:
                self.assertRegex(row, r"\S+/fixed/\S+: data race at ")
            if "unlock/relock before" in row:
                self.assertRegex(row, r"\S+/fixed/\S+: assertion failed at ")
        for site, weakening in expected:
            self.assertTrue(any(f" {site} " in row and f" {weakening} " in row
                                for row in rows[:len(expected)]), f"{site}: {weakening}")
        self.assertRegex(rows[-1], r"global\.store_mutex .*\(not the fix\).* survived .*"
                                   r"not counted")
        n = len(expected)
        self.assertRegex(self.output, rf"(?m)^  ok   the fixed emitter's fix shown necessary: {n} "
                                      r"mutants of the fix at 4 sites, all killed")
        # The checker rows are indented past the longest variant name (an example's may be long).
        self.assertRegex(self.output, rf"(?m)^ +mutants {n} mutants of the "
                                      r"fix at 4 sites, all killed")
        self.assertRegex(self.output, r"(?m)^VERIFIED: .*; every mutant of the fixed emitter's "
                                      rf"fix killed \({n} mutants at 4 sites\)$")

    def test_verify_json_has_the_mutants(self) -> None:
        report = json.loads((self.dir / "verify.json").read_text())
        mutants = report["mutants"]
        counted = [m for m in mutants if m["counted"]]
        # Every mutant of the fix (no lock, split, exclude), all killed, listed first.
        self.assertEqual(mutants[:len(counted)], counted)
        self.assertEqual(sorted((m["site"], m["weakening"]) for m in counted),
                         sorted(fix_mutants()))
        for m in counted:
            with self.subTest(f"{m['site']}: {m['weakening']}"):
                self.assertEqual((m["variant"], m["verdict"], m["in_fix"]),
                                 ("fixed", "killed", True))
                self.assertRegex(m["killed_by"], r"^[a-z]+/fixed/")
                self.assertIn(m["killed_by"], m["killed_in"])
                self.assertGreater(m["executions"], 0)
                self.assertIn(m["counterexample"]["kind"], ("data race", "assertion failed"))
                self.assertRegex(m["counterexample"]["file"], r"^(impl|model)/")
                self.assertIn(f"--mutant '{m['id']}' --replay ", m["replay"])
                self.assertEqual(m["site_location"]["file"],
                                 m["site"].rsplit(" at ", 1)[1].split(":")[0])
                if m["weakening"] == "lock/unlock -> no-op":
                    self.assertEqual(m["counterexample"]["kind"], "data race")
                    self.assertIsNone(m["access"])
                    self.assertIsNone(m["access_location"])
                else:
                    # split and exclude name the access they cut at, and where it is.
                    self.assertIn(m["access"], m["weakening"])
                    file, line = m["access"].rsplit(" at ", 1)[1].split(":")
                    self.assertEqual((m["access_location"]["file"], m["access_location"]["line"]),
                                     (file, int(line)))
        # The emitter store's mutex is bookkeeping, not the fix: listed, survives, not counted.
        store = [m for m in mutants if "global.store_mutex" in m["site"]]
        self.assertTrue(store)
        self.assertTrue(all(not m["in_fix"] and not m["counted"] and m["verdict"] == "survived"
                            and m["killed_by"] is None for m in store))
        # The acquire/release DCL: stepping the load or the store down to relaxed is killed.
        dcl = {m["site"].split(" ")[0]: m["verdict"] for m in mutants
               if m["variant"] == "acq_rel_dcl" and m["weakening"].endswith("-> relaxed")}
        self.assertEqual(dcl, {"load(acquire)": "killed", "store(release)": "killed"})
        fixed = next(v for v in report["variants"] if v["name"] == "fixed")
        n = len(fix_mutants())
        self.assertEqual((fixed["mutation"]["verdict"], fixed["mutation"]["ok"],
                          fixed["mutation"]["mutants"], fixed["mutation"]["killed"]),
                         ("killed", True, n, n))
        self.assertEqual(report["mutation"]["not_shown_necessary"], [])
        self.assertEqual(report["mutation"]["ran"], {"emitter": True, "examples": False})

    def test_sarif_is_sarif_2_1_0_with_code_flows(self) -> None:
        sarif = json.loads((self.dir / "verify.sarif").read_text())
        self.assertEqual(sarif["version"], "2.1.0")
        self.assertIn("sarif-2.1.0", sarif["$schema"])
        run0 = sarif["runs"][0]
        self.assertEqual(run0["tool"]["driver"]["name"], "doublecheck")
        rules = {r["id"] for r in run0["tool"]["driver"]["rules"]}
        results = run0["results"]
        self.assertTrue(results)
        model_results = [r for r in results if r["ruleId"].startswith("model/")]
        tsan_results = [r for r in results if r["ruleId"].startswith("tsan/")]
        self.assertTrue(model_results and tsan_results)
        for result in model_results + tsan_results:
            self.assertIn(result["ruleId"], rules)
            self.assertIn(result["level"], ("note", "warning", "error"))
            physical = result["locations"][0]["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            self.assertFalse(uri.startswith(("/", "file:")), uri)
            self.assertTrue((ROOT / uri).is_file(), uri)
            self.assertIsInstance(physical["region"]["startLine"], int)
            flows = result["codeFlows"][0]["threadFlows"]
            self.assertTrue(flows)
            for flow in flows:
                orders = [loc["executionOrder"] for loc in flow["locations"]]
                self.assertEqual(orders, sorted(orders), "thread flow not in step order")
        # The RC-002 counterexample: a data race result at the racing line, one thread flow per
        # thread of the interleaving, the racing accesses marked essential.
        file, line = rc002_racing_line().split(":")
        rc002 = next(r for r in model_results
                     if r["properties"]["model"] == "increment/prefix_rc002/2x1")
        self.assertEqual(rc002["ruleId"], "model/data-race")
        physical = rc002["locations"][0]["physicalLocation"]
        self.assertEqual(physical["artifactLocation"]["uri"], file)
        self.assertEqual(physical["region"]["startLine"], int(line))
        flows = rc002["codeFlows"][0]["threadFlows"]
        self.assertEqual([f["id"] for f in flows], ["T0", "T1", "T2"])
        essential = [loc for f in flows for loc in f["locations"]
                     if loc.get("importance") == "essential"]
        self.assertEqual(len(essential), 2)
        # A fixed model's result would be an error; these are expected negative controls: notes.
        self.assertTrue(all(r["level"] == "note" for r in model_results))
        # The static negative controls' errors are notes at their files; the check of the check
        # (the same code with a wrong expectation on purpose) adds none.
        static_results = [r for r in results if r["ruleId"].startswith("static/")]
        self.assertTrue(static_results)
        self.assertTrue(all(r["level"] == "note" for r in static_results))
        self.assertEqual({r["properties"]["test"] for r in static_results},
                         {"ThreadSafetyAnalysis.RejectsMetricsUpdatedWithoutTheLock",
                          "ThreadSafetyAnalysis.RejectsMetricsCopiedWithoutTheLock",
                          "ThreadSafetyAnalysis.RejectsTheNaiveDclUnlockedRead"})
        self.assertIn("impl/variants/naive_dcl.hpp",
                      {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                       for r in static_results})


# --- HtmlTest -------------------------------------------------------------------------------------


class DomIndex(html.parser.HTMLParser):
    """The text inside each racing row (tr.race) of each counterexample (div.cx[data-model])."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.racing_text: dict[str, list[str]] = {}
        self.body: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = a
        if tag in ("br", "meta", "col", "input", "img", "link"):
            return
        self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        model = next((a.get("data-model") for t, a in reversed(self.stack)
                      if t == "div" and "data-model" in a), None)
        in_race = any(t == "tr" and "race" in a.get("class", "").split() for t, a in self.stack)
        if model and in_race:
            self.racing_text.setdefault(model, []).append(data)


class MutantRows(html.parser.HTMLParser):
    """The rows of the mutants table (table.mutants tr.mutant): their data-* attributes and the
    text of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.in_table = 0
        self.row: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and "mutants" in a.get("class", "").split():
            self.in_table += 1
        elif tag == "tr" and self.in_table and "mutant" in a.get("class", "").split():
            self.row = {"attrs": a, "cells": []}
            self.rows.append(self.row)
        elif tag == "td" and self.row is not None:
            self.row["cells"].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.in_table:
            self.in_table -= 1
        elif tag == "tr":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.row["cells"]:
            self.row["cells"][-1] += data


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("headless Chromium is needed (Debian package `chromium`: scripts/setup)")


def chromium_run(url: str, *flags: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="dc-chromium-") as profile:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *flags, url],
            capture_output=True, text=True, timeout=120, check=False)


def png_pixels(path: Path) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytes(stride)
    pixels = []
    low_byte = (255).__and__
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        row = raw[start + 1:start + 1 + stride]
        # None, Sub and Up run in C (map, accumulate); Average and Paeth byte by byte.
        if kind == 0:
            line = bytearray(row)
        elif kind == 1:  # a running sum per channel
            line = bytearray(stride)
            for c in range(channels):
                line[c::channels] = bytes(map(low_byte, itertools.accumulate(row[c::channels])))
        elif kind == 2:
            line = bytearray(map(low_byte, map(operator.add, row, previous)))
        elif kind == 3:
            line = bytearray(row)
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 255
        else:  # Paeth: the first pixel's left and up-left are 0, so its predictor is `up`
            line = bytearray(map(low_byte, map(operator.add, row[:channels], previous)))
            line.extend(row[channels:])
            for i in range(channels, stride):
                left = line[i - channels]
                up = previous[i]
                upleft = previous[i - channels]
                pa = abs(up - upleft)  # |p - left|, with p = left + up - upleft
                pb = abs(left - upleft)
                pc = abs(left + up - 2 * upleft)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upleft
                line[i] = (line[i] + pred) & 255
        previous = line
        pixels.extend(zip(*(line[c::channels] for c in range(3))))
    return width, height, pixels


class HtmlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.dir, cls.proc = RealReports.get()
        cls.page = (cls.dir / "index.html").resolve()
        assert cls.page.is_file(), cls.proc.stdout + cls.proc.stderr
        # The page's DOM after its script ran, dumped once for the tests that read it.
        cls.dom = chromium_run(cls.page.as_uri(), "--dump-dom")

    def test_self_contained(self) -> None:
        text = self.page.read_text()
        self.assertNotRegex(text, r"(?i)<(script|link|img|iframe)[^>]+(src|href)="
                                  r"['\"]?(https?:)?//")
        self.assertNotRegex(text, r"(?i)@import|url\(\s*['\"]?(https?:)?//")

    def test_rendered_dom_shows_the_rc002_racing_line_in_a_swimlane(self) -> None:
        proc = self.dom
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        dom = DomIndex()
        dom.feed(proc.stdout)
        self.assertGreater(int(dom.body.get("data-rendered", "0")), 0,
                           "the page's script did not run (no swimlane counted)")
        racing = " ".join(dom.racing_text.get("increment/prefix_rc002/2x1", []))
        self.assertIn(rc002_racing_line(), racing)
        self.assertIn("tool_calls_.store(tool_calls);", racing)  # the source line itself
        self.assertIn("metrics.tool_calls", racing)

    def test_each_replay_shows_the_models_swimlane_beside_tsans_stacks(self) -> None:
        text = self.page.read_text()
        block = text.split('data-test="TsanReplaysRelaxedDcl.get"', 1)[1].split(
            '<div class="cx"', 1)[0]
        self.assertIn("AGREE: tsan on the model&#39;s interleaving", block)
        side_by_side = block.split('<div class="side-by-side">', 1)[1]
        model, tsan = side_by_side.split('<div class="side tsan-side">', 1)
        self.assertIn("get/relaxed_dcl/1init+1get", model)
        self.assertIn('<tr class="race', model)  # the model's racing steps, highlighted
        self.assertIn("impl/telemetry_emitter.hpp:72", model)
        self.assertIn("impl/telemetry_emitter.hpp:137", tsan)
        self.assertIn("Previous write", tsan)

    def test_rendered_dom_shows_the_mutants_table_with_every_mutant_of_the_fix(self) -> None:
        proc = self.dom
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        table = MutantRows()
        table.feed(proc.stdout)
        self.assertTrue(table.rows, "no mutants table in the rendered page")
        fix = [r for r in table.rows if r["attrs"].get("data-counted") == "true"]
        self.assertEqual({r["attrs"]["data-site"] for r in fix}, set(fix_sites()))
        self.assertEqual(len(fix), len(fix_mutants()))
        self.assertEqual(table.rows[:len(fix)], fix, "the fixed emitter's fix is not first")
        seen = set()
        for row in fix:
            with self.subTest(row["attrs"]["data-site"]):
                variant, site, weakening, verdict, killed_in, killed_by, where, _ = row["cells"]
                self.assertEqual((variant, verdict), ("fixed", "killed"))
                self.assertIn(row["attrs"]["data-site"], site)
                self.assertIn("guard(", site)  # the site's source line
                expected = max((w for s, w in fix_mutants()
                                if s == row["attrs"]["data-site"] and weakening.startswith(w)),
                               key=len)
                seen.add((row["attrs"]["data-site"], expected))
                if expected != "lock/unlock -> no-op":
                    # A split or exclude shows the source line of the access it cuts at: a
                    # member used there (`instance_.load()`) or handed on (`checked_total(x_,`).
                    self.assertRegex(weakening[len(expected):], r"[a-z]_[.,]")
                self.assertRegex(killed_by, r"^\S+/fixed/\S+(data race|assertion failed) at ")
                # The killing counterexample's location, with its source line.
                self.assertRegex(where, r"^(impl|model)/[a-z_/]+\.(hpp|cpp):\d+\S")
        self.assertEqual(seen, set(fix_mutants()))
        self.assertTrue(any(r["attrs"].get("data-in-fix") == "false" and
                            "not the fix" in r["cells"][1] for r in table.rows))
        # Each killing counterexample can be opened as a swimlane.
        self.assertGreaterEqual(proc.stdout.count("class=\"mutant-cx\""), len(fix))

# --- ScreenshotTest -------------------------------------------------------------------------------


class ScreenshotTest(unittest.TestCase):
    """The page as Chromium draws it: not blank, the banner and the swimlanes on screen. (Its own
    suite: each screenshot is a second of Chromium and one of decoding.)"""

    # The window, in CSS pixels: the whole page's banner and colours are in its top; the focus
    # view's racing rows are some 1,800 pixels down. Drawn at half scale (a quarter of the pixels
    # to decode: the layout is the window's, and a filled area keeps its exact colour).
    SIZES = {"page": (1200, 1000), "focus": (1200, 2000)}
    SCALE = 0.5

    @classmethod
    def setUpClass(cls) -> None:
        cls.dir, cls.proc = RealReports.get()
        page = (cls.dir / "index.html").resolve()
        assert page.is_file(), cls.proc.stdout + cls.proc.stderr
        cls.shots = {"page": page.as_uri(),
                     # The projector view: only the RC-002 counterexamples, swimlanes at the top.
                     "focus": page.as_uri() + "?focus=prefix_rc002"}
        cls.pngs = {what: cls.dir / f"screenshot-{what}.png" for what in cls.shots}
        for png in cls.pngs.values():
            png.unlink(missing_ok=True)
        # Both at once: the machine has two cores, and Chromium spends half its time waiting.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            cls.runs = dict(zip(cls.shots, pool.map(
                lambda item: chromium_run(item[1], f"--screenshot={cls.pngs[item[0]]}",
                                          "--window-size={},{}".format(*cls.SIZES[item[0]]),
                                          f"--force-device-scale-factor={cls.SCALE}"),
                cls.shots.items())))

    def test_screenshots_are_not_blank(self) -> None:
        for what in self.shots:
            with self.subTest(what):
                png = self.pngs[what]
                self.assertTrue(png.is_file(), self.runs[what].stderr[-2000:])
                width, height, pixels = png_pixels(png)
                self.assertEqual((width, height),
                                 tuple(round(n * self.SCALE) for n in self.SIZES[what]))
                counts = collections.Counter(pixels)
                dominant = max(counts.values()) / len(pixels)
                self.assertGreater(len(counts), 64, "too few colours: blank?")
                self.assertLess(dominant, 0.85, "one colour covers the page: blank?")
                if what == "focus":
                    # The racing rows' highlight (#ffd8d3) is on screen: the swimlane was drawn
                    # (a row's worth of pixels, more than the legend's sample of the colour: 5,000
                    # pixels at full scale).
                    self.assertGreater(counts.get((0xFF, 0xD8, 0xD3), 0), 5000 * self.SCALE ** 2)
                else:
                    # The green VERIFIED banner: ten of the top sixty rows' worth (full scale).
                    top = pixels[: width * round(60 * self.SCALE)]
                    greens = sum(1 for r, g, b in top if g > r + 40 and g > b + 20)
                    self.assertGreater(greens, width * 10 * self.SCALE)


# --- VerdictTest ----------------------------------------------------------------------------------


class VerdictTest(unittest.TestCase):
    """scripts/verify on fabricated results: every way the verdict can go."""

    def setUp(self) -> None:
        assert SCRATCH is not None
        self.dir = Path(tempfile.mkdtemp(prefix="case-", dir=SCRATCH))
        shutil.copytree(SCRATCH / "results", self.dir / "results")

    def edit(self, name: str, change) -> None:
        path = self.dir / "results" / name
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    def verify(self, *extra: str) -> tuple[int, str, dict]:
        proc = verify_from(self.dir / "results", self.dir / "report", *extra)
        text = proc.stdout + proc.stderr
        report_file = self.dir / "report" / "verify.json"
        report = json.loads(report_file.read_text()) if report_file.exists() else {}
        return proc.returncode, text, report

    @staticmethod
    def model(data: dict, name: str) -> dict:
        return next(m for m in data["models"] if m["name"] == name)

    def test_untouched_results_verify(self) -> None:  # the baseline the others change
        code, text, report = self.verify()
        self.assertEqual(code, 0, text)
        self.assertEqual(report["verdict"], "verified")
        # Passing tests say nothing: no failure text, no <failure>.
        self.assertNotIn("Why the failed tests failed", text)
        self.assertEqual(self.junit_failures(), {})
        self.assertFalse([t["name"] for v in report["variants"] for checker in ("tsan", "static")
                          for t in (v.get(checker) or {}).get("tests", []) if "failure" in t])

    def test_model_missing_a_negative_control_exits_2(self) -> None:
        def blind(data: dict) -> None:
            m = self.model(data, "increment/prefix_rc002/2x1")
            m.update(verdict="pass", as_expected=False, exhaustive=True, stopped_by="exhausted",
                     failures=[], mismatch="expected fails: data race at telemetry_emitter.hpp:1,"
                                           " but found no failure (exhausted)")
        self.edit("models-emitter.json", blind)
        code, text, report = self.verify()
        self.assertEqual(code, 2, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: a checker failed to catch a known bug: "
                               r"prefix_rc002 model: increment/prefix_rc002/2x1")
        self.assertEqual(report["exit_code"], 2)
        self.assertFalse(next(v for v in report["variants"]
                              if v["name"] == "prefix_rc002")["model"]["ok"])

    def test_tsan_missing_a_negative_control_exits_2(self) -> None:
        def blind(data: dict) -> None:
            t = next(t for t in data["tests"]
                     if t["name"] == "TsanReplaysNaiveDcl.init")
            t.update(passed=False, status="***Failed",
                     output="FAIL: dc_race_negative_controls exited 0 with no ThreadSanitizer "
                            "report: the race went undetected\n")
        self.edit("ctest-tsan-negative.json", blind)
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("naive_dcl tsan: TsanReplaysNaiveDcl.init",
                      text)
        self.assertIn("the race went undetected", text)

    def test_a_variant_with_no_negative_control_exits_2(self) -> None:
        self.edit("models-emitter.json", lambda data: data.update(
            models=[m for m in data["models"] if m["variant"] != "relaxed_dcl"]))
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: a checker failed to catch a known bug: "
                               r".*relaxed_dcl model")

    def test_a_failing_fixed_model_is_not_proven_exit_1(self) -> None:
        def broken(data: dict) -> None:
            good = self.model(data, "increment/prefix_rc002/2x1")
            m = self.model(data, "increment/fixed/2x1")
            m.update(verdict="fail", as_expected=False, exhaustive=False, stopped_by="failure",
                     failures=copy.deepcopy(good["failures"]),
                     mismatch="expected to pass, but found data race")
        self.edit("models-emitter.json", broken)
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: a fix is not proven: fixed model: "
                               r"increment/fixed/2x1")
        self.assertEqual(report["verdict"], "not verified")
        # The reports say so too: a junit failure, a SARIF error.
        junit = ET.parse(self.dir / "report" / "junit.xml")
        failed = [(c.get("classname"), c.get("name")) for c in junit.iter("testcase")
                  if c.find("failure") is not None]
        self.assertEqual(failed, [("verify.fixed", "model")])
        sarif = json.loads((self.dir / "report" / "verify.sarif").read_text())
        errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
        self.assertEqual([r["properties"]["model"] for r in errors], ["increment/fixed/2x1"])

    def test_a_fixed_model_not_explored_exhaustively_is_not_proven(self) -> None:
        def cut(data: dict) -> None:
            self.model(data, "init/fixed/4").update(exhaustive=False, stopped_by="time limit",
                                                    as_expected=False)
        self.edit("models-emitter.json", cut)
        code, text, _ = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn("init/fixed/4 passed, but its search was not exhaustive (time limit)", text)
        # ... which --quick accepts, and marks as bounded.
        code, text, report = self.verify("--quick")
        self.assertEqual(code, 0, text)
        self.assertTrue(report["bounded"])
        self.assertIn("BOUNDED", text)

    def test_a_race_test_reporting_on_the_fix_is_not_proven(self) -> None:
        negative = json.loads((self.dir / "results" / "ctest-tsan-negative.json").read_text())
        report_text = negative["tests"][0]["output"]

        def raced(data: dict) -> None:
            t = next(t for t in data["tests"]
                     if t["name"] == "RC002MetricsLock.ConcurrentErrorIncrements")
            t.update(passed=False, status="***Failed", output=report_text)
        self.edit("ctest-race.json", raced)
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn("fixed tsan: RC002MetricsLock.ConcurrentErrorIncrements", text)
        fixed = next(v for v in report["variants"] if v["name"] == "fixed")
        self.assertEqual(fixed["tsan"]["kind"], "data race")
        self.assertRegex(fixed["tsan"]["location"], r"^impl/telemetry_emitter\.hpp:\d+$")

    def junit_failures(self) -> dict[tuple[str, str], ET.Element]:
        """(classname, name) -> <failure> of each failed testcase of the run's junit.xml."""
        junit = ET.parse(self.dir / "report" / "junit.xml")
        return {(c.get("classname"), c.get("name")): c.find("failure")
                for c in junit.iter("testcase") if c.find("failure") is not None}

    def fail_test(self, label: str, name: str, fixture: str, passed: bool = False) -> None:
        """Makes test `name` of `label` fail (or pass) with the output of fixtures/`fixture`, as
        the results keep it (essential_output)."""
        output = essential_output((FIXTURES / fixture).read_text())
        self.edit(f"ctest-{label}.json", lambda data: next(
            t for t in data["tests"] if t["name"] == name).update(
                passed=passed, status="Passed" if passed else "***Failed", output=output))

    def test_a_failed_race_test_says_why_on_the_terminal_and_in_junit(self) -> None:
        self.fail_test("race", "RC002MetricsLock.ConcurrentErrorIncrements",
                       "failing-race-test.out")
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        for line in ("tests/race/race_bodies.hpp:186: Failure",
                     "Expected equality of these values:", "Which is: 49",
                     "P1 lost call counts", "P1 lost error counts"):
            self.assertIn(line, text)
        self.assertNotIn("[  FAILED  ] RC002MetricsLock.ConcurrentErrorIncrements", text)
        failed = self.junit_failures()
        self.assertEqual(list(failed), [("verify.fixed", "tsan")])
        failure = failed[("verify.fixed", "tsan")]
        self.assertRegex(failure.get("message"), r"^TSan test RC002MetricsLock\."
                         r"ConcurrentErrorIncrements \[\*\*\*Failed\]: \S*race_bodies\.hpp:186: "
                         r"Failure: Expected equality of these values: .* P1 lost call counts$")
        for line in ("race_bodies.hpp:186: Failure", "Which is: 49", "P1 lost call counts",
                     "race_bodies.hpp:187: Failure", "P1 lost error counts"):
            self.assertIn(line, failure.text)
        tests = next(v for v in report["variants"] if v["name"] == "fixed")["tsan"]["tests"]
        self.assertEqual([t["name"] for t in tests if "failure" in t],
                         ["RC002MetricsLock.ConcurrentErrorIncrements"])

    def test_a_failed_negative_control_says_why_on_the_terminal_and_in_junit(self) -> None:
        name = "TsanReplaysNaiveDcl.init"
        self.fail_test("tsan-negative", name, "failing-negative-control.out")
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        exception = ('C++ exception with description "init_telemetry: cannot create the '
                     'telemetry directory" thrown in the test body.')
        fail = ("FAIL: dc_race_negative_controls --gtest_filter=RC004GlobalTelemetryLock/NaiveDcl"
                ".ConcurrentInitCreatesSingleInstance exited with status 1 without a "
                "ThreadSanitizer report")
        self.assertIn(exception, text)
        self.assertIn(fail, text)
        failed = self.junit_failures()
        self.assertEqual(list(failed), [("verify.naive_dcl", "tsan")])
        failure = failed[("verify.naive_dcl", "tsan")]
        self.assertIn(f"{name} NOT CAUGHT [***Failed]: {fail[len('FAIL: '):]}",
                      failure.get("message"))
        self.assertIn(exception, failure.text)
        self.assertIn(fail, failure.text)

    def test_an_agreement_on_the_same_statements_verifies_and_says_so(self) -> None:
        self.fail_test("tsan-negative", "TsanReplaysUnlockedSnapshot.snapshot",
                       "replay-same-statements.out", passed=True)
        code, text, report = self.verify()
        self.assertEqual(code, 0, text)
        self.assertIn("TsanReplaysUnlockedSnapshot.snapshot: tsan on the model's interleaving: "
                      "race at impl/telemetry_emitter.hpp:192 and ...:175, the same racing "
                      "statements as the model's", text)
        row = next(v for v in report["variants"] if v["name"] == "unlocked_snapshot")
        self.assertEqual([a["status"] for a in row["tsan"]["agreements"]],
                         ["same statements", "same pair"])

    def test_a_replay_that_disagrees_is_the_harness_failing_exit_2_with_both(self) -> None:
        name = "TsanReplaysNaiveDcl.get"
        self.fail_test("tsan-negative", name, "replay-disagrees.out")
        code, text, report = self.verify()
        self.assertEqual(code, 2, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: the harness failed a self-check")
        self.assertRegex(text, rf"(?m)^  HARNESS      naive_dcl \(tsan\): TSan negative control "
                               rf"{re.escape(name)} DISAGREES with the model")
        # Both sides on the terminal: the model's pair, TSan's pair and its report's stacks.
        for line in ("model: data race at impl/variants/naive_dcl.hpp:20 (earlier) and "
                     "impl/variants/naive_dcl.hpp:23 (later)",
                     "tsan: data race at impl/variants/naive_dcl.hpp:26 (previous) and "
                     "impl/variants/naive_dcl.hpp:22 (current)",
                     "ThreadSanitizer's report: data race", "#2 impl/variants/naive_dcl.hpp:26"):
            self.assertIn(line, text)
        self.assertEqual(report["exit_code"], 2)
        self.assertEqual(len(report["harness"]), 1)
        failure = self.junit_failures()[("verify.naive_dcl", "tsan")]
        self.assertEqual(failure.get("type"), "harness")
        self.assertIn("DISAGREES with the model", failure.get("message"))
        self.assertIn("model: data race at impl/variants/naive_dcl.hpp:20", failure.text)
        self.assertIn("Previous read of size 8", failure.text)
        sarif = json.loads((self.dir / "report" / "verify.sarif").read_text())
        result = next(r for r in sarif["runs"][0]["results"]
                      if r["properties"].get("test") == name)
        self.assertEqual(result["level"], "error")
        self.assertIn("DISAGREE: ", result["message"]["text"])
        self.assertEqual(len(result["relatedLocations"]), 4)

    def test_a_failed_replay_gate_control_is_the_harness_failing_exit_2(self) -> None:
        self.fail_test("replay-gate", "ReplayGate.AVisibleGateHidesTheModelsRaceFromTsan",
                       "failing-negative-control.out")
        code, text, report = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("HARNESS      harness: replay gate: ReplayGate.", text)
        self.assertFalse(report["replay_gate"]["ok"])
        failure = self.junit_failures()[("verify.harness.replay-gate",
                                         "ReplayGate.AVisibleGateHidesTheModelsRaceFromTsan")]
        self.assertEqual(failure.get("type"), "harness")

    def edit_static(self, name: str, output: str) -> None:
        def failed(data: dict) -> None:
            t = next(t for t in data["tests"] if t["name"] == name)
            t.update(passed=False, status="Failed", output=output)
        self.edit("ctest-static.json", failed)

    def test_a_static_control_rejected_at_another_line_exits_2(self) -> None:
        # check.cmake's failure when the error is elsewhere (every fix proven: a stale
        # expectation, so the static check is blind to the bug it was meant to show).
        self.edit_static(
            "ThreadSafetyAnalysis.RejectsTheNaiveDclUnlockedRead",
            "compiling: clang++ ...\nFAIL: the thread-safety analysis rejected the global with "
            "NaiveDcl with \"requires holding mutex 'mutex_'\", but not at the expected line: "
            "expected it at impl/variants/naive_dcl.hpp:{20} (the lines matching /x/); the "
            "diagnostics were instead at:\n  impl/variants/naive_dcl.hpp:26: reading variable "
            "'instance_' requires holding mutex 'mutex_'\n")
        code, text, report = self.verify()
        self.assertEqual(code, 2, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: a checker failed to catch a known bug: "
                               r"naive_dcl static: "
                               r"ThreadSafetyAnalysis\.RejectsTheNaiveDclUnlockedRead")
        static = next(v for v in report["variants"] if v["name"] == "naive_dcl")["static"]
        self.assertFalse(static["ok"])
        self.assertEqual(len(static["elsewhere"]), 1)
        self.assertIn("not at the expected line", static["elsewhere"][0])

    def test_a_static_check_that_cannot_fail_exits_2(self) -> None:
        # fails_with.cmake: check.cmake passed although its expected line was wrong.
        self.edit_static(
            "StaticCheck.FailsWhenTheErrorIsNotAtTheExpectedLine",
            "running: cmake ...\nPASS: the thread-safety analysis rejected ...\nFAIL: the check "
            "passed (status 0) although its expectation is wrong: it cannot fail, so its passing "
            "proves nothing.\n")
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("prefix_rc002 static: StaticCheck.FailsWhenTheErrorIsNotAtTheExpectedLine",
                      text)

    def test_a_fix_rejected_by_the_static_check_is_not_proven_exit_1(self) -> None:
        self.edit_static(
            "ThreadSafetyAnalysis.AcceptsTheFixedInit",
            "compiling: clang++ ...\nFAIL: the fixed init did not compile under -Wthread-safety "
            "-Werror (status 1), expected no diagnostics:\n/work/main/impl/global_telemetry.hpp:"
            "41:12: error: reading variable 'instance_' requires holding mutex 'mutex_' "
            "[-Werror,-Wthread-safety-analysis]\n")
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertRegex(text, r"(?m)^NOT VERIFIED: a fix is not proven: fixed static: "
                               r"ThreadSafetyAnalysis.AcceptsTheFixedInit")
        static = next(v for v in report["variants"] if v["name"] == "fixed")["static"]
        self.assertEqual((static["verdict"], static["location"]),
                         ("rejected", "impl/global_telemetry.hpp:41"))
        sarif = json.loads((self.dir / "report" / "verify.sarif").read_text())
        errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
        self.assertEqual([(r["ruleId"], r["properties"]["test"]) for r in errors],
                         [("static/thread-safety", "ThreadSafetyAnalysis.AcceptsTheFixedInit")])

    @staticmethod
    def survive(data: dict, variant: str, site: str, weakening: str | None = None) -> int:
        """Makes every model's run of the mutants of `site` (in `variant`; those of `weakening`
        only, when given) survive."""
        count = 0
        for m in data["mutants"]:
            if m["variant"] == variant and m["site"] == site and weakening in (None,
                                                                               m["weakening"]):
                # As dc_model writes a survivor: no counterexample, no replay.
                m.update(verdict="survived", killed_by=None, counterexample=None, replay=None,
                         exhaustive=True, search="dpor, exhaustive",
                         reason="not necessary (fabricated)")
                count += 1
        assert count, f"no mutant of {variant} at {site}"
        return count

    def test_a_mutant_of_the_fix_that_survives_is_fix_not_shown_necessary_exit_1(self) -> None:
        site = fix_sites()[0]  # the metrics lock in emit_tool_call
        self.edit("models-emitter.json",
                  lambda data: self.survive(data, "fixed", site, "lock/unlock -> no-op"))
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn(f"  NOT PROVEN   fixed (mutation): fix not shown necessary: {site} "
                      "(lock/unlock -> no-op survives", text)
        self.assertRegex(text, rf"(?m)^NOT VERIFIED: a fix is not proven: fixed mutation: fix not "
                               rf"shown necessary: {re.escape(site)}$")
        self.assertRegex(text, rf"(?m)^  fixed +{re.escape(site)} +lock/unlock -> no-op +"
                               r"SURVIVED +0/\d+ ")
        self.assertRegex(text, r"(?m)^  FAIL fixed +\[fix\]")
        self.assertEqual((report["verdict"], report["exit_code"]), ("not verified", 1))
        self.assertEqual(report["mutation"]["not_shown_necessary"],
                         [f"{site} (lock/unlock -> no-op)"])
        entry = next(m for m in report["mutants"]
                     if m["site"] == site and m["weakening"] == "lock/unlock -> no-op")
        self.assertEqual((entry["verdict"], entry["counted"], entry["killed_by"]),
                         ("survived", True, None))
        # junit: that mutant's testcase fails, and only it; SARIF: an error at the site.
        junit = ET.parse(self.dir / "report" / "junit.xml")
        failed = [(c.get("classname"), c.get("name")) for c in junit.iter("testcase")
                  if c.find("failure") is not None]
        self.assertEqual(failed, [("verify.fixed.mutants", f"{site}: lock/unlock -> no-op")])
        sarif = json.loads((self.dir / "report" / "verify.sarif").read_text())
        errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
        self.assertEqual([r["ruleId"] for r in errors], ["mutation/fix-not-shown-necessary"])
        file, line = site.rsplit(" at ", 1)[1].split(":")
        physical = errors[0]["locations"][0]["physicalLocation"]
        self.assertEqual((physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
                         (file, int(line)))
        # The page says so at the top.
        page = (self.dir / "report" / "index.html").read_text()
        self.assertIn(f"fix not shown necessary: {html.escape(site)}", page)

    def test_a_surviving_split_of_the_fix_names_its_access_exit_1(self) -> None:
        site, weakening = next((s, w) for s, w in fix_mutants() if "unlock/relock before" in w
                               and "metrics.errors" in w)  # the errors update cut off
        self.edit("models-emitter.json",
                  lambda data: self.survive(data, "fixed", site, weakening))
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn(f"fix not shown necessary: {site} ({weakening} survives", text)
        self.assertEqual(report["mutation"]["not_shown_necessary"], [f"{site} ({weakening})"])
        junit = ET.parse(self.dir / "report" / "junit.xml")
        failed = [(c.get("classname"), c.get("name")) for c in junit.iter("testcase")
                  if c.find("failure") is not None]
        self.assertEqual(failed, [("verify.fixed.mutants", f"{site}: {weakening}")])
        # SARIF: an error at the access the section was cut at, not at the lock.
        sarif = json.loads((self.dir / "report" / "verify.sarif").read_text())
        errors = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
        self.assertEqual([r["ruleId"] for r in errors], ["mutation/fix-not-shown-necessary"])
        file, line = weakening.rsplit(" at ", 1)[1].split(":")
        physical = errors[0]["locations"][0]["physicalLocation"]
        self.assertEqual((physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
                         (file, int(line)))

    def test_a_mutant_killed_in_one_model_of_several_is_killed(self) -> None:
        # The snapshot lock: the increment models survive it, the snapshot and stop models kill it.
        site = fix_sites()[1]

        def keep_one(data: dict) -> None:
            by_mutant: dict[str, list[dict]] = {}
            for m in data["mutants"]:
                if m["variant"] == "fixed" and m["site"] == site and m["verdict"] == "killed":
                    by_mutant.setdefault(m["id"], []).append(m)
            self.assertTrue(by_mutant)
            self.assertTrue(all(len(killed) > 1 for killed in by_mutant.values()))
            for killed in by_mutant.values():
                for m in killed[1:]:
                    m.update(verdict="survived", killed_by=None, counterexample=None,
                             replay=None)
        self.edit("models-emitter.json", keep_one)
        code, text, _ = self.verify()
        self.assertEqual(code, 0, text)
        # ... and with that one made to survive too, the site is not shown necessary.
        self.edit("models-emitter.json", lambda data: self.survive(data, "fixed", site))
        code, text, _ = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn(f"fix not shown necessary: {site}", text)

    def test_survivors_outside_the_fixed_emitters_fix_are_listed_not_counted(self) -> None:
        def survive_others(data: dict) -> None:
            site = next(m["site"] for m in data["mutants"] if m["variant"] == "acq_rel_dcl"
                        and m["site"].startswith("store(release)"))
            self.survive(data, "acq_rel_dcl", site)
        self.edit("models-emitter.json", survive_others)
        code, text, report = self.verify()
        self.assertEqual(code, 0, text)
        self.assertRegex(text, r"(?m)^  acq_rel_dcl +store\(release\) .* survived +0/\d+ .*"
                               r"not counted")
        self.assertNotIn("fix not shown necessary:", text)
        acq = next(v for v in report["variants"] if v["name"] == "acq_rel_dcl")
        self.assertEqual((acq["mutation"]["survived"], acq["mutation"]["ok"]), (1, True))

    def test_no_mutation_results_is_fix_not_shown_necessary(self) -> None:
        def drop(data: dict) -> None:
            del data["mutants"]
            del data["mutation_summary"]
        self.edit("models-emitter.json", drop)
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertIn("fixed (mutation): fix not shown necessary: no mutation results", text)
        self.assertEqual(report["mutants"], [])
        junit = ET.parse(self.dir / "report" / "junit.xml")
        failed = [(c.get("classname"), c.get("name")) for c in junit.iter("testcase")
                  if c.find("failure") is not None]
        self.assertEqual(failed, [("verify.fixed.mutants", "mutation")])

    def test_blind_checker_wins_over_unproven_fix(self) -> None:
        def both(data: dict) -> None:
            self.model(data, "init/fixed/2").update(verdict="fail", as_expected=False)
            self.model(data, "init/naive_dcl/2").update(verdict="pass", failures=[],
                                                        as_expected=False, mismatch="missed")
        self.edit("models-emitter.json", both)
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("a checker failed to catch a known bug (and a fix is not proven)", text)
        self.assertIn("init/fixed/2", text)
        self.assertIn("init/naive_dcl/2", text)

    def test_a_negative_control_caught_at_another_line(self) -> None:
        def moved(data: dict) -> None:
            m = self.model(data, "snapshot/unlocked_snapshot/2w1+1r")
            m.update(as_expected=False, mismatch="expected fails: data race at "
                                                 "telemetry_emitter.hpp:1, but found data race at "
                                                 "telemetry_emitter.hpp:2")
        self.edit("models-emitter.json", moved)
        # With every fix proven, the expectation is stale: the harness is broken.
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("snapshot/unlocked_snapshot/2w1+1r caught a data race, but not at the "
                      "expected line", text)
        # With a fix broken too (its code is shared with the variants): a consequence, exit 1.
        self.edit("models-emitter.json", lambda data: self.model(
            data, "increment/fixed/2x1").update(verdict="fail", as_expected=False))
        code, text, report = self.verify()
        self.assertEqual(code, 1, text)
        self.assertRegex(text, r"(?m)^  ELSEWHERE    unlocked_snapshot \(model\)")
        self.assertEqual(len(report["caught_elsewhere"]), 1)

    def test_the_examples_negative_control_counts_too(self) -> None:
        self.edit("models-examples.json", lambda data: self.model(
            data, "cache/unlocked/2").update(verdict="pass", failures=[], as_expected=False,
                                             mismatch="missed"))
        code, text, _ = self.verify()
        self.assertEqual(code, 2, text)
        self.assertIn("cache_unlocked model: cache/unlocked/2", text)

    def test_an_unwritable_report_dir_fails_before_anything_runs(self) -> None:
        blocker = self.dir / "a-file"
        blocker.write_text("not a directory\n")
        started = self.dir / "report-under-a-file"
        proc = run([sys.executable, str(VERIFY), "--report-dir", str(blocker / "report")])
        self.assertEqual(proc.returncode, 73, proc.stdout + proc.stderr)
        self.assertIn("cannot write the report directory", proc.stderr)
        self.assertIn("Nothing was run", proc.stderr)
        self.assertEqual(proc.stdout, "", "a stage started before the check")
        self.assertFalse(started.exists())

    def test_usage_errors_exit_64_not_2(self) -> None:
        proc = run([sys.executable, str(VERIFY), "--no-such-option"])
        self.assertEqual(proc.returncode, 64, proc.stderr)
        proc = run([sys.executable, str(VERIFY), "--models", "no-equals-sign"])
        self.assertEqual(proc.returncode, 64, proc.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--dc-model", required=True)
    parser.add_argument("--dc-examples", required=True)
    # "I/N": only the suite's tests whose index (in name order) is I-1 modulo N. A suite of many
    # verify runs (VerdictTest) is N ctest tests, so that none runs long and ctest -j spreads them.
    parser.add_argument("--part")
    args, rest = parser.parse_known_args()
    PROGRAMS.update(dc_model=args.dc_model, dc_examples=args.dc_examples)
    if args.part is None:
        unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
        return
    index, count = (int(n) for n in args.part.split("/"))
    if not 1 <= index <= count or len(rest) != 1:
        parser.error("--part I/N (1 <= I <= N) takes one suite")
    suite = globals()[rest[0]]
    names = unittest.TestLoader().getTestCaseNames(suite)
    mine = unittest.TestSuite(suite(name) for i, name in enumerate(names) if i % count == index - 1)
    setUpModule()
    try:
        result = unittest.TextTestRunner(verbosity=2).run(mine)
    finally:
        tearDownModule()
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
