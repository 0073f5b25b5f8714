#!/usr/bin/env bash
# Benchmark of the Lambda (release build, run as `bootstrap --event`): a sweep of $JOBS training
# jobs in moto against moto's own List+Describe time (moto_baseline.py), the rule-engine time
# per item, cold-start init time, and the zipped package size. Prints one line per figure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
HERE=tests/lambda
JOBS=${JOBS:-1000}
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
trap 'stop_all; rm -rf "$WORK"' EXIT

TARGET=$(cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
PATH="$VENV/bin:$PATH" nice -n 5 cargo-lambda lambda build --release --compiler cargo --output-format zip \
    --package sagerules-lambda --bin sagerules-config-rule >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
ZIP="$TARGET/lambda/sagerules-config-rule/bootstrap.zip"
(cd "$WORK" && "$VENV/bin/python" -m zipfile -e "$ZIP" pkg && chmod +x pkg/bootstrap)
BOOT="$WORK/pkg/bootstrap"

log_field() { # stderr log file, message, field
    "$VENV/bin/python" -c '
import json, sys
for line in open(sys.argv[1]):
    try: entry = json.loads(line)
    except ValueError: continue
    if entry.get("message") == sys.argv[2]: print(entry.get(sys.argv[3], ""))' "$1" "$2" "$3" | tail -n 1
}

# Cold start: the runtime API is unreachable, so the process stops right after initialising.
AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 AWS_LAMBDA_FUNCTION_NAME=bench AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 \
    AWS_LAMBDA_FUNCTION_VERSION=1 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y \
    "$BOOT" 2>"$WORK/init.log" >/dev/null || true
init_ms=$(log_field "$WORK/init.log" initialised init_ms)

start_moto
started=$(date +%s.%N)
"$VENV/bin/python" "$HERE/seed.py" bulk "$JOBS"
seed_s=$(echo "$(date +%s.%N) - $started" | bc)

baseline=$("$VENV/bin/python" "$HERE/moto_baseline.py")
base_s=$("$VENV/bin/python" -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$baseline")

"$VENV/bin/python" - "$WORK/sweep.json" <<'PY'
import json, sys
invoking = {"awsAccountId": "123456789012", "notificationCreationTime": "2026-11-20T10:00:00.000Z",
            "messageType": "ScheduledNotification", "recordVersion": "1.0"}
event = {"invokingEvent": json.dumps(invoking), "ruleParameters": json.dumps({"families": "training"}),
         "resultToken": "TESTMODE", "accountId": "123456789012"}
json.dump(event, open(sys.argv[1], "w"))
PY
started=$(date +%s.%N)
"$BOOT" --event "$WORK/sweep.json" >"$WORK/sweep.out" 2>"$WORK/sweep.log"
sweep_s=$(echo "$(date +%s.%N) - $started" | bc)
evaluations=$(log_field "$WORK/sweep.log" "invocation done" evaluations)
sweep_eval_us=$(log_field "$WORK/sweep.log" "invocation done" sweep_evaluate_us)
put_calls=$(log_field "$WORK/sweep.log" "invocation done" put_calls)

"$BOOT" --event "$HERE/events/change-notebook-secure.json" --dry-run >/dev/null 2>"$WORK/item.log"
item_us=$(log_field "$WORK/item.log" "invocation done" evaluate_us)

zip_bytes=$(stat -c %s "$ZIP")
# The workspace's release profile keeps line tables (debug = "line-tables-only"), so the package
# carries them; the same binary stripped shows what a deployment build without them weighs.
cp "$BOOT" "$WORK/stripped" && strip "$WORK/stripped"
(cd "$WORK" && mv stripped bootstrap && "$VENV/bin/python" -c 'import zipfile; z = zipfile.ZipFile("stripped.zip", "w", zipfile.ZIP_DEFLATED); z.write("bootstrap"); z.close()')
stripped_bytes=$(stat -c %s "$WORK/stripped.zip")
echo "jobs seeded:                   $JOBS (in ${seed_s}s)"
echo "moto List+Describe baseline:   ${base_s}s ($baseline)"
echo "Lambda sweep wall time:        ${sweep_s}s, ratio $(echo "scale=2; $sweep_s / $base_s" | bc) (evaluations: $evaluations, PutEvaluations calls: $put_calls)"
echo "rule engine per job (sweep):   $(echo "scale=1; ${sweep_eval_us:-0} / $JOBS" | bc) us"
echo "rule engine, one config item:  ${item_us} us"
echo "cold-start init:               ${init_ms} ms"
echo "bootstrap.zip:                 $zip_bytes bytes ($(echo "scale=2; $zip_bytes / 1048576" | bc) MiB; binary $(stat -c %s "$BOOT") bytes)"
echo "bootstrap.zip, stripped:       $stripped_bytes bytes ($(echo "scale=2; $stripped_bytes / 1048576" | bc) MiB; binary $(stat -c %s "$WORK/bootstrap") bytes)"
