#!/usr/bin/env bash
# `make test-iam`: the policies `sagerules iam-policy` generates for every kind, with the pack's
# defaults and with tests/iam/params.yaml (and an exempt break-glass role), linted by
# parliament (tests/iam/lint.py): no unknown action or condition key, no finding above LOW.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SAGERULES=${SAGERULES:-target/debug/sagerules}
PYTHON=${PYTHON:-.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for kind in identity scp boundary; do
    "$SAGERULES" iam-policy --kind "$kind" >"$WORK/$kind-defaults.json"
    "$SAGERULES" iam-policy --kind "$kind" --params tests/iam/params.yaml \
        --exempt-principal-arn 'arn:aws:iam::*:role/BreakGlass' >"$WORK/$kind-params.json"
done
"$PYTHON" tests/iam/lint.py "$WORK"/*.json | grep -v '^note ' || exit 1
