#!/usr/bin/env bash
# Runs the README's "Deploying to AWS" commands (every ```sh block after a `<!-- walkthrough -->`
# line, in order, unchanged) with the real AWS CLI against moto_server, in a scratch copy of
# cfn/; the AWS Config calls moto lacks go to tests/deploy/config_stub.py, which records them.
# A line ending in `# tested by make TARGET` is left to that target (checked to exist). Then
# walkthrough_check.py asserts the requests sent and that everything was backed out.
# Needs dist/sagerules-config-rule-arm64.zip (make package).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
HERE=tests/deploy
WORK=$(mktemp -d)
# shellcheck source=../lambda/lib.sh
source tests/lambda/lib.sh
trap 'stop_all; rm -rf "$WORK"' EXIT
[ -f dist/sagerules-config-rule-arm64.zip ] || { echo "dist/sagerules-config-rule-arm64.zip is missing: run make package" >&2; exit 1; }
cargo build --quiet --package sagerules-cli --bin sagerules

"$VENV/bin/python" "$HERE/walkthrough_extract.py" README.md Makefile > "$WORK/walkthrough.sh"
MOTO_CMD="$VENV/bin/python $HERE/moto_org.py" start_moto
moto_api recorder/start-recording
STUB_PORT=$(free_port)
setsid "$VENV/bin/python" "$HERE/config_stub.py" "$STUB_PORT" "$WORK/config.jsonl" >"$WORK/stub.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$STUB_PORT/" 30
export AWS_ENDPOINT_URL_CONFIG_SERVICE="http://127.0.0.1:$STUB_PORT"
eval "$("$VENV/bin/python" "$HERE/walkthrough_setup.py")"

mkdir -p "$WORK/run"
cp -r cfn "$WORK/run/cfn"
ln -s "$ROOT/dist" "$WORK/run/dist"
(cd "$WORK/run" && PATH="$ROOT/target/debug:$VENV/bin:$PATH" bash -euo pipefail "$WORK/walkthrough.sh") >"$WORK/walkthrough.log" 2>&1 \
    || { echo "FAIL: a README command failed:" >&2; tail -n 40 "$WORK/walkthrough.log" >&2; tail -n 20 "$WORK/moto.log" >&2; exit 1; }
moto_api recorder/stop-recording
"$VENV/bin/python" "$HERE/walkthrough_check.py" "$MOTO_RECORDER_FILEPATH" "$WORK/config.jsonl" "$WORK/walkthrough.log"
