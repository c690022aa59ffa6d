"""The four reports, written into --report-dir: verify.json (schema scripts/verify.schema.json),
junit.xml, verify.sarif and index.html (one self-contained page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..results import Results
from . import html, json, junit, sarif


def write_reports(report_dir: Path, report: dict[str, Any], results: Results) -> list[str]:
    """Writes the four reports; returns their names. Raises OSError."""
    json.write_json(report_dir / "verify.json", report)
    junit.write_junit(report_dir / "junit.xml", report)
    sarif.write_sarif(report_dir / "verify.sarif", report, results)
    html.write_html(report_dir / "index.html", report, results)
    return ["verify.json", "junit.xml", "verify.sarif", "index.html"]
