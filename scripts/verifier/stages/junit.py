"""ctest's own JUnit output (`ctest --output-junit FILE`), the one source of each test's result:
whether it passed, its status, its seconds and its output. (ctest 3.25 writes status="run" for a
test that passed, "fail" with an empty <failure message> for one that failed or timed out or
crashed, "notrun" with a <skipped message> for one it could not start or that was skipped.)"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

PASSED = "Passed"


def status_word(case: ET.Element) -> str:
    """The test's status as a person reads it: Passed, Failed (or the failure's message, when
    ctest gives one), Not Run (with why)."""
    status = case.get("status", "")
    if status == "run":
        return PASSED
    failure = case.find("failure")
    if failure is not None or status == "fail":
        return (failure.get("message") if failure is not None else "") or "Failed"
    if status == "disabled":
        return "Disabled"
    skipped = case.find("skipped")
    why = skipped.get("message", "") if skipped is not None else ""
    return "Not Run" + (f" ({why})" if why else "")


def read_cases(path: Path) -> dict[str, dict[str, Any]]:
    """name -> {"passed", "status", "seconds", "output"}; empty when the file is missing or
    unreadable (every listed test then counts as not run)."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return {}
    cases = {}
    for case in tree.iter("testcase"):
        cases[case.get("name", "")] = {
            "passed": case.get("status") == "run",
            "status": status_word(case),
            "seconds": float(case.get("time", "0") or 0),
            "output": "".join((node.text or "") for node in case
                              if node.tag in ("system-out", "system-err")),
        }
    return cases
