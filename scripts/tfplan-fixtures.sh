#!/usr/bin/env bash
# Plan files made by the real Terraform (hashicorp/aws 5.100.0 from the provider mirror)
# against `orgsim serve`, for `--terraform-plan` (tests/fixtures/tfplan/, read by
# tests/tfplan.rs):
#   first-apply.json  `terraform show -json` of the first plan of examples/terraform/main.tf
#                     with the brief's two customers (every resource to create);
#   day2.json         after that plan is applied, the plan that adds two customers (a third
#                     tier, government, and a second fintech customer): the first apply's
#                     resources no-ops in prior_state, the rest to create.
#
# Usage: scripts/tfplan-fixtures.sh OUTDIR
# Environment: ORGSIM (default target/debug/orgsim, or $CARGO_TARGET_DIR's), TERRAFORM
# (default terraform), ORGSIM_TF_MIRROR (default /opt/tf-plugins).
# Exit 0 with both files in OUTDIR; 2 when a tool is missing or a step fails.
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
REPO=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
ORGSIM=${ORGSIM:-${CARGO_TARGET_DIR:-$REPO/target}/debug/orgsim}
TERRAFORM=${TERRAFORM:-terraform}
MIRROR=${ORGSIM_TF_MIRROR:-/opt/tf-plugins}
[ -x "$ORGSIM" ] || { echo "tfplan-fixtures: no orgsim at $ORGSIM (cargo build)" >&2; exit 2; }
command -v "$TERRAFORM" >/dev/null || { echo "tfplan-fixtures: no $TERRAFORM on PATH" >&2; exit 2; }
[ -d "$MIRROR/registry.terraform.io/hashicorp/aws/5.100.0" ] ||
  { echo "tfplan-fixtures: no hashicorp/aws 5.100.0 in the mirror $MIRROR" >&2; exit 2; }

WORK=$(mktemp -d /tmp/tfplan-fixtures.XXXXXX)
SERVE_PID=""
cleanup() { [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp "$REPO/examples/terraform/main.tf" "$WORK/main.tf"
cat > "$WORK/cli.tfrc" <<TFRC
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
# Four customers: the brief's two, then a government one and a second fintech one.
cat > "$WORK/four.tfvars.json" <<'JSON'
{
  "customers": {
    "acme-finance-inc": {"name": "ACME Finance Inc", "email": "john@acmefinance.com", "tier": "fintech"},
    "medicorp-solutions-inc": {"name": "MediCorp Solutions Inc", "email": "compliance@medicorp.com", "tier": "healthcare"},
    "federal-data-corp": {"name": "Federal Data Corp", "email": "it@federaldata.example", "tier": "government"},
    "beta-payments-ltd": {"name": "Beta Payments Ltd", "email": "ops@betapayments.example", "tier": "fintech"}
  }
}
JSON
export TF_CLI_CONFIG_FILE=$WORK/cli.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE TF_LOG

"$ORGSIM" serve "$REPO/examples/terraform/serve.toml" --port 0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVE_PID=$!
for _ in $(seq 1 100); do
  URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out" | head -1 || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "${URL:-}" ] || { echo "tfplan-fixtures: orgsim serve did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }

tf() { (cd "$WORK" && "$TERRAFORM" "$@" -no-color > "$WORK/tf.log" 2>&1) ||
  { echo "tfplan-fixtures: terraform $1 failed" >&2; cat "$WORK/tf.log" >&2; exit 2; }; }
tf init -input=false
tf plan -input=false -var "endpoint=$URL" -out first.tfplan
(cd "$WORK" && "$TERRAFORM" show -json first.tfplan) > "$OUT/first-apply.json"
tf apply -input=false -auto-approve first.tfplan
tf plan -input=false -var "endpoint=$URL" -var-file four.tfvars.json -out day2.tfplan
(cd "$WORK" && "$TERRAFORM" show -json day2.tfplan) > "$OUT/day2.json"
echo "wrote $OUT/first-apply.json and $OUT/day2.json (terraform $("$TERRAFORM" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'), against $URL)"
