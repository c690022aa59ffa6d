"""The command line: the options, then one of two paths, the live run (live.run) or the results
of an earlier run (from_results.load), which meet in finish(): judge, write the reports, print the
matrix, the mutants and the verdict."""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from . import from_results, live, matrix, paths
from .console import print_matrix, print_mutants, print_verdict
from .judging.tsan import replay_gate_result
from .judging.variants import build_variants
from .judging.verdict import EXIT_CANT_CREATE, EXIT_FIX_NOT_PROVEN, EXIT_USAGE, verdict_of
from .mutation.gate import mutation_results
from .mutation.mutants import build_mutants
from .paths import ROOT
from .progress import Progress
from .reports import write_reports
from .reports.json import build_report
from .results import Results
from .stages.explorer import MODEL_RUNNERS
from .tsan_tools import aslr

QUICK_TIME_LIMIT = 10.0  # seconds per model search under --quick
EPILOG = ("Exit: 0 VERIFIED; 1 a fix is not proven; 2 a checker failed to catch a known bug, or "
          "the harness failed a self-check (the explorer and TSan disagree on the model's own "
          "interleaving) (2 wins); 64 usage; 73 the report directory cannot be written.")


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 64, not argparse's 2 (= checker blind)
        self.print_usage(sys.stderr)
        print(f"scripts/verify: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def make_parser(description: str) -> Parser:
    """The options (README.md, "Two commands", says what each is for)."""
    parser = Parser(prog="scripts/verify", description=description,
                    formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2,
                        help="build, ctest and explorer parallelism (default: the number of cores)")
    parser.add_argument("--quick", action="store_true",
                        help=f"CI smoke run: each model search stops after --time-limit "
                             f"(default {QUICK_TIME_LIMIT:g} s); a model cut short is marked "
                             "bounded and does not fail the run")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per model search (implies a bounded run)")
    parser.add_argument("--preemption-bound", type=int, default=None,
                        help="explore only executions with at most N preemptions (bounded run)")
    parser.add_argument("--report-dir", type=Path, default=ROOT / "build" / "report",
                        help="where the reports go (default: build/report)")
    parser.add_argument("--from-results", type=Path, metavar="DIR",
                        help="build the reports and the verdict from results collected earlier "
                             "(DIR or DIR/results holds models-*.json, ctest-*.json); runs nothing")
    parser.add_argument("--models", action="append", default=[], metavar="LABEL=PROGRAM",
                        help="another model runner to run (dc_model's --json schema, e.g. "
                             "run_catalogue's); repeatable")
    parser.add_argument("--models-only", action="store_true",
                        help="run only the --models runners (built by their own project): no "
                             "build, no emitter or examples models, no TSan or static stages; "
                             "the verdict is over their variants alone (a fix proven, its gated "
                             "mutants killed, a negative control caught)")
    parser.add_argument("--source-root", action="append", default=[], metavar="LABEL=DIR",
                        help="the source root of --models runner LABEL: verify runs it with "
                             "--source-root DIR and reads its files' lines there (the HTML "
                             "report's source lines, verify.sarif's SRCROOT_LABEL); without it, "
                             "its files are named as it names them, relative to its own root, "
                             "and never looked up in doublecheck's")
    parser.add_argument("--skip-build", action="store_true", help="use the existing build/*")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="show every command's output as it runs (it is in logs/ anyway)")
    return parser


def model_runners(parser: Parser, specs: list[str],
                  models_only: bool = False) -> list[tuple[str, str, str]]:
    """MODEL_RUNNERS (not with --models-only) and those of --models LABEL=PROGRAM."""
    runners = [] if models_only else list(MODEL_RUNNERS)
    for spec in specs:
        label, sep, program = spec.partition("=")
        if not sep or not label or not program or not re.fullmatch(r"[A-Za-z0-9_.-]+", label):
            parser.error(f"--models wants LABEL=PROGRAM, not '{spec}'")
        if any(label == known for known, _, _ in runners):
            parser.error(f"--models {spec}: the label '{label}' is taken")
        runners.append((label, "", str(Path(program).resolve())))
    return runners


def source_roots(parser: Parser, specs: list[str],
                 runners: list[tuple[str, str, str]]) -> dict[str, Path]:
    """--source-root LABEL=DIR: each a --models runner's, DIR a directory."""
    labels = {label for label, target, _ in runners if not target}
    roots: dict[str, Path] = {}
    for spec in specs:
        label, sep, directory = spec.partition("=")
        if not sep or label not in labels:
            parser.error(f"--source-root wants LABEL=DIR with the LABEL of a --models runner, "
                         f"not '{spec}'")
        if not Path(directory).is_dir():
            parser.error(f"--source-root {spec}: not a directory")
        roots[label] = Path(directory).resolve()
    return roots


def prepare_report_dir(path: Path) -> str | None:
    """Creates the report directory and checks it can be written; returns why not, or None."""
    try:
        for sub in ("", "results", "logs"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("", "results", "logs"):
            with tempfile.NamedTemporaryFile(dir=path / sub, prefix=".verify-probe-"):
                pass
    except OSError as error:
        return f"{error.strerror or error} ({error.filename or path})"
    return None


def finish(results: Results, report_dir: Path, title: str, progress: Progress,
           started_wall: str, started: float) -> int:
    """Stage 7 and the end: judge the results, write the reports, print the matrix, the mutants
    and the verdict; returns the exit status."""
    stage = progress.start(7, title)
    variants = build_variants(results.model_runs, results.ctest, results.builds,
                              results.bounded_ok, matrix_rows=not results.models_only,
                              relacy=results.relacy)
    mutants = build_mutants(results.model_runs, variants)
    mutation_results(variants, mutants, results.model_runs, results.builds)
    gate = None if results.models_only else replay_gate_result(results.ctest, results.builds)
    verdict = verdict_of(variants, results.builds, results.model_runs, results.bounded_ok, gate)
    report = build_report(results, variants, mutants, verdict, started_wall,
                          time.monotonic() - started)
    try:
        written = write_reports(report_dir, report, results)
    except OSError as error:
        progress.end(f"FAILED writing the reports: {error}", stage)
        print_matrix(variants)
        print_mutants(mutants, variants, results.model_runs)
        print_verdict(verdict, variants)
        return EXIT_CANT_CREATE
    progress.end(", ".join(written), stage)
    print_matrix(variants)
    print_mutants(mutants, variants, results.model_runs)
    for note in report["notes"]:
        print(f"  note: {note}")
    print_verdict(verdict, variants)
    print(f"reports: {report_dir}/index.html (and verify.json, junit.xml, verify.sarif); "
          f"{time.monotonic() - started:.0f}s in all")
    return verdict["exit_code"]


def refusal(report_dir: Path) -> tuple[str, int] | None:
    """Why nothing can run, checked before anything does: the matrix cannot be read (nothing can
    be judged: a fix is not proven), or the report directory cannot be written."""
    try:
        matrix.variants()
    except matrix.MatrixError as error:
        return (f"scripts/verify: cannot read the verdict matrix: {error}. Nothing was run.",
                EXIT_FIX_NOT_PROVEN)
    problem = prepare_report_dir(report_dir)
    if problem:
        return (f"scripts/verify: cannot write the report directory {report_dir}: {problem}. "
                "Nothing was run; choose another with --report-dir DIR.", EXIT_CANT_CREATE)
    return None


def main(description: str) -> int:
    """scripts/verify: the options, then the run from earlier results or the live run."""
    parser = make_parser(description)
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.models_only and not args.models:
        parser.error("--models-only needs at least one --models LABEL=PROGRAM")
    runners = model_runners(parser, args.models, args.models_only)
    args.source_roots = source_roots(parser, args.source_root, runners)
    source = from_results.results_dir(args.from_results) if args.from_results else None
    if args.from_results and source is None:
        parser.error(f"--from-results {args.from_results}: not a directory")
    report_dir = args.report_dir.resolve()
    refused = refusal(report_dir)
    if refused:
        print(refused[0], file=sys.stderr)
        return refused[1]

    started_wall = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    progress = Progress()
    bounded_ok = args.quick or args.time_limit is not None or args.preemption_bound is not None
    aslr_state = {"notes": [], "retried": False, "runner_retries": 0,
                  "mmap_rnd_bits": aslr.mmap_rnd_bits()}
    if source is not None:
        results = from_results.load(args.from_results, source, bounded_ok, aslr_state)
        results.models_only = results.models_only or args.models_only
        for label, target, _ in runners:
            if not target:
                paths.USER_ROOTS.setdefault(label, args.source_roots.get(label))
        title = f"reports from {source}"
    else:
        results = Results(mode="quick" if args.quick else ("bounded" if bounded_ok else "full"),
                          model_runs={}, ctest={}, aslr=aslr_state, bounded_ok=bounded_ok,
                          models_only=args.models_only)
        paths.USER_ROOTS.update({label: args.source_roots.get(label)
                                 for label, target, _ in runners if not target})
        live.run(args, runners, report_dir, progress, results,
                 args.time_limit if args.time_limit is not None else
                 QUICK_TIME_LIMIT if args.quick else None)
        title = f"reports into {report_dir}"
    return finish(results, report_dir, title, progress, started_wall, started)
