# Helpers shared by the Lambda scripts: free ports, moto_server and cargo lambda watch started
# and stopped by PID. Source it; it expects VENV (the Python venv with moto[server] and
# cargo-lambda) and WORK (a scratch directory) to be set.

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url, seconds
    local url=$1 tries=$(( $2 * 10 ))
    for _ in $(seq "$tries"); do
        curl -s -o /dev/null "$url" && return 0
        sleep 0.1
    done
    echo "timed out waiting for $url" >&2
    return 1
}

# lambda_binary PROFILE: builds sagerules-config-rule (debug, or release under nice) and prints
# its path.
lambda_binary() {
    if [[ $1 == release ]]; then
        nice -n 5 cargo build --quiet --release --package sagerules-lambda --bin sagerules-config-rule
    else
        cargo build --quiet --package sagerules-lambda --bin sagerules-config-rule
    fi
    local target
    target=$(cargo metadata --format-version 1 --no-deps | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    printf '%s' "$target/$1/sagerules-config-rule"
}

PIDS=()
stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

# start_moto: moto_server on 127.0.0.1 and a free port; exports the AWS variables the SDKs read.
start_moto() {
    MOTO_PORT=$(free_port)
    export MOTO_RECORDER_FILEPATH="$WORK/moto_recording"
    # MOTO_CMD: another moto_server entry (tests/lambda/moto_running.py), same arguments.
    # shellcheck disable=SC2086
    setsid ${MOTO_CMD:-"$VENV/bin/moto_server"} -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
    PIDS+=($!)
    export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
    export AWS_ACCESS_KEY_ID=AKIDSAGERULESTEST AWS_SECRET_ACCESS_KEY=sagerules-test-secret
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
    unset AWS_PROFILE AWS_SESSION_TOKEN
    wait_http "$AWS_ENDPOINT_URL/moto-api/" 30
}

moto_api() { # POST path
    curl -sf -X POST "$AWS_ENDPOINT_URL/moto-api/$1" >/dev/null
}

# start_watch: the Lambda under the cargo lambda runtime emulator on a free port (run from
# the repository root). WATCH_ENV: more NAME=VALUE settings for the function.
start_watch() {
    INVOKE_PORT=$(free_port)
    local extra=() setting
    for setting in ${WATCH_ENV:-}; do extra+=(--env-var "$setting"); done
    setsid "$VENV/bin/cargo-lambda" lambda watch --quiet --ignore-changes \
        --invoke-address 127.0.0.1 --invoke-port "$INVOKE_PORT" --timeout "${LAMBDA_TIMEOUT:-120}" \
        --package sagerules-lambda --bin sagerules-config-rule \
        --env-var "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL" --env-var "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" \
        --env-var "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" --env-var "AWS_REGION=$AWS_REGION" \
        "${extra[@]}" >"$WORK/watch.log" 2>&1 &
    PIDS+=($!)
    wait_http "http://127.0.0.1:$INVOKE_PORT/" 120 || { cat "$WORK/watch.log" >&2; return 1; }
}

invoke() { # event file, output file
    "$VENV/bin/cargo-lambda" lambda invoke --invoke-address 127.0.0.1 --invoke-port "$INVOKE_PORT" \
        --data-file "$1" sagerules-config-rule >"$2" 2>&1
}
