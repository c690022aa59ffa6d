"""What a person reads on the terminal after the stages: the verdict matrix as measured, the
mutants table, why each failed test failed (its assertion's or checker's own words), and the last
line (VERIFIED, or NOT VERIFIED with what failed, condensed)."""

from __future__ import annotations

import re
from typing import Any

from .judging.agreement import DISAGREE, pair_lines, short_pair
from .judging.verdict import CHECKERS, EXIT_VERIFIED
from .matrix import RUNNER
from .mutation import NOT_SHOWN
from .text import failed_test_lines, plural

MUTANT_COLUMNS = ["variant", "site", "weakening", "verdict", "killed in", "executions",
                  "killed by / reason"]
EXECUTIONS_COLUMN = 5  # right-aligned
SHOWN_FAILURES = 8  # failed tests whose text the console shows; junit.xml and verify.json have all


def print_matrix(variants: list[dict[str, Any]]) -> None:
    """Each row with each checker's verdict on its own line; other runners' rows after the
    matrix's, under a heading of their own."""
    print("\nVerdict matrix, as measured (DESIGN.md, \"Expected verdicts\"):")
    width = max(len(v["name"]) for v in variants) + 2
    for i, v in enumerate(variants):
        if v["source"] != RUNNER and (i == 0 or variants[i - 1]["source"] != v["source"]):
            print(f"  -- beyond DESIGN.md's matrix: the models of runner '{v['source']}' --")
        mark = "ok  " if v["ok"] else "FAIL"
        print(f"  {mark} {v['name']:<{width}}[{v['role']}] {v['title']}")
        print(f"       {'':<{width}}model   {v['model']['summary']}")
        if v["tsan"]["verdict"] != "not applicable":
            print(f"       {'':<{width}}tsan    {v['tsan']['summary']}")
            for line in tsan_detail_lines(v["tsan"]):
                print(f"       {'':<{width}}          {line}")
        if v.get("static"):
            print(f"       {'':<{width}}static  {v['static']['summary']}")
        if v.get("mutation"):
            print(f"       {'':<{width}}mutants {v['mutation']['summary']}")
        if v.get("relacy"):
            print(f"       {'':<{width}}relacy  {v['relacy']['summary']}")


def tsan_detail_lines(tsan: dict[str, Any]) -> list[str]:
    """Under a row's tsan cell: each replay's agreement with the model ("TsanReplaysX.get: tsan on
    the model's interleaving: race at impl/e.hpp:137 and ...:72, same pair as the model"), a
    disagreement with both checkers' pairs, and a fix's sampled replays' PASS line."""
    lines = []
    for a in tsan.get("agreements") or []:
        if a["status"] == DISAGREE:
            lines += [f"{a['test']}: {a['text']}"] + ["  " + p for p in pair_lines(a)]
        else:
            lines.append(f"{a['test']}: {short_pair(a['text'])}")
    lines += [f"{s['test']}: {s['text']}" for s in tsan.get("sampled") or []]
    return lines


def mutant_cells(m: dict[str, Any]) -> list[str]:
    """A row of the mutants table, in MUTANT_COLUMNS' order."""
    met = len(m["killed_in"]) + len(m["survived_in"]) + len(m["not_judged_in"])
    if m["verdict"] == "killed":
        why = f"{m['killed_by']}: {m['failure']}"
    elif m["verdict"] == "not judged":
        why = "a seq_cst step: judged by its happens-before effect only"
    elif not m["in_fix"]:
        why = "not the fix: listed, not counted"
    elif m["counted"]:
        why = f"{NOT_SHOWN} (not needed by any model, or not exercised)"
    else:
        why = "not needed by any model, or not exercised (not counted)"
    site = m["site"] + ("" if m["in_fix"] else " (not the fix)")
    return [m["variant"], site, m["weakening"],
            m["verdict"].upper() if m["counted"] and m["verdict"] == "survived" else m["verdict"],
            f"{len(m['killed_in'])}/{met}", f"{m['executions']:,}", why]


def fix_name(variant: str) -> str:
    return "the fixed emitter's fix" if variant == "fixed" else f"the fix of {variant}"


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        cells = [cell.rjust(widths[c]) if c == EXECUTIONS_COLUMN else cell.ljust(widths[c])
                 for c, cell in enumerate(r)]
        print(("  " + "  ".join(cells)).rstrip())


def print_mutants(mutants: list[dict[str, Any]], variants: list[dict[str, Any]],
                  model_runs: dict[str, dict[str, Any]]) -> None:
    """The mutants section: every mutant of every passing model's synchronisation sites (over the
    models of its variant that meet the site), the gated fix first, then its verdict."""
    print("\nMutants: each synchronisation site a passing model met, weakened one at a time "
          "(dc_model --mutate);\n  killed in = models that kill it / models that meet it; "
          "executions = of the killing run (else of all)")
    if mutants:
        memory = next((m["memory_model"] for m in mutants if m.get("memory_model")), None)
        if memory:
            print(f"  memory model: {memory}")
        print_table([MUTANT_COLUMNS] + [mutant_cells(m) for m in mutants])
    for label, run in model_runs.items():
        if "mutants" not in run:
            print(f"  runner '{label}': not mutated (" + (
                "it has no --mutate" if run.get("mutate") is False else
                f"no mutants in models-{label}.json") + ")")
    for v in variants:
        mutation = v.get("mutation") or {}
        if not mutation.get("counted"):
            continue
        if mutation["ok"]:
            print(f"  ok   {fix_name(v['name'])} shown necessary: {mutation['summary']}")
        for problem in mutation["problems"]:
            print(f"  FAIL {v['name']}: {problem}")


def verified_line(verdict: dict[str, Any], variants: list[dict[str, Any]]) -> str:
    """'VERIFIED: 3 fixes proven (...), 5 negative controls caught (...); examples: ...; every
    mutant of the fixed emitter's fix killed (...)'."""
    groups = []
    for source in dict.fromkeys(v["source"] for v in variants):
        rows = [v for v in variants if v["source"] == source]
        fixes = [v["name"] for v in rows if v["role"] == "fix"]
        negatives = [v["name"] for v in rows if v["role"] != "fix"]
        groups.append(("" if source == RUNNER else f"{source}: ")
                      + f"{plural(len(fixes), 'fix', 'fixes')} proven ({', '.join(fixes)}), "
                      f"{plural(len(negatives), 'negative control')} caught "
                      f"({', '.join(negatives)})")
    line = "VERIFIED: " + "; ".join(groups)
    for v in variants:
        mutation = v.get("mutation") or {}
        if mutation.get("counted") and mutation.get("mutants"):
            line += (f"; every mutant of {fix_name(v['name'])} killed "
                     f"({plural(mutation['mutants'], 'mutant')} at "
                     f"{plural(mutation['sites'], 'site')})")
    if verdict["bounded"]:
        line += (" -- BOUNDED (--quick): some model searches were cut short, run "
                 "scripts/verify without --quick for the proof")
    return line


def print_failures(variants: list[dict[str, Any]]) -> None:
    """Why the failed tests failed, as they said it (GoogleTest's assertion, a checker's FAIL
    line), for the first SHOWN_FAILURES of them: a status alone sends a person to the logs."""
    failed = [(f"{v['name']} ({checker})", lines) for v in variants for checker in CHECKERS
              for t in (v.get(checker) or {}).get("tests", []) if (lines := failed_test_lines(t))]
    if not failed:
        return
    print("\nWhy the failed tests failed, in their own words (the whole output is in logs/):")
    for where, lines in failed[:SHOWN_FAILURES]:
        print(f"  {where} {lines[0]}")
        print("\n".join("  " + line for line in lines[1:]))
    if len(failed) > SHOWN_FAILURES:
        print(f"  (+{plural(len(failed) - SHOWN_FAILURES, 'more failed test')}: junit.xml and "
              "verify.json have their text)")


def print_verdict(verdict: dict[str, Any], variants: list[dict[str, Any]]) -> None:
    print_failures(variants)
    print()
    for text in verdict.get("harness", []):
        print(f"  HARNESS      {text}")
    for text in verdict["checker_blind"]:
        print(f"  NOT CAUGHT   {text}")
    for text in verdict["not_proven"]:
        print(f"  NOT PROVEN   {text}")
    for text in verdict["caught_elsewhere"]:
        print(f"  ELSEWHERE    {text} (counted as a consequence of the fix not proven)")
    if verdict["exit_code"] == EXIT_VERIFIED:
        print(verified_line(verdict, variants))
    else:
        print(f"NOT VERIFIED: {verdict['reason']}: {condensed(verdict)}")


PROBLEM = re.compile(r"^(?P<variant>\S+) \((?P<checker>\w+)\): (?P<rest>.*)$")
SUBJECT = re.compile(r"^(?:(?:model|TSan test|TSan negative control|static check) (?P<name>\S+)"
                     rf"|(?P<site>{NOT_SHOWN}: [^(]*?)(?: \(|$))")


def condensed(verdict: dict[str, Any]) -> str:
    """"prefix_rc002 tsan: TsanCatchesPreFixRC002.X (+3 more); fixed model: increment/fixed/2x1":
    per variant and checker, the first model or test that failed."""
    groups: dict[str, list[str]] = {}
    for text in verdict.get("harness", []) + verdict["checker_blind"] + verdict["not_proven"]:
        problem = PROBLEM.match(text)
        if not problem:
            groups.setdefault(text if len(text) < 160 else text[:157] + "...", [])
            continue
        subject = SUBJECT.match(problem["rest"])
        rest = problem["rest"]
        groups.setdefault(f"{problem['variant']} {problem['checker']}", []).append(
            (subject["name"] or subject["site"]) if subject else
            rest if len(rest) < 120 else rest[:117] + "...")
    parts = []
    for key, names in groups.items():
        more = f" (+{len(names) - 1} more)" if len(names) > 1 else ""
        parts.append(f"{key}: {names[0]}{more}" if names else key)
    return "; ".join(parts)
