#!/usr/bin/env bash
# IaC benchmark: time to scan N generated CloudFormation templates with ecs-exposure, and with
# Checkov on the same corpus when CHECKOV points at a checkov binary (install it in its own
# venv: python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov).
#
#   N=500 RUNS=3 CHECKOV=/tmp/checkov-venv/bin/checkov bench/iac/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-500}
RUNS=${RUNS:-3}
OUT=bench/out/iac-corpus-$N
cargo build --release -q -p ecs-exposure --no-default-features
[ -d "$OUT" ] || python3 bench/iac/gen.py "$OUT" "$N" >/dev/null
BIN=target/release/ecs-exposure

# Best of RUNS wall times, in seconds (exit status 1 = findings, which is expected).
best() {
  local best=
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    e=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(min(a, float(b)) if b else a)" "$(echo "$e - $s" | bc)" "$best")
  done
  echo "$best"
}

ours=$(best "$BIN" scan "$OUT" --format json)
echo "ecs-exposure: $N templates in ${ours} s (best of $RUNS)"
findings=$("$BIN" scan "$OUT" --format json --min-severity informational 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(sum(len(t['evidence']) for f in d['findings'] for t in f['traits']))" || true)
echo "ecs-exposure: $findings pieces of evidence"
if [ -n "${CHECKOV:-}" ]; then
  export BC_SKIP_MAPPING=TRUE
  theirs=$(best "$CHECKOV" -d "$OUT" --framework cloudformation --compact --quiet --skip-download -o json)
  echo "checkov: $N templates in ${theirs} s (best of $RUNS)"
  python3 -c "import sys; print(f'ratio: ecs-exposure is {float(sys.argv[2])/float(sys.argv[1]):.0f}x faster')" "$ours" "$theirs"
fi
