#!/bin/bash
# A sweep as a Slurm job array: task K of 1..4 runs shard K/4 and writes its shard file to a
# shared directory; a job that depends on the array merges them (docs/distributed.md):
#   jid=$(sbatch --parsable examples/ci/slurm-array.sh)
#   sbatch --dependency=afterok:$jid --wrap 'orgsim merge shards/shard-*-of-4.json --out sweep/'
# ORGSIM, SCENARIO and OUT may be set in the environment (the tests run this script with them).
#SBATCH --job-name=orgsim-sweep
#SBATCH --array=1-4
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
set -euo pipefail
SHARDS=4
ORGSIM=${ORGSIM:-orgsim}
SCENARIO=${SCENARIO:-scenarios/hundred-customers.toml}
OUT=${OUT:-shards}
SWEEP_ARGS=${SWEEP_ARGS:---customers 1..=100 --step 11 --replications 1000}
# shellcheck disable=SC2086 # SWEEP_ARGS is a list of arguments
"$ORGSIM" sweep "$SCENARIO" $SWEEP_ARGS \
  --threads "${SLURM_CPUS_PER_TASK:-2}" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" --out "$OUT"
