"""Stages 3-5: the tsan build's ctest labels (race, tsan-negative and its self-check replay-gate,
static), one record per label with one entry per listed test: its result from ctest's JUnit
output, its labels (`variant=<id>` says which row of the matrix it checks) and the essential part
of its output.

The negative controls are deterministic (the explorer's counterexample replayed under TSan,
tsan/replay_control.py): a control that fails is not run again. One retry, reported so that
nothing is hidden: ThreadSanitizer could not map its shadow memory ("unexpected memory mapping":
more ASLR entropy than clang 14's TSan supports), and the label runs again under `setarch -R`
(tsan/aslr.py). (The timing-dependent stress runs, label tsan-stress, are not run here.)"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..paths import BUILD, ROOT
from ..patterns import RUNNER_SETARCH
from ..progress import Progress
from ..process import run_logged
from ..text import plural
from ..tsan_tools import aslr
from . import junit
from .output import essential_output

LABELS = ("race", "tsan-negative", "replay-gate", "static")


def listed_tests(preset: str, label: str) -> dict[str, dict[str, list[str]]]:
    """The ctest entries carrying `label` exactly, from ctest's own listing:
    name -> {"command", "labels"}."""
    proc = subprocess.run(
        ["ctest", "--preset", preset, "-L", f"^{label}$", "--show-only=json-v1"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {}
    try:
        tests = json.loads(proc.stdout).get("tests", [])
    except ValueError:
        return {}
    return {t["name"]: {"command": t.get("command", []), "labels": labels_of(t)} for t in tests}


def labels_of(test: dict[str, Any]) -> list[str]:
    """A listed test's LABELS property."""
    return next((list(p.get("value") or []) for p in test.get("properties", [])
                 if p.get("name") == "LABELS"), [])


@dataclasses.dataclass
class CtestRunner:
    """How this label's ctest runs: parallelism, the log, and the ASLR prefix (which a retry may
    set)."""

    jobs: int
    log: Path
    verbose: bool
    prefix: list[str]

    def once(self, select: list[str]) -> dict[str, dict[str, Any]]:
        """One ctest run of the tsan build: name -> its JUnit case."""
        with tempfile.TemporaryDirectory(prefix="dc-verify-") as tmp:
            results = Path(tmp) / "results.xml"
            cmd = self.prefix + [
                "ctest", "--preset", "tsan", *select, "-j", str(self.jobs), "--output-on-failure",
                "--timeout", "600", "--output-junit", str(results),
                "--test-output-size-passed", "1000000", "--test-output-size-failed", "1000000"]
            run_logged(cmd, self.log, self.verbose)
            return junit.read_cases(results)


def run_ctest_label(label: str, jobs: int, logs: Path, verbose: bool, progress: Progress,
                    aslr_state: dict[str, Any]) -> dict[str, Any]:
    """Runs the tsan build's tests labelled `label`; one entry per listed test (a listed test with
    no result counts as not run)."""
    expected = listed_tests("tsan", label)
    record: dict[str, Any] = {"label": label, "preset": "tsan", "ran": True, "tests": [],
                              "notes": []}
    if not expected:
        record["ran"] = False
        record["notes"].append(f"no ctest entry carries the label '{label}' in build/tsan")
        return record
    log = logs / f"ctest-{label}.log"
    log.unlink(missing_ok=True)
    runner = CtestRunner(jobs, log, verbose, list(aslr_state.get("prefix", [])))
    select = ["-L", f"^{label}$"]
    cases = runner.once(select)
    if needs_setarch_retry(cases, runner.prefix):
        note = (f"ThreadSanitizer aborted with '{aslr.MEMORY_MAPPING}' in label '{label}': re-ran "
                f"it under '{' '.join(aslr.prefix())}' (address-space randomisation off)")
        progress.note(note)
        record["notes"].append(note)
        aslr_state.update(retried=True, prefix=aslr.prefix())
        aslr_state["notes"].append(note)
        runner.prefix = aslr.prefix()
        cases = runner.once(select)
    cache: dict[str, bool] = {}
    record["tests"] = [test_entry(name, listed, cases.get(name),
                                  label != "static" and lacks_tsan_runtime(listed["command"],
                                                                           cache))
                       for name, listed in expected.items()]
    count_runner_retries(label, cases, expected, aslr_state, progress)
    return record


def needs_setarch_retry(cases: dict[str, dict[str, Any]], prefix: list[str]) -> bool:
    """TSan aborted over ASLR in some test that did not retry by itself (the negative-control
    runner does), and the label did not already run under setarch."""
    return (not prefix and aslr.available()
            and any(aslr.aborted(c["output"]) and RUNNER_SETARCH not in c["output"]
                    for c in cases.values()))


def test_entry(name: str, listed: dict[str, list[str]], case: dict[str, Any] | None,
               no_tsan_runtime: bool) -> dict[str, Any]:
    """A test's entry in results/ctest-<label>.json (run once: `attempts` is always 1 now, kept
    for the results of earlier runs)."""
    case = case or {"passed": False, "status": "not run", "seconds": 0.0, "output": ""}
    return {"name": name, "passed": case["passed"], "status": case["status"],
            "attempts": 1, "seconds": round(case["seconds"], 3),
            "output": essential_output(case["output"]), "command": listed["command"],
            "labels": listed["labels"], "no_tsan_runtime": no_tsan_runtime}


def count_runner_retries(label: str, cases: dict[str, dict[str, Any]], expected: dict[str, Any],
                         aslr_state: dict[str, Any], progress: Progress) -> None:
    """Counts the negative controls that re-ran under setarch by themselves, and says so."""
    retried = sum(RUNNER_SETARCH in cases.get(name, {}).get("output", "") for name in expected)
    aslr_state["runner_retries"] = aslr_state.get("runner_retries", 0) + retried
    if aslr_state["runner_retries"] and label == "tsan-negative":
        note = (f"{plural(aslr_state['runner_retries'], 'negative control')} re-ran under "
                f"setarch -R by themselves ('{aslr.MEMORY_MAPPING}')")
        progress.note(note)
        aslr_state["notes"].append(note)


def lacks_tsan_runtime(command: list[str], cache: dict[str, bool]) -> bool:
    """True when the test's program (the first file of its command in build/tsan, after any
    wrapper) carries no TSan runtime: a clean result from it proves nothing."""
    for arg in command:
        path = Path(arg)
        if not path.is_absolute() or BUILD["tsan"] not in path.parents or not path.is_file():
            continue
        if arg not in cache:
            try:
                cache[arg] = b"__tsan_init" not in path.read_bytes()
            except OSError:
                cache[arg] = True
        return cache[arg]
    return False


def load_ctest_json(path: Path, label: str) -> dict[str, Any]:
    """A label's record saved by an earlier run (results/ctest-<label>.json); a record saying
    there are no results when it is missing."""
    try:
        data = json.loads(path.read_text())
        if isinstance(data, dict) and isinstance(data.get("tests"), list):
            data.setdefault("notes", [])
            data.setdefault("ran", True)
            return data
    except (OSError, ValueError):
        pass
    return {"label": label, "preset": "tsan", "ran": False, "tests": [],
            "notes": [f"no results for label '{label}' ({path.name})"]}
