#!/usr/bin/env bash
# What `make test` runs for the Lambda, after the workspace's Rust tests (which include
# sagerules-lambda's unit, fixture and aws-smithy-mocks tests): cfn-lint, checkov and sagerules on
# the templates, the stack deployed into moto's CloudFormation (deploy.sh), and
# the end-to-end runs against moto under `cargo lambda watch` (Config rule and hook events in
# e2e.sh, responses to SageMaker events in respond.sh, successive short-deadline sweeps with
# the state table in sweep-runs.sh, the same under injected faults in sweep-faults.sh). LAMBDA_RUST_TESTS=1 also runs
# `cargo test -p sagerules-lambda` first (for running this script on its own).
# Assumes VENV (default .venv) has moto[server] (which brings cfn-lint) and cargo-lambda.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
if [[ ${LAMBDA_RUST_TESTS:-0} == 1 ]]; then
    cargo test -p sagerules-lambda
fi
bash "$HERE/cfn.sh"
bash "$HERE/deploy.sh"
bash "$HERE/e2e.sh"
bash "$HERE/respond.sh"
bash "$HERE/sweep-runs.sh"
bash "$HERE/sweep-faults.sh"
