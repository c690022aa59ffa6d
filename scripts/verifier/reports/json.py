"""verify.json (schema doublecheck-verify/1, scripts/verify.schema.json): the verdict, each row of
the matrix as measured, every model and test, the mutants, and how the run went."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .. import matrix
from ..judging.models import evaluate_model, failure_location, model_bound, primary_failure
from ..mutation import gates
from ..paths import ROOT
from ..results import Results
from ..stages.ctest import LABELS

VERIFY_SCHEMA = "doublecheck-verify/1"
ASLR_FIELDS = ("mmap_rnd_bits", "setarch", "retried", "runner_retries", "notes")


def git_info() -> dict[str, Any]:
    """The commit the run checked, and whether tracked files had local changes."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=False, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no")) if commit else None
    return {"commit": commit or None, "dirty": dirty}


def model_entry(label: str, m: dict[str, Any], bounded_ok: bool) -> dict[str, Any]:
    """A model of `models`: as its runner reported it, judged."""
    e = evaluate_model(m, bounded_ok)
    f = primary_failure(m)
    return {
        "name": m.get("name"), "runner": label, "variant": m.get("variant"),
        "property": m.get("property"), "expected": (m.get("expected") or {}).get("verdict"),
        "verdict": m.get("verdict"), "ok": e["ok"], "as_expected": m.get("as_expected"),
        "mismatch": m.get("mismatch") or "", "search": m.get("search"),
        "exhaustive": bool(m.get("exhaustive")), "bound": model_bound(m) or None,
        "stopped_by": m.get("stopped_by"), "executions": m.get("executions"),
        "seconds": m.get("seconds"), "kind": f.get("kind") if f else None,
        "location": failure_location(m, f) if f else None,
        "preemptions": f.get("preemptions") if f else None,
        "replay_token": f.get("replay_token") if f else None,
        "verdict_line": m.get("verdict_line"),
    }


def mutation_totals(results: Results, mutants: list[dict[str, Any]]) -> dict[str, Any]:
    counted = [m for m in mutants if m["counted"]]
    return {
        "ran": {label: "mutants" in run for label, run in results.model_runs.items()},
        "gate": [f"{label}/{variant}" for label, variant in sorted(gates(results.model_runs))
                 if not (results.models_only and (label, variant) in matrix.gate())],
        "memory_model": next((m["memory_model"] for m in mutants if m.get("memory_model")), None),
        "counted": len(counted),
        "killed": sum(m["verdict"] == "killed" for m in counted),
        "not_shown_necessary": [m["site"] + f" ({m['weakening']})" for m in counted
                                if m["verdict"] == "survived"],
    }


def build_report(results: Results, variants: list[dict[str, Any]],
                 mutants: list[dict[str, Any]], verdict: dict[str, Any], started: str,
                 seconds: float) -> dict[str, Any]:
    """verify.json's content."""
    ctest = results.ctest
    return {
        "schema": VERIFY_SCHEMA,
        "verdict": verdict["verdict"],
        "exit_code": verdict["exit_code"],
        "reason": verdict["reason"],
        "failed": verdict["harness"] + verdict["checker_blind"] + verdict["not_proven"],
        "harness": verdict["harness"],
        "checker_blind": verdict["checker_blind"],
        "not_proven": verdict["not_proven"],
        "caught_elsewhere": verdict["caught_elsewhere"],
        "mode": results.mode,
        "models_only": results.models_only,
        "from_results": results.from_results,
        "bounded": verdict["bounded"],
        "started": started,
        "seconds": round(seconds, 3),
        "source_root": str(ROOT),
        "git": git_info(),
        "aslr": {k: results.aslr.get(k) for k in ASLR_FIELDS},
        "notes": list(dict.fromkeys((results.aslr.get("notes") or []) + [
            note for label in LABELS for note in ctest.get(label, {}).get("notes", [])])),
        "builds": results.builds,
        "stages": results.stages,
        "variants": variants,
        "models": [model_entry(label, m, results.bounded_ok)
                   for label, run in results.model_runs.items() for m in run.get("models", [])],
        "tsan_tests": [
            {"name": t["name"], "label": label, "passed": bool(t.get("passed")),
             "status": t.get("status"), "seconds": t.get("seconds")}
            for label in LABELS for t in ctest.get(label, {}).get("tests", [])
        ],
        "replay_gate": verdict.get("replay_gate"),
        "mutants": mutants,
        "mutation": mutation_totals(results, mutants),
        "relacy": {"configured": bool(results.relacy.get("configured")),
                   "dir": (results.relacy.get("relacy") or {}).get("dir"),
                   "commit": (results.relacy.get("relacy") or {}).get("commit"),
                   "options": results.relacy.get("options") or {}},
    }


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=1) + "\n")
