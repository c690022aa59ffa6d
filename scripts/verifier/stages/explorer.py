"""Stage 2: the model runners, each with --json (schema doublecheck-model-run/1), and with
--mutate when it has it (fix-necessity mutation in the same run: it adds "mutants" to the JSON and
leaves every model's own result as it is).

A runner's own gate (a fix it gates with `registry.gate`, whose every mutant must be killed) is not
in its JSON: the runner says it by its exit status and its "fix not shown necessary: <site>
(<weakening> survives ...)" lines. Those lines make the variants they name gated for verify too
("gated"), so a surviving mutant of a user's gated fix fails verify as one of the fixed emitter's
does; an exit status 1 that neither the JSON nor such a line explains fails the runner."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from ..paths import BUILD
from ..process import run_logged
from ..text import describe_exit, tail

# The model runners: (label, CMake target, program under build/default). A runner writes
# `--json FILE` in the schema doublecheck-model-run/1 and takes --jobs, --time-limit and
# --preemption-bound. Add yours here (README.md, "Auditing your own fix"), or pass --models.
MODEL_RUNNERS = [
    ("emitter", "dc_model_runner", "model/dc_model"),
    ("examples", "dc_examples", "model/examples/dc_examples"),
]


def run_models(runners: list[tuple[str, str, str]], results_dir: Path, logs: Path, jobs: int,
               time_limit: float | None, preemption_bound: int | None, verbose: bool,
               source_roots: dict[str, Path] | None = None) -> dict[str, dict[str, Any]]:
    """Runs each model runner (with --source-root DIR when `source_roots` has its label);
    returns label -> {"ok", "message", "models", ...} (a runner that was not built or crashed is
    an entry saying so)."""
    out: dict[str, dict[str, Any]] = {}
    for label, _, program in runners:
        path = Path(program) if Path(program).is_absolute() else BUILD["default"] / program
        json_file = results_dir / f"models-{label}.json"
        json_file.unlink(missing_ok=True)
        if not path.exists():
            out[label] = {"ok": False, "message": f"{path} was not built", "models": []}
            continue
        mutate = supports_mutate(path)
        cmd = runner_command(path, json_file, jobs, mutate, time_limit, preemption_bound)
        if label in (source_roots or {}):
            cmd += ["--source-root", str((source_roots or {})[label])]
        code, text = run_logged(cmd, logs / f"models-{label}.log", verbose)
        entry = load_model_json(json_file)
        entry["mutate"] = mutate
        if code not in (0, 1):  # 1: some model not as expected, or a gated fix's mutant survived
            entry.update(ok=False, message=f"{path.name} {describe_exit(code)}: "
                                          f"{tail(text, 3).strip()}")
        elif entry["ok"]:
            add_runner_gate(entry, path.name, code, text)
        out[label] = entry
    return out


# dc_model's and run_catalogue's line for each surviving mutant of a gated fix (cli.cpp, finish).
NOT_SHOWN_LINE = re.compile(r"^fix not shown necessary: (?P<site>.+) \((?P<weakening>.+) survives "
                            r"every model that meets it\)$", re.MULTILINE)


def add_runner_gate(entry: dict[str, Any], program: str, code: int, text: str) -> None:
    """The runner's own gate, from its output: `entry["gated"]`, the variants whose surviving
    mutants it said fail it. A status 1 with every model as expected and no such line (or one
    that names no surviving mutant of the fix in the JSON) is the runner failing for a reason
    verify cannot see: the runner is not ok."""
    survivors = {(str(m.get("site")), str(m.get("weakening"))): str(m.get("variant"))
                 for m in entry.get("mutation_summary") or entry.get("mutants") or []
                 if m.get("in_fix", True) and m.get("verdict") == "survived"}
    gated: list[str] = []
    unexplained: list[str] = []
    for line in NOT_SHOWN_LINE.finditer(text):
        variant = survivors.get((line["site"], line["weakening"]))
        if variant is None:
            unexplained.append(line.group(0))
        elif variant not in gated:
            gated.append(variant)
    entry["gated"] = gated
    as_expected = all(m.get("as_expected", True) for m in entry["models"])
    if unexplained:
        entry.update(ok=False, message=f"{program} said '{unexplained[0]}', which no surviving "
                                       "mutant of a fix in its --json results is")
    elif code == 1 and as_expected and not gated:
        entry.update(ok=False, message=f"{program} {describe_exit(code)} with every model as "
                                       f"expected and no mutant of a gated fix surviving: "
                                       f"{tail(text, 3).strip()}")


def runner_command(path: Path, json_file: Path, jobs: int, mutate: bool,
                   time_limit: float | None, preemption_bound: int | None) -> list[str]:
    cmd = [str(path), "--json", str(json_file), "--jobs", str(jobs)]
    if mutate:
        cmd.append("--mutate")
    if time_limit:
        cmd += ["--time-limit", f"{time_limit:g}"]
    if preemption_bound is not None:
        cmd += ["--preemption-bound", str(preemption_bound)]
    return cmd


def load_model_json(path: Path) -> dict[str, Any]:
    """A runner's results: {"ok", "message", "models", "schema"} and, from dc_model --mutate,
    "mutants" and "mutation_summary"; ok False with why when the file is missing or not one."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        return {"ok": False, "message": f"no results in {path.name}: {error}", "models": []}
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        return {"ok": False, "message": f"{path.name} is not a doublecheck-model-run file",
                "models": []}
    entry = {"ok": True, "message": "", "models": data["models"], "schema": data.get("schema")}
    if isinstance(data.get("mutants"), list):
        entry["mutants"] = data["mutants"]
        entry["mutation_summary"] = data.get("mutation_summary") or []
    return entry


def supports_mutate(program: Path) -> bool:
    """Whether a model runner has dc_model's --mutate: its --help says."""
    try:
        proc = subprocess.run([str(program), "--help"], capture_output=True, text=True,
                              errors="replace", timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and "--mutate" in proc.stdout
