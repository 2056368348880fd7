#!/usr/bin/env bash
# The test command: starts moto's server on loopback (installing it in target/moto-venv the
# first time), runs `cargo test` with ORGSIM_TEST_ENDPOINT pointing at it, and stops it.
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop "$MOTO_PID"' EXIT
export ORGSIM_TEST_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
echo "moto on $ORGSIM_TEST_ENDPOINT (pid $MOTO_PID)"
cargo test "$@"
