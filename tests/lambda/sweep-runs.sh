#!/usr/bin/env bash
# Successive short-deadline sweeps with the state table until every job has a verdict
# (sweep_runs.py). JOBS (default 300), DEADLINE (seconds, default 2), MAX_RUNS (default 40),
# PROFILE (debug or release; default debug). `make test` runs the defaults; `make bench` runs
# 20,000 jobs in release.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
export VENV
HERE=tests/lambda
WORK=$(mktemp -d)
JOBS=${JOBS:-300} DEADLINE=${DEADLINE:-2} MAX_RUNS=${MAX_RUNS:-40} PROFILE=${PROFILE:-debug}
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; rm -rf "$WORK"' EXIT

BINARY=$(lambda_binary "$PROFILE")
MOTO_CMD="$VENV/bin/python $HERE/moto_running.py" start_moto
started=$(date +%s)
"$VENV/bin/python" "$HERE/seed.py" bulk "$JOBS"
"$VENV/bin/python" "$HERE/seed.py" table
echo "seeded $JOBS jobs in $(( $(date +%s) - started )) s"
"$VENV/bin/python" "$HERE/sweep_runs.py" "$BINARY" "$JOBS" "$DEADLINE" "$MAX_RUNS" "$WORK"
