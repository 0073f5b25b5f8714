#!/usr/bin/env bash
# Hostile and broken inputs for `sagerules check`: each case names the exit code and a piece of
# the message it must produce, and the good template given beside it must still be reported
# (one bad input never hides the others). Run by `make test-adversarial` (part of `make test`)
# from the repository root, with the debug build of `sagerules`.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SAGERULES=${SAGERULES:-$ROOT/target/debug/sagerules}
HERE=tests/adversarial
GOOD=$HERE/good.yaml
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Inputs made at run time: a FIFO, a 3 MB one-line JSON file with one bad byte at its end, and
# files outside the root that rules and templates try to reach.
mkfifo "$WORK/fifo.yaml"
python3 - "$WORK/huge-line.json" <<'PY'
import sys
body = ",".join(f'"k{i}":{i}' for i in range(300_000))
open(sys.argv[1], "w").write('{"Resources":{' + body + ',"bad":\x01}}')
PY
mkdir -p "$WORK/root"
printf 'rule outside { Resources exists }\n' >"$WORK/outside.rules"
printf 'include "../outside.rules"\nrule inside { Resources exists }\n' >"$WORK/root/include-parent.rules"
printf 'password: hunter2\n' >"$WORK/secret.yaml"
printf 'Resources:\n  P:\n    Type: AWS::ServiceCatalog::CloudFormationProduct\n    Properties:\n      ProvisioningArtifactParameters:\n        - Info: {LoadTemplateFromURL: ../secret.yaml}\n' \
    >"$WORK/root/product-parent.yaml"

# good_passes OUT: the PASS verdicts of the good template in a JSON report.
good_passes() {
    python3 -c 'import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(sum(1 for r in results if r["file"] == sys.argv[2] and r["status"] == "PASS"))' "$1" "$GOOD" 2>/dev/null || echo 0
}

passed=0 failed=0
# check NAME EXIT MESSAGE ARGS...: `sagerules check ARGS... $GOOD` exits EXIT, says MESSAGE on
# standard error, reports the good template (its 4 passing verdicts), and echoes no secret.
# With rules that do not load (the include cases), nothing can be judged: `check_rules` runs
# the same checks without asking for the good template's verdicts.
check() { GOOD_VERDICTS=1 run_case "$@"; }
check_rules() { GOOD_VERDICTS=0 run_case "$@"; }

run_case() {
    local name=$1 want_code=$2 want=$3
    shift 3
    local out="$WORK/$name.out" err="$WORK/$name.err" code
    timeout 60 "$SAGERULES" check --format json "$@" "$GOOD" >"$out" 2>"$err"
    code=$?
    local ok=1
    [[ $code -eq $want_code ]] || { echo "FAIL $name: exit $code, expected $want_code" >&2; ok=0; }
    grep -qF -- "$want" "$err" || { echo "FAIL $name: standard error lacks: $want" >&2; ok=0; }
    if [[ $GOOD_VERDICTS -eq 1 ]] && [[ $(good_passes "$out") -ne 4 ]]; then
        echo "FAIL $name: the good template was not reported" >&2; ok=0
    fi
    if grep -q "hunter2\|root:x:" "$out" "$err"; then echo "FAIL $name: a secret was echoed" >&2; ok=0; fi
    if [[ $(wc -c <"$err") -gt 20000 ]]; then echo "FAIL $name: $(wc -c <"$err") bytes on standard error" >&2; ok=0; fi
    if [[ $ok -eq 1 ]]; then
        passed=$((passed + 1)); echo "ok $name"
    else
        failed=$((failed + 1)); sed 's/^/    /' "$err" | head -20 >&2
    fi
}

check fifo 2 "fifo.yaml: cannot read: not a regular file (a FIFO)" "$WORK/fifo.yaml"
check device 2 "/dev/zero: cannot read: not a regular file (a character device)" /dev/zero
check billion-laughs 2 "anchors and aliases copy more than 1000000 nodes" $HERE/billion-laughs.yaml
check deep-nesting 2 "nesting deeper than 512 levels" $HERE/deep-nesting.json
check huge-line 2 "huge-line.json:1:" --max-size 8M "$WORK/huge-line.json"
check over-size-limit 2 "larger than the 1 MiB limit" "$WORK/huge-line.json"
check bad-utf8 2 "not valid UTF-8 (byte 0xe9)" $HERE/bad-utf8.yaml
check unknown-tag 2 "unknown tag !Reff (did you mean !Ref?)" $HERE/unknown-tag.yaml
check not-a-template 2 "not a CloudFormation template: the document is a string" $HERE/not-a-template.yaml
check list 2 "not a CloudFormation template: the document is a list" $HERE/list.json
check empty-map 2 "not a CloudFormation template: it has no Resources section" $HERE/empty-map.json
check undeclared-ref 2 "Ref to NoSuchParam, which the template does not declare" $HERE/undeclared-ref.yaml
check_rules include-passwd 2 "/etc/passwd is not read: only files ending in .rules, .guard are followed" \
    --rules $HERE/include-passwd.rules
check_rules include-parent 2 "outside.rules is not read: it is outside the root" \
    --root "$WORK/root" --rules "$WORK/root/include-parent.rules"
check product-txt 2 "cannot read template ../../../secret.txt: only files ending in .yaml" $HERE/product-escape.yaml
check product-parent 2 "cannot read template ../secret.yaml: it is outside the root" --root "$WORK/root" "$WORK/root/product-parent.yaml"

echo "adversarial: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
