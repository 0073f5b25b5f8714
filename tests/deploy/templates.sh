#!/usr/bin/env bash
# The deployment templates: generated ones up to date with the rule pack, every template in
# cfn/ clean under cfn-lint, and the generator's refusals (what AWS Config would reject).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
cargo build --quiet --package sagerules-cli --bin sagerules
SAGERULES="$ROOT/target/debug/sagerules"

# 1. cfn/ and docs/config-rules.md are the generator's output.
"$SAGERULES" deploy-template --out-dir cfn --check
"$SAGERULES" deploy-template --kind docs | diff -u docs/config-rules.md - \
    || { echo "stale: docs/config-rules.md; run make deploy-templates" >&2; exit 1; }
echo "deploy-template: cfn/ and docs/config-rules.md are up to date"

# 2. A stale file is caught: a copy of cfn/ with one byte changed fails the check (exit 1).
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r cfn "$WORK/cfn"
sed -i 's/TwentyFour_Hours/Twelve_Hours/' "$WORK/cfn/sagerules-conformance-pack.yaml"
set +e
"$SAGERULES" deploy-template --out-dir "$WORK/cfn" --check 2>"$WORK/stale.txt"
rc=$?
set -e
grep -q "stale: $WORK/cfn/sagerules-conformance-pack.yaml" "$WORK/stale.txt" && [ "$rc" = 1 ] \
    || { echo "FAIL: an edited conformance pack was not reported stale (exit $rc)" >&2; cat "$WORK/stale.txt" >&2; exit 1; }

# 3. Refusals, each naming the problem (exit 2).
refuses() {
    local want=$1; shift
    set +e
    "$SAGERULES" deploy-template "$@" >/dev/null 2>"$WORK/err.txt"
    local code=$?
    set -e
    if [ "$code" != 2 ] || ! grep -qF -- "$want" "$WORK/err.txt"; then
        echo "FAIL: deploy-template $* should exit 2 saying '$want' (exit $code):" >&2
        cat "$WORK/err.txt" >&2
        exit 1
    fi
}
refuses 'unknown family "notebooks"' --families notebooks
refuses 'unknown rule SAGEMAKER_NOPE' --rules SAGEMAKER_NOPE
printf 'SageRules:\n  kmsKeyArns: [%s]\n' "$(printf 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555,%.0s' $(seq 6) | sed 's/,$//')" > "$WORK/long.yaml"
refuses 'kmsKeyArns is 455 characters' --params "$WORK/long.yaml"
refuses 'stack judges templates only' --families stack
refuses 'SAGEMAKER_STACK_KMS_KEY_ROTATION judges templates only' --rules SAGEMAKER_STACK_KMS_KEY_ROTATION
# Every rule AWS Config can run (the stack family's rules judge templates only).
ALL_RULES=$("$SAGERULES" rules --format json | python3 -c 'import json,sys; print(",".join(r["name"] for r in json.load(sys.stdin) if not r["name"].startswith("SAGEMAKER_STACK_")))')
refuses "the jobs rule would take" --rules "$ALL_RULES"
echo "deploy-template: refuses unknown families and rules, template-only rules, a parameter over its budget, InputParameters over 1,024"

# 4. A chosen deployment: notebook and training only, with a key; the pack carries the key as
# its default and nothing else.
printf 'kmsKeyArns: "arn:aws:kms:us-east-1:123456789012:key/1"\n' > "$WORK/params.yaml"
"$SAGERULES" deploy-template --kind conformance-pack --families notebook,training --params "$WORK/params.yaml" > "$WORK/pack.yaml"
python3 - "$WORK/pack.yaml" <<'PY'
import sys, yaml
pack = yaml.safe_load(open(sys.argv[1]))
assert set(pack) == {"Parameters", "Resources"}, set(pack)
rules = {r["Properties"]["ConfigRuleName"]: r["Properties"] for r in pack["Resources"].values()}
assert sorted(rules) == ["sagerules-jobs", "sagerules-notebook"], sorted(rules)
assert rules["sagerules-jobs"]["InputParameters"]["families"] == "training", rules["sagerules-jobs"]
assert rules["sagerules-notebook"]["Scope"]["ComplianceResourceTypes"] == ["AWS::SageMaker::NotebookInstance"]
assert pack["Parameters"]["KmsKeyArns"]["Default"] == "arn:aws:kms:us-east-1:123456789012:key/1"
assert all(r["Type"] == "AWS::Config::ConfigRule" for r in pack["Resources"].values())
print("deploy-template: --families notebook,training --params gives 2 rules and the key as default")
PY

# 5. Every template lints clean.
mapfile -t TEMPLATES < <(find cfn -name '*.yaml' | sort)
cfn-lint "${TEMPLATES[@]}"
echo "cfn-lint: ${#TEMPLATES[@]} template(s) clean"

# 6. Every role policy of the templates passes parliament (nothing above LOW), intrinsics
# resolved to sample values.
mkdir -p "$WORK/policies"
python3 tests/deploy/template_policies.py "$WORK/policies" "${TEMPLATES[@]}"
python3 tests/iam/lint.py "$WORK/policies"/*.json
