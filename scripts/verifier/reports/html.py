"""index.html: the report for a person, one self-contained page (its CSS and JS inlined when it is
rendered) from templates/index.html.j2. This module gathers what the template shows: the matrix,
the mutants, the counterexamples as swimlanes (a negative control's replay under TSan: its
agreement, and the model's swimlane beside TSan's two access stacks), how the run went."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import matrix
from ..judging.agreement import agreement_of, pair_lines
from ..judging.models import primary_failure, search_text
from ..judging.tsan import first_tsan_location
from ..paths import source_line
from ..results import Results
from ..text import plural, tail
from ..tsan_tools import tsan_report
from .lanes import model_lane, tsan_lane

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_OTHER_FAILURES = 6  # of a counterexample's other failures, listed under it
MAX_HEADER_FAILURES = 12


def matrix_cell(v: dict[str, Any], checker: str) -> dict[str, Any] | None:
    """A checker's cell of the matrix (None: does not apply; ok None: judged nothing, as relacy
    when not configured), the mutants with the model's."""
    sub = v.get(checker)
    if not sub or sub.get("verdict") == "not applicable":
        return None
    mutation = v.get("mutation") if checker == "model" else None
    return {"ok": sub["ok"], "summary": sub["summary"], "mutation": mutation,
            "cell_ok": sub["ok"] and (not mutation or mutation["ok"])}


def matrix_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix's rows; the first of each other runner opens a group of its own."""
    rows = []
    for i, v in enumerate(report["variants"]):
        first_of_runner = v["source"] != matrix.RUNNER and (
            i == 0 or report["variants"][i - 1]["source"] != v["source"])
        rows.append({"v": v, "group": v["source"] if first_of_runner else None,
                     "cells": [matrix_cell(v, c) for c in ("model", "tsan", "static", "relacy")]})
    return rows


def mutant_row(i: int, m: dict[str, Any], raw: dict[tuple, dict[str, Any]]) -> dict[str, Any]:
    """A row of the mutants table, and its killing counterexample's swimlane (folded)."""
    site = m.get("site_location") or {}
    access = m.get("access_location") or {}
    cx = m.get("counterexample") or {}
    full = raw.get((m["runner"], m["killed_by"], m["id"])) if m["verdict"] == "killed" else None
    lane = None
    label = m["runner"]
    if full and full.get("counterexample"):
        lane = {"message": full["counterexample"].get("message"),
                "lane": model_lane(full["counterexample"], f"mlane{i}", label)}
    return {
        "m": m, "index": i, "site": site,
        "site_src": source_line(site.get("file"), site.get("line"), label),
        "access_src": (source_line(access.get("file"), access.get("line"), label) if access
                       else None),
        "tag": {"killed": "ok", "survived": "bad" if m["counted"] else "survived",
                "not judged": "notjudged"}[m["verdict"]],
        "met": len(m["killed_in"]) + len(m["survived_in"]) + len(m["not_judged_in"]),
        "where": f"{cx.get('file')}:{cx.get('line')}" if cx.get("file") else cx.get("location"),
        "cx_src": source_line(cx.get("file"), cx.get("line"), label),
        "classes": " ".join(c for c, on in (("notfix", not m["in_fix"]),
                                            ("badc", m["counted"] and m["verdict"] == "survived"))
                            if on),
        "lane": lane,
    }


def mutant_groups(report: dict[str, Any], results: Results) -> list[dict[str, Any]]:
    """The mutants table by (runner, variant): each group's heading (its summary, whether it
    gates the verdict) and rows."""
    raw = {(label, r.get("model"), r.get("id")): r for label, run in results.model_runs.items()
           for r in run.get("mutants") or []}
    groups: list[dict[str, Any]] = []
    for i, m in enumerate(report.get("mutants") or []):
        key = (m["runner"], m["variant"])
        if not groups or groups[-1]["key"] != key:
            v = next((x for x in report["variants"] if (x["source"], x["name"]) == key), None)
            mutation = (v or {}).get("mutation") or {}
            groups.append({"key": key, "variant": m["variant"],
                           "summary": mutation.get("summary", ""),
                           "gates": bool(m["counted"] or mutation.get("counted")), "rows": []})
        groups[-1]["rows"].append(mutant_row(i, m, raw))
    return groups


def model_counterexample(m: dict[str, Any], lane_id: str, label: str) -> dict[str, Any]:
    failure = primary_failure(m) or {}
    others = [f for f in m.get("failures", []) if f is not failure]
    return {"m": m, "failure": failure,
            "unexpected": (m.get("expected") or {}).get("verdict") != "fail",
            "search": search_text(m),
            "preemptions": plural(int(failure.get("preemptions") or 0), "preemption"),
            "filter": re.escape(str(m.get("name"))),
            "lane": model_lane(failure, lane_id, label),
            "others": [f"{f.get('kind')} at {f.get('location')}: {f.get('message')}"
                       for f in others[:MAX_OTHER_FAILURES]],
            "more_others": max(0, len(others) - MAX_OTHER_FAILURES)}


FILTER = re.compile(r"--filter\s+(\S+)")


def replayed_model(t: dict[str, Any], models: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The model whose counterexample a replay test replayed: the first of the row's failing
    models its explorer's --filter (in its command, else its "running:" line) matches."""
    text = " ".join(t.get("command") or []) + "\n" + t.get("output", "")
    found = FILTER.search(text)
    if not found:
        return None
    try:
        pattern = re.compile(found.group(1))
    except re.error:
        return None
    return next((m for m in models if pattern.search(str(m.get("name")))), None)


def tsan_counterexample(t: dict[str, Any], models: list[dict[str, Any]],
                        lane_id: str, label: str) -> dict[str, Any]:
    """A TSan test's block: its report as a lane; for a replay of the explorer's counterexample,
    its agreement and the model's own swimlane beside TSan's two access stacks."""
    output = t.get("output", "")
    reports = tsan_report.parse_reports(output)
    agreement = agreement_of(t)
    model = replayed_model(t, models) if agreement else None
    return {"t": t, "where": first_tsan_location(output)[1],
            "lane": tsan_lane(output) if reports else None,
            "report": "\n".join(reports[0].lines[:80]) if reports else "",
            "tail": tail(output, 30), "agreement": agreement,
            "pairs": pair_lines(agreement) if agreement else [],
            "model": model,
            "model_lane": (model_lane(primary_failure(model) or {}, lane_id, label)
                           if model else None)}


def counterexamples(report: dict[str, Any], results: Results) -> list[dict[str, Any]]:
    """Per variant with something to show: its models' counterexamples and, for a negative
    control (or a fix TSan failed), its TSan reports."""
    by_variant: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for label, run in results.model_runs.items():
        for m in run.get("models", []):
            if m.get("failures"):
                by_variant.setdefault((label, str(m.get("variant"))), []).append(m)
    blocks = []
    lane = 0
    for v in report["variants"]:
        models = by_variant.get((v["source"], v["name"]), [])
        tsan_tests = {d["name"] for d in (v.get("tsan") or {}).get("tests", [])}
        if not models and not (v["role"] != "fix" and tsan_tests) and v["ok"]:
            continue
        cxs = []
        for m in models:
            lane += 1
            cxs.append(model_counterexample(m, f"lane{lane}", v["source"]))
        tsan = []
        if v["role"] != "fix" or not v["tsan"].get("ok", True):
            record = results.ctest.get("race" if v["role"] == "fix" else "tsan-negative", {})
            for t in record.get("tests", []):
                if t["name"] in tsan_tests:
                    lane += 1
                    tsan.append(tsan_counterexample(t, models, f"alane{lane}", v["source"]))
        blocks.append({"v": v, "models": cxs, "tsan": tsan})
    return blocks


def environment() -> jinja2.Environment:
    """Autoescaped; a None (a field the explorer left out) shows as nothing."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True,
                              finalize=lambda value: "" if value is None else value)


def render(report: dict[str, Any], results: Results) -> str:
    groups = mutant_groups(report, results)
    return environment().get_template("index.html.j2").render(
        report=report, ok=report["exit_code"] == 0, git=report.get("git") or {},
        failed=report["failed"][:MAX_HEADER_FAILURES], matrix_rows=matrix_rows(report),
        mutant_groups=groups,
        mutant_lanes=[r for g in groups for r in g["rows"] if r["lane"]],
        memory_model=(report.get("mutation") or {}).get("memory_model"),
        counterexamples=counterexamples(report, results),
        css=Markup((TEMPLATES / "report.css").read_text()),
        js=Markup((TEMPLATES / "report.js").read_text()))


def write_html(path: Path, report: dict[str, Any], results: Results) -> None:
    path.write_text(render(report, results))
