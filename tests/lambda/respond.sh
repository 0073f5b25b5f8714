#!/usr/bin/env bash
# Responses end to end: moto_running.py (moto_server that keeps `running-*` resources running)
# on 127.0.0.1, jobs of every kind, a notebook instance, the SNS topic and the state table
# seeded with boto3, then the Lambda under `cargo lambda watch` in enforce mode and in report
# mode, each step's event sent with `cargo lambda invoke` and the calls moto recorded compared
# (respond_e2e.py). Needs VENV with moto[server] and cargo-lambda.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
export VENV
HERE=tests/lambda
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; if [[ -n ${E2E_KEEP:-} ]]; then mkdir -p "$E2E_KEEP" && cp -r "$WORK"/. "$E2E_KEEP"; fi; rm -rf "$WORK"' EXIT

cargo build --quiet --package sagerules-lambda --bin sagerules-config-rule
MOTO_CMD="$VENV/bin/python $HERE/moto_running.py" start_moto
"$VENV/bin/python" "$HERE/seed.py" respond
TOPIC=arn:aws:sns:us-east-1:123456789012:sagerules-responses
status=0
for mode in enforce report; do
    WATCH_ENV="SAGERULES_RESPONSE=$mode SAGERULES_TOPIC_ARN=$TOPIC SAGERULES_STATE_TABLE=sagerules-state" start_watch
    "$VENV/bin/python" "$HERE/respond_e2e.py" "$mode" "$INVOKE_PORT" "$WORK" || { status=1; tail -n 40 "$WORK/watch.log" >&2; }
    kill -- "-${PIDS[-1]}" 2>/dev/null || true
    wait "${PIDS[-1]}" 2>/dev/null || true
    unset 'PIDS[-1]'
done
exit $status
