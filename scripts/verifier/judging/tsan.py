"""ThreadSanitizer's checker: a fix's race tests (and its sampled schedules, replayed) must pass
with no report in binaries that carry the TSan runtime; a negative control must be caught: the
explorer's counterexample, replayed under TSan, draws TSan's race at the model's pair of lines
(agreement). A replay on which the two checkers disagree is a failure of the harness (`harness`,
exit 2), not a checker blind to the bug; and so is the replay gate's own control failing
(replay_gate_result)."""

from __future__ import annotations

from typing import Any

from ..failures import failure_lines, failure_summary
from . import agreement as agreements
from ..paths import repo_relative
from ..patterns import CHECKER_FAIL, RUNNER_FOUND, TSAN_REPORT, WRONG_LINE
from ..text import plural
from ..tsan_tools import tsan_report

# The Sync policies' wrappers (the seam's, and the replay's ScheduledSync): every access passes
# through them, so the racing line is the first frame outside them.
POLICY_DIRS = ("seam/", "replay/")


def in_policy(relative: str | None) -> bool:
    """True for a file of a Sync policy (seam/std_sync.hpp, replay/scheduled_sync.hpp)."""
    return bool(relative) and relative.startswith(POLICY_DIRS)


def first_tsan_location(output: str) -> tuple[str, str]:
    """(kind, "file:line") of the first ThreadSanitizer report in `output`: the racing line is the
    runner's "found:" line when there is one, else the first access frame in this repository that
    is not a policy's wrapper (seam/, replay/), else the first frame with a file."""
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
        if rel and not in_policy(rel):
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


def control_problem(t: dict[str, Any], agreement: dict[str, Any] | None) -> str:
    """A negative control's problem ('' when caught): a disagreement with both checkers' pairs,
    else its runner's first FAIL line."""
    if agreement and agreement["status"] == agreements.DISAGREE:
        return (f"TSan negative control {t['name']} DISAGREES with the model on the model's own "
                f"interleaving: {agreement['text'][len('DISAGREE: '):]} ("
                + "; ".join(agreements.pair_lines(agreement)) + ")")
    if t.get("passed"):
        return ""
    why = next((line[len(CHECKER_FAIL):] for line in t.get("output", "").splitlines()
                if line.startswith(CHECKER_FAIL)), "")
    return (f"TSan negative control {t['name']} NOT CAUGHT [{t.get('status')}]"
            + (f": {why}" if why else ""))


def failure_text(t: dict[str, Any], agreement: dict[str, Any] | None) -> str:
    """A failed test's failure text: a disagreement's both sides (the pairs, TSan's report), else
    its own failure blocks (failures)."""
    output = t.get("output", "")
    if agreement and agreement["status"] == agreements.DISAGREE:
        return "\n".join(agreements.disagreement_lines(output, agreement))
    return "" if t.get("passed") else "\n".join(failure_lines(output))


def judge_test(t: dict[str, Any], role: str) -> tuple[dict[str, Any], str]:
    """A test's detail entry and its problem ('' when as expected). A failed test's entry carries
    its failure text (failures): why it failed, shown by the console and junit.xml."""
    kind, loc = first_tsan_location(t.get("output", ""))
    ok = bool(t.get("passed"))
    agreement = agreements.agreement_of(t) if role != "fix" else None
    problem = fix_problem(t, kind, loc) if role == "fix" else control_problem(t, agreement)
    detail = {"name": t["name"], "ok": ok and not problem, "status": t.get("status"),
              "attempts": int(t.get("attempts") or 1), "seconds": t.get("seconds"),
              "kind": kind or None, "location": loc or None}
    if agreement:
        detail["agreement"] = agreement
    failure = failure_text(t, agreement)
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
        verdict, summary = fix_summary(tests, ok_count, problems, first_kind, first_loc,
                                       reports)
    else:
        verdict, summary = control_summary(details, ok_count, problems, first_kind, first_loc,
                                           reports)
    harness = [p for (d, p) in judged if p and (d.get("agreement") or {}).get("status")
               == agreements.DISAGREE]
    return {"verdict": verdict, "kind": first_kind, "executions": len(tests),
            "seconds": round(sum(float(t.get("seconds") or 0) for t in tests), 3),
            "location": first_loc, "ok": not problems, "reports": reports, "summary": summary,
            "problems": problems,
            "not_caught": [p for p in problems if role != "fix" and WRONG_LINE not in p
                           and p not in harness],
            "elsewhere": [p for p in problems if role != "fix" and WRONG_LINE in p],
            "harness": harness,
            "agreements": [d["agreement"] for d in details if d.get("agreement")],
            "sampled": [s for s in map(agreements.sampled_of, tests) if s],
            "tests": details}


def fix_summary(tests: list[dict[str, Any]], ok_count: int, problems: list[str],
                first_kind: str | None, first_loc: str | None, reports: int) -> tuple[str, str]:
    """A fix's cell: clean (with the schedules its sampled replays covered), or what failed."""
    count = len(tests)
    sampled = sum(s["schedules"] for s in map(agreements.sampled_of, tests) if s)
    if not problems:
        return "clean", (f"clean, {ok_count}/{count} race tests, {plural(reports, 'report')}"
                         + (f", {plural(sampled, 'sampled schedule')} replayed" if sampled
                            else ""))
    verdict = "data race" if first_kind == "data race" else "failed"
    return verdict, (f"FAIL: {count - ok_count}/{count} race tests failed"
                     + (f", first {first_kind} at {first_loc}" if first_kind else ""))


def control_summary(details: list[dict[str, Any]], ok_count: int, problems: list[str],
                    first_kind: str | None, first_loc: str | None,
                    reports: int) -> tuple[str, str]:
    """A negative control's cell: where TSan caught it, how many replays agree with the model."""
    count = len(details)
    agreed = sum((d.get("agreement") or {}).get("status") in (agreements.SAME_PAIR,
                                                               agreements.SAME_STATEMENTS)
                 for d in details)
    disagreed = sum((d.get("agreement") or {}).get("status") == agreements.DISAGREE
                    for d in details)
    summary = (f"{first_kind or 'data race'} at {first_loc or '?'}, {ok_count}/{count} tests "
               "caught it"
               + (f", {agreed}/{count} replays agree with the model" if agreed else "")
               + f", {plural(reports, 'report')}")
    if disagreed:
        summary = f"DISAGREE: {disagreed}/{count} replays disagree with the model | " + summary
    elif problems:
        summary = f"NOT CAUGHT by {count - ok_count}/{count} tests | " + summary
    verdict = ("data race" if ok_count == count and not disagreed else
               "disagree" if disagreed else "not caught")
    return verdict, summary


GATE_LABEL = "replay-gate"


def gate_problem(t: dict[str, Any]) -> str:
    """A failed replay-gate control's problem, with its first FAIL line."""
    why = next((line[len(CHECKER_FAIL):] for line in t.get("output", "").splitlines()
                if line.startswith(CHECKER_FAIL)), "")
    return (f"replay gate: {t['name']} [{t.get('status')}]: the gate made visible did not make "
            "the replay disagree, so nothing shows the gate is invisible to TSan"
            + (f" ({why})" if why else ""))


def replay_gate_result(ctest: dict[str, dict[str, Any]],
                       builds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The harness's self-check of the replay (label replay-gate, verify.json's replay_gate): its
    control must pass, else no agreement of a replay means anything (exit 2). Missing while the
    replays ran is a failure too; with no replay (or the tsan build failed) it is not needed."""
    record = ctest.get(GATE_LABEL) or {}
    tests = record.get("tests") or []
    problems = [gate_problem(t) for t in tests if not t.get("passed")]
    replays = any(agreements.agreement_of(t)
                  for t in (ctest.get("tsan-negative") or {}).get("tests", []))
    if not tests and replays and builds.get("tsan", {}).get("ok") is not False:
        problems.append("replay gate: no test carries the label 'replay-gate' although the TSan "
                        "replays ran: nothing shows the replay's gate is invisible to TSan ("
                        + ("; ".join(record.get("notes") or []) or "no results") + ")")
    return {"ok": not problems, "ran": bool(tests), "problems": problems,
            "tests": [{"name": t["name"], "ok": bool(t.get("passed")), "status": t.get("status"),
                       "seconds": t.get("seconds"),
                       **({"failure": "\n".join(failure_lines(t.get("output", "")))}
                          if not t.get("passed") and failure_lines(t.get("output", "")) else {})}
                      for t in tests]}
