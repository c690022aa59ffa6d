"""What a run collected, live or loaded from an earlier run's results/: the input of the judging
and of the reports, so both paths meet in one place (cli.finish)."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class Results:
    """mode: full, quick, bounded or from-results. model_runs: runner label -> its results
    (stages.explorer); ctest: label -> its record (stages.ctest); builds: preset -> BuildResult
    as a dict; stages: the progress lines' results; aslr: how setarch -R was used; models_only:
    only --models runners ran (--models-only), so DESIGN.md's matrix has no rows; relacy: what
    dc_relacy found (stages.relacy), {"configured": False} without a Relacy checkout."""

    mode: str
    model_runs: dict[str, dict[str, Any]]
    ctest: dict[str, dict[str, Any]]
    builds: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    stages: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    aslr: dict[str, Any] = dataclasses.field(default_factory=dict)
    bounded_ok: bool = False
    from_results: str | None = None
    models_only: bool = False
    relacy: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"configured": False})  # stages.relacy
