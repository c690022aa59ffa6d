"""Where things are: the source tree, its builds, and paths made relative to it (the reports name
files relative to the source root, so they read the same on every machine)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = {"default": ROOT / "build" / "default", "tsan": ROOT / "build" / "tsan"}
MATRIX_FILE = ROOT / "matrix" / "variants.json"


def repo_relative(path: str | None) -> str | None:
    """`path` relative to the source root. A relative path is taken as it is (the explorer names
    files relative to the root); an absolute one is relativised, also when it was recorded on
    another machine or checkout (TSan's and clang's absolute paths in saved results): then it is
    the longest suffix of it that exists here. None when it is not ours."""
    if not path:
        return None
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except (ValueError, OSError):
        pass
    parts = p.parts
    for i in range(1, len(parts)):
        candidate = Path(*parts[i:])
        if (ROOT / candidate).is_file():
            return candidate.as_posix()
    return None


_SOURCE_CACHE: dict[str, list[str]] = {}


def source_line(relative: str | None, line: int | None) -> str:
    """The text of a source line (the HTML report shows it next to each step), or '' when it
    cannot be read."""
    if not relative or not line:
        return ""
    if relative not in _SOURCE_CACHE:
        try:
            _SOURCE_CACHE[relative] = (ROOT / relative).read_text(errors="replace").splitlines()
        except OSError:
            _SOURCE_CACHE[relative] = []
    lines = _SOURCE_CACHE[relative]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
