"""verify.sarif (SARIF 2.1.0): every finding at its source line, for code-scanning views. The
explorer's counterexamples with their interleaving as code flows (one thread flow per thread),
ThreadSanitizer's reports with the racing access stacks (a replay of the explorer's counterexample
with its agreement as the message, and both checkers' pairs as related locations), the static
analysis' diagnostics, the surviving mutants of a fix at their site, and Relacy's failures when
it is configured (relacy_backend/). Findings a negative control was expected to produce are notes;
the others (a disagreement among them) are errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import matrix
from ..judging.agreement import DISAGREE, agreement_of
from ..judging.tsan import first_tsan_location
from ..mutation import NOT_SHOWN
from ..paths import ROOT, USER_ROOTS, repo_relative, runner_relative
from ..patterns import CLANG_DIAG
from ..results import Results
from ..tsan_tools import tsan_report
from .json import VERIFY_SCHEMA

RULES = {
    "data race": "Two accesses to the same shared variable, at least one a write, with no "
                 "happens-before between them (no lock, no release/acquire pair orders them).",
    "assertion failed": "A property of the model (DESIGN.md P1-P6, or your own) was false in some "
                        "interleaving.",
    "use after free": "A model object used after its destruction (or a mutex destroyed while a "
                      "thread holds it): the use comes after the destructor in happens-before.",
    "deadlock": "Every live thread is blocked.",
    "crash": "A fatal signal in a model thread (an invalid memory access, a stack overflow, "
             "abort(), a division by zero): the explorer stopped the execution at it.",
    "disagreement": "The explorer's counterexample, replayed on real threads under "
                    "ThreadSanitizer, did not draw TSan's race at the model's pair of lines: the "
                    "two checkers disagree on one interleaving (a failure of the harness).",
    "thread-safety": "Clang's -Wthread-safety: a field guarded by a mutex is accessed without it.",
    NOT_SHOWN: "A synchronisation site of a fix whose weakening (no lock, a weaker memory order, "
               "an RMW split) no model catches: the models do not show it is needed (they do not "
               "exercise it, or it is stronger than the checked properties need).",
}


def base_id(label: str | None) -> str:
    """The uriBaseId of runner `label`'s files: SRCROOT (this source tree) for doublecheck's own
    runners, SRCROOT_<label> for a --models runner's (its own source root)."""
    return f"SRCROOT_{label}" if label in USER_ROOTS else "SRCROOT"


def sarif_location(relative: str | None, line: int | None, message: str = "",
                   label: str | None = None) -> dict[str, Any]:
    """A location of a file of runner `label` (doublecheck's own sources by default); a file
    outside its root (absolute) by its file URI."""
    loc: dict[str, Any] = {}
    if relative and line:
        artifact = ({"uri": Path(relative).as_uri()} if Path(relative).is_absolute() else
                    {"uri": relative, "uriBaseId": base_id(label)})
        loc["physicalLocation"] = {"artifactLocation": artifact,
                                   "region": {"startLine": int(line)}}
    if message:
        loc["message"] = {"text": message}
    return loc


class Rules:
    """The rules the results name, made as they are first used."""

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, Any]] = {}

    def __call__(self, checker: str, kind: str) -> str:
        rid = f"{checker}/" + re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
        if rid not in self.rules:
            self.rules[rid] = {"id": rid, "name": rid.replace("/", "-"),
                               "shortDescription": {"text": f"{checker}: {kind}"},
                               "fullDescription": {"text": RULES.get(kind, kind)},
                               "defaultConfiguration": {"level": "error"}}
        return rid


def trace_flows(failure: dict[str, Any], label: str) -> list[dict[str, Any]]:
    """A counterexample's interleaving (of runner `label`): one thread flow per thread, locations
    in step order."""
    flows: dict[int, list[dict[str, Any]]] = {}
    for event in failure.get("trace") or []:
        where = event.get("location") or {}
        text = " ".join(str(x) for x in (event.get("op"), event.get("object"),
                                         event.get("detail")) if x)
        tfl = {"location": sarif_location(runner_relative(label, where.get("file")),
                                          where.get("line"), text or "step", label),
               "executionOrder": int(event.get("row") or 0),
               "importance": "essential" if event.get("highlight") else "unimportant"}
        if event.get("preemption"):
            tfl["kinds"] = ["preemption"]
        flows.setdefault(int(event.get("thread") or 0), []).append(tfl)
    return [{"id": f"T{t}", "message": {"text": "main thread" if t == 0 else f"thread T{t}"},
             "locations": sorted(locs, key=lambda x: x["executionOrder"])}
            for t, locs in sorted(flows.items())]


def model_result(rule: Rules, label: str, m: dict[str, Any], failure: dict[str, Any],
                 roles: dict[str, str]) -> dict[str, Any]:
    """A counterexample of the explorer, at its first racing access."""
    expected_fail = (m.get("expected") or {}).get("verdict") == "fail"
    kind = str(failure.get("kind", "failure"))
    locations = [sarif_location(runner_relative(label, a.get("file")), a.get("line"),
                                f"T{a.get('thread')} {'writes' if a.get('write') else 'reads'} "
                                f"(step {a.get('step')})", label)
                 for a in failure.get("accesses") or []]
    locations = [loc for loc in locations if "physicalLocation" in loc]
    result = {
        "ruleId": rule("model", kind),
        "level": "note" if expected_fail else "error",
        "message": {"text": f"{m.get('name')}: {failure.get('message', kind)}"},
        "locations": locations[:1] or [sarif_location(None, None, kind)],
        "relatedLocations": [dict(loc, id=i) for i, loc in enumerate(locations[1:], 1)],
        "properties": {"checker": "model", "runner": label, "model": m.get("name"),
                       "variant": m.get("variant"), "property": m.get("property"),
                       "expected": expected_fail,
                       "negativeControl": roles.get(m.get("variant")) != "fix" and expected_fail,
                       "replayToken": failure.get("replay_token"),
                       "preemptions": failure.get("preemptions")},
    }
    flows = trace_flows(failure, label)
    if flows:
        result["codeFlows"] = [{"message": {"text": "the interleaving (one thread flow per "
                                                    "thread, steps in order)"},
                                "threadFlows": flows}]
    return result


def model_results(rule: Rules, results: Results, roles: dict[str, str]) -> list[dict[str, Any]]:
    return [model_result(rule, label, m, failure, roles)
            for label, run in results.model_runs.items() for m in run.get("models", [])
            for failure in m.get("failures") or []]


def access_flows(report: Any) -> list[dict[str, Any]]:
    """A TSan report's racing accesses: one thread flow per access, its frames in this
    repository from the outermost down."""
    flows = []
    for section in report.access_sections():
        frames = [f for f in reversed(section.frames) if f.file and repo_relative(f.file)]
        if not frames:
            continue
        locs = [{"location": sarif_location(repo_relative(f.file), f.line, f.text[:200]),
                 "nestingLevel": n, "executionOrder": n + 1} for n, f in enumerate(frames)]
        tid = re.search(r"(T\d+|main thread)", section.title)
        flows.append({"id": tid.group(1) if tid else section.title[:20],
                      "message": {"text": section.title}, "locations": locs})
    return flows


def place_location(place: str, message: str, index: int) -> dict[str, Any]:
    """A related location at "file:line" (relative to the source root)."""
    file, _, line = place.rpartition(":")
    return dict(sarif_location(file or None, int(line) if line.isdigit() else None, message),
                id=index)


def pair_locations(agreement: dict[str, Any]) -> list[dict[str, Any]]:
    """A replay's two pairs as related locations: the model's earlier and later access, then
    TSan's previous and current one (none of TSan's when it reported no race)."""
    model, tsan = agreement.get("model") or {}, agreement.get("tsan") or {}
    sides = [(model.get("earlier"), "the model's racing access (earlier)"),
             (model.get("later"), "the model's racing access (later)"),
             (tsan.get("previous"), "TSan's racing access (previous)"),
             (tsan.get("current"), "TSan's racing access (current)")]
    return [place_location(place, message, i)
            for i, (place, message) in enumerate([s for s in sides if s[0]], 1)]


def disagreement_result(rule: Rules, t: dict[str, Any]) -> dict[str, Any] | None:
    """A replay that disagrees with no TSan report to place it (TSan reported nothing on the
    model's interleaving): an error at the model's pair; None for any other test."""
    agreement = agreement_of(t)
    if not agreement or agreement["status"] != DISAGREE or not agreement.get("model"):
        return None
    related = pair_locations(agreement)
    return {"ruleId": rule("tsan", "disagreement"), "level": "error",
            "message": {"text": f"{t['name']}: {agreement['text']}"},
            "locations": [{k: v for k, v in related[0].items() if k != "id"}],
            "relatedLocations": related,
            "properties": {"checker": "tsan", "test": t["name"], "expected": True,
                           "negativeControl": True, "caught": False, "agreement": DISAGREE}}


def tsan_result(rule: Rules, t: dict[str, Any], expected: bool) -> dict[str, Any] | None:
    """A test's first ThreadSanitizer report at its racing line (None: no report)."""
    reports = tsan_report.parse_reports(t.get("output", ""))
    if not reports:
        return None
    first = reports[0]
    _, where = first_tsan_location(t.get("output", ""))
    file, _, line = where.rpartition(":")
    agreement = agreement_of(t) if expected else None
    result = {
        "ruleId": rule("tsan", first.kind),
        "level": ("error" if not expected or (agreement or {}).get("status") == DISAGREE
                  else "note"),
        "message": {"text": f"{t['name']}: " + (agreement["text"] if agreement else
                                                f"ThreadSanitizer: {first.kind}"
                                                + (f" at {where}" if where else ""))},
        "locations": [sarif_location(file or None, int(line) if line.isdigit() else None,
                                     first.kind)],
        "properties": {"checker": "tsan", "test": t["name"], "expected": expected,
                       "negativeControl": expected, "caught": bool(t.get("passed"))},
    }
    if agreement:
        result["relatedLocations"] = pair_locations(agreement)
        result["properties"]["agreement"] = agreement["status"]
    flows = access_flows(first)
    if flows:
        result["codeFlows"] = [{"message": {"text": "the two racing accesses"},
                                "threadFlows": flows}]
    return result


def tsan_results(rule: Rules, results: Results) -> list[dict[str, Any]]:
    out = []
    for label in ("race", "tsan-negative"):
        for t in results.ctest.get(label, {}).get("tests", []):
            result = (tsan_result(rule, t, expected=label == "tsan-negative")
                      or disagreement_result(rule, t))
            if result:
                out.append(result)
    return out


def static_expectation(t: dict[str, Any]) -> bool | None:
    """Whether a static check's diagnostics are expected (a rejection); None when they are not
    reported. The matrix declares its variants' checks, accept or reject. A check it does not
    declare but labels with one of its variants checks a check (it compiles a declared check's
    code again with a wrong expectation, on purpose): its diagnostics are that check's, not
    reported twice. An unlabelled check checks the fixed emitter (no rejection expected); one
    labelled with a variant the matrix does not have is that negative control's."""
    declared = {test: expect == "reject" for v in matrix.variants()
                for test, expect in v.static_expect}
    if t["name"] in declared:
        return declared[t["name"]]
    variant = matrix.ctest_label_variant(t.get("labels") or [])
    if variant in {v.name for v in matrix.variants()}:
        return None
    return variant is not None


def static_results(rule: Rules, results: Results) -> list[dict[str, Any]]:
    """Each clang diagnostic of the static checks whose diagnostics are reported."""
    out = []
    for t in results.ctest.get("static", {}).get("tests", []):
        expected = static_expectation(t)
        if expected is None:
            continue
        out += [{
            "ruleId": rule("static", "thread-safety"),
            "level": "note" if expected else "error",
            "message": {"text": f"{t['name']}: {diag['msg']}"},
            "locations": [sarif_location(repo_relative(diag["file"]), int(diag["line"]))],
            "properties": {"checker": "static", "test": t["name"], "expected": expected},
        } for diag in CLANG_DIAG.finditer(t.get("output", ""))]
    return out


def mutation_results(rule: Rules, report: dict[str, Any]) -> list[dict[str, Any]]:
    """A surviving mutant of a fix at its site (an error when it fails the run, a warning for
    another fix's: listed, not counted). A split or an exclude is reported where it cuts the
    section: at its access. Mutants that are not of a fix are not findings."""
    out = []
    for m in report.get("mutants", []):
        if m["verdict"] != "survived" or not m["in_fix"]:
            continue
        site = m.get("access_location") or m.get("site_location") or {}
        out.append({
            "ruleId": rule("mutation", NOT_SHOWN),
            "level": "error" if m["counted"] else "warning",
            "message": {"text": f"{NOT_SHOWN}: {m['site']}: {m['weakening']} survives every model "
                                f"of {m['variant']} that meets it ({', '.join(m['survived_in'])})"},
            "locations": [sarif_location(site.get("file"), site.get("line"), m["site"],
                                         m["runner"])],
            "properties": {"checker": "mutation", "runner": m["runner"], "variant": m["variant"],
                           "mutant": m["id"], "weakening": m["weakening"],
                           "counted": m["counted"], "models": m["survived_in"]},
        })
    return out


def relacy_results(rule: Rules, results: Results, roles: dict[str, str]) -> list[dict[str, Any]]:
    """Relacy's findings (dc_relacy, when configured): each failing suite at the line of Relacy's
    failing event, a note when its negative control expected it; and a suite with no verdict (its
    search crashed or ran out of its budget), an error with no location: it fails the run too."""
    out = []
    for suite in (results.relacy.get("models") or []) if results.relacy.get("configured") else []:
        last = (suite.get("searches") or [{}])[-1]
        if last.get("end") in ("crashed", "budget"):
            out.append({"ruleId": rule("relacy", "no verdict"), "level": "error",
                        "message": {"text": f"{suite.get('name')}: Relacy {suite.get('verdict')}"},
                        "locations": [sarif_location(None, None, str(last.get("end")))],
                        "properties": {"checker": "relacy", "model": suite.get("name"),
                                       "variant": suite.get("variant"), "expected": False,
                                       "search": last.get("search")}})
            continue
        if last.get("end") != "failed":
            continue
        expected = bool(suite.get("as_expected")) and roles.get(suite.get("variant")) != "fix"
        place = str(suite.get("place") or "")
        file, _, line = place.rpartition(":")
        out.append({
            "ruleId": rule("relacy", str(last.get("result") or "failure")),
            "level": "note" if expected else "error",
            "message": {"text": f"{suite.get('name')}: Relacy {suite.get('verdict')}"},
            "locations": [sarif_location(file or None, int(line) if line.isdigit() else None,
                                         str(last.get("result") or ""))],
            "properties": {"checker": "relacy", "model": suite.get("name"),
                           "variant": suite.get("variant"), "expected": expected,
                           "search": last.get("search"), "executions": last.get("executions")},
        })
    return out


def base_uris() -> dict[str, Any]:
    """SRCROOT, this source tree, and each --models runner's source root (its URI when verify was
    told it with --source-root LABEL=DIR, else only what it is)."""
    bases: dict[str, Any] = {"SRCROOT": {"uri": ROOT.as_uri() + "/"}}
    for label, root in USER_ROOTS.items():
        bases[base_id(label)] = ({"uri": root.as_uri() + "/"} if root is not None else
                                 {"description": {"text": f"the source root of model runner "
                                                          f"'{label}' (--source-root "
                                                          f"{label}=DIR)"}})
    return bases


def write_sarif(path: Path, report: dict[str, Any], results: Results) -> None:
    """verify.sarif: one run, its rules those the results name, its invocation the verdict."""
    rule = Rules()
    roles = {v["name"]: v["role"] for v in report["variants"]}
    findings = (model_results(rule, results, roles) + tsan_results(rule, results)
                + static_results(rule, results) + mutation_results(rule, report)
                + relacy_results(rule, results, roles))
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "doublecheck", "version": VERIFY_SCHEMA.rsplit("/", 1)[1],
                                "informationUri": "https://github.com/",
                                "rules": sorted(rule.rules.values(), key=lambda r: r["id"])}},
            "originalUriBaseIds": base_uris(),
            "results": findings,
            "invocations": [{"executionSuccessful": report["exit_code"] == 0,
                             "exitCode": report["exit_code"],
                             "properties": {"verdict": report["verdict"],
                                            "reason": report["reason"]}}],
            "properties": {"verdict": report["verdict"], "mode": report["mode"]},
        }],
    }
    path.write_text(json.dumps(sarif, indent=1) + "\n")
