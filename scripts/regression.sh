#!/usr/bin/env bash
# The regression gate over the shipped scenarios.
#
#   scripts/regression.sh check    # sweep each scenario, compare with reports/baseline/, exit 1 on regression
#   scripts/regression.sh update   # sweep each scenario and rewrite the baselines (commit them)
#
# `check` tests each figure against the noise of its replications at a false-alarm rate of 0.001 per
# scenario (orgsim check --help); the sweeps keep their samples (--samples), which the tests need.
# The replication counts are what it takes to catch a 20% slower account creation and a doubled
# failure probability in each scenario (tests/gate.rs); the baselines are made at the scenarios'
# seeds, and so is the check (another seed is another sample of the same experiment: compared too).
# The Markdown summary of `check` goes to target/orgsim-check.md (and to stdout) for a CI job to post.
# ORGSIM may name the binary (default: target/release/orgsim, brought up to date first).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-check}
if [[ -n ${ORGSIM:-} ]]; then
  bin=$ORGSIM
else
  cargo build --release --quiet
  bin=target/release/orgsim
fi

# scenario, customer range, step, replications
sweeps=(
  "two-customers 1..=2 1 5000"
  "five-customers 1..=5 1 2000"
  "hundred-customers 1..=100 11 200"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=target/orgsim-check.md
mkdir -p target
: > "$summary"
status=0
for s in "${sweeps[@]}"; do
  read -r name range step reps <<< "$s"
  "$bin" sweep "scenarios/$name.toml" --customers "$range" --step "$step" --replications "$reps" --samples --json > "$work/$name.json"
  case $mode in
    update)
      cp "$work/$name.json" "reports/baseline/$name.json"
      echo "updated reports/baseline/$name.json"
      ;;
    check)
      "$bin" check "$work/$name.json" --baseline "reports/baseline/$name.json" --markdown-out "$work/$name.md" || status=$?
      cat "$work/$name.md" >> "$summary"
      echo >> "$summary"
      ;;
    *)
      echo "usage: $0 check|update" >&2
      exit 2
      ;;
  esac
done
if [[ $mode == check ]]; then
  cat "$summary"
fi
exit $status
