"""--from-results DIR: no build, no run; the results an earlier run saved (DIR/results of its
report directory, or DIR holding models-*.json and ctest-*.json, and run.json for how it went)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import paths
from .results import Results
from .stages.ctest import LABELS, load_ctest_json
from .stages.explorer import load_model_json
from .stages.relacy import load_relacy_json


def results_dir(path: Path) -> Path | None:
    """The directory holding the results: DIR/results when there is one, else DIR; None when DIR
    is not a directory."""
    source = path.resolve()
    if (source / "results").is_dir():
        source = source / "results"
    return source if source.is_dir() else None


def add_run_meta(results: Results, source: Path) -> None:
    """run.json of the earlier run: its builds, stages, ASLR handling, whether it was bounded or
    --models-only, which runners could mutate, the --models runners' source roots, and what each
    runner's exit status and output said beyond its JSON (its own gate; absent for results
    collected by hand)."""
    try:
        meta: dict[str, Any] = json.loads((source / "run.json").read_text())
    except (OSError, ValueError):
        return
    results.builds = meta.get("builds", {})
    results.stages = meta.get("stages", [])
    results.aslr.update(meta.get("aslr", {}))
    results.bounded_ok = results.bounded_ok or bool(meta.get("bounded_ok"))
    results.models_only = bool(meta.get("models_only"))
    for label, root in (meta.get("source_roots") or {}).items():
        paths.USER_ROOTS[label] = Path(root) if root else None
    for label, mutate in (meta.get("mutate") or {}).items():
        if label in results.model_runs and mutate is not None:
            results.model_runs[label]["mutate"] = bool(mutate)
    for label, run in results.model_runs.items():
        status = (meta.get("runner_status") or {}).get(label) or {}
        if status.get("gated"):
            run["gated"] = list(status["gated"])
        if status.get("ok") is False:
            run.update(ok=False, message=status.get("message", ""))


def load(path: Path, source: Path, bounded_ok: bool, aslr_state: dict[str, Any]) -> Results:
    """The Results saved in `source` (found from the user's `path`)."""
    results = Results(
        mode="from-results",
        model_runs={p.stem[len("models-"):]: load_model_json(p)
                    for p in sorted(source.glob("models-*.json"))},
        ctest={label: load_ctest_json(source / f"ctest-{label}.json", label) for label in LABELS},
        aslr=aslr_state, bounded_ok=bounded_ok, from_results=str(path.resolve()),
        relacy=load_relacy_json(source / "relacy.json"))
    add_run_meta(results, source)
    return results
