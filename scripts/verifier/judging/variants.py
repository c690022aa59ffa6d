"""The rows of the verdict matrix as measured: one per variant of matrix/variants.json, in its
order, then one per variant another runner (or the emitter's catalogue) has that the matrix does
not, each with its models and tests judged by every checker that applies.

Which tests check a row is read, never guessed from a name: a fix's race tests are those with the
ctest label `variant=<id>` of a row (its sampled schedules replayed, TsanSampledSchedules.<id>.*),
else those of its `race_suites` (ctest names "<suite>.<test>"); a negative control's TSan tests
and every static check are those with the ctest label `variant=<id>`. Tests nothing claims still count: a race test
no suite claims, and a static check with no variant label, check the fixed emitter; a negative
control whose variant the matrix does not know gets a row of that variant, and one with no variant
label a row of its own."""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import matrix
from ..matrix import Variant
from . import models as model_judging
from . import relacy as relacy_judging
from . import static as static_judging
from . import tsan as tsan_judging

UNKNOWN_NEGATIVE = "TSan negative control not in DESIGN.md's matrix"
UNKNOWN_STATIC = "static negative control not in DESIGN.md's matrix"


@dataclasses.dataclass
class Row:
    """A variant and what checks it: its models, its TSan tests (race tests for a fix, negative
    controls otherwise) and its static checks."""

    variant: Variant
    models: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    tsan: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    static: list[dict[str, Any]] = dataclasses.field(default_factory=list)


Rows = dict[tuple[str, str], Row]  # (runner, variant) -> row, in the matrix's order


def add_model_rows(rows: Rows, model_runs: dict[str, dict[str, Any]]) -> None:
    """Gives each model to its row; a variant the matrix does not know (model/examples/, a runner
    of yours, a new variant of the emitter) gets a row of its own, checked by the explorer only."""
    for label, run in model_runs.items():
        for m in run.get("models", []):
            variant = str(m.get("variant") or "unknown")
            if (label, variant) not in rows:
                rows[(label, variant)] = Row(unknown_model_variant(label, variant, run["models"]))
            rows[(label, variant)].models.append(m)


def unknown_model_variant(label: str, variant: str, models: list[dict[str, Any]]) -> Variant:
    """A variant only the models know: a fix when all its models are expected to pass."""
    all_pass = all((m.get("expected") or {}).get("verdict", "pass") == "pass"
                   for m in models if m.get("variant") == variant)
    return Variant(variant, f"{variant} ({label} models)",
                   "fix" if all_pass else "negative control",
                   "pass, exhaustive" if all_pass else
                   model_judging.describe_expected(models, variant), None, source=label)


def labelled_row(rows: Rows, test: dict[str, Any], fallback: Row | None, title: str,
                 **expected: str) -> Row:
    """The row a negative control or static check is labelled with (`variant=<id>`), made when the
    matrix does not have it; `fallback` (None: a row named after the test) when unlabelled. A row
    claimed by a test gains the expectation it checks (`expected_tsan` or `expected_static`)."""
    name = matrix.ctest_label_variant(test.get("labels") or [])
    if name is None and fallback is not None:
        return fallback
    name = name or test["name"]
    key = (matrix.RUNNER, name)
    if key not in rows:
        rows[key] = Row(Variant(name, f"{name} ({title})", "negative control", "-", None))
    row = rows[key]
    missing = {field: text for field, text in expected.items()
               if getattr(row.variant, field) is None}
    if missing:
        row.variant = dataclasses.replace(row.variant, **missing)
    return row


def race_row(rows: Rows, suites: dict[str, Row], fixed: Row, test: dict[str, Any]) -> Row:
    """The row a race test checks: the fix of its `variant=<id>` label (TsanSampledSchedules.
    acq_rel_dcl.init checks acq_rel_dcl; the matrix's row first, else another runner's, which
    then gains TSan's expectation: clean), else its suite's fix, else the fixed emitter."""
    name = matrix.ctest_label_variant(test.get("labels") or [])
    labelled = sorted((key[0] != matrix.RUNNER, key) for key, row in rows.items()
                      if key[1] == name and row.variant.role == "fix")
    if not labelled:
        return suites.get(test["name"].split(".", 1)[0], fixed)
    row = rows[labelled[0][1]]
    if row.variant.expected_tsan is None and row.variant.source != matrix.RUNNER:
        row.variant = dataclasses.replace(row.variant, expected_tsan="clean")
    return row


def add_tests(rows: Rows, ctest: dict[str, dict[str, Any]]) -> None:
    """Gives each race test, negative control and static check to the row that it checks."""
    fixed = rows[(matrix.RUNNER, matrix.fixed_emitter().name)]
    suites = {suite: row for row in rows.values() if row.variant.role == "fix"
              for suite in row.variant.race_suites}
    for t in ctest.get("race", {}).get("tests", []):
        race_row(rows, suites, fixed, t).tsan.append(t)
    for t in ctest.get("tsan-negative", {}).get("tests", []):
        labelled_row(rows, t, None, UNKNOWN_NEGATIVE, expected_tsan="data race").tsan.append(t)
    for t in ctest.get("static", {}).get("tests", []):
        labelled_row(rows, t, fixed, UNKNOWN_STATIC,
                     expected_static="rejected by -Wthread-safety").static.append(t)


def not_built(builds: dict[str, dict[str, Any]], preset: str) -> str | None:
    """'not run: the tsan build failed (...)' when `preset`'s build failed, else None."""
    if builds.get(preset, {}).get("ok") is False:
        return f"not run: the {preset} build failed ({builds[preset].get('message', '')})"
    return None


def model_result(row: Row, model_runs: dict[str, dict[str, Any]],
                 builds: dict[str, dict[str, Any]], bounded_ok: bool) -> dict[str, Any]:
    v = row.variant
    run = model_runs.get(v.source, {})
    if not run:
        why = "no model results"
    elif not run.get("ok", True) and not row.models:
        why = run.get("message") or "the model runner failed"
    else:
        why = f"no model of variant '{v.name}' ran"
    why = not_built(builds, "default") or why
    return model_judging.summarize_models(row.models, v.role, bounded_ok, why)


def tsan_result(row: Row, ctest: dict[str, dict[str, Any]],
                builds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    v = row.variant
    if v.expected_tsan is None:
        return tsan_judging.not_applicable_result()
    record = ctest.get("race" if v.role == "fix" else "tsan-negative", {})
    why = "; ".join(record.get("notes", [])) or f"no TSan test of '{v.name}' ran"
    why = not_built(builds, "tsan") or why
    return tsan_judging.summarize_tsan(row.tsan, v.role, why)


def static_result(row: Row, ctest: dict[str, dict[str, Any]]) -> dict[str, Any]:
    v = row.variant
    why = ("; ".join(ctest.get("static", {}).get("notes", []))
           or f"no static check of '{v.name}' ran")
    return static_judging.summarize_static(row.static, v.role != "fix", why)


def row_entry(row: Row, model_runs: dict[str, dict[str, Any]], ctest: dict[str, dict[str, Any]],
              builds: dict[str, dict[str, Any]], bounded_ok: bool,
              relacy: dict[str, Any]) -> dict[str, Any]:
    """A row of verify.json's `variants`. Its `ok` counts every checker that judged it: a relacy
    cell that is not configured (or has no suite of the row) judged nothing, and counts neither
    way."""
    v = row.variant
    checkers = {"model": model_result(row, model_runs, builds, bounded_ok),
                "tsan": tsan_result(row, ctest, builds)}
    if v.expected_static is not None:
        checkers["static"] = static_result(row, ctest)
    checkers["relacy"] = relacy_judging.summarize_relacy(relacy, v.name, v.source, v.role)
    return {
        "name": v.name, "title": v.title, "role": v.role, "source": v.source,
        "expected": {"model": v.expected_model, "tsan": v.expected_tsan or "not applicable",
                     **({"static": v.expected_static} if v.expected_static else {})},
        "ok": all(c["ok"] for c in checkers.values() if c["ok"] is not None),
        **checkers,
    }


def build_variants(model_runs: dict[str, dict[str, Any]], ctest: dict[str, dict[str, Any]],
                   builds: dict[str, dict[str, Any]], bounded_ok: bool,
                   matrix_rows: bool = True,
                   relacy: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """verify.json's `variants`: every row, judged. Without `matrix_rows` (--models-only), only
    the rows of the runners' own variants: DESIGN.md's matrix is not checked."""
    rows: Rows = {(v.source, v.name): Row(v) for v in matrix.variants()} if matrix_rows else {}
    add_model_rows(rows, model_runs)
    if matrix_rows:
        add_tests(rows, ctest)
    relacy = relacy or {"configured": False}
    return [row_entry(row, model_runs, ctest, builds, bounded_ok, relacy)
            for row in rows.values()]
