#!/usr/bin/env bash
# The Service Catalog portfolio (cfn/service-catalog/): `sagerules check` follows each product
# of the portfolio and every product passes; the insecure copy of each product (here, under
# insecure/) fails with exactly the expected rules, resources and lines.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
cargo build --quiet --package sagerules-cli --bin sagerules
SAGERULES="$ROOT/target/debug/sagerules"
HERE=tests/service-catalog
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$SAGERULES" check --params "$HERE/params.yaml" --format json cfn/service-catalog/sagerules-portfolio.yaml > "$WORK/secure.json"
set +e
"$SAGERULES" check --params "$HERE/params.yaml" --format json "$HERE"/insecure/*.yaml > "$WORK/insecure.json"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAIL: the insecure products should exit 1 (findings), got $rc" >&2; exit 1; }
python3 "$HERE/expect.py" "$WORK/secure.json" "$WORK/insecure.json"
