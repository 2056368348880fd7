#!/usr/bin/env bash
# The benchmark of `orgsim serve` against moto's server, on loopback, in one run
# (examples/serve_bench/main.rs says what it measures):
#
#   scripts/serve-bench.sh [--seconds S] [--connections C] [--rate R]
#
# Builds orgsim and the benchmark in release, starts `orgsim serve
# examples/serve_bench/serve.toml` (buckets, latency and conflicts off) and moto
# (scripts/moto.sh, installing it the first time), measures both, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin orgsim --example serve_bench

log=$(mktemp)
"$TARGET_DIR/release/orgsim" serve examples/serve_bench/serve.toml --port 0 >"$log" 2>&1 &
serve_pid=$!
eval "$(scripts/moto.sh start)"
trap 'kill "$serve_pid" 2>/dev/null; scripts/moto.sh stop "$MOTO_PID"; rm -f "$log"' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
echo "orgsim serve on $url, moto on $ORGSIM_TEST_ENDPOINT; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$TARGET_DIR/release/examples/serve_bench" --target "orgsim=$url" --target "moto=$ORGSIM_TEST_ENDPOINT" "$@"
