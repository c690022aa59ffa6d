"""The swimlanes of index.html, as data for its template: an explorer counterexample as a column
per thread and a row per step; a ThreadSanitizer report as a column per racing access and a row
per stack frame, each with its source line."""

from __future__ import annotations

import re
from typing import Any

from ..judging.tsan import in_policy
from ..paths import repo_relative, runner_relative, source_line
from ..tsan_tools import tsan_report

LANE_COLOURS = 5  # .t0 ... .t4 in report.css


def step_cell(e: dict[str, Any], label: str | None) -> dict[str, Any]:
    """A step of a thread: the operation, the variable, the value, where, and the source line (in
    runner `label`'s sources)."""
    where = e.get("location") or {}
    return {"op": e.get("op"), "object": e.get("object"), "detail": e.get("detail"),
            "stale": bool(e.get("stale")), "reads_from": e.get("reads_from"),
            "where": (where.get("short") or "") if where else None,
            "src": source_line(runner_relative(label, where.get("file")), where.get("line"),
                               label)}


def model_lane(failure: dict[str, Any], lane_id: str, label: str | None = None) -> dict[str, Any]:
    """A counterexample's interleaving (of runner `label`): `threads`, and `rows` of one cell per
    thread (None where the thread is idle). With no trace events, its text (`trace_text`)
    instead."""
    events = failure.get("trace") or []
    threads = sorted({int(e.get("thread") or 0) for e in events} |
                     set(range(int(failure.get("threads") or 0))))
    rows = []
    for e in events:
        classes = " ".join(c for c, on in (("race", e.get("highlight")),
                                           ("preempt", e.get("preemption"))) if on)
        thread = int(e.get("thread") or 0)
        rows.append({"classes": classes, "step": e.get("row"),
                     "cells": [step_cell(e, label) if t == thread else None for t in threads]})
    return {"id": lane_id, "threads": threads, "rows": rows, "events": bool(events),
            "trace_text": failure.get("trace_text", "")}


def short_function(frame_text: str) -> str:
    """'doublecheck::BasicTelemetryEmitter<…>::record_call(…)' from a TSan frame's text."""
    text = re.sub(r"\s+\S+:\d+(:\d+)?\s+\(.*$", "", frame_text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"<[^<>]*>", "\u2039\u203a", text)
    text = text.replace("\u2039\u203a", "<\u2026>")
    text = re.sub(r"\((?!\))[^()]*\)", "(\u2026)", text)
    return text if len(text) < 120 else text[:117] + "..."


def racing_frame(frames: list[Any]) -> int:
    """A stack's racing line: its innermost frame in this repository below a policy's wrapper
    (README, "How to read a TSan report")."""
    hits = [k for k, f in enumerate(frames)
            if not in_policy(repo_relative(f.file))]
    return hits[-1] if hits else len(frames) - 1


def tsan_lane(output: str) -> dict[str, Any] | None:
    """The first report of `output` as `columns` (one per racing access, its title) and `rows`
    (one per frame, the innermost frames aligned on the last row); None without a report."""
    reports = tsan_report.parse_reports(output)
    if not reports:
        return None
    columns = []
    for section in reports[0].access_sections():
        frames = [f for f in reversed(section.frames) if f.file and repo_relative(f.file)]
        columns.append((section.title, frames, racing_frame(frames)))
    depth = max((len(frames) for _, frames, _ in columns), default=0)
    rows = []
    for row in range(depth):
        cells = []
        for _, frames, racing in columns:
            k = row - (depth - len(frames))
            if k < 0:
                cells.append(None)
                continue
            f = frames[k]
            rel = repo_relative(f.file)
            cells.append({"fn": short_function(f.text), "where": f"{rel}:{f.line}",
                          "src": source_line(rel, f.line), "hit": k == racing})
        rows.append({"frame": row + 1, "cells": cells})
    return {"titles": [title for title, _, _ in columns], "rows": rows}
