#!/usr/bin/env bash
# Lints the CloudFormation templates that deploy the Lambda (cfn/) with cfn-lint, checkov and
# sagerules itself.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${VENV:-$ROOT/.venv}
mapfile -t TEMPLATES < <(find "$ROOT/cfn" -name '*.yaml' | sort)
"$VENV/bin/cfn-lint" "${TEMPLATES[@]}"
echo "cfn-lint: ${#TEMPLATES[@]} template(s) clean"
# checkov offline: no failure allowed; each deliberate exception is a `Metadata: checkov: skip`
# with its reason in the template.
"$VENV/bin/checkov" --skip-download --quiet --compact --framework cloudformation -d "$ROOT/cfn" >"$ROOT/target/checkov-cfn.txt" 2>&1 \
    || { cat "$ROOT/target/checkov-cfn.txt" >&2; exit 1; }
grep -E "Passed checks" "$ROOT/target/checkov-cfn.txt" | sed 's/^/checkov: /'
# The templates that deploy sagerules pass sagerules.
cargo run --quiet --package sagerules-cli --bin sagerules -- check "${TEMPLATES[@]}"
