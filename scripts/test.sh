#!/usr/bin/env bash
# The test command: starts moto's server on loopback (installing it in target/moto-venv the
# first time; scripts/moto.sh), installs the AWS CLI in target/awscli-venv (scripts/awscli.sh), runs `cargo test --no-fail-fast` with ORGSIM_TEST_ENDPOINT
# pointing at it, stops it, and ends with one line: the total over every test binary,
#
#   N passed, N failed[, N skipped]
#
# where "skipped" counts the tests libtest ignored (#[ignore]) and the tests that skipped
# themselves at run time (no Chromium outside CI, no moto endpoint): those write a marker into
# $ORGSIM_SKIP_DIR (tests/common/mod.rs) and libtest reported them as passed, so they are moved
# from "passed" to "skipped". The exit code is cargo test's. Extra arguments go to `cargo test`.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! exports=$(scripts/moto.sh start); then
    echo "moto did not start: the moto tests cannot run (target/moto-PORT.log)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
eval "$exports"
trap 'scripts/moto.sh stop "$MOTO_PID"' EXIT
export ORGSIM_TEST_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
echo "moto on $ORGSIM_TEST_ENDPOINT (pid $MOTO_PID)"

# The AWS CLI for tests/serve.rs (its own venv, target/awscli-venv); a machine where pip cannot
# install it skips that test, counted.
scripts/awscli.sh install || echo "note: the AWS CLI could not be installed: its test skips" >&2

ORGSIM_SKIP_DIR=$(mktemp -d)
export ORGSIM_SKIP_DIR
log=$(mktemp)
cargo test --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# libtest's summary of each binary: "test result: ok. 12 passed; 0 failed; 1 ignored; ..."
read -r passed failed ignored < <(
    grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed; [0-9]+ ignored' "$log" |
        awk '{p+=$4; f+=$6; i+=$8} END {print p+0, f+0, i+0}'
)
markers=$(find "$ORGSIM_SKIP_DIR" -type f | wc -l)
rm -rf "$ORGSIM_SKIP_DIR" "$log"
passed=$((passed - markers))
skipped=$((ignored + markers))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # A binary that did not build or did not finish reports no result line.
    echo "cargo test exited $status without a failed test: a build error or a crashed test binary (see above)" >&2
    failed=1
fi
total="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then total="$total, $skipped skipped"; fi
echo "$total"
exit "$status"
