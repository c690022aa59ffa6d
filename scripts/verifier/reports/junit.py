"""junit.xml: one testsuite per checker (model, tsan, static) with one testcase per variant it
applies to, a `mutation` testsuite with one testcase per mutant of the gated fix (and one for
the variant when its mutation did not run or met no site of the fix), and a `harness` testsuite
with the replay gate's self-check. A failed testcase's <failure> has the first problem as its
message and, as its text, every problem and then why each failed test failed in its own words
(failures): a CI page shows the assertion, not a status. A negative control's tsan testcase
carries each replay's agreement with the model (a property per replay, and its system-out); a
disagreement is a <failure type="harness"> whose text has both the model's pair and TSan's
report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..mutation import NOT_SHOWN
from ..text import failed_test_lines

CHECKERS = ("model", "tsan", "static", "relacy")


def checker_lines(v: dict[str, Any], checker: str, sub: dict[str, Any],
                  report: dict[str, Any]) -> list[str]:
    """A variant's testcase output: what was expected, what was measured, each model or test."""
    lines = [f"{v['title']} [{v['role']}]", f"expected: {v['expected'].get(checker, '')}",
             f"measured: {sub['summary']}"]
    for m in sub.get("models", []) if checker == "model" else []:
        entry = next((e for e in report["models"] if e["name"] == m), None)
        if entry:
            lines.append(f"  {entry.get('verdict_line') or m}")
    for t in sub.get("tests", []):
        lines.append(f"  {t['name']}: {t.get('status')}"
                     + (f" ({t['kind']} at {t['location']})" if t.get("kind") else ""))
        if t.get("agreement"):
            lines.append(f"    {t['agreement']['text']}")
    lines += [f"  {s['test']}: {s['text']}" for s in sub.get("sampled") or []]
    return lines


def agreement_properties(case: ET.Element, sub: dict[str, Any]) -> None:
    """A property per replay of the model's counterexample: agreement.<test> = its verdict line,
    so a CI page (or a script) reads the agreement without parsing the output."""
    agreements = sub.get("agreements") or []
    if not agreements:
        return
    properties = ET.SubElement(case, "properties")
    for a in agreements:
        ET.SubElement(properties, "property", name=f"agreement.{a['test']}",
                      value=f"{a['status']}: {a['text']}")


def failure_type(v: dict[str, Any], sub: dict[str, Any]) -> str:
    """A failed testcase's kind: the harness's (a disagreement), else by the variant's role."""
    if sub.get("harness"):
        return "harness"
    return "not caught" if v["role"] != "fix" else "not proven"


def failure_text_lines(sub: dict[str, Any]) -> list[str]:
    """A failed checker testcase's <failure> text: its problems, then each failed test's own
    words, a blank line before each."""
    lines = list(sub.get("problems") or [])
    for t in sub.get("tests", []):
        told = failed_test_lines(t)
        lines += ([""] + told) if told else []
    return lines


def checker_suite(suites: ET.Element, checker: str, report: dict[str, Any]) -> tuple[int, int,
                                                                                     float]:
    """The testsuite of `checker`; returns (tests, failures, seconds)."""
    suite = ET.SubElement(suites, "testsuite", name=checker)
    count = fails = 0
    suite_time = 0.0
    for v in report["variants"]:
        sub = v.get(checker)
        if not sub or sub.get("verdict") == "not applicable" or sub.get("ok") is None:
            continue  # ok None: judged nothing (relacy not configured), no testcase
        count += 1
        seconds = float(sub.get("seconds") or 0)
        suite_time += seconds
        case = ET.SubElement(suite, "testcase", classname=f"verify.{v['name']}", name=checker,
                             time=f"{seconds:.3f}")
        agreement_properties(case, sub)
        if not sub.get("ok"):
            fails += 1
            failure = ET.SubElement(case, "failure",
                                    message=(sub.get("problems") or [sub["summary"]])[0][:500],
                                    type=failure_type(v, sub))
            failure.text = "\n".join(failure_text_lines(sub))
        ET.SubElement(case, "system-out").text = "\n".join(checker_lines(v, checker, sub, report))
    close_suite(suite, count, fails, suite_time)
    return count, fails, suite_time


def mutant_case(suite: ET.Element, v: dict[str, Any], m: dict[str, Any]) -> bool:
    """A mutant's testcase; returns whether it failed (survived)."""
    case = ET.SubElement(suite, "testcase", classname=f"verify.{v['name']}.mutants",
                         name=f"{m['site']}: {m['weakening']}", time="0.000")
    lines = [f"mutant {m['id']}: {m['verdict']}",
             f"killed in {len(m['killed_in'])} of {len(m['models'])} models that meet it"]
    if m["verdict"] == "killed":
        lines.append(f"killed by {m['killed_by']}: {m['failure']}")
        lines.append(f"replay: dc_model {m['replay']}")
    elif m["reason"]:
        lines.append(m["reason"])
    if m["verdict"] == "survived":
        failure = ET.SubElement(case, "failure", type="not proven",
                                message=f"{NOT_SHOWN}: {m['site']} ({m['weakening']} survives "
                                        f"every model that meets it)")
        failure.text = "survived in: " + ", ".join(m["survived_in"])
    ET.SubElement(case, "system-out").text = "\n".join(lines)
    return m["verdict"] == "survived"


def mutation_suite(suites: ET.Element, report: dict[str, Any]) -> tuple[int, int]:
    """The fix-necessity testsuite; returns (tests, failures)."""
    suite = ET.SubElement(suites, "testsuite", name="mutation")
    count = fails = 0
    for v in report["variants"]:
        mutation = v.get("mutation") or {}
        if not mutation.get("counted"):
            continue
        for m in report.get("mutants", []):
            if m["counted"] and m["variant"] == v["name"] and m["runner"] == v["source"]:
                count += 1
                fails += mutant_case(suite, v, m)
        other = mutation.get("unshown") or []
        if other:
            count += 1
            fails += 1
            case = ET.SubElement(suite, "testcase", classname=f"verify.{v['name']}.mutants",
                                 name="mutation", time="0.000")
            failure = ET.SubElement(case, "failure", type="not proven", message=other[0][:500])
            failure.text = "\n".join(other)
    close_suite(suite, count, fails, 0.0)
    return count, fails


def harness_suite(suites: ET.Element, report: dict[str, Any]) -> tuple[int, int]:
    """The harness's self-checks: a testcase per replay-gate control, and one when the gate's
    control is missing; returns (tests, failures)."""
    gate = report.get("replay_gate") or {}
    suite = ET.SubElement(suites, "testsuite", name="harness")
    count = fails = 0
    for t in gate.get("tests") or []:
        count += 1
        case = ET.SubElement(suite, "testcase", classname="verify.harness.replay-gate",
                             name=t["name"], time=f"{float(t.get('seconds') or 0):.3f}")
        if not t["ok"]:
            fails += 1
            problem = next((p for p in gate.get("problems", []) if t["name"] in p), "")
            failure = ET.SubElement(case, "failure", type="harness", message=problem[:500])
            failure.text = "\n".join([problem] + failed_test_lines(t))
    missing = [p for p in gate.get("problems", [])
               if not any(t["name"] in p for t in gate.get("tests") or [])]
    if missing:
        count += 1
        fails += 1
        case = ET.SubElement(suite, "testcase", classname="verify.harness.replay-gate",
                             name="replay-gate", time="0.000")
        ET.SubElement(case, "failure", type="harness", message=missing[0][:500]).text = (
            "\n".join(missing))
    close_suite(suite, count, fails, 0.0)
    return count, fails


def close_suite(suite: ET.Element, count: int, fails: int, seconds: float) -> None:
    suite.set("tests", str(count))
    suite.set("failures", str(fails))
    suite.set("errors", "0")
    suite.set("time", f"{seconds:.3f}")


def write_junit(path: Path, report: dict[str, Any]) -> None:
    suites = ET.Element("testsuites", name="doublecheck verify")
    total = failures = 0
    total_time = 0.0
    for checker in CHECKERS:
        count, fails, seconds = checker_suite(suites, checker, report)
        total, failures, total_time = total + count, failures + fails, total_time + seconds
    count, fails = mutation_suite(suites, report)
    more, more_fails = harness_suite(suites, report)
    close_suite(suites, total + count + more, failures + fails + more_fails, total_time)
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
