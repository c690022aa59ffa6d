#!/usr/bin/env python3
"""The documentation kept true (label docs): DESIGN.md's matrix table is matrix/variants.json's,
every reference to a section of DESIGN.md (DESIGN.md followed by a comma and a quoted name) names text DESIGN.md has, and every source path
README.md, DESIGN.md and docs/API.md name exists in the tree.

    docs_test.py [unittest args]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True

ROOT = Path(__file__).resolve().parents[2]
TOP_DIRS = ("seam", "impl", "properties", "matrix", "model", "tests", "tsan", "scripts", "bench",
            "cmake", "docs", "relacy_backend")
# `impl/telemetry_emitter.hpp`, `model/engine/`, `scripts/verify` (not build/..., not <patterns>).
PATH = re.compile(r"`((?:%s)/[A-Za-z0-9_./-]*)`" % "|".join(TOP_DIRS))


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True,
                         check=True).stdout
    return [ROOT / line for line in out.splitlines() if line]


def matrix_rows() -> list[list[str]]:
    matrix = json.loads((ROOT / "matrix" / "variants.json").read_text())
    return [[f"`{v['id']}`", v["title"], v["role"], v["expected"]["model"], v["expected"]["tsan"],
             v["expected"].get("static", "not applicable")] for v in matrix["variants"]]


def design_table() -> list[list[str]]:
    """The rows of DESIGN.md's table whose header starts with `| id | variant |`."""
    lines = (ROOT / "DESIGN.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| id | variant |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


class DocsTest(unittest.TestCase):
    def test_the_design_table_is_the_matrix(self):
        expected = matrix_rows()
        table = "\n".join("| " + " | ".join(row) + " |" for row in expected)
        self.assertEqual(design_table(), expected,
                         "DESIGN.md's matrix table differs from matrix/variants.json; its rows "
                         "should read:\n" + table)

    def test_every_design_section_referenced_exists(self):
        design = (ROOT / "DESIGN.md").read_text().lower()
        missing = []
        for path in tracked_files():
            if path.suffix in (".json", ".jsonl", ".png") or not path.is_file():
                continue
            try:
                text = path.read_text()
            except UnicodeDecodeError:
                continue
            for match in re.finditer(r'DESIGN\.md, "([^"]+)"', text):
                if match.group(1).lower() not in design:
                    missing.append(f"{path.relative_to(ROOT)}: DESIGN.md, \"{match.group(1)}\"")
        self.assertEqual(missing, [], "references to text DESIGN.md does not have")

    def test_every_source_path_the_docs_name_exists(self):
        missing = []
        for doc in ("README.md", "DESIGN.md", "docs/API.md"):
            for match in PATH.finditer((ROOT / doc).read_text()):
                relative = match.group(1).rstrip(".")
                # A file has an extension, a folder a trailing '/', a script lives in scripts/;
                # the rest are program names under build/ and SARIF rule ids (tsan/data-race).
                last = relative.rstrip("/").rsplit("/", 1)[-1]
                if "." not in last and not relative.endswith("/") and not relative.startswith(
                        "scripts/"):
                    continue
                if not (ROOT / relative).exists():
                    missing.append(f"{doc}: {relative}")
        self.assertEqual(missing, [], "paths the documentation names that are not in the tree")

    def test_the_readme_states_the_json_depth_limit_of_the_code(self):
        """The limit is written once, in impl/json_limits.hpp; README.md quotes it by name."""
        code = re.search(r"constexpr std::size_t kMaxJsonDepth = (\d+);",
                         (ROOT / "impl" / "json_limits.hpp").read_text())
        self.assertIsNotNone(code, "impl/json_limits.hpp defines no kMaxJsonDepth")
        stated = re.findall(r"(\d+) levels \(`kMaxJsonDepth`", (ROOT / "README.md").read_text())
        self.assertEqual(stated, [code.group(1)],
                         "README.md should state the limit once as '<N> levels (`kMaxJsonDepth`'")

    def test_the_checks_can_fail(self):
        """The table check sees a changed title, and the path pattern sees a moved file."""
        rows = matrix_rows()
        rows[0][1] += " (edited)"
        self.assertNotEqual(design_table(), rows)
        self.assertTrue(PATH.search("see `model/checks/harness.hpp`"))
        self.assertFalse((ROOT / "model/checks/harness.hpp").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
