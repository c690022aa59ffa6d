#!/usr/bin/env bash
# Instructions per execution of the explorer under callgrind (issue 16, "lean execution"): runs
# bench/execution_instructions on MODEL with the plain search and with DPOR (one job, no symmetry
# reduction), counting only the search itself (--toggle-collect on measured_search()), and prints
# Ir / executions for each. Needs valgrind and the default preset's execution_instructions.
#
#   bench/instructions_per_execution.sh [MODEL]     (default: increment/fixed/4x2+1r)
set -euo pipefail
cd "$(dirname "$0")/.."

model="${1:-increment/fixed/4x2+1r}"
driver=build/default/bench/execution_instructions
[[ -x "$driver" ]] || { echo "$0: build $driver first (--target execution_instructions)" >&2; exit 2; }

for search in plain dpor; do
  out="$(mktemp)"
  # callgrind's "Collected : N" line is the instruction count (Ir) of measured_search(); the
  # driver's own output is "EXECUTIONS PRUNED".
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measured_search*' \
    "$driver" "$model" "$search" >"$out" 2>"$out.err" || { cat "$out.err" >&2; exit 1; }
  ir="$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$out.err")"
  read -r executions pruned <"$out"
  rm -f "$out" "$out.err"
  [[ -n "$ir" && "${executions:-0}" -gt 0 ]] || { echo "$0: no count from callgrind" >&2; exit 1; }
  echo "$model $search: $(( ir / executions )) instructions per execution" \
    "(Ir $ir, $executions executions, $pruned pruned)"
done
