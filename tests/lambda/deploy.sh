#!/usr/bin/env bash
# Deploys cfn/sagerules-config-rule.yaml into moto_server's CloudFormation: create, update with
# changed parameters, delete (tests/lambda/deploy.py).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
HERE=tests/lambda
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; rm -rf "$WORK"' EXIT
start_moto
"$VENV/bin/python" "$HERE/deploy.py" || { tail -n 30 "$WORK/moto.log" >&2; exit 1; }
