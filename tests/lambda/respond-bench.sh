#!/usr/bin/env bash
# Benchmark of responses (part of `make bench`): release build of the Lambda binary, moto
# (moto_running.py) with 1,000 completed training jobs and 20 running non-compliant ones, the
# SNS topic and the state table; then 100 events and two sweeps (respond_bench.py).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
export VENV
HERE=tests/lambda
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; rm -rf "$WORK"' EXIT

BINARY=$(lambda_binary release)
MOTO_CMD="$VENV/bin/python $HERE/moto_running.py" start_moto
"$VENV/bin/python" "$HERE/seed.py" bulk 1000
"$VENV/bin/python" "$HERE/seed.py" respond-bench 20
"$VENV/bin/python" "$HERE/respond_bench.py" "$BINARY" "$WORK"
