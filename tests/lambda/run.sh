#!/usr/bin/env bash
# What `make test` runs for the Lambda: its Rust tests (unit, event fixtures, aws-smithy-mocks),
# cfn-lint on the templates, and the end-to-end run against moto under `cargo lambda watch`.
# Assumes VENV (default .venv) has moto[server] (which brings cfn-lint) and cargo-lambda.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
cargo test -p sagerules-lambda
bash "$HERE/cfn.sh"
bash "$HERE/e2e.sh"
