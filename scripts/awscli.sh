#!/usr/bin/env bash
# The AWS CLI (awscli from PyPI) in its own venv, for tests/serve.rs's `aws organizations ...
# --endpoint-url` against orgsim serve.
#
#   scripts/awscli.sh install    create target/awscli-venv with awscli (once); exit 1 if pip
#                                cannot install it (the test then skips, counted)
#   scripts/awscli.sh path       print the aws binary's path (exit 1 if not installed)
#
# Its own venv, not moto's: awscli pins botocore to its own release, which moto's boto3 need
# not share.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/awscli-venv

install() {
    if [ ! -x "$VENV/bin/aws" ]; then
        rm -rf "$VENV"
        mkdir -p target
        if ! python3 -m venv "$VENV" >&2; then
            # Debian ships venv separately; CI runs as root.
            rm -rf "$VENV"
            apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
            python3 -m venv "$VENV" >&2
        fi
        if ! "$VENV/bin/pip" install --quiet 'awscli>=1.36,<2' >&2; then
            rm -rf "$VENV"
            echo "awscli.sh: pip could not install awscli" >&2
            exit 1
        fi
    fi
}

case "${1:-}" in
install) install ;;
path)
    [ -x "$VENV/bin/aws" ] || exit 1
    echo "$PWD/$VENV/bin/aws"
    ;;
*)
    echo "usage: scripts/awscli.sh install|path" >&2
    exit 2
    ;;
esac
