#!/usr/bin/env bash
# Lints the CloudFormation templates that deploy the Lambda (cfn/) with cfn-lint.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${VENV:-$ROOT/.venv}
"$VENV/bin/cfn-lint" "$ROOT"/cfn/*.yaml
echo "cfn-lint: $(ls "$ROOT"/cfn/*.yaml | wc -l) template(s) clean"
