#!/usr/bin/env bash
# How the cost of one run grows with the customers: times `orgsim run scenarios/scale.toml
# --customers N` (the release binary, whole process, /usr/bin/time) at each size, prints the
# median time and peak resident memory of RUNS runs per size, writes them to DIR/scale.csv and
# draws DIR/scale.svg (log-log; the README's chart).
#
#   scripts/scale.sh [RUNS] [DIR]        # defaults: 5, docs/examples/scale
#   SIZES="100 1000" scripts/scale.sh 3 /tmp/scale
#
# The criterion bench of the same work, in-process: `cargo bench --bench scale`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=${2:-docs/examples/scale}
sizes=${SIZES:-100 1000 10000 100000}
cargo build --release --quiet
cargo build --release --quiet --example scale_chart
mkdir -p "$dir"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
csv="customers,seconds,peak_mb"
printf '%10s  %10s  %12s\n' customers "time (s)" "peak (MB)"
for n in $sizes; do
    times=() mems=()
    for _ in $(seq "$runs"); do
        # Elapsed time from bash's microsecond clock; %M: peak resident set in KB. The run's
        # verdict (exit 1 when an account fails) does not matter here; exit 2 would.
        start=$EPOCHREALTIME
        m=$( { /usr/bin/time -f 'peak %M' target/release/orgsim run scenarios/scale.toml \
            --customers "$n" --json >/dev/null; } 2>&1 | tail -1) || true
        end=$EPOCHREALTIME
        read -r word k <<<"$m"
        [[ "$word" == peak ]] || { echo "orgsim run --customers $n failed: $m" >&2; exit 2; }
        times+=("$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.4f", e - s}')") mems+=("$k")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    mb=$(printf '%s\n' "${mems[@]}" | median | awk '{printf "%.1f", $1/1024}')
    printf '%10s  %10s  %12s\n' "$n" "$t" "$mb"
    csv+=$'\n'"$n,$t,$mb"
done
printf '%s\n' "$csv" >"$dir/scale.csv"
target/release/examples/scale_chart "$dir/scale.csv" "$dir/scale.svg"
echo "wrote $dir/scale.csv and $dir/scale.svg"
