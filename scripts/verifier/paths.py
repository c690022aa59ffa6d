"""Where things are: the source tree, its builds, and paths made relative to it (the reports name
files relative to the source root, so they read the same on every machine); a --models runner's
files relative to its own source root."""

from __future__ import annotations

import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = {"default": ROOT / "build" / "default", "tsan": ROOT / "build" / "tsan"}
MATRIX_FILE = ROOT / "matrix" / "variants.json"


@functools.lru_cache(maxsize=None)  # a report names a few files thousands of times
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


# The --models runners: label -> their source root (--source-root LABEL=DIR), None when not given.
# Their files are named relative to their own root, never to this one; every other runner's
# (dc_model's, dc_examples') root is ROOT.
USER_ROOTS: dict[str, Path | None] = {}


def runner_root(label: str | None) -> Path | None:
    """The directory runner `label`'s files are relative to (None: a --models runner whose root
    verify was not told)."""
    return USER_ROOTS[label] if label in USER_ROOTS else ROOT


def runner_relative(label: str | None, path: str | None) -> str | None:
    """A file as runner `label` names it, relative to its source root: as repo_relative for
    doublecheck's runners; for a --models runner, a relative path as it is (its runner made it
    relative to its root) and an absolute one relative to its root when under it, else as it is
    (a file outside the user's sources, such as an installed header): never matched against this
    source tree."""
    if label not in USER_ROOTS:
        return repo_relative(path)
    if not path:
        return None
    p, root = Path(path), USER_ROOTS[label]
    if p.is_absolute() and root is not None:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            pass
    return p.as_posix()


_SOURCE_CACHE: dict[Path, list[str]] = {}


def source_line(relative: str | None, line: int | None, label: str | None = None) -> str:
    """The text of a source line of runner `label` (doublecheck's own sources by default; the
    HTML report shows it next to each step), or '' when it cannot be read."""
    root = runner_root(label)
    if not relative or not line or root is None:
        return ""
    path = root / relative
    if path not in _SOURCE_CACHE:
        try:
            _SOURCE_CACHE[path] = path.read_text(errors="replace").splitlines()
        except OSError:
            _SOURCE_CACHE[path] = []
    lines = _SOURCE_CACHE[path]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
