"""One counterexample, two checkers: what a TSan replay of the explorer's counterexample said
(tsan/replay_control.py control, the tests TsanReplays<Variant>.<path>), read from its output.

Its last lines are the model's racing pair, TSan's pair (when TSan reported a race) and one
verdict: AGREE, the same pair or the same racing statements (TSan passed over one access of a run
of unsynchronised ones and named its neighbour), or DISAGREE. A disagreement is not a checker
missing a bug: the two checkers saw the same interleaving and said different things, so the
harness that claims they check the same bug is broken (exit 2). The sampled replays of a fix
(TsanSampledSchedules.<variant>.<path>) say how many schedules they replayed."""

from __future__ import annotations

from typing import Any

from ..paths import repo_relative
from ..patterns import (REPLAY_MODEL_PAIR, REPLAY_SAME_STATEMENTS, REPLAY_SAMPLED,
                        REPLAY_TSAN_PAIR, REPLAY_VERDICT)
from ..tsan_tools import tsan_report

SAME_PAIR = "same pair"
SAME_STATEMENTS = "same statements"
DISAGREE = "disagree"
STACK_FRAMES = 6  # of each of TSan's access stacks, beside a disagreement's pairs


def agreement_of(t: dict[str, Any]) -> dict[str, Any] | None:
    """A replay test's agreement (verify.json's checkers.tsan.agreements[]): status, the model's
    pair, TSan's pair (None when TSan reported none) and the verdict line; None when the output
    has no verdict line (not a replay, or it failed before judging: its FAIL line says why)."""
    output = t.get("output", "")
    verdict = REPLAY_VERDICT.search(output)
    if verdict is None:
        return None
    model = REPLAY_MODEL_PAIR.search(output)
    tsan = REPLAY_TSAN_PAIR.search(output)
    if verdict["verdict"] == "DISAGREE":
        status = DISAGREE
    else:
        status = SAME_STATEMENTS if REPLAY_SAME_STATEMENTS in verdict["text"] else SAME_PAIR
    return {"test": t["name"], "status": status,
            "model": ({"earlier": model["earlier"], "later": model["later"]} if model else None),
            "tsan": ({"previous": tsan["previous"], "current": tsan["current"]} if tsan else None),
            "text": verdict.group(0)}


def short_pair(text: str) -> str:
    """An agreement's text for a matrix row: without its "AGREE: ", and the second of two places
    in one file as "...:72" ("race at impl/telemetry_emitter.hpp:137 and ...:72, same pair")."""
    text = text.split(": ", 1)[1] if text.startswith(("AGREE: ", "DISAGREE: ")) else text
    head, sep, rest = text.partition(" race at ")
    first, also, tail = rest.partition(" and ")
    if not (sep and also):
        return text
    file = first.rpartition(":")[0]
    second, comma, after = tail.partition(",")
    if file and second.rpartition(":")[0] == file:
        second = "..." + second[len(file):]
    return f"{head}{sep}{first}{also}{second}{comma}{after}"


def pair_lines(agreement: dict[str, Any]) -> list[str]:
    """The two checkers' pairs as replay_control.py prints them ("model: data race at ...",
    "tsan: data race at ... " or that TSan reported none)."""
    model, tsan = agreement.get("model"), agreement.get("tsan")
    return [(f"model: data race at {model['earlier']} (earlier) and {model['later']} (later)"
             if model else "model: (no pair in the output)"),
            (f"tsan: data race at {tsan['previous']} (previous) and {tsan['current']} (current)"
             if tsan else "tsan: no data race reported on the model's interleaving")]


def disagreement_lines(output: str, agreement: dict[str, Any]) -> list[str]:
    """A disagreement's failure text: its DISAGREE line, both checkers' pairs, and TSan's report
    (its title, and each access stack's frames in the source tree, innermost first), so that
    whoever reads it sees both sides."""
    lines = [agreement["text"], *pair_lines(agreement)]
    reports = tsan_report.parse_reports(output)
    if reports:
        lines.append(f"ThreadSanitizer's report: {reports[0].kind}")
        for section in reports[0].access_sections():
            ours = [f for f in section.frames if f.file and repo_relative(f.file)]
            lines.append(f"  {section.title}")
            lines += [f"    #{k} {repo_relative(f.file)}:{f.line}"
                      for k, f in enumerate(ours[:STACK_FRAMES])]
    return lines


def sampled_of(t: dict[str, Any]) -> dict[str, Any] | None:
    """A fix's sampled replays (verify.json's checkers.tsan.sampled[]): how many schedules TSan
    replayed with no report, and the PASS line that says so; None for another test."""
    found = REPLAY_SAMPLED.search(t.get("output", ""))
    if found is None:
        return None
    return {"test": t["name"], "schedules": int(found["count"]), "text": found.group(0)}
