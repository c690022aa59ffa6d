"""The mutation gate: each fix variant whose runner mutated (and the gated ones in any case) gets a
`mutation` sub-result: its mutants' counts, the matrix's "mutants" line, and, for a gated fix only
(the matrix's, or one a runner gates itself), the problems that fail the run ("fix not shown
necessary: <site>")."""

from __future__ import annotations

from typing import Any

from ..judging.verdict import NOT_BUILT
from ..text import plural
from . import NOT_SHOWN, gates

VERDICTS = ("killed", "survived", "not judged")


def why_not_run(v: dict[str, Any], run: dict[str, Any], builds: dict[str, dict[str, Any]]) -> str:
    """Why a variant has no mutation results."""
    if builds.get("default", {}).get("ok") is False:
        return f"not run: the default build failed ({builds['default'].get('message', '')})"
    if not run:
        return "no model results"
    if run.get("mutate") is False:
        return f"runner '{v['source']}' has no --mutate"
    return f"models-{v['source']}.json has no mutants (not run with --mutate?)"


def counts_text(fix: list[dict[str, Any]], others: list[dict[str, Any]],
                count: dict[str, int], sites: list[str]) -> str:
    """'26 mutants of the fix at 4 sites, all killed; 1 mutant not of the fix (1 survived, not
    counted)'."""
    if not fix:
        parts = ["no mutant of the fix (no passing model met a site of it)"]
    elif count["killed"] == len(fix):
        parts = [f"{plural(len(fix), 'mutant')} of the fix at {plural(len(sites), 'site')}, "
                 "all killed"]
    else:
        parts = [f"{plural(len(fix), 'mutant')} of the fix at {plural(len(sites), 'site')}: "
                 + ", ".join(f"{n} {verdict}" for verdict, n in count.items() if n)]
    if others:
        parts.append(f"{plural(len(others), 'mutant')} not of the fix ("
                     + ", ".join(f"{sum(m['verdict'] == verdict for m in others)} {verdict}"
                                 for verdict in VERDICTS
                                 if any(m["verdict"] == verdict for m in others))
                     + ", not counted)")
    return "; ".join(parts)


def gate_problems(v: dict[str, Any], fix: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The gated fix's problems, and of them those that are not a surviving mutant."""
    problems = [f"{NOT_SHOWN}: {m['site']} ({m['weakening']} survives "
                f"{plural(len(m['survived_in']), 'model')} that meet it)"
                for m in fix if m["verdict"] == "survived"]
    unshown = []
    if not fix and v["model"].get("ok"):
        unshown.append(f"{NOT_SHOWN}: no mutant of the fix (no passing model of '{v['name']}' "
                       "met a synchronisation site of it)")
    return problems + unshown, unshown


def mutation_result(v: dict[str, Any], mine: list[dict[str, Any]], run: dict[str, Any],
                    builds: dict[str, dict[str, Any]], gated: bool) -> dict[str, Any]:
    """A variant's `mutation` sub-result."""
    ran = "mutants" in run
    fix = [m for m in mine if m["in_fix"]]
    others = [m for m in mine if not m["in_fix"]]
    count = {verdict: sum(m["verdict"] == verdict for m in fix) for verdict in VERDICTS}
    sites = list(dict.fromkeys(m["site"] for m in fix))
    problems: list[str] = []
    unshown: list[str] = []
    if not ran:
        why = why_not_run(v, run, builds)
        summary = why if why.startswith("not run") else f"not run: {why}"
        if gated:
            problems = [why if why.startswith(NOT_BUILT) else
                        f"{NOT_SHOWN}: no mutation results ({why})"]
            unshown = list(problems)
    else:
        summary = counts_text(fix, others, count, sites)
        if gated:
            problems, unshown = gate_problems(v, fix)
            if problems:
                summary = (f"FIX NOT SHOWN NECESSARY: {count['survived']} of "
                           f"{plural(len(fix), 'mutant')} of the fix survived | " + summary)
        elif count["survived"]:
            summary += (" (listed, not counted: only a gated fix gates the verdict, the fixed "
                        "emitter's or one its runner gates)")
    return {
        "verdict": ("not run" if not ran else "survived" if count["survived"] else
                    "not judged" if count["not judged"] else "killed" if fix else "none"),
        "ok": not problems, "counted": gated, "mutants": len(fix), "sites": len(sites),
        "killed": count["killed"], "survived": count["survived"],
        "not_judged": count["not judged"], "not_the_fix": len(others),
        "summary": summary, "problems": problems, "unshown": unshown, "not_caught": [],
        "elsewhere": []}


def mutation_results(variants: list[dict[str, Any]], mutants: list[dict[str, Any]],
                     model_runs: dict[str, dict[str, Any]],
                     builds: dict[str, dict[str, Any]]) -> None:
    """Adds `mutation` to each fix variant whose runner mutated, and to the gated ones."""
    gate = gates(model_runs)
    for v in variants:
        key = (v["source"], v["name"])
        run = model_runs.get(v["source"], {})
        if key not in gate and (v["role"] != "fix" or "mutants" not in run):
            continue
        mine = [m for m in mutants if (m["runner"], m["variant"]) == key]
        v["mutation"] = mutation_result(v, mine, run, builds, key in gate)
        v["ok"] = v["ok"] and v["mutation"]["ok"]
