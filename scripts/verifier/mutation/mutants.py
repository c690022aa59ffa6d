"""verify.json's `mutants`: one entry per variant and mutant, over every model of the variant that
met its site. A mutant is killed when some model kills it (as dc_model's mutation summary), not
judged when a model could not judge it, and survived otherwise."""

from __future__ import annotations

from typing import Any

from ..paths import runner_relative
from . import gates


def counterexample_summary(label: str, cx: dict[str, Any] | None) -> dict[str, Any] | None:
    """A killing counterexample of runner `label` for verify.json (no trace: that is in
    results/models-*.json)."""
    if not cx:
        return None
    where = str(cx.get("location") or "")
    file, line = None, None
    for access in cx.get("accesses") or []:
        if access.get("short") == where:
            file, line = runner_relative(label, access.get("file")), access.get("line")
            break
    if file is None and ":" in where:
        name, _, number = where.rpartition(":")
        file, line = runner_relative(label, name), int(number) if number.isdigit() else None
    return {"kind": cx.get("kind"), "message": cx.get("message"), "location": where or None,
            "file": file, "line": line, "preemptions": cx.get("preemptions"),
            "replay_token": cx.get("replay_token"), "execution": cx.get("execution")}


def site_location(label: str, detail: dict[str, Any]) -> dict[str, Any]:
    """A mutation site (or a section operator's access) of dc_model's JSON (its file relative to
    its runner's source root)."""
    return {"file": runner_relative(label, detail.get("file")), "line": detail.get("line"),
            "short": detail.get("location"), "op": detail.get("op"),
            "object": detail.get("object"), "order": detail.get("order")}


def new_group(label: str, variant: str, mutant_id: str, r: dict[str, Any],
              gated: set[tuple[str, str]]) -> dict[str, Any]:
    """A mutant's entry, from the first model run that met it (runs are added to it)."""
    in_fix = bool(r.get("in_fix", True))
    return {
        "runner": label, "variant": variant, "id": mutant_id,
        "site": str(r.get("site") or mutant_id), "weakening": str(r.get("weakening") or "?"),
        "in_fix": in_fix, "counted": (label, variant) in gated and in_fix,
        "site_location": site_location(label, r.get("site_detail") or {}),
        # split/exclude: the access the section is cut at (else null)
        "access": r.get("access"),
        "access_location": (site_location(label, r["access_detail"]) if r.get("access_detail")
                            else None),
        "memory_model": r.get("memory_model"), "runs": []}


def group_runs(model_runs: dict[str, dict[str, Any]]) -> dict[tuple[str, str, str], dict]:
    """(runner, variant, mutant id) -> its entry with every model's run of it, in the order the
    models met it."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    gated = gates(model_runs)
    for label, run in model_runs.items():
        for r in run.get("mutants") or []:
            variant = str(r.get("variant") or "unknown")
            mutant_id = str(r.get("id") or f"{r.get('site')} / {r.get('weakening')}")
            key = (label, variant, mutant_id)
            if key not in groups:
                groups[key] = new_group(label, variant, mutant_id, r, gated)
            groups[key]["runs"].append(r)
    return groups


def survivor_reason(runs: list[dict[str, Any]], survived: list[dict[str, Any]]) -> str:
    cut = [r for r in survived if not r.get("exhaustive")]
    return (f"survives every model that meets it ({len(runs)}): not necessary for the checked "
            "properties, or not exercised by them"
            + (f"; {len(cut)} of these searches not exhaustive" if cut else
               ": every interleaving passes without it"))


def judge(g: dict[str, Any]) -> None:
    """A mutant's verdict over its runs, with the killing run's counterexample and replay, or why
    it was not killed; `g["runs"]` is consumed."""
    runs = g.pop("runs")
    killed = [r for r in runs if r.get("verdict") == "killed"]
    judged_not = [r for r in runs if r.get("verdict") == "not judged"]
    survived = [r for r in runs if r.get("verdict") not in ("killed", "not judged")]
    first = killed[0] if killed else None
    if first:
        reason, executions = "", int(first.get("executions") or 0)
    else:
        reason = (str(judged_not[0].get("reason") or "not judged") if judged_not
                  else survivor_reason(runs, survived))
        executions = sum(int(r.get("executions") or 0) for r in runs)
    g.update({
        "verdict": "killed" if killed else "not judged" if judged_not else "survived",
        "killed_by": first.get("model") if first else None,
        "failure": first.get("killed_by") if first else None,
        "executions": executions,
        "counterexample": (counterexample_summary(g["runner"], first.get("counterexample"))
                           if first else None),
        "replay": ((first or {}).get("replay") or {}).get("arguments") or None,
        "reason": reason,
        "killed_in": [r.get("model") for r in killed],
        "survived_in": [r.get("model") for r in survived],
        "not_judged_in": [r.get("model") for r in judged_not],
        "models": [{"model": r.get("model"), "verdict": r.get("verdict"),
                    "executions": r.get("executions"), "killed_by": r.get("killed_by"),
                    "search": r.get("search"), "exhaustive": bool(r.get("exhaustive")),
                    "replay": (r.get("replay") or {}).get("arguments") or None}
                   for r in runs],
    })


def build_mutants(model_runs: dict[str, dict[str, Any]],
                  variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every mutant, judged, in the order: the gated fix first, then variant by variant (the
    matrix's order), each variant's fix sites before the sites that are not its fix, sites as the
    models met them."""
    rank = {(v["source"], v["name"]): i for i, v in enumerate(variants)}
    gated = gates(model_runs)
    out = []
    for index, ((label, variant, _), g) in enumerate(group_runs(model_runs).items()):
        judge(g)
        out.append(((0 if (label, variant) in gated else 1, rank.get((label, variant), len(rank)),
                     not g["in_fix"], index), g))
    return [g for _, g in sorted(out, key=lambda pair: pair[0])]
