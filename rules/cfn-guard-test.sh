#!/bin/sh
# Runs every rules/*.rules file's tests with the reference engine, CloudFormation Guard 3:
#   rules/cfn-guard-test.sh [path/to/cfn-guard]
# `cfn-guard test -d` only picks up `.guard` files, so each file is passed explicitly.
# A file with a `# sagerules-only:` line uses sagerules functions cfn-guard does not have; it is
# listed as skipped, with that line's reason, and counts neither way.
# Prints one line per file and exits non-zero when any expectation is not met.
set -u
guard=${1:-cfn-guard}
dir=$(dirname "$0")
status=0
for rules in "$dir"/*.rules; do
    stem=$(basename "$rules" .rules)
    if only=$(grep -m1 '^# sagerules-only:' "$rules"); then
        echo "skip $stem: ${only#\# sagerules-only: }"
        continue
    fi
    tests="$dir/tests/${stem}_tests.yaml"
    out=$("$guard" test -r "$rules" -t "$tests" 2>&1)
    code=$?
    cases=$(printf '%s\n' "$out" | grep -c '^Test Case')
    if [ "$code" -eq 0 ]; then
        echo "ok   $stem: $cases cases"
    else
        echo "FAIL $stem: $cases cases (exit $code)"
        printf '%s\n' "$out" | grep -B4 'Evaluated' | grep -v 'No Test expectation'
        status=1
    fi
done
exit $status
