#!/usr/bin/env bash
# Runs the public AWS Guard rules registry's own tests with `sagerules test`, from a copy you
# downloaded yourself: nothing is fetched here.
#
#   tests/registry/run.sh PATH/TO/aws-guard-rules-registry [CFN_GUARD]
#
# Prints how many rule files with tests pass (each `rules/**/X.guard` with the files of the
# `tests/` beside it whose names start with `X`), the files that do not, the whole-directory run (`sagerules test rules/`,
# cases and expectations), and, when a cfn-guard binary is given or on PATH, cfn-guard's own
# run of the same directory and the wall time of both (best of 3, release build).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REGISTRY=${1:?usage: tests/registry/run.sh REGISTRY_DIR [CFN_GUARD]}
GUARD=${2:-$(command -v cfn-guard || true)}
BIN=${SAGERULES:-$ROOT/target/release/sagerules}
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --quiet -p sagerules-cli)
cd "$REGISTRY" || exit 2

# A rule file's tests are the files in the `tests/` beside it whose names start with its stem
# (`X_tests.yml`, and one `X.yml`), as `sagerules test DIR` pairs them.
total=0 pass=0 failing=()
while IFS= read -r rules; do
    dir=$(dirname "$rules") stem=$(basename "$rules" .guard)
    mapfile -t tests < <(ls "$dir/tests/${stem}"*.yml "$dir/tests/${stem}"*.yaml 2>/dev/null)
    [ "${#tests[@]}" -gt 0 ] || continue
    total=$((total + 1))
    ok=1
    for t in "${tests[@]}"; do
        "$BIN" test --rules "$rules" --tests "$t" >/dev/null 2>&1 || ok=0
    done
    if [ "$ok" -eq 1 ]; then pass=$((pass + 1)); else failing+=("$rules"); fi
done < <(find rules -name '*.guard' | sort)
echo "rule files with tests passing under sagerules test: $pass of $total"
printf '  failing: %s\n' "${failing[@]}"

echo "sagerules test rules/: $("$BIN" test rules/ 2>/dev/null | tail -1)"

TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
best() { # best wall seconds of 3 runs of the command
    local best="" t
    for _ in 1 2 3; do
        /usr/bin/time -f '%e' -o "$TIMES" "$@" >/dev/null 2>&1
        t=$(tail -1 "$TIMES")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    done
    echo "$best"
}
ours=$(best "$BIN" test rules/)
echo "wall, sagerules test rules/: $ours s"
if [ -n "$GUARD" ] && [ -x "$GUARD" ]; then
    "$GUARD" test -d rules/ >/dev/null 2>&1
    echo "cfn-guard test -d rules/: exit $? ($("$GUARD" --version))"
    peer=$(best "$GUARD" test -d rules/)
    echo "wall, cfn-guard test -d rules/: $peer s; sagerules is $(awk -v a="$ours" -v b="$peer" 'BEGIN { printf "%.1fx", b / a }') faster"
fi
[ "$pass" -eq "$total" ]
