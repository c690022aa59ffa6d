"""Fix necessity (dc_model --mutate): the mutants over every model of a variant that met their
site (mutants), and the gate that counts those of the gated fixes (gate): a survivor there is "fix
not shown necessary" and fails the run."""

from __future__ import annotations

from typing import Any

from .. import matrix

NOT_SHOWN = "fix not shown necessary"


def gates(model_runs: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """The (runner, variant) whose every mutant must be killed: the matrix's gated fix ("mutate":
    true), and each fix a runner gates itself (`registry.gate`), as its run said
    (stages.explorer: "gated")."""
    return matrix.gate() | {(label, str(variant)) for label, run in model_runs.items()
                            for variant in run.get("gated") or []}
