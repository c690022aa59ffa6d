#!/usr/bin/env bash
# User-space instructions per call under callgrind (issue 14, "Speed"): runs
# bench/emitter_instructions twice, with SMALL and LARGE calls, and prints
# (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL), so start-up, the file's creation and shutdown cancel
# out. Needs valgrind and the default preset's emitter_instructions.
#
#   bench/instructions_per_call.sh [emit|format] [SMALL LARGE]     (default: emit 2000 22000)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-emit}"
small="${2:-2000}"
large="${3:-22000}"
driver=build/default/bench/emitter_instructions
[[ -x "$driver" ]] || { echo "$0: build $driver first (--target emitter_instructions)" >&2; exit 2; }

# callgrind's "Collected : N" line is the whole run's instruction count (Ir).
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$driver" "$mode" "$1" 2>&1 |
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

ir_small="$(instructions "$small")"
ir_large="$(instructions "$large")"
[[ -n "$ir_small" && -n "$ir_large" ]] || { echo "$0: no 'Collected' line from callgrind" >&2; exit 1; }
echo "$mode: $(( (ir_large - ir_small) / (large - small) )) instructions per call" \
  "(Ir $ir_small at $small calls, $ir_large at $large)"
