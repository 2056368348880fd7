#!/usr/bin/env bash
# moto's server as a local AWS Organizations endpoint, for `--backend sdk` and its tests.
#
#   scripts/moto.sh install            create target/moto-venv with moto[server] (once)
#   eval "$(scripts/moto.sh start)"    start it on 127.0.0.1 on a free port, create the
#                                      organization (all features) and print the exports:
#                                      ORGSIM_TEST_ENDPOINT, MOTO_PID, AWS credentials and region
#   scripts/moto.sh stop PID           stop it
#
# MOTO_ACCOUNT_ID is set: without it moto scans every account's backend on each request and
# slows down as accounts accumulate. The organization must exist before anything else is
# called (moto answers OU and policy calls made before CreateOrganization with an HTML 500);
# the tests in tests/moto.rs reset moto and create a fresh one for each test.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/moto-venv
ACCOUNT=123456789012

install() {
    if [ ! -x "$VENV/bin/moto_server" ]; then
        rm -rf "$VENV"
        mkdir -p target
        if ! python3 -m venv "$VENV" >&2; then
            # Debian ships venv separately; CI runs as root.
            rm -rf "$VENV"
            apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
            python3 -m venv "$VENV" >&2
        fi
        "$VENV/bin/pip" install --quiet 'moto[server]>=5,<6' >&2
    fi
}

# CreateOrganization through boto3 (installed with moto); an organization that exists is kept.
create_organization() {
    "$VENV/bin/python" - "$1" >&2 <<'PY'
import sys
import boto3
c = boto3.client("organizations", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing")
try:
    org = c.create_organization(FeatureSet="ALL")["Organization"]
    print(f"moto: created organization {org['Id']}", file=sys.stderr)
except c.exceptions.AlreadyInOrganizationException:
    pass
PY
}

start() {
    install
    mkdir -p target
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local log="target/moto-$port.log"
    MOTO_ACCOUNT_ID=$ACCOUNT nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
        > "$log" 2>&1 &
    local pid=$!
    local url="http://127.0.0.1:$port"
    local up=no
    for _ in $(seq 1 150); do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
            "$url/moto-api/" 2>/dev/null; then up=yes; break; fi
        sleep 0.2
    done
    if [ "$up" != yes ]; then
        echo "moto did not start ($log)" >&2; kill "$pid" 2>/dev/null || true; exit 1
    fi
    if ! create_organization "$url"; then
        echo "moto started but CreateOrganization failed ($log)" >&2
        kill "$pid" 2>/dev/null || true; exit 1
    fi
    echo "export ORGSIM_TEST_ENDPOINT=$url MOTO_PID=$pid AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) kill "${2:?pid}" 2>/dev/null || true ;;
    *) echo "usage: $0 install|start|stop PID" >&2; exit 2 ;;
esac
