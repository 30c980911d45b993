#!/usr/bin/env bash
# Benchmarks `ecs-exposure scan` on a large synthetic account against `jq` merely parsing the
# same files, and prints a Markdown report (machine, input size, times, peak memory, targets).
#
# Usage: bench/run.sh            (SERVICES=20000 FINDINGS=100000 RUNS=5 by default)
# Needs: cargo, jq, GNU time (/usr/bin/time, Debian package `time`); hyperfine if installed.
# The corpus goes to bench/out/ (git-ignored) and is reused while its parameters match.
set -euo pipefail
cd "$(dirname "$0")/.."

services="${SERVICES:-20000}"
findings="${FINDINGS:-100000}"
runs="${RUNS:-5}"
out=bench/out
corpus="$out/corpus"
scan_bin=target/release/ecs-exposure

for tool in jq /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is required" >&2; exit 2; }
done

# The scan path does not use the AWS SDK: build without the `live` feature, which would add
# a 14-minute release build of the SDK crates.
cargo build --release --quiet --no-default-features -p ecs-exposure -p bench-gen

stamp="$corpus/.params-$services-$findings"
if [[ ! -f "$stamp" ]]; then
    rm -rf "$corpus"
    target/release/bench-gen --services "$services" --findings "$findings" "$corpus"
    touch "$stamp"
fi

files=$(find "$corpus" -name '*.json' | wc -l)
input_bytes=$(find "$corpus" -name '*.json' -printf '%s\n' | awk '{s += $1} END {print s}')

# Exit status 1 means "findings at or above --fail-on": a successful scan here.
scan_cmd="$scan_bin scan $corpus --format json >/dev/null || [ \$? -eq 1 ]"
jq_cmd="find $corpus -name '*.json' -print0 | xargs -0 jq empty"

# mean stddev user system (seconds) for each command, one line each.
declare -A mean stddev user sys
if command -v hyperfine >/dev/null; then
    method="hyperfine, 1 warm-up run + $runs runs"
    hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/hyperfine.json" \
        -n scan "$scan_cmd" -n jq "$jq_cmd" >&2
    while read -r name m s u y; do
        mean[$name]=$m stddev[$name]=$s user[$name]=$u sys[$name]=$y
    done < <(jq -r '.results[] | "\(.command) \(.mean) \(.stddev // 0) \(.user) \(.system)"' "$out/hyperfine.json")
else
    method="bash loop, 1 warm-up run + 3 runs (hyperfine not installed)"
    for name in scan jq; do
        cmd=$scan_cmd
        [[ $name == jq ]] && cmd=$jq_cmd
        bash -c "$cmd"
        : >"$out/times-$name"
        for _ in 1 2 3; do
            /usr/bin/time -f '%e %U %S' -a -o "$out/times-$name" bash -c "$cmd"
        done
        read -r m s u y < <(awk '{e += $1; ee += $1 * $1; u += $2; y += $3} END {
            m = e / NR; v = ee / NR - m * m; if (v < 0) v = 0; print m, sqrt(v), u / NR, y / NR}' "$out/times-$name")
        mean[$name]=$m stddev[$name]=$s user[$name]=$u sys[$name]=$y
    done
fi

# Peak resident memory (KB). For jq, GNU time reports the largest of xargs' children.
rss() { /usr/bin/time -f '%M' -o "$out/rss" bash -c "$1"; cat "$out/rss"; }
rss_scan=$(rss "$scan_cmd")
rss_jq=$(rss "$jq_cmd")

mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t) ? "met" : "MISSED"}'; }
time_ratio=$(ratio "${mean[scan]}" "${mean[jq]}")
cpu_ratio=$(ratio "$(awk -v a="${user[scan]}" -v b="${sys[scan]}" 'BEGIN {print a + b}')" \
    "$(awk -v a="${user[jq]}" -v b="${sys[jq]}" 'BEGIN {print a + b}')")
rss_ratio=$(ratio "$((rss_scan * 1024))" "$input_bytes")

cat <<REPORT
## Benchmark: $services services, $findings Inspector findings

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1e6}' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end
- Toolchain: $(rustc --version), $(jq --version), $(command -v hyperfine >/dev/null && hyperfine --version || echo 'no hyperfine')
- Input: $files files, $(mb "$input_bytes") MB (\`$corpus\`)
- Method: $method

| Command | Mean wall time (s) | ± σ (s) | User CPU (s) | System CPU (s) | Peak RSS (MB) |
|---|---:|---:|---:|---:|---:|
| \`ecs-exposure scan --format json\` | $(printf '%.2f' "${mean[scan]}") | $(printf '%.2f' "${stddev[scan]}") | $(printf '%.2f' "${user[scan]}") | $(printf '%.2f' "${sys[scan]}") | $(mb "$((rss_scan * 1024))") |
| \`jq empty\` (same files) | $(printf '%.2f' "${mean[jq]}") | $(printf '%.2f' "${stddev[jq]}") | $(printf '%.2f' "${user[jq]}") | $(printf '%.2f' "${sys[jq]}") | $(mb "$((rss_jq * 1024))") |

| Target | Measured | Result |
|---|---:|---|
| scan wall time ≤ 0.5 × jq wall time | $time_ratio × | $(verdict "$time_ratio" 0.5) |
| (for reference: scan CPU time / jq CPU time) | $cpu_ratio × | |
| scan peak RSS ≤ 3 × input size | $rss_ratio × | $(verdict "$rss_ratio" 3) |

Commands:
\`\`\`sh
$scan_cmd
$jq_cmd
\`\`\`
REPORT
