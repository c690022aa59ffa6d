"""The live run: stages 1-6 (build, explorer, the tsan build's three ctest labels, Relacy), each one
progress line, their raw results saved into the report directory's results/ (so that
--from-results can judge them again) and their whole output into logs/. With --models-only, only
stage 2 runs, over the --models runners: their project built them, and no TSan or static check of
theirs is registered here."""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from . import paths
from .judging.models import evaluate_model
from .progress import Progress
from .results import Results
from .stages.build import BuildResult, build_preset
from .stages.ctest import run_ctest_label
from .stages.explorer import run_models
from .stages.relacy import TARGET as RELACY_TARGET
from .stages.relacy import configured_dir as relacy_dir
from .stages.relacy import run_relacy
from .text import plural
from .tsan_tools import aslr

CTEST_STAGES = (
    (3, "race", "tsan: the race suite against the fixes (label 'race')", "clean"),
    (4, "tsan-negative", "tsan: the negative controls, the explorer's counterexamples replayed "
                         "(label 'tsan-negative')", "caught"),
    (4, "replay-gate", "tsan: the replay's self-check, its gate made visible must disagree "
                       "(label 'replay-gate')", "as expected"),
    (5, "static", "static: -Wthread-safety accepts the fixes, rejects the pre-fix variants at "
                  "their lines (label 'static')", "as expected"),
)


@dataclasses.dataclass
class LiveRun:
    args: argparse.Namespace
    runners: list[tuple[str, str, str]]
    report_dir: Path
    progress: Progress
    results: Results

    @property
    def logs(self) -> Path:
        return self.report_dir / "logs"

    @property
    def saved(self) -> Path:
        return self.report_dir / "results"

    def stage_done(self, name: str, ok: bool, text: str, started: float) -> None:
        self.progress.end(text, started)
        self.results.stages.append({"name": name, "ok": ok, "summary": text,
                                    "seconds": round(time.monotonic() - started, 1)})

    def build(self) -> tuple[BuildResult, BuildResult]:
        """Stage 1: the default preset's model runners, then the whole tsan preset."""
        started = self.progress.start(1, "build: default preset (model runners), tsan preset")
        a = self.args
        targets = [t for _, t, _ in self.runners if t] + ([RELACY_TARGET] if relacy_dir() else [])
        default = build_preset("default", targets, a.jobs, self.logs / "build-default.log",
                               a.verbose, a.skip_build)
        tsan = build_preset("tsan", [], a.jobs, self.logs / "build-tsan.log", a.verbose,
                            a.skip_build)
        self.results.builds = {b.preset: dataclasses.asdict(b) for b in (default, tsan)}
        text = "; ".join(f"{b.preset} {'ok' if b.ok else 'FAILED: ' + b.message}"
                         for b in (default, tsan))
        self.stage_done("build", default.ok and tsan.ok, text, started)
        return default, tsan

    def explore(self, built: bool, time_limit: float | None) -> None:
        """Stage 2: every model runner (when the default build succeeded)."""
        a = self.args
        bound_text = (f", each search stopped after {time_limit:g} s" if time_limit else "") + (
            f", at most {a.preemption_bound} preemptions" if a.preemption_bound is not None
            else "")
        started = self.progress.start(2, f"explorer: every model, fixes exhaustively{bound_text}")
        if built:
            runs = run_models(self.runners, self.saved, self.logs, a.jobs, time_limit,
                              a.preemption_bound, a.verbose, a.source_roots)
        else:
            runs = {label: {"ok": False, "message": "the default build failed", "models": []}
                    for label, _, _ in self.runners}
        self.results.model_runs = runs
        text = "; ".join(self.runner_count(label, run) for label, run in runs.items())
        self.stage_done("explorer", all(r.get("ok", True) for r in runs.values()), text, started)

    def runner_count(self, label: str, run: dict[str, Any]) -> str:
        """'emitter 33/33 as expected, 74 mutant runs (60 killed)'."""
        models = run.get("models", [])
        good = sum(evaluate_model(m, self.results.bounded_ok)["ok"] for m in models)
        mutated = run.get("mutants")
        return (f"{label} {good}/{len(models)} as expected"
                + ("" if run.get("ok", True) else f" ({run.get('message')})")
                + (f", {plural(len(mutated), 'mutant run')} "
                   f"({sum(m.get('verdict') == 'killed' for m in mutated)} killed)"
                   if mutated is not None else ""))

    def relacy(self, built: bool) -> None:
        """Stage 6: Relacy's own search of the emitter's models, when the build has a Relacy
        checkout (else the stage says "not configured" and nothing runs)."""
        checkout = relacy_dir()
        started = self.progress.start(6, "relacy: the emitter's models as Relacy test suites"
                                      + (f" ({checkout})" if checkout else ""))
        if not checkout:
            self.results.relacy = run_relacy(self.saved, self.logs, self.args.verbose)
            self.stage_done("relacy", True, "not configured (cmake -DDC_RELACY_DIR=...)", started)
            return
        if self.args.quick:  # its searches take minutes: not a smoke test's
            self.results.relacy = {"configured": True, "skipped": "--quick", "models": [],
                                   "relacy": {"dir": checkout}}
            (self.saved / "relacy.json").write_text(json.dumps(self.results.relacy) + "\n")
            self.stage_done("relacy", True, "not run (--quick)", started)
            return
        if built:
            run = run_relacy(self.saved, self.logs, self.args.verbose)
        else:
            run = {"configured": True, "ok": False, "message": "the default build failed",
                   "models": []}
        self.results.relacy = run
        suites = [m for m in run.get("models", []) if not m.get("skipped")]
        good = sum(bool(m.get("as_expected")) for m in suites)
        text = (f"{good}/{len(suites)} as expected" if run.get("ok", True) or suites
                else f"FAILED: {run.get('message')}")
        self.stage_done("relacy", run.get("ok", True) and good == len(suites), text, started)

    def setarch_up_front(self) -> None:
        """Whether the TSan tests run under setarch -R from the start (the kernel needs it)."""
        state = self.results.aslr
        state["prefix"] = aslr.prefix() if aslr.needed() else []
        if state["prefix"]:
            self.progress.note(f"vm.mmap_rnd_bits={aslr.mmap_rnd_bits()} > {aslr.MAX_BITS}: "
                               f"running the TSan tests under '{' '.join(aslr.prefix())}' "
                               "(ASLR off)")
        state["setarch"] = "always (mmap_rnd_bits > 28)" if state["prefix"] else "not needed"

    def check_tsan(self, tsan: BuildResult) -> None:
        """Stages 3-5. The static checks compile sources by themselves: they need a configured
        build only."""
        for number, label, title, word in CTEST_STAGES:
            started = self.progress.start(number, title)
            if number == 3:
                self.setarch_up_front()
            if not tsan.configured or (label != "static" and not tsan.ok):
                record = {"label": label, "preset": "tsan", "ran": False, "tests": [],
                          "notes": [f"not run: the tsan build failed ({tsan.message})"]}
            else:
                record = run_ctest_label(label, self.args.jobs, self.logs, self.args.verbose,
                                         self.progress, self.results.aslr)
            self.results.ctest[label] = record
            passed = sum(t["passed"] for t in record["tests"])
            text = (f"{passed}/{len(record['tests'])} {word}" if record["ran"] else
                    "; ".join(record["notes"]))
            self.stage_done(label, record["ran"] and passed == len(record["tests"]), text,
                            started)
            (self.saved / f"ctest-{label}.json").write_text(json.dumps(record, indent=1) + "\n")
        if self.results.aslr.get("retried"):
            self.results.aslr["setarch"] = "retried after 'unexpected memory mapping'"
        self.results.aslr.pop("prefix", None)

    def skip(self, number: int, title: str, why: str) -> None:
        """A stage --models-only does not run, said on its progress line."""
        started = self.progress.start(number, title)
        self.stage_done(title.split(":", 1)[0], True, f"not run ({why})", started)

    def save_meta(self) -> None:
        """run.json: what --from-results needs besides the raw results (and what a runner's exit
        status and output said that its JSON does not)."""
        r = self.results
        (self.saved / "run.json").write_text(json.dumps(
            {"builds": r.builds, "stages": r.stages, "aslr": r.aslr, "bounded_ok": r.bounded_ok,
             "mode": r.mode, "models_only": r.models_only,
             "source_roots": {label: str(root) if root else None
                              for label, root in paths.USER_ROOTS.items()},
             "mutate": {label: run.get("mutate") for label, run in r.model_runs.items()},
             "runner_status": {label: {"ok": run.get("ok", True),
                                       "message": run.get("message", ""),
                                       "gated": run.get("gated") or []}
                               for label, run in r.model_runs.items()}}, indent=1) + "\n")


def run(args: argparse.Namespace, runners: list[tuple[str, str, str]], report_dir: Path,
        progress: Progress, results: Results, time_limit: float | None) -> None:
    """Stages 1-5 into `results` (stage 2 only with --models-only)."""
    live = LiveRun(args, runners, report_dir, progress, results)
    if results.models_only:
        live.skip(1, "build: the --models runners' own projects build them", "--models-only")
        live.explore(True, time_limit)
        live.skip(3, "tsan, static: doublecheck's own race suite and checks", "--models-only")
        live.skip(6, "relacy: the emitter's models as Relacy test suites", "--models-only")
        live.save_meta()
        return
    default, tsan = live.build()
    live.explore(default.ok, time_limit)
    live.check_tsan(tsan)
    live.relacy(default.ok)
    live.save_meta()
