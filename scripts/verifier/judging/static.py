"""Clang's -Wthread-safety checker: a fix's checks must be accepted; a negative control's must be
rejected at the expected line (check.cmake says where it found the rejection)."""

from __future__ import annotations

from typing import Any

from ..paths import repo_relative
from ..patterns import CLANG_DIAG, STATIC_FOUND, STATIC_WRONG_LINE, clang_message


def not_run_result(expect_reject: bool, why: str) -> dict[str, Any]:
    return {"verdict": "not run", "kind": None, "executions": 0, "seconds": 0.0,
            "location": None, "ok": False, "summary": why, "problems": [why],
            "not_caught": [why] if expect_reject else [], "tests": []}


def rejection(tests: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(location, message) of the rejection: the one check.cmake found at the expected line, else
    (a fix rejected, or results of an older check.cmake) the first thread-safety error, else the
    first error."""
    found = next((m for t in tests if (m := STATIC_FOUND.search(t.get("output", "")))), None)
    if found:
        return f"{found['file']}:{found['line']}", found["msg"]
    for t in tests:
        output = t.get("output", "")
        diag = next((d for d in CLANG_DIAG.finditer(output) if "requires holding" in d["msg"]),
                    None) or next(CLANG_DIAG.finditer(output), None)
        if diag:
            return (f"{repo_relative(diag['file']) or diag['file']}:{diag['line']}",
                    clang_message(diag["msg"]))
    return None, None


def test_problem(t: dict[str, Any]) -> str:
    """A failed check's problem, with check.cmake's FAIL line ('' when it passed)."""
    if t.get("passed"):
        return ""
    why = next((line.strip() for line in t.get("output", "").splitlines() if "FAIL:" in line), "")
    return f"static check {t['name']} [{t.get('status')}]" + (f": {why}" if why else "")


def summarize_static(tests: list[dict[str, Any]], expect_reject: bool,
                     not_run: str) -> dict[str, Any]:
    """A variant's `static` sub-result from its checks."""
    if not tests:
        return not_run_result(expect_reject, not_run)
    problems = [p for p in map(test_problem, tests) if p]
    location, message = rejection(tests)
    rejected = (expect_reject and not problems) or (not expect_reject and bool(problems)
                                                    and location is not None)
    verdict = "rejected" if rejected else "accepted" if not problems else "failed"
    summary = verdict + (f" at {location}: {message}" if rejected and location else
                         " under -Wthread-safety -Werror" if verdict == "accepted" else "")
    return {"verdict": verdict, "kind": "thread-safety" if rejected else None,
            "executions": len(tests),
            "seconds": round(sum(float(t.get("seconds") or 0) for t in tests), 3),
            "location": location, "ok": not problems, "summary": summary, "problems": problems,
            # Rejected, but at another line than expected: as for TSan, a consequence when a fix
            # is broken too, else a stale expectation.
            "not_caught": [p for p in problems if expect_reject and STATIC_WRONG_LINE not in p],
            "elsewhere": [p for p in problems if expect_reject and STATIC_WRONG_LINE in p],
            "tests": [{"name": t["name"], "ok": bool(t.get("passed")), "status": t.get("status")}
                      for t in tests]}
