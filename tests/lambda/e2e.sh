#!/usr/bin/env bash
# End to end: moto_server on 127.0.0.1 and a free port, SageMaker jobs created with boto3
# (compliant and not), the Lambda under `cargo lambda watch`, every event in events/ sent
# with `cargo lambda invoke`, and the PutEvaluations calls moto's recorder captured compared
# with expected/<event>.json (check_recording.py). Needs VENV with moto[server] and cargo-lambda.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
HERE=tests/lambda
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# E2E_KEEP=DIR keeps the recordings, outputs and the Lambda log there.
trap 'stop_all; if [[ -n ${E2E_KEEP:-} ]]; then mkdir -p "$E2E_KEEP" && cp -r "$WORK"/. "$E2E_KEEP"; fi; rm -rf "$WORK"' EXIT

# Build first, exactly as `cargo lambda watch` will run it (`cargo run -p … --bin …`), so the
# first invocation does not wait for a cold build.
cargo build --quiet --package sagerules-lambda --bin sagerules-config-rule
start_moto
"$VENV/bin/python" "$HERE/seed.py" e2e
# The hook's stack payloads: {"template": ...} objects in moto's S3, reached through presigned
# URLs as CloudFormation hands them over; `__PAYLOAD_URL_<NAME>__` in an event stands for one.
"$VENV/bin/python" - "$HERE/hook-templates" >"$WORK/payload-urls" <<'PY'
import json, os, pathlib, sys
import boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
s3.create_bucket(Bucket="sagerules-hook-payloads")
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    key = f"{path.stem}.json"
    s3.put_object(Bucket="sagerules-hook-payloads", Key=key,
                  Body=json.dumps({"template": path.read_text(), "previousTemplate": ""}))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "sagerules-hook-payloads", "Key": key}, ExpiresIn=600)
    print(f"__PAYLOAD_URL_{path.stem.upper()}__ {url}")
PY
start_watch

# materialize EVENT: the event file with its payload placeholders replaced (a copy in WORK).
materialize() {
    local out="$WORK/$(basename "$1")"
    cp "$1" "$out"
    while read -r placeholder url; do
        PLACEHOLDER=$placeholder URL=$url "$VENV/bin/python" -c 'import os, sys; p = sys.argv[1]; t = open(p).read(); open(p, "w").write(t.replace(os.environ["PLACEHOLDER"], os.environ["URL"]))' "$out"
    done <"$WORK/payload-urls"
    printf '%s' "$out"
}

expected_field() { # file, key
    "$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"
}

# metric_lines: how many CloudWatch embedded-metric lines (InvocationErrors) the Lambda logged.
metric_lines() { grep -c '"InvocationErrors":1' "$WORK/watch.log" || true; }

# expect_metrics N: wait (up to 3 s, the log is piped through the emulator) for N lines.
expect_metrics() {
    for _ in $(seq 30); do [[ $(metric_lines) -ge $1 ]] && break; sleep 0.1; done
    [[ $(metric_lines) -eq $1 ]]
}

passed=0 failed=0
for event in "$HERE"/events/*.json; do
    metrics_before=$(metric_lines)
    name=$(basename "$event" .json)
    expected="$HERE/expected/$name.json"
    moto_api recorder/reset-recording
    moto_api recorder/start-recording
    rc=0
    invoke "$(materialize "$event")" "$WORK/$name.out" || rc=$?
    moto_api recorder/stop-recording
    curl -sf "$AWS_ENDPOINT_URL/moto-api/recorder/download-recording" >"$WORK/$name.rec"
    ok=1
    # A failed invocation is also an ERROR log line with a CloudWatch embedded metric
    # (InvocationErrors), so an alarm sees a failing evaluator; a good one logs none.
    if [[ $(expected_field "$expected" fails) == True ]]; then
        [[ $rc -ne 0 ]] || { echo "FAIL $name: the invocation should have failed" >&2; ok=0; }
        expect_metrics $((metrics_before + 1)) || { echo "FAIL $name: no InvocationErrors metric line" >&2; ok=0; }
    else
        [[ $rc -eq 0 ]] || { echo "FAIL $name: invocation failed:" >&2; cat "$WORK/$name.out" >&2; ok=0; }
        expect_metrics "$metrics_before" || { echo "FAIL $name: an InvocationErrors metric line for a good invocation" >&2; ok=0; }
    fi
    want=$(expected_field "$expected" output_contains)
    # The emulator wraps long messages: compare with the output's words joined by single spaces.
    if [[ -n $want ]] && ! tr -s ' \n│' ' ' <"$WORK/$name.out" | grep -q -- "$want"; then
        echo "FAIL $name: output lacks $want:" >&2; cat "$WORK/$name.out" >&2; ok=0
    fi
    "$VENV/bin/python" "$HERE/check_recording.py" "$WORK/$name.rec" "$expected" || ok=0
    if [[ $ok -eq 1 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
if [[ $failed -ne 0 ]]; then
    echo "--- Lambda log (last 60 lines) ---" >&2
    tail -n 60 "$WORK/watch.log" >&2
fi
echo "lambda-e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
