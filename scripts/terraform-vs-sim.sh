#!/usr/bin/env bash
# The real Terraform provider against `orgsim serve`, side by side with the simulated
# `terraform-aws` (issue 24). For SCENARIO and N customers:
#   1. `orgsim plan SCENARIO --customers N --terraform DIR/tf` writes the configuration
#      (examples/terraform/from-plan/main.tf and the plan's names, emails, tags, policies);
#   2. `orgsim serve SCENARIO` (the release binary) on a free loopback port;
#   3. `terraform init` once (from the provider mirror), then R times: POST /_orgsim/reset
#      (a fresh organization), no state, `TF_LOG=DEBUG terraform apply`, GET /_orgsim/report,
#      the served organization (organization.json) and `terraform state list` (state.txt);
#      each run's `uptime` load is recorded with it;
#   4. `orgsim sweep SCENARIO --customers N --csv` (terraform-aws) and `orgsim run
#      --replication k --json` of each replication for the calls per operation and the span
#      from the first resource call to the last answer (the real side's makespan);
#   5. scripts/terraform-vs-sim.py prints both side by side and writes DIR/terraform-vs-sim.json.
#
# Usage: scripts/terraform-vs-sim.sh SCENARIO N R [options]
#   --out DIR               keep everything in DIR (default: a temporary directory, kept)
#   --sim-replications M    the sweep's replications (default 200), each also run alone for
#                           its calls per operation and makespan
#   --create-timeout T      the accounts' `timeouts { create }` (default 10m)
#   --parallelism P         terraform -parallelism (default 10, the profile's)
#   --settle S              S seconds after each apply, read the served organization again
#                           (organization-settled.json): creations Terraform gave up on finish
# Environment: ORGSIM (default target/release/orgsim, built if missing), TERRAFORM (default
# terraform), ORGSIM_TF_MIRROR (default /opt/tf-plugins).
# Exit: 0 when every apply succeeded, 1 when one failed, 2 on bad usage or a missing tool.
set -euo pipefail

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 3 ] || usage
SCENARIO=$1 N=$2 R=$3
shift 3
OUT="" M=200 TIMEOUT=10m PAR=10 SETTLE=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --sim-replications) M=$2; shift 2 ;;
    --create-timeout) TIMEOUT=$2; shift 2 ;;
    --parallelism) PAR=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    *) echo "terraform-vs-sim: unknown option $1" >&2; usage ;;
  esac
done
for v in "$N" "$R" "$M" "$PAR"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "terraform-vs-sim: $v is not a positive count" >&2; exit 2; }
done
[[ $SETTLE =~ ^[0-9]+$ ]] || { echo "terraform-vs-sim: --settle $SETTLE is not a number of seconds" >&2; exit 2; }
[ -f "$SCENARIO" ] || { echo "terraform-vs-sim: no scenario $SCENARIO" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
ORGSIM=${ORGSIM:-}
if [ -z "$ORGSIM" ]; then
  ORGSIM="${CARGO_TARGET_DIR:-$REPO/target}/release/orgsim"
  [ -x "$ORGSIM" ] || (cd "$REPO" && cargo build --release --quiet)
fi
TERRAFORM=${TERRAFORM:-terraform}
MIRROR=${ORGSIM_TF_MIRROR:-/opt/tf-plugins}
command -v "$TERRAFORM" >/dev/null || { echo "terraform-vs-sim: no $TERRAFORM on PATH" >&2; exit 2; }
[ -d "$MIRROR/registry.terraform.io/hashicorp/aws/5.100.0" ] ||
  { echo "terraform-vs-sim: no hashicorp/aws 5.100.0 in the mirror $MIRROR (ORGSIM_TF_MIRROR)" >&2; exit 2; }

[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/terraform-vs-sim.XXXXXX)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TF=$OUT/tf
rm -rf "$TF" "$OUT"/run-*
"$ORGSIM" plan "$SCENARIO" --customers "$N" --terraform "$TF" --json > "$OUT/plan.json" ||
  { echo "terraform-vs-sim: orgsim plan failed (findings?)" >&2; exit 2; }
cat > "$TF/cli.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
TFRC
export TF_CLI_CONFIG_FILE=$TF/cli.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE TF_LOG TF_LOG_PATH

"$ORGSIM" serve "$SCENARIO" --port 0 > "$OUT/serve.out" 2> "$OUT/serve.err" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true; wait $SERVE 2>/dev/null || true' EXIT
URL=""
for _ in $(seq 100); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$OUT/serve.out" 2>/dev/null | head -1 || true)
  [ -n "$URL" ] && break
  kill -0 $SERVE 2>/dev/null || { cat "$OUT/serve.err" >&2; exit 2; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "terraform-vs-sim: serve did not start" >&2; exit 2; }

ms() { date +%s%3N; }
(cd "$TF" && "$TERRAFORM" init -input=false -no-color > "$OUT/init.out" 2>&1) ||
  { cat "$OUT/init.out" >&2; exit 2; }
failed=0
for r in $(seq "$R"); do
  RUN=$OUT/run-$r
  mkdir -p "$RUN"
  rm -f "$TF/terraform.tfstate" "$TF/terraform.tfstate.backup"
  uptime > "$RUN/uptime-before"
  reset_ms=$(ms)
  curl -sf -X POST "$URL/_orgsim/reset" > /dev/null
  start_ms=$(ms)
  rc=0
  (cd "$TF" && TF_LOG=DEBUG TF_LOG_PATH=$RUN/tf.log "$TERRAFORM" apply -auto-approve \
    -input=false -no-color -parallelism="$PAR" -var endpoint="$URL" -var create_timeout="$TIMEOUT" \
    > "$RUN/apply.out" 2>&1) || rc=$?
  end_ms=$(ms)
  uptime > "$RUN/uptime-after"
  curl -sf "$URL/_orgsim/report" > "$RUN/report.json"
  python3 "$REPO/scripts/terraform-vs-sim.py" org "$URL" "$RUN/organization.json"
  (cd "$TF" && "$TERRAFORM" state list -no-color 2>/dev/null || true) > "$RUN/state.txt"
  if [ "$SETTLE" -gt 0 ]; then
    sleep "$SETTLE"
    python3 "$REPO/scripts/terraform-vs-sim.py" org "$URL" "$RUN/organization-settled.json"
  fi
  printf '{"reset_ms": %s, "start_ms": %s, "end_ms": %s, "exit": %s}\n' \
    "$reset_ms" "$start_ms" "$end_ms" "$rc" > "$RUN/times.json"
  [ "$rc" = 0 ] || failed=1
  echo "terraform-vs-sim: run $r of $R: exit $rc, $(( (end_ms - start_ms) / 1000 )) s, load$(sed 's/.*load average://' "$RUN/uptime-after")" >&2
done
kill $SERVE 2>/dev/null || true
wait $SERVE 2>/dev/null || true
trap - EXIT

"$ORGSIM" sweep "$SCENARIO" --customers "$N" --replications "$M" --deployer terraform-aws --csv \
  > "$OUT/sim.csv"
# Each replication's calls per operation and its makespan from the first resource call (the
# real side's span: the data source's reads before it are left out on both sides).
for k in $(seq 0 $((M - 1))); do
  "$ORGSIM" run "$SCENARIO" --customers "$N" --replication "$k" --deployer terraform-aws --json \
    | python3 -c '
import json, sys
r = json.load(sys.stdin)
t = r["timing"]
first = min((p["start_s"] for p in t["phases"] if p["kind"] not in ("deployer_overhead", "refresh")), default=0)
print(json.dumps({"ops": {o: v["count"] for o, v in r["api"]["latency_ms"].items()},
                  "resources_makespan_s": round(t["makespan_s"] - first, 3)}))' \
    || true
done > "$OUT/sim-ops.jsonl"

python3 "$REPO/scripts/terraform-vs-sim.py" "$OUT" --scenario "$SCENARIO" --customers "$N" \
  --create-timeout "$TIMEOUT" --parallelism "$PAR"
exit $failed
