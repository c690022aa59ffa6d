"""The verdict matrix, read from matrix/variants.json (schema doublecheck-matrix/1), where it is
written once for CMake, the explorer's catalogue, verify and its tests: each variant's role, title
and expected verdicts, which race suites check a fix, whether it has a static check, and which fix
gates the verdict through mutation ("mutate": true). The TSan negative controls and the static
checks registered from it carry the ctest label `variant=<id>`, which is how verify knows which
row a test checks (ctest_label_variant)."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

from .paths import MATRIX_FILE

SCHEMA = "doublecheck-matrix/1"
RUNNER = "emitter"  # the model runner whose variants the matrix describes (dc_model)
ROLES = ("fix", "negative control")
VARIANT_LABEL = "variant="


class MatrixError(Exception):
    """matrix/variants.json cannot be read, or is not a doublecheck-matrix/1 file."""


@dataclasses.dataclass(frozen=True)
class Variant:
    """A row of the matrix. expected_tsan None: no TSan check applies (model only); expected_static
    None: no static check applies. `race_suites` (fixes) are the gtest suites of the race suite
    that check it; a negative control's TSan and static tests are those labelled variant=<name>.
    `static_expect` maps each static check the matrix declares to "accept" or "reject"."""

    name: str
    title: str
    role: str
    expected_model: str
    expected_tsan: str | None
    expected_static: str | None = None
    race_suites: tuple[str, ...] = ()
    static_expect: tuple[tuple[str, str], ...] = ()
    mutate: bool = False
    source: str = RUNNER


def variant_from(raw: dict[str, Any]) -> Variant:
    """One variant of the file; MatrixError names what is missing or wrong."""
    try:
        name, expected, role = str(raw["id"]), raw["expected"], raw["role"]
        if role not in ROLES:
            raise MatrixError(f"variant {name}: role {role!r} is not one of {ROLES}")
        checked_by_tsan = "tsan" in raw or "race_suites" in raw
        static = raw.get("static")
        return Variant(
            name=name, title=str(raw["title"]), role=role,
            expected_model=str(expected["model"]),
            expected_tsan=str(expected["tsan"]) if checked_by_tsan else None,
            expected_static=str(expected["static"]) if static else None,
            race_suites=tuple(raw.get("race_suites") or ()),
            static_expect=tuple((str(s["test"]), str(s["expect"])) for s in static or ()),
            mutate=bool(raw.get("mutate")))
    except (KeyError, TypeError) as error:
        raise MatrixError(f"variant {raw.get('id', '?') if isinstance(raw, dict) else raw!r}: "
                          f"missing or malformed field {error}") from error


def load(path: Path = MATRIX_FILE) -> list[Variant]:
    """The variants of `path`, in its order (the order of the verdict matrix)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise MatrixError(f"{path}: {error}") from error
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise MatrixError(f"{path}: not a {SCHEMA} file")
    variants = [variant_from(raw) for raw in data.get("variants") or []]
    if not any(v.mutate and v.role == "fix" for v in variants):
        raise MatrixError(f"{path}: no fix has \"mutate\": true (the fix that gates the verdict)")
    return variants


@functools.cache
def variants() -> tuple[Variant, ...]:
    """The matrix of this checkout, read once."""
    return tuple(load())


def gate() -> set[tuple[str, str]]:
    """The (runner, variant) whose fix must be shown necessary: every mutant of it killed, or
    verify exits 1 with "fix not shown necessary: <site>"."""
    return {(v.source, v.name) for v in variants() if v.mutate}


def fixed_emitter() -> Variant:
    """The fixed emitter: the gated fix, which the race tests and static checks no variant claims
    check (the race suite's default subject is the production emitter)."""
    return next(v for v in variants() if v.mutate and v.role == "fix")


def ctest_label_variant(labels: list[str]) -> str | None:
    """The variant a ctest entry checks, from its `variant=<id>` label; None when unlabelled."""
    return next((label[len(VARIANT_LABEL):] for label in labels
                 if label.startswith(VARIANT_LABEL)), None)
