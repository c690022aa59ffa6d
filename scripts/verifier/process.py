"""Running a command with its output logged: every command verify runs leaves its whole output in
logs/, whatever the reports keep of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .paths import ROOT


def run_logged(cmd: list[str], log: Path, verbose: bool, env: dict[str, str] | None = None,
               cwd: Path = ROOT) -> tuple[int, str]:
    """Runs `cmd`, its output appended to `log` (and onto the terminal with --verbose); returns
    its exit status and output (127 when it cannot be started)."""
    with open(log, "a", encoding="utf-8") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, errors="replace", env=env)
        except OSError as error:
            out.write(f"cannot run: {error}\n")
            return 127, f"cannot run {cmd[0]}: {error}\n"
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            out.write(line)
            lines.append(line)
            if verbose:
                sys.stdout.write(line)
        code = proc.wait()
        out.write(f"(exit status {code})\n")
    return code, "".join(lines)
