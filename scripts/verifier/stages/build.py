"""Stage 1: the builds, incrementally, through the CMake presets. A build that fails because the
thread-safety analysis rejects the emitter is the static check catching a broken fix, so its
diagnostics are kept."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from ..paths import BUILD, repo_relative
from ..patterns import CLANG_DIAG, clang_message
from ..process import run_logged
from ..text import describe_exit


@dataclasses.dataclass
class BuildResult:
    preset: str
    ok: bool
    configured: bool
    message: str = ""
    seconds: float = 0.0
    static_errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def build_preset(preset: str, targets: list[str], jobs: int, log: Path, verbose: bool,
                 skip: bool) -> BuildResult:
    """Configures and builds `preset` (only `targets`, when given); with `skip`, only checks that
    the build exists."""
    started = time.monotonic()
    if skip:
        ok = (BUILD[preset] / "CTestTestfile.cmake").exists()
        return BuildResult(preset, ok, ok, "skipped (--skip-build)" + ("" if ok else ": no build"))
    code, _ = run_logged(["cmake", "--preset", preset], log, verbose)
    if code != 0:
        return BuildResult(preset, False, False, f"cmake --preset {preset} {describe_exit(code)}",
                           round(time.monotonic() - started, 1))
    cmd = ["cmake", "--build", "--preset", preset, "-j", str(jobs)]
    for target in targets:
        cmd += ["--target", target]
    code, text = run_logged(cmd, log, verbose)
    result = BuildResult(preset, code == 0, True, "" if code == 0 else describe_exit(code),
                         round(time.monotonic() - started, 1))
    if code != 0:
        add_compile_errors(result, text)
    return result


def add_compile_errors(result: BuildResult, text: str) -> None:
    """The build's clang errors, each once, into `result`; the first also into its message."""
    for diag in CLANG_DIAG.finditer(text):
        entry = {"file": repo_relative(diag["file"]) or diag["file"], "line": int(diag["line"]),
                 "message": diag["msg"]}
        if entry not in result.static_errors:
            result.static_errors.append(entry)
    first = next(iter(result.static_errors), None)
    if first:
        result.message += f": {first['file']}:{first['line']}: {clang_message(first['message'])}"
