"""tsan/'s Python helpers, shared with the negative-control runner (tsan/run_negative_control.py)
so that verify reads TSan reports and handles ASLR exactly as the runner does: tsan_report (the
report parser) and aslr (the `setarch -R` helper)."""

from __future__ import annotations

import sys

from .paths import ROOT

if str(ROOT / "tsan") not in sys.path:
    sys.path.append(str(ROOT / "tsan"))

import aslr  # noqa: E402  (tsan/aslr.py)
import tsan_report  # noqa: E402  (tsan/tsan_report.py)

__all__ = ["aslr", "tsan_report"]
