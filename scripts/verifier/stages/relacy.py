"""The Relacy stage: the Relacy Race Detector's own check of the emitter's models (dc_relacy,
relacy_backend/), run when the default build is configured with a Relacy checkout
(-DDC_RELACY_DIR=..., which its CMakeCache.txt records). Without one nothing runs, and every row's
relacy line says "not configured": a line nothing counts as a pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..paths import BUILD
from ..process import run_logged
from ..text import describe_exit, tail

TARGET = "dc_relacy"
PROGRAM = "relacy_backend/dc_relacy"
SCHEMA = "doublecheck-relacy-run/1"
NOT_CONFIGURED: dict[str, Any] = {"configured": False}


def configured_dir(build: Path | None = None) -> str | None:
    """The Relacy checkout the default build is configured with, or None (its cache is the one
    place that says; cmake/relacy.cmake refuses a directory without relacy/relacy.hpp)."""
    cache = (build or BUILD["default"]) / "CMakeCache.txt"
    try:
        for line in cache.read_text(errors="replace").splitlines():
            if line.startswith("DC_RELACY_DIR:"):
                value = line.split("=", 1)[1].strip()
                return value or None
    except OSError:
        return None
    return None


def run_relacy(results_dir: Path, logs: Path, verbose: bool) -> dict[str, Any]:
    """dc_relacy --json over every model: {"configured", "ok", "message", "models", "relacy",
    "options"}; {"configured": False} when the build has no Relacy checkout."""
    relacy_dir = configured_dir()
    json_file = results_dir / "relacy.json"
    json_file.unlink(missing_ok=True)
    if relacy_dir is None:
        json_file.write_text(json.dumps(NOT_CONFIGURED) + "\n")
        return dict(NOT_CONFIGURED)
    program = BUILD["default"] / PROGRAM
    if not program.exists():
        return {"configured": True, "ok": False, "message": f"{program} was not built",
                "models": [], "relacy": {"dir": relacy_dir}}
    code, text = run_logged([str(program), "--json", str(json_file)], logs / "relacy.log",
                            verbose)
    failed = {"configured": True, "ok": False, "models": [], "relacy": {"dir": relacy_dir},
              "message": f"{program.name} {describe_exit(code)}: {tail(text, 3).strip()}"}
    if not json_file.exists():  # it ended before its report: configured, and failed
        json_file.write_text(json.dumps(failed) + "\n")
        return failed
    entry = load_relacy_json(json_file)
    if code not in (0, 1):  # 1: some model not as expected (the JSON says which)
        entry.update(ok=False, message=failed["message"])
    return entry


def load_relacy_json(path: Path) -> dict[str, Any]:
    """dc_relacy's results as run_relacy returns them; a missing file is "not configured" (a run
    from before the backend existed), a broken one a failed run."""
    try:
        data = json.loads(path.read_text())
    except OSError:
        return dict(NOT_CONFIGURED)
    except ValueError as error:
        return {"configured": True, "ok": False, "message": f"{path.name}: {error}",
                "models": []}
    if isinstance(data, dict) and data.get("configured") is False:
        return dict(NOT_CONFIGURED)
    if isinstance(data, dict) and (data.get("skipped") or (data.get("configured") is True
                                                         and data.get("ok") is False)):
        return data  # live.relacy's own records: not run (--quick), or dc_relacy failed
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(
            data.get("models"), list):
        return {"configured": True, "ok": False,
                "message": f"{path.name} is not a {SCHEMA} file", "models": []}
    return {"configured": True, "ok": True, "message": "", "models": data["models"],
            "relacy": data.get("relacy") or {}, "options": data.get("options") or {}}
