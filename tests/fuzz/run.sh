#!/usr/bin/env bash
# `make fuzz`: time-boxed cargo-fuzz runs of every parser of untrusted input.
#
#   parse_rules  sagerules_core::parse on arbitrary UTF-8; when it parses cleanly, also
#                format and re-parse (the formatter must print what the parser accepts).
#   load_data    sagerules_data::load on arbitrary bytes, as JSON and as YAML.
#   yaml_fast    our YAML reader alone (yaml/fast.rs), every panic a crash: nothing catches one.
#   yaml_differential  where our reader accepts, libyaml-safer must build the same tree.
#
# cargo-fuzz needs nightly compiler flags (-Zsanitizer=address, sancov). Only the stable
# toolchain can be assumed here and no other can be downloaded, so the build runs with
# RUSTC_BOOTSTRAP=1, which lets stable rustc accept them (the ASan runtime ships with stable's
# rust-std). cargo-fuzz itself is installed into .tools/ on first use.
#
# Environment:
#   FUZZ_SECONDS=60           -max_total_time per target
#   FUZZ_TARGETS="parse_rules load_data yaml_fast yaml_differential"
#   FUZZ_CORPUS=DIR           templates to seed load_data with (default ../shared/corpus/templates)
#   FUZZ_TARGET_DIR           cargo target dir for the instrumented build (default fuzz/target)
#   FUZZ_SANITIZER=address    or none (faster, catches panics and overflows only)
# A crash or panic leaves its input in fuzz/artifacts/TARGET/ and makes the exit code 1.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/fuzz
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-parse_rules load_data yaml_fast yaml_differential}
TEMPLATES=${FUZZ_CORPUS:-$ROOT/../shared/corpus/templates}
TARGET_DIR=${FUZZ_TARGET_DIR:-$ROOT/fuzz/target}
SANITIZER=${FUZZ_SANITIZER:-address}
TOOLS=$ROOT/.tools
export PATH=$TOOLS/bin:$PATH
export RUSTC_BOOTSTRAP=1

install_cargo_fuzz() {
    if cargo fuzz --version >/dev/null 2>&1; then
        return 0
    fi
    echo "installing cargo-fuzz into $TOOLS (about a minute, once)"
    cargo install cargo-fuzz --locked --quiet --root "$TOOLS"
}

# The working corpus (fuzz/corpus/TARGET, kept between runs, not committed) gets the committed
# seeds and, for load_data, a sample of real templates; for parse_rules, the bundled rules.
seed() {
    local target=$1 dir=$ROOT/fuzz/corpus/$1 seeds=$1
    [ "${target#yaml_}" != "$target" ] && seeds=load_data
    mkdir -p "$dir"
    cp -n "$HERE/seeds/$seeds"/* "$dir"/ 2>/dev/null || true
    case $target in
        parse_rules)
            find "$ROOT/rules" "$ROOT/tests/bench" -type f \( -name '*.rules' -o -name '*.guard' \) \
                -size -64k -exec cp -n {} "$dir"/ \; 2>/dev/null || true
            ;;
        load_data | yaml_fast | yaml_differential)
            if [ -d "$TEMPLATES" ]; then
                find "$TEMPLATES" -type f \( -name '*.yaml' -o -name '*.json' \) -size -8k 2>/dev/null |
                    sort | awk 'NR % 50 == 1' | while read -r file; do
                        cp -n "$file" "$dir/corpus-$(basename "$(dirname "$file")")-$(basename "$file")"
                    done
            fi
            ;;
    esac
    printf '%s' "$dir"
}

dict_for() {
    case $1 in
        parse_rules) printf '%s' "$HERE/rules.dict" ;;
        load_data | yaml_fast | yaml_differential) printf '%s' "$HERE/data.dict" ;;
    esac
}

run_target() {
    local target=$1 corpus
    corpus=$(seed "$target")
    echo "== $target: ${SECONDS_PER_TARGET}s, corpus $corpus ($(find "$corpus" -type f | wc -l) inputs)"
    cargo fuzz run --fuzz-dir "$ROOT/fuzz" --target-dir "$TARGET_DIR" --sanitizer "$SANITIZER" \
        "$target" "$corpus" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict="$(dict_for "$target")" -print_final_stats=1
}

main() {
    cd "$ROOT" || return 1
    install_cargo_fuzz || { echo "cannot install cargo-fuzz"; return 1; }
    local target failed=()
    for target in $TARGETS; do
        run_target "$target" || failed+=("$target")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "FUZZ FAILED: ${failed[*]} (inputs in fuzz/artifacts/)"
        return 1
    fi
    echo "fuzz: no crash in $TARGETS (${SECONDS_PER_TARGET}s each)"
}

main
