#!/usr/bin/env bash
# Sweeps under injected faults (sweep_faults.py with fault_proxy.py between the Lambda and
# moto): throttling, 5xx, slow answers, dropped connections, truncated bodies. JOBS (default
# 120), DEADLINE (seconds, default 3), MAX_RUNS (default 25), RATE (default 0.2), PROFILE
# (debug or release). `make test` runs the defaults; `make bench` a larger variant.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
export VENV
HERE=tests/lambda
WORK=$(mktemp -d)
JOBS=${JOBS:-120} DEADLINE=${DEADLINE:-3} MAX_RUNS=${MAX_RUNS:-25} RATE=${RATE:-0.2} PROFILE=${PROFILE:-debug}
# How long a "slow" answer waits (fault_proxy.py); MODES: a subset of the fault modes.
export SLOW=${SLOW:-1}
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; if [[ -n ${E2E_KEEP:-} ]]; then mkdir -p "$E2E_KEEP" && cp -r "$WORK"/. "$E2E_KEEP"; fi; rm -rf "$WORK"' EXIT

BINARY=$(lambda_binary "$PROFILE")
MOTO_CMD="$VENV/bin/python $HERE/moto_running.py" start_moto
"$VENV/bin/python" "$HERE/seed.py" bulk "$JOBS"
"$VENV/bin/python" "$HERE/seed.py" table
"$VENV/bin/python" "$HERE/sweep_faults.py" "$BINARY" "$JOBS" "$DEADLINE" "$MAX_RUNS" "$RATE" "$WORK" ${MODES:-}
