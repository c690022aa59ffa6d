"""ThreadSanitizer's checker: a fix's race tests must pass with no report in binaries that carry
the TSan runtime; a negative control must be caught (its runner passes only when TSan reports the
race at the variant's racing line)."""

from __future__ import annotations

from typing import Any

from ..failures import failure_lines, failure_summary
from ..paths import repo_relative
from ..patterns import CHECKER_FAIL, RUNNER_FOUND, TSAN_REPORT, WRONG_LINE
from ..text import plural
from ..tsan_tools import tsan_report

SEAM_WRAPPER = "seam/std_sync.hpp"  # the Sync seam's wrappers: every access passes through them


def first_tsan_location(output: str) -> tuple[str, str]:
    """(kind, "file:line") of the first ThreadSanitizer report in `output`: the racing line is the
    runner's "found:" line when there is one, else the first access frame in this repository that
    is not the seam's wrapper, else the first frame with a file."""
    found = RUNNER_FOUND.search(output)
    reports = tsan_report.parse_reports(output)
    kind = reports[0].kind if reports else ("data race" if found else "")
    if found:
        return kind, found.group(1)
    if not reports:
        return kind, ""
    frames = [f for s in reports[0].access_sections() for f in s.frames if f.file]
    ours = [f for f in frames if repo_relative(f.file)]
    for frame in ours:
        rel = repo_relative(frame.file)
        if rel and not rel.endswith(SEAM_WRAPPER):
            return kind, f"{rel}:{frame.line}"
    if frames:
        frame = (ours or frames)[0]
        return kind, f"{repo_relative(frame.file) or frame.file}:{frame.line}"
    return kind, ""


def not_run_result(role: str, why: str) -> dict[str, Any]:
    return {"verdict": "not run", "kind": None, "executions": 0, "seconds": 0.0,
            "location": None, "ok": False, "reports": 0, "summary": why,
            "problems": [why], "not_caught": [why] if role != "fix" else [], "tests": []}


def not_applicable_result() -> dict[str, Any]:
    """The tsan sub-result of a variant no TSan test checks (model only)."""
    return {"verdict": "not applicable", "kind": None, "executions": 0, "seconds": 0.0,
            "location": None, "ok": True, "summary": "not applicable (model only)",
            "problems": [], "not_caught": [], "tests": []}


def fix_problem(t: dict[str, Any], kind: str, loc: str) -> str:
    """A race test's problem ('' when it passed clean in a TSan binary): a failed one says what
    TSan reported and which assertion failed, in the assertion's own words."""
    ok = bool(t.get("passed"))
    if ok and kind:
        return f"TSan test {t['name']} passed, but TSan reported {kind} at {loc}"
    if ok and t.get("no_tsan_runtime"):
        return f"TSan test {t['name']} passed in a binary with no TSan runtime"
    if ok:
        return ""
    said = [f"TSan reported {kind} at {loc}"] if kind else []
    assertion = failure_summary(t.get("output", ""))
    said += [assertion] if assertion else []
    return f"TSan test {t['name']} [{t.get('status')}]" + (f": {'; '.join(said)}" if said else "")


def control_problem(t: dict[str, Any]) -> str:
    """A negative control's problem ('' when caught), with its runner's first FAIL line."""
    if t.get("passed"):
        return ""
    why = next((line[len(CHECKER_FAIL):] for line in t.get("output", "").splitlines()
                if line.startswith(CHECKER_FAIL)), "")
    return (f"TSan negative control {t['name']} NOT CAUGHT [{t.get('status')}]"
            + (f": {why}" if why else ""))


def judge_test(t: dict[str, Any], role: str) -> tuple[dict[str, Any], str]:
    """A test's detail entry and its problem ('' when as expected). A failed test's entry carries
    its failure text (failures): why it failed, shown by the console and junit.xml."""
    kind, loc = first_tsan_location(t.get("output", ""))
    ok = bool(t.get("passed"))
    problem = fix_problem(t, kind, loc) if role == "fix" else control_problem(t)
    detail = {"name": t["name"], "ok": ok and not problem, "status": t.get("status"),
              "attempts": int(t.get("attempts") or 1), "seconds": t.get("seconds"),
              "kind": kind or None, "location": loc or None}
    failure = "" if ok else "\n".join(failure_lines(t.get("output", "")))
    if failure:
        detail["failure"] = failure
    return detail, problem


def summarize_tsan(tests: list[dict[str, Any]], role: str, not_run: str) -> dict[str, Any]:
    """A variant's `tsan` sub-result from its race tests (fix) or negative controls."""
    if not tests:
        return not_run_result(role, not_run)
    judged = [judge_test(t, role) for t in tests]
    details = [d for d, _ in judged]
    problems = [p for _, p in judged if p]
    # The location shown: a control's first report, or the first report of a failed fix test.
    first = next((d for d in details if d["kind"] and (role == "negative control"
                                                       or not d["ok"])), None)
    first_kind, first_loc = (first["kind"], first["location"]) if first else (None, None)
    reports = sum(len(TSAN_REPORT.findall(t.get("output", ""))) for t in tests)
    ok_count = sum(d["ok"] for d in details)
    if role == "fix":
        verdict, summary = fix_summary(len(tests), ok_count, problems, first_kind, first_loc,
                                       reports)
    else:
        verdict, summary = control_summary(tests, ok_count, problems, first_kind, first_loc,
                                           reports)
    return {"verdict": verdict, "kind": first_kind, "executions": len(tests),
            "seconds": round(sum(float(t.get("seconds") or 0) for t in tests), 3),
            "location": first_loc, "ok": not problems, "reports": reports, "summary": summary,
            "problems": problems,
            "not_caught": [p for p in problems if role != "fix" and WRONG_LINE not in p],
            "elsewhere": [p for p in problems if role != "fix" and WRONG_LINE in p],
            "tests": details}


def fix_summary(count: int, ok_count: int, problems: list[str], first_kind: str | None,
                first_loc: str | None, reports: int) -> tuple[str, str]:
    if not problems:
        return "clean", f"clean, {ok_count}/{count} race tests, {plural(reports, 'report')}"
    verdict = "data race" if first_kind == "data race" else "failed"
    return verdict, (f"FAIL: {count - ok_count}/{count} race tests failed"
                     + (f", first {first_kind} at {first_loc}" if first_kind else ""))


def control_summary(tests: list[dict[str, Any]], ok_count: int, problems: list[str],
                    first_kind: str | None, first_loc: str | None,
                    reports: int) -> tuple[str, str]:
    count = len(tests)
    retried = sum(1 for t in tests if int(t.get("attempts") or 1) > 1 and t.get("passed"))
    summary = (f"{first_kind or 'data race'} at {first_loc or '?'}, {ok_count}/{count} tests "
               "caught it" + (f" ({retried} only on a retry: timing-dependent)" if retried else "")
               + f", {plural(reports, 'report')}")
    if problems:
        summary = f"NOT CAUGHT by {count - ok_count}/{count} tests | " + summary
    return ("data race" if ok_count == count else "not caught"), summary
