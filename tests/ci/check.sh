#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): `sagerules check` on SAGERULES_PATHS with
# SAGERULES_ARGS, the SARIF report to SAGERULES_SARIF and the text report to the log; the exit
# code goes to the step's `exit-code` output and the step itself succeeds, so the report is
# uploaded before the action fails.
set -uo pipefail
sarif=${SAGERULES_SARIF:-sagerules.sarif}
read -r -a paths <<<"${SAGERULES_PATHS:-.}"
read -r -a args <<<"${SAGERULES_ARGS:-}"
sagerules check "${args[@]}" "${paths[@]}"
code=$?
sagerules check --format sarif "${args[@]}" "${paths[@]}" >"$sarif"
sarif_code=$?
if [[ $sarif_code -ne $code ]]; then
    echo "the SARIF run exited $sarif_code, the text run $code" >&2
    code=2
fi
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "sagerules check: exit $code, SARIF in $sarif"
