"""The explorer's checker: each model's standing (a proof must pass exhaustively, a control must
fail with the expected kind at the expected line) and a variant's `model` sub-result."""

from __future__ import annotations

from typing import Any

from ..text import plural


def model_bound(m: dict[str, Any]) -> str:
    """Why a model's search is not a proof ('' when it is exhaustive or stopped at a failure)."""
    if m.get("exhaustive"):
        return ""
    if m.get("bound"):
        return str(m["bound"])
    stopped = str(m.get("stopped_by", ""))
    if stopped and stopped not in ("exhausted", "failure"):
        return stopped
    return "" if m.get("verdict") == "fail" else "not exhaustive"


def primary_failure(m: dict[str, Any]) -> dict[str, Any] | None:
    """The failure a model's expectation is about (its kind, at its line), else its first."""
    failures = m.get("failures") or []
    expected = m.get("expected") or {}
    kind, where = expected.get("kind"), expected.get("location")
    for failure in failures:
        if failure.get("kind") != kind:
            continue
        if not where or any(a.get("short") == where for a in failure.get("accesses") or []):
            return failure
    return failures[0] if failures else None


def failure_location(m: dict[str, Any], failure: dict[str, Any]) -> str:
    """The racing line: the access on the expected line when there is one, else the failure's."""
    where = (m.get("expected") or {}).get("location")
    if where and any(a.get("short") == where for a in failure.get("accesses") or []):
        return where
    return str(failure.get("location", ""))


def search_text(m: dict[str, Any]) -> str:
    """How far a model's search went: 'dpor exhaustive', 'dpor stopped at first failure', ..."""
    search = m.get("search", "?")
    if m.get("exhaustive"):
        return f"{search} exhaustive"
    bound = model_bound(m)
    if m.get("stopped_by") == "failure":
        # The explorer's own bound text for this case says the same again: leave it out.
        extra = bound if bound and "first failure" not in bound else ""
        return f"{search} stopped at first failure" + (f", {extra}" if extra else "")
    return f"{search} bounded ({bound})"


def evaluate_model(m: dict[str, Any], bounded_ok: bool) -> dict[str, Any]:
    """One model's standing: `role` proof (expected to pass) or control (expected to fail); `ok`;
    `bounded`; `problem` for a person; `not_caught` / `elsewhere` for a control that missed its
    bug or caught it at another line."""
    expected = (m.get("expected") or {}).get("verdict", "pass")
    if expected != "pass":
        return evaluate_control(m)
    verdict = m.get("verdict")
    bound = model_bound(m)
    problem = ""
    if verdict != "pass":
        failure = primary_failure(m) or {}
        message = failure.get("message", m.get("mismatch", ""))
        problem = (f"model {m.get('name', '?')} found {failure.get('kind', 'a failure')} at "
                   f"{failure.get('location', '?')}: {message}")
    elif bound and not bounded_ok:
        problem = f"model {m.get('name', '?')} passed, but its search was not exhaustive ({bound})"
    return {"role": "proof", "ok": not problem, "bounded": bool(bound) and verdict == "pass",
            "problem": problem, "not_caught": False, "elsewhere": False}


def evaluate_control(m: dict[str, Any]) -> dict[str, Any]:
    """A model expected to fail: ok when the explorer found its failure as expected."""
    if m.get("as_expected", False):
        return {"role": "control", "ok": True,
                "bounded": bool(model_bound(m)) and m.get("verdict") == "pass", "problem": "",
                "not_caught": False, "elsewhere": False}
    name = m.get("name", "?")
    kind = (m.get("expected") or {}).get("kind")
    elsewhere = bool(kind) and any(f.get("kind") == kind for f in m.get("failures") or [])
    if elsewhere:
        # Caught, but at another line than the one expected: the expectation went stale, or a
        # broken fix in shared code races first (see verdict.verdict_of).
        problem = (f"model {name} caught a {kind}, but not at the expected line: "
                   + (m.get("mismatch") or ""))
    else:
        problem = f"model {name} did not catch it: " + (
            m.get("mismatch") or f"verdict {m.get('verdict')}, expected {m.get('expected')}")
    return {"role": "control", "ok": False, "bounded": False, "problem": problem,
            "not_caught": not elsewhere, "elsewhere": elsewhere}


def not_run_result(role: str, why: str) -> dict[str, Any]:
    """The sub-result of a variant none of whose models ran."""
    return {"verdict": "not run", "kind": None, "executions": 0, "seconds": 0.0,
            "location": None, "ok": False, "exhaustive": False, "bounded": False,
            "summary": why, "problems": [why], "not_caught": [why] if role != "fix" else [],
            "models": []}


def summarize_models(models: list[dict[str, Any]], role: str,
                     bounded_ok: bool, not_run: str) -> dict[str, Any]:
    """A variant's `model` sub-result (verify.json) from its models."""
    if not models:
        return not_run_result(role, not_run)
    evaluated = [(m, evaluate_model(m, bounded_ok)) for m in models]
    problems = [e["problem"] for _, e in evaluated if e["problem"]]
    failing = [m for m in models if m.get("verdict") == "fail"]
    bounded = [m for m, e in evaluated if e["bounded"]]
    exhaustive = all(bool(m.get("exhaustive")) for m in models)
    primary = None
    if role == "fix" or not failing:
        verdict, kind, location, summary = proof_summary(models, failing, bounded, exhaustive)
    else:
        primary = primary_model(failing)
        verdict, kind, location, summary = control_summary(models, failing, primary)
    if problems:
        summary = "NOT AS EXPECTED: " + problems[0] + (
            f" (+{len(problems) - 1} more)" if len(problems) > 1 else "") + " | " + summary
    return {"verdict": verdict, "kind": kind,
            "executions": sum(int(m.get("executions") or 0) for m in models),
            "seconds": round(sum(float(m.get("seconds") or 0) for m in models), 6),
            "location": location, "ok": not problems, "exhaustive": exhaustive and not bounded,
            "bounded": bool(bounded), "summary": summary, "problems": problems,
            "not_caught": [e["problem"] for _, e in evaluated if e["not_caught"]],
            "elsewhere": [e["problem"] for _, e in evaluated if e["elsewhere"]],
            "primary": primary.get("name") if primary else None,
            "models": [m.get("name") for m in models]}


def proof_summary(models: list[dict[str, Any]], failing: list[dict[str, Any]],
                  bounded: list[dict[str, Any]],
                  exhaustive: bool) -> tuple[str, str | None, str | None, str]:
    """(verdict, kind, location, summary) of a fix's models, or of a control none of whose models
    failed: the first failure, else how the passing searches went."""
    if failing:
        m = failing[0]
        f = primary_failure(m) or {}
        return "fail", f.get("kind"), f.get("location"), (
            f"FAIL: {f.get('kind', 'failure')} at {f.get('location', '?')} in {m.get('name')} "
            f"({len(failing)}/{len(models)} models failed)")
    how = ("exhaustive" if exhaustive else
           f"BOUNDED ({'; '.join(sorted({model_bound(m) for m in bounded}))})")
    searches = "/".join(sorted({str(m.get("search", "?")) for m in models}))
    executions = sum(int(m.get("executions") or 0) for m in models)
    seconds = sum(float(m.get("seconds") or 0) for m in models)
    return "pass", None, None, (
        f"pass, {plural(len(models), 'model')}, {plural(executions, 'execution')} {how} "
        f"({searches}), {seconds:.3f} s")


def primary_model(failing: list[dict[str, Any]]) -> dict[str, Any]:
    """The model whose counterexample a negative control's summary shows: the first data race
    that is not a symptom model (one run past the race), else the first failure."""
    return next((m for m in failing if (primary_failure(m) or {}).get("kind") == "data race"
                 and not m.get("name", "").endswith("/symptom")), failing[0])


def control_summary(models: list[dict[str, Any]], failing: list[dict[str, Any]],
                    primary: dict[str, Any]) -> tuple[str, str | None, str, str]:
    """(verdict, kind, location, summary) of a negative control: its primary counterexample,
    then each other failing model's failure, then how many of its models passed."""
    f = primary_failure(primary) or {}
    location = failure_location(primary, f)
    obj = f" on {f['object']}" if f.get("object") else ""
    summary = (f"{f.get('kind')}{obj} at {location}, "
               f"{plural(int(primary.get('executions') or 0), 'execution')}, "
               f"{float(primary.get('seconds') or 0):.3f} s, {search_text(primary)}, "
               f"{plural(int(f.get('preemptions') or 0), 'preemption')}")
    for other in failing:
        if other is not primary:
            summary += "; " + other_failure(other)
    passing = [m for m in models if m.get("verdict") != "fail"]
    if passing:
        summary += f"; {plural(len(passing), 'model')} of this variant passed"
    return "fail", f.get("kind"), location, summary


def other_failure(m: dict[str, Any]) -> str:
    """'P1 past the race: assertion failed at increment.cpp:34 (P1 ...), 3 executions'."""
    g = primary_failure(m) or {}
    past = " past the race" if m.get("name", "").endswith("/symptom") else ""
    message = str(g.get("message", ""))
    said = "" if g.get("kind") == "data race" else (
        f" ({message[:90]}{'...' if len(message) > 90 else ''})")
    return (f"{m.get('property', '')}{past}: {g.get('kind')} at {failure_location(m, g)}{said}, "
            f"{plural(int(m.get('executions') or 0), 'execution')}")


def describe_expected(models: list[dict[str, Any]], variant: str) -> str:
    """The expected verdict of a variant the matrix does not know, from its models' expectations:
    'data race at cache.hpp:12; assertion failed'."""
    parts = []
    for m in models:
        if m.get("variant") != variant:
            continue
        e = m.get("expected") or {}
        if e.get("verdict") == "fail":
            text = str(e.get("kind"))
            if e.get("location"):
                text += f" at {e['location']}"
            if text not in parts:
                parts.append(text)
    return "; ".join(parts) or "fails"
