#!/usr/bin/env bash
# The CI integrations, run as a pipeline would run them (`make test-ci`):
# - `cargo install --path crates/sagerules-cli` (the documented install) through the Action's
#   install step, into a scratch directory (debug build, sharing target/);
# - the Action's check step on an insecure, a secure and an unreadable template: the exit-code
#   output, the text report and a SARIF file with the expected rule;
# - the pre-commit hooks: the files their patterns select, the entry run on them;
# - the CodeBuild buildspec's commands: failing on findings, passing otherwise, a JUnit report.
# The YAML of action.yml, .pre-commit-hooks.yaml and the buildspec is checked for the names
# the scripts rely on (tests/ci/shapes.py).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failed=0
fail() { echo "FAIL $*" >&2; failed=$((failed + 1)); }
ok() { echo "ok   $*"; }

"$VENV/bin/python" tests/ci/shapes.py && ok "action.yml, .pre-commit-hooks.yaml and the buildspec have the expected shape" || fail "shapes"

# The Action's install step, building from source as `cargo install --path` does.
SAGERULES_SOURCE=$ROOT SAGERULES_BIN_DIR=$WORK/bin GITHUB_PATH=$WORK/github_path \
    SAGERULES_CARGO_FLAGS="--debug --target-dir $ROOT/target --quiet" \
    bash tests/ci/install.sh >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "install.sh"; }
if [[ -x $WORK/bin/sagerules ]] && grep -qx "$WORK/bin" "$WORK/github_path" && grep -q '^sagerules ' "$WORK/install.log"; then
    ok "cargo install --path crates/sagerules-cli: $(tail -n 1 "$WORK/install.log"), on the job's PATH"
else
    fail "install: no sagerules in $WORK/bin or not added to GITHUB_PATH"
fi
export PATH="$WORK/bin:$PATH"

# The Action's check step: run_check TEMPLATE EXPECTED_EXIT [RULE_IN_SARIF]
run_check() {
    local out="$WORK/check-$(basename "$1")" code
    rm -f "$out.github_output"
    (cd "$WORK" && SAGERULES_PATHS="$1" SAGERULES_ARGS="" SAGERULES_SARIF="$out.sarif" GITHUB_OUTPUT="$out.github_output" \
        bash "$ROOT/tests/ci/check.sh" >"$out.log" 2>&1) || { fail "check.sh itself failed on $1"; return; }
    code=$(sed -n 's/^exit-code=//p' "$out.github_output")
    [[ $code == "$2" ]] || { fail "check on $1: exit-code=$code, expected $2"; cat "$out.log" >&2; return; }
    if [[ -n ${3:-} ]]; then
        "$VENV/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; assert any(x["ruleId"]==sys.argv[2] for x in r), [x["ruleId"] for x in r]' "$out.sarif" "$3" \
            || { fail "check on $1: SARIF lacks $3"; return; }
        grep -q "$3" "$out.log" || { fail "check on $1: the log lacks $3"; return; }
    fi
    ok "check step on $(basename "$1"): exit-code=$code${3:+, $3 in the SARIF and the log}"
}
run_check "$ROOT/examples/templates/notebook-open.json" 1 SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET
run_check "$ROOT/examples/templates/notebook-compliant.yaml" 0
printf 'Resources: {a: [unclosed\n' >"$WORK/broken.yaml"
run_check "$WORK/broken.yaml" 2

# The pre-commit hooks: the `files` pattern picks templates, not the hook files themselves.
"$VENV/bin/python" - "$ROOT/.pre-commit-hooks.yaml" >"$WORK/selected" <<'PY'
import re, sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
for hook in hooks:
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    for name in ["examples/templates/notebook-open.json", "examples/templates/notebook-compliant.yaml",
                 "action.yml", ".pre-commit-hooks.yaml", "README.md", "src/main.rs"]:
        if files.search(name) and not exclude.search(name):
            print(hook["id"], name)
PY
expected="sagerules-check examples/templates/notebook-compliant.yaml
sagerules-check examples/templates/notebook-open.json
sagerules-check-system examples/templates/notebook-compliant.yaml
sagerules-check-system examples/templates/notebook-open.json"
if [[ $(sort "$WORK/selected") == "$expected" ]]; then
    code=0; sagerules check examples/templates/notebook-open.json examples/templates/notebook-compliant.yaml >/dev/null 2>&1 || code=$?
    [[ $code == 1 ]] && ok "pre-commit hooks select the templates only, and their entry fails the commit on findings" || fail "pre-commit entry exited $code"
else
    fail "pre-commit files selected: $(tr '\n' ' ' <"$WORK/selected")"
fi

# The CodeBuild buildspec's commands, as CodeBuild runs them (each must succeed).
run_buildspec() { # templates, expected (pass|fail)
    local dir="$WORK/codebuild-$2" status=pass
    mkdir -p "$dir"
    "$VENV/bin/python" -c 'import yaml,sys; s=yaml.safe_load(open(sys.argv[1])); print("\n".join(s["phases"]["install"]["commands"] + s["phases"]["build"]["commands"]))' \
        "$ROOT/examples/codebuild/buildspec.yml" >"$dir/commands"
    while IFS= read -r command; do
        (cd "$dir" && TEMPLATES="$1" SAGERULES_ARGS="" bash -c "$command" >>"$dir/log" 2>&1) || { status=fail; break; }
    done <"$dir/commands"
    [[ $status == "$2" && -s $dir/sagerules-junit.xml ]] && grep -q "<testsuites" "$dir/sagerules-junit.xml" \
        && ok "buildspec on $(basename "$1"): the build result is $status, as expected; JUnit report written" \
        || fail "buildspec on $1: build ${status}ed, expected $2"
}
run_buildspec "$ROOT/examples/templates/notebook-open.json" fail
run_buildspec "$ROOT/examples/templates/notebook-compliant.yaml" pass

echo "ci: $failed failed"
[[ $failed -eq 0 ]]
