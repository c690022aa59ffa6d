"""The Relacy checker (relacy_backend/): a row's `relacy` sub-result from dc_relacy's suites of
the row's variant. A fix must pass every suite of it (a search that finished: Relacy's full
search, or its context-bound one where the full one ran out of its budget — said so); a negative
control must be caught by every suite of it, with the Relacy result of the kind the matrix
expects. Not configured: the line says so, `ok` is None, and the row's verdict does not count it
(neither a pass nor a failure)."""

from __future__ import annotations

from typing import Any

from ..matrix import RUNNER
from ..text import plural


def not_configured() -> dict[str, Any]:
    return {"configured": False, "verdict": "not configured", "ok": None,
            "summary": "not configured (cmake -DDC_RELACY_DIR=<a Relacy checkout>, README.md)",
            "suites": [], "executions": 0, "seconds": 0.0, "kind": None, "location": None,
            "problems": [], "not_caught": []}


def final_search(suite: dict[str, Any]) -> dict[str, Any]:
    """The search that decided a suite: the last one run."""
    searches = suite.get("searches") or [{}]
    return searches[-1]


def searches_text(suites: list[dict[str, Any]]) -> str:
    """'3 full search, 2 context bound 2, 1 context bound 1'."""
    counts: dict[str, int] = {}
    for s in suites:
        name = str(final_search(s).get("search", "?"))
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def summarize_relacy(run: dict[str, Any], variant: str, source: str,
                     role: str) -> dict[str, Any]:
    """The row's relacy cell and, for the verdict, its problems (a control not caught is
    `not_caught`: the checker missed a known bug)."""
    if not run.get("configured"):
        return not_configured()
    result = not_configured() | {"configured": True, "ok": False,
                                 "commit": (run.get("relacy") or {}).get("commit")}
    if run.get("skipped"):
        return result | {"verdict": "not run", "ok": None,
                         "summary": f"not run ({run['skipped']}): counts neither way"}
    if source != RUNNER:
        return result | {"verdict": "not run", "ok": None,
                         "summary": f"not run (no Relacy suite of runner '{source}')"}
    if not run.get("ok", True) and not run.get("models"):
        why = run.get("message") or "dc_relacy failed"
        return result | {"verdict": "not run", "summary": f"not run: {why}",
                         "problems": [f"not run: {why}"]}
    suites = [m for m in run.get("models") or []
              if m.get("variant") == variant and not m.get("skipped")]
    if not suites:
        why = f"no Relacy suite of variant '{variant}' ran"
        return result | {"verdict": "not run", "summary": f"not run: {why}", "problems": [why]}
    bad = [s for s in suites if not s.get("as_expected")]
    executions = sum(int(final_search(s).get("executions") or 0) for s in suites)
    seconds = round(sum(float(t.get("cpu_seconds") or 0) for s in suites
                        for t in s.get("searches") or []), 2)
    first = next((s for s in suites if s.get("place")), None)
    result |= {"suites": [{"name": s["name"], "verdict": s.get("verdict"),
                           "as_expected": bool(s.get("as_expected")),
                           "searches": s.get("searches") or []} for s in suites],
               "executions": executions, "seconds": seconds, "ok": not bad,
               "location": first.get("place") if first else None,
               "kind": final_search(first).get("result") if first else None}
    problems = [f"Relacy suite {s['name']}: {s.get('verdict')}" for s in bad]
    totals = f"{plural(executions, 'execution')}, {seconds:.1f} s CPU"
    if role == "fix":
        verdict = "failed" if bad else "pass"
        summary = (f"pass: {plural(len(suites), 'suite')} ({searches_text(suites)}), {totals}"
                   if not bad else f"FAILED {len(bad)}/{len(suites)}: {problems[0]}")
        return result | {"verdict": verdict, "summary": summary, "problems": problems}
    caught = [s for s in suites if s.get("as_expected")]
    kinds = sorted({str(final_search(s).get("result")) for s in caught})
    verdict = "not caught" if bad else "caught"
    summary = (f"caught: {' / '.join(kinds)} in {len(caught)}/{len(suites)} suites"
               + (f" (at {result['location']})" if result["location"] else "") + f", {totals}"
               if not bad else f"NOT CAUGHT {len(bad)}/{len(suites)}: {problems[0]}")
    return result | {"verdict": verdict, "summary": summary, "problems": problems,
                     "not_caught": problems}
