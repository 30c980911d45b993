#!/usr/bin/env bash
# Measures the limits docs/limits.md promises: peak memory against input (and output) size for every
# layout (one-line files included), and time and memory of `plan` and `fix` at scale (a
# 30,000-line template, a task definition of 1,000 containers, a security group of 10,000
# rules). Prints a Markdown table for docs/benchmarks.md.
#
# Usage: bench/limits.sh [BINARY]     default: a release build without the AWS SDK
# Needs: python3, GNU time (/usr/bin/time). MEM_CAP_MB (default 4096) caps each run's address
# space, so that a regression shows as "killed" instead of taking the machine down.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-}"
if [[ -z "$bin" ]]; then
    cargo build --release --quiet --no-default-features -p ecs-exposure
    bin=target/release/ecs-exposure
fi
out=bench/out/limits
cap_mb="${MEM_CAP_MB:-4096}"
[[ -f "$out/.done" ]] || { python3 bench/limits/gen.py "$out" && touch "$out/.done"; }

size() { du -sb "$1" | cut -f1; }
# run NAME INPUT CMD...: one table row: seconds, peak RSS, input size, RSS / input.
run() {
    local name="$1" input="$2"; shift 2
    local log status
    log=$(mktemp)
    set +e
    ( ulimit -v $((cap_mb * 1024)); /usr/bin/time -f '%e %M' -o "$log" "$@" >"$tmp/stdout" 2>/dev/null )
    status=$?
    set -e
    local secs kb
    read -r secs kb < <(tail -1 "$log")
    rm -f "$log"
    local bytes; bytes=$(size "$input")
    local outb; outb=$(stat -c %s "$tmp/stdout")
    if [[ $status -gt 2 ]]; then
        printf '| %s | %s | killed (exit %s) | %s MB | — | — |\n' "$name" "$secs" "$status" \
            "$(awk "BEGIN{printf \"%.1f\", $bytes/1e6}")"
    else
        awk -v n="$name" -v s="$secs" -v kb="$kb" -v b="$bytes" -v o="$outb" 'BEGIN {
            printf "| %s | %.2f s | %.0f MB | %.1f MB | %.1f MB | %.1f× |\n", n, s, kb/1024, b/1e6, o/1e6, kb*1024/(b+o) }'
    fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| run | time | peak RSS | input | output | RSS / (input + output) |"
echo "|---|---|---|---|---|---|"
run "scan snapshot, pretty JSON" "$out/snapshot-pretty" "$bin" scan "$out/snapshot-pretty" --format json
run "scan snapshot, one-line JSON" "$out/snapshot-oneline" "$bin" scan "$out/snapshot-oneline" --format json
for f in plan-oneline.json template-oneline.json template-flow.yaml template-30k.yaml; do
    run "scan $f (SARIF)" "$out/$f" "$bin" scan "$out/$f" --format sarif
done
run "plan template-30k.yaml" "$out/template-30k.yaml" "$bin" plan "$out/template-30k.yaml" --format json
cp "$out/template-30k.yaml" "$tmp/t.yaml"
run "fix --dry-run template-30k.yaml" "$out/template-30k.yaml" "$bin" fix "$tmp/t.yaml" --unsafe --dry-run
run "fix template-30k.yaml" "$out/template-30k.yaml" "$bin" fix "$tmp/t.yaml" --unsafe
run "plan taskdef-1000 (1,000 containers)" "$out/taskdef-1000" "$bin" plan "$out/taskdef-1000" --format json
cp "$out/taskdef-1000/taskdef.json" "$tmp/td.json"
run "fix --dry-run taskdef (1,000 containers)" "$out/taskdef-1000/taskdef.json" "$bin" fix "$tmp/td.json" --unsafe --dry-run
run "fix taskdef (1,000 containers)" "$out/taskdef-1000/taskdef.json" "$bin" fix "$tmp/td.json" --unsafe
run "plan sg-10000 (10,000 rules)" "$out/sg-10000" "$bin" plan "$out/sg-10000" --format json
