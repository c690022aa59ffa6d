#!/usr/bin/env python3
"""Run ThreadSanitizer programs where the kernel's address-space randomisation lets them.

ThreadSanitizer of clang 14 maps its shadow memory at fixed addresses and aborts with
"unexpected memory mapping" when the kernel randomises mmap with more than 28 bits
(vm.mmap_rnd_bits > 28). There a TSan program must run with randomisation off:
`setarch $(uname -m) -R PROGRAM` (its children inherit it). This is the one place that knows it:
scripts/test runs the tsan preset through it, scripts/verify and tsan/run_negative_control.py
import it.

    python3 tsan/aslr.py [--name WHO] -- COMMAND [ARGS...]

runs COMMAND, under `setarch -R` when the kernel needs it (saying so on stderr, as WHO), and exits
with COMMAND's status.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from pathlib import Path

MEMORY_MAPPING = "unexpected memory mapping"  # TSan's abort when ASLR is too strong for it
MAX_BITS = 28  # the mmap randomisation clang 14's TSan supports
RND_BITS = Path("/proc/sys/vm/mmap_rnd_bits")


def mmap_rnd_bits() -> int | None:
    """The kernel's mmap randomisation in bits, None when it cannot be read (not Linux)."""
    try:
        return int(RND_BITS.read_text().strip())
    except (OSError, ValueError):
        return None


def available() -> bool:
    """Whether setarch (util-linux) is installed, without which nothing can be done."""
    return shutil.which("setarch") is not None


def prefix() -> list[str]:
    """The command prefix that runs a program with address-space randomisation off."""
    return ["setarch", platform.machine(), "-R"]


def needed() -> bool:
    """Whether TSan programs must run under prefix() here (known before running any)."""
    bits = mmap_rnd_bits()
    return bits is not None and bits > MAX_BITS and available()


def aborted(output: str) -> bool:
    """Whether a TSan program's output shows it aborted because of the randomisation."""
    return MEMORY_MAPPING in output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--name", default="tsan/aslr.py", help="who says so, on stderr")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (after --)")
    if needed():
        print(f"{args.name}: vm.mmap_rnd_bits={mmap_rnd_bits()} > {MAX_BITS}: running the TSan "
              "tests under 'setarch -R'", file=sys.stderr, flush=True)
        command = prefix() + command
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"{args.name}: cannot run {command[0]}: {error}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main())
