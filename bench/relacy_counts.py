#!/usr/bin/env python3
"""The explorer against the Relacy Race Detector on the same models (issue 17; issue 16's "µs per
execution side by side with Relacy in one run"): dc_model (DPOR, RC11, symmetry on and off, one
job) and dc_relacy (Relacy's own search, relacy_backend/) over the emitter's catalogue, one run
each, printed as one table: executions, the search that decided, Relacy's CPU µs per execution;
then the CPU time per execution of both on one model (--per-execution), the explorer's without
symmetry (DPOR and plain), so that start-up does not count.

Relacy's executions are those of the search that decided (its full search, else the context-bound
one it fell back to), and its µs column divides that search's own CPU time. Needs a build configured with -DDC_RELACY_DIR (README.md, "Relacy, a second
engine").

  bench/relacy_counts.py [--dc-model PATH] [--dc-relacy PATH] [--filter REGEX] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_json(cmd: list[str]) -> tuple[dict, float]:
    """Runs `cmd` with --json into a temporary file; its report and its CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.json"
        before = children_cpu()
        proc = subprocess.run(cmd + ["--json", str(out)], capture_output=True, text=True,
                              check=False)
        cpu = children_cpu() - before
        if proc.returncode not in (0, 1) or not out.exists():
            sys.exit(f"{cmd[0]} exited {proc.returncode}: {proc.stderr or proc.stdout[-2000:]}")
        return json.loads(out.read_text()), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dc-model", type=Path, default=Path("build/default/model/dc_model"))
    parser.add_argument("--dc-relacy", type=Path,
                        default=Path("build/default/relacy_backend/dc_relacy"))
    parser.add_argument("--filter", default="")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument("--per-execution", default="increment/fixed/4x2+1r",
                        help="the model whose CPU time per execution is compared")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    dc_model, dc_relacy = args.dc_model, args.dc_relacy
    for program in (dc_model, dc_relacy):
        if not program.exists():
            sys.exit(f"{program} is not built (dc_relacy: configure with -DDC_RELACY_DIR)")
    flt = ["--filter", args.filter] if args.filter else []
    explorer, _ = run_json([str(dc_model), "--jobs", "1", "--no-progress"] + flt)
    unreduced, _ = run_json([str(dc_model), "--jobs", "1", "--no-progress", "--no-symmetry"] + flt)
    relacy, _ = run_json([str(dc_relacy)] + flt)
    by_name = {m["name"]: m for m in unreduced["models"]}
    header = ["model", "explorer (DPOR)", "w/o symmetry", "Relacy", "Relacy's search",
              "µs/exec (CPU)", "Relacy / explorer"]
    rows = []
    for r in relacy["models"]:
        if r.get("skipped"):
            continue
        e = next((m for m in explorer["models"] if m["name"] == r["name"]), None)
        if e is None:
            continue
        u = by_name.get(r["name"], e)
        last = r["searches"][-1]
        r_us = 1e6 * float(last["cpu_seconds"]) / max(1, last["executions"])
        rows.append([r["name"], f"{e['executions']:,}", f"{u['executions']:,}",
                     f"{last['executions']:,}", last["search"] + ("" if last["end"] == "finished"
                                                                  else f" ({last['end']})"),
                     f"{r_us:.1f}", f"{last['executions'] / max(1, e['executions']):,.0f}x"])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        for row in [header] + rows:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    # Per execution, by CPU time, on one model big enough that start-up does not count: the
    # explorer without symmetry (DPOR and plain) against Relacy's deciding search of it, each the
    # median of --repetitions runs.
    model = args.per_execution
    per = next((r for r in relacy["models"] if r["name"] == model and not r.get("skipped")), None)
    if per is not None:
        exact = ["--filter", "^" + model.replace("+", "[+]") + "$"]
        line = f"per execution on {model}, CPU, median of {args.repetitions}:"
        for search in ("dpor", "plain"):
            times, n = [], 0
            for _ in range(args.repetitions):
                run, cpu = run_json([str(dc_model), "--jobs", "1", "--no-progress",
                                     "--no-symmetry", "--search", search] + exact)
                n = run["models"][0]["executions"]
                times.append(cpu)
            cpu = statistics.median(times)
            line += f" explorer {search} {n:,} executions in {cpu:.2f} s ({1e6 * cpu / n:.1f} µs);"
        times, n, name = [], 0, ""
        for _ in range(args.repetitions):
            again, _ = run_json([str(dc_relacy)] + exact)
            last = again["models"][0]["searches"][-1]
            times.append(float(last["cpu_seconds"]))
            n, name = int(last["executions"]), str(last["search"])
        cpu = statistics.median(times)
        line += f" Relacy {name} {n:,} in {cpu:.2f} s ({1e6 * cpu / max(1, n):.1f} µs)"
        print(line)
    print(f"Relacy commit: {(relacy.get('relacy') or {}).get('commit')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
