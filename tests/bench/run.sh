#!/usr/bin/env bash
# `make bench`: the performance figures of issues 2 and 3, measured with release builds of
# `sagerules` and `sagerules-bench`, against cfn-guard 3.2.1 in the same run when it is
# installed. Prints every figure, a table (figure, ours, peer, ratio, target, met?) and saves
# the whole output to tests/bench/last-run.txt. Timings are never asserted: the exit code is
# 0 unless the harness itself fails (build error, missing corpus).
#
# Environment:
#   BENCH_RUNS=3            best of N runs
#   BENCH_BUDGET=45         ... but no new run of a command once its runs took this many seconds
#   BENCH_PEER_TIMEOUT=60   seconds before a run is stopped and reported as ">60"
#   BENCH_CORPUS=DIR        default ../shared/corpus/templates (2,029 real templates)
#   CFN_GUARD=PATH          default: cfn-guard on PATH, else ../tools/cfn-guard/bin/cfn-guard
#   CARGO_TARGET_DIR        where the release build goes (default target/)
#   BENCH_SKIP_BUILD=1      use the binaries already built
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
RUNS=${BENCH_RUNS:-3}
LIMIT=${BENCH_PEER_TIMEOUT:-60}
BUDGET=${BENCH_BUDGET:-45}
CORPUS=${BENCH_CORPUS:-$ROOT/../shared/corpus/templates}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sagerules-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The two corpus files cfn-guard 3.2.1 rejects, aborting the whole directory: YAML anchors, and
# a non-string map key (`2: ...` under Mappings). Its runs get a copy of the corpus without them.
PEER_EXCLUDED=(
    aws-cloudformation__rain/test/templates/anchors.yaml
    aws-cloudformation__cfn-lint/test/fixtures/templates/good/functions_findinmap.yaml
)

declare -A WALL RSS CPU RC
ROWS=()

say() { printf '%s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

find_cfn_guard() {
    local candidate
    for candidate in "${CFN_GUARD:-}" "$(command -v cfn-guard 2>/dev/null)" \
        "$ROOT/../tools/cfn-guard/bin/cfn-guard" /work/tools/cfn-guard/bin/cfn-guard; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            printf '%s' "$candidate"
            return 0
        fi
    done
    return 1
}

# One timed run: sets LAST_WALL (seconds, wall clock), LAST_CPU (user + system seconds),
# LAST_RSS (peak RSS, MB), LAST_RC. stdout goes to $WORK/KEY.out, stderr to $WORK/KEY.err.
run_once() {
    local key=$1
    shift
    local start=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$WORK/$key.time" \
        timeout -k 5 "$LIMIT" "$@" >"$WORK/$key.out" 2>"$WORK/$key.err"
    LAST_RC=$?
    local end=$EPOCHREALTIME
    LAST_WALL=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    LAST_RSS=$(tail -n 1 "$WORK/$key.time" | awk 'NF == 3 { printf "%.1f", $1 / 1024 }')
    LAST_CPU=$(tail -n 1 "$WORK/$key.time" | awk 'NF == 3 { printf "%.2f", $2 + $3 }')
}

# measure KEY CMD...: best wall time, CPU time and peak RSS over $RUNS runs into
# WALL/CPU/RSS/RC[KEY]. Runs stop early once they took $BUDGET seconds together; a run stopped
# by the time limit is recorded as ">LIMIT" and not repeated.
measure() {
    local key=$1
    shift
    local i best_wall="" best_rss="" best_cpu="" spent=0
    for ((i = 1; i <= RUNS; i++)); do
        run_once "$key" "$@"
        RC[$key]=$LAST_RC
        if [ "$LAST_RC" = 124 ] || [ "$LAST_RC" = 137 ]; then
            WALL[$key]=">$LIMIT"
            RSS[$key]=""
            CPU[$key]=""
            return
        fi
        best_wall=$(awk -v a="$best_wall" -v b="$LAST_WALL" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        best_rss=$(awk -v a="$best_rss" -v b="$LAST_RSS" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        best_cpu=$(awk -v a="$best_cpu" -v b="$LAST_CPU" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
        spent=$(awk -v a="$spent" -v b="$LAST_WALL" 'BEGIN { print a + b }')
        if awk -v s="$spent" -v b="$BUDGET" 'BEGIN { exit !(s > b) }'; then break; fi
    done
    WALL[$key]=$best_wall
    RSS[$key]=$best_rss
    CPU[$key]=$best_cpu
}

# Prints one measured command's figures.
report() {
    local key=$1 label=$2
    printf '  %-46s wall %7s s  cpu %6s s  peak RSS %7s MB  exit %s\n' "$label" "${WALL[$key]:-n/a}" \
        "${CPU[$key]:-n/a}" "${RSS[$key]:-n/a}" "${RC[$key]:-n/a}"
    if [ "${RC[$key]:-0}" -ge 2 ] && [ "${RC[$key]:-0}" != 19 ]; then
        say "    stderr (first lines):"
        head -n 5 "$WORK/$key.err" | sed 's/^/      /'
    fi
}

# row FIGURE METRIC OURS_KEY PEER_KEY TARGET: METRIC is wall or rss; PEER_KEY may be empty;
# TARGET is "ratio<=X" (ours/peer), "ours<X" or "info".
row() {
    ROWS+=("$1|$2|$3|$4|$5")
}

# value METRIC KEY: the recorded figure, empty when there is none.
value() {
    case $1 in
        wall) printf '%s' "${WALL[$2]:-}" ;;
        cpu) printf '%s' "${CPU[$2]:-}" ;;
        rss) printf '%s' "${RSS[$2]:-}" ;;
    esac
}

# ratio OURS PEER: ours/peer, "<x" when the peer was stopped at the limit, "-" without a peer.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (b == "") { print "-"; exit }
        if (a == "" || a ~ /^>/) { print "n/a"; exit }
        if (b ~ /^>/) { sub(/^>/, "", b); printf "<%.3f", a / b; exit }
        if (b + 0 == 0) { print "n/a"; exit }
        printf "%.3f", a / b }'
}

# met OURS RATIO TARGET: yes, NO, or "-" for information only.
met() {
    awk -v ours="$1" -v r="$2" -v t="$3" 'BEGIN {
        if (t == "info") { print "-"; exit }
        split(t, parts, /<=|</); limit = parts[2] + 0
        v = (t ~ /^ratio/) ? r : ours
        if (v == "n/a" || v == "-" || v == "" || v ~ /^>/) { print "n/a"; exit }
        sub(/^</, "", v)
        print (v + 0 <= limit) ? "yes" : "NO" }'
}

print_table() {
    section "Summary: best of $RUNS runs; seconds or MB. Targets are judged on wall time; the cpu"
    say "   columns (user + system seconds) show the same comparison unaffected by other load."
    printf '%-58s %8s %8s %8s %11s %5s | %7s %7s %7s %5s\n' figure ours peer ratio target met? "cpu" "peer" ratio met?
    local line figure metric ours_key peer_key target ours peer r cpu_ours cpu_peer cpu_r cpu_met
    for line in "${ROWS[@]}"; do
        IFS='|' read -r figure metric ours_key peer_key target <<<"$line"
        ours=$(value "$metric" "$ours_key")
        peer=$([ -n "$peer_key" ] && value "$metric" "$peer_key")
        r=$(ratio "$ours" "$peer")
        cpu_ours="" cpu_peer="" cpu_r="" cpu_met=""
        if [ "$metric" = wall ]; then
            cpu_ours=$(value cpu "$ours_key")
            cpu_peer=$([ -n "$peer_key" ] && value cpu "$peer_key")
            [ "${peer:0:1}" = ">" ] && cpu_peer=$peer
            cpu_r=$(ratio "$cpu_ours" "$cpu_peer")
            cpu_met=$([ "${target%%<*}" = ratio ] && met "$cpu_ours" "$cpu_r" "$target")
        fi
        printf '%-58s %8s %8s %8s %11s %5s | %7s %7s %7s %5s\n' "$figure" "${ours:-n/a}" "${peer:--}" "$r" \
            "$target" "$(met "$ours" "$r" "$target")" "$cpu_ours" "$cpu_peer" "$cpu_r" "$cpu_met"
    done
}

build() {
    section "Build (release)"
    if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
        say "  skipped (BENCH_SKIP_BUILD=1); using $BIN"
    else
        cargo build --release --quiet -p sagerules-cli -p sagerules-bench || return 1
        say "  built sagerules and sagerules-bench in $BIN"
    fi
    [ -x "$BIN/sagerules" ] && [ -x "$BIN/sagerules-bench" ]
}

machine() {
    section "Machine"
    say "  date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
    say "  cores: $(nproc)   load average: $(cut -d' ' -f1-3 /proc/loadavg)   $(rustc --version 2>/dev/null)"
    say "  cfn-guard: ${GUARD:-not installed (comparisons skipped)}${GUARD:+ ($("$GUARD" --version 2>/dev/null))}"
}

# A copy of the corpus without the two files cfn-guard aborts on, for both engines.
peer_corpus() {
    local dir=$WORK/corpus-peer
    (cd "$CORPUS" && find . -type f \( -name '*.json' -o -name '*.jsn' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) -print0 |
        grep -zv -F -f <(printf './%s\n' "${PEER_EXCLUDED[@]}") |
        xargs -0 cp --parents -t "$dir" 2>/dev/null) || true
    printf '%s' "$dir"
}

# The options every timed `sagerules check` gets: inputs up to 64 MiB (the default limit is
# CloudFormation's 1 MB), and data that is not a template judged too, as cfn-guard does.
CHECK_OPTS=(--max-size 64M --allow-non-templates)

# check_ours KEY LABEL ARGS...: times `sagerules check ARGS` in its default (text) output, then
# runs it once more with --format json, untimed, to show what the timed run found.
check_ours() {
    local key=$1 label=$2
    shift 2
    measure "$key" "$BIN/sagerules" check "${CHECK_OPTS[@]}" "$@"
    report "$key" "$label"
    "$BIN/sagerules" check "${CHECK_OPTS[@]}" --format json "$@" >"$WORK/$key.json" 2>/dev/null
    say "    $(python3 "$HERE/count.py" json "$WORK/$key.json"); text output $(wc -l <"$WORK/$key.out") lines"
}

bench_corpus() {
    section "A. Corpus: $CORPUS"
    local all peer_dir files
    all=$(find "$CORPUS" -type f \( -name '*.json' -o -name '*.jsn' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) | wc -l)
    mkdir -p "$WORK/corpus-peer"
    peer_dir=$(peer_corpus)
    files=$(find "$peer_dir" -type f | wc -l)
    say "  $all data files; cfn-guard aborts the whole directory on ${#PEER_EXCLUDED[@]} of them, so both engines"
    say "  are compared on a copy of the other $files (excluded: ${PEER_EXCLUDED[*]})."

    measure load_all "$BIN/sagerules-bench" load "$CORPUS"
    report load_all "parse only, all $all files (sagerules-bench load)"
    say "    in process: $(cat "$WORK/load_all.out")"
    measure load_peer "$BIN/sagerules-bench" load "$peer_dir"
    report load_peer "parse only, the $files files"

    check_ours eight_peer "sagerules check, eight rules, $files files" --rules "$HERE/eight.guard" "$peer_dir"
    check_ours eight_all "sagerules check, eight rules, all $all files" --rules "$HERE/eight.guard" "$CORPUS"
    check_ours pack_all "sagerules check, bundled pack, all $all files" "$CORPUS"
    check_ours pack_peer "sagerules check, bundled pack, $files files" "$peer_dir"

    if [ -n "$GUARD" ]; then
        measure guard_eight "$GUARD" validate -r "$HERE/eight.guard" -d "$peer_dir"
        report guard_eight "cfn-guard validate, eight rules, $files files"
    fi
    local guard=""
    [ -n "$GUARD" ] && guard=guard_eight
    row "A1 corpus, eight rules: wall ($files files)" wall eight_peer "$guard" "ratio<=0.10"
    row "A2 corpus, eight rules: peak RSS ($files files)" rss eight_peer "$guard" "ratio<=0.20"
    row "A3 corpus, full pack vs cfn-guard eight rules: wall" wall pack_peer "$guard" "ratio<=0.05"
    row "A4 corpus, full pack vs our parse-only: wall ($all files)" wall pack_all load_all "ratio<=2.0"
    row "A5 corpus, full pack: peak RSS ($all files)" rss pack_all "" "ours<150"
    row "A6 corpus, eight rules vs our parse-only: wall ($all files)" wall eight_all load_all "info"
}

bench_big() {
    section "B. Generated template: 20,000 resources (10,000 S3 buckets, 10,000 notebook instances)"
    python3 "$HERE/gen.py" big "$WORK/big.json" 20000
    say "  $WORK/big.json: $(wc -c <"$WORK/big.json") bytes"
    measure big_load "$BIN/sagerules-bench" load "$WORK/big.json"
    report big_load "parse only (sagerules-bench load)"
    say "    in process: $(cat "$WORK/big_load.out")"
    check_ours big_trivial "sagerules check, trivial rule" --rules "$HERE/trivial.guard" "$WORK/big.json"
    check_ours big_eight "sagerules check, eight rules" --rules "$HERE/eight.guard" "$WORK/big.json"
    measure big_eval "$BIN/sagerules-bench" eval --rules "$HERE/eight.guard" "$WORK/big.json"
    say "  in process, eight rules, core evaluator only: $(cat "$WORK/big_eval.out")"
    if [ -n "$GUARD" ]; then
        measure guard_big_trivial "$GUARD" validate -r "$HERE/trivial.guard" -d "$WORK/big.json"
        report guard_big_trivial "cfn-guard validate, trivial rule"
        measure guard_big_eight "$GUARD" validate -r "$HERE/eight.guard" -d "$WORK/big.json"
        report guard_big_eight "cfn-guard validate, eight rules"
    fi
    local trivial="" eight=""
    [ -n "$GUARD" ] && trivial=guard_big_trivial && eight=guard_big_eight
    row "B1 20k resources, trivial rule vs our parse-only: wall" wall big_trivial big_load "ratio<=1.5"
    row "B2 20k resources, trivial rule vs cfn-guard: wall" wall big_trivial "$trivial" "info"
    row "B3 20k resources, trivial rule vs cfn-guard: peak RSS" rss big_trivial "$trivial" "info"
    row "B4 20k resources, eight rules vs cfn-guard: wall" wall big_eight "$eight" "info"
    row "B5 20k resources, eight rules vs our parse-only: wall" wall big_eight big_load "info"
}

bench_failures() {
    section "C. 10,000 failures of one rule (10,000 notebook instances without KmsKeyId)"
    python3 "$HERE/gen.py" failing "$WORK/failing.json" 10000
    say "  $WORK/failing.json: $(wc -c <"$WORK/failing.json") bytes"
    local format key
    for format in text json sarif junit; do
        key=fail_$format
        measure "$key" "$BIN/sagerules" check "${CHECK_OPTS[@]}" --rules "$HERE/kms.guard" --format "$format" "$WORK/failing.json"
        report "$key" "sagerules check --format $format"
        say "    output $(wc -c <"$WORK/$key.out") bytes; $(python3 "$HERE/count.py" "$format" "$WORK/$key.out" SAGEMAKER_NOTEBOOK_KMS)"
    done
    if [ -n "$GUARD" ]; then
        local -A peer_args=([text]="" [json]="-o json" [sarif]="-o sarif -z -S none" [junit]="-o junit -z -S none")
        for format in text json sarif junit; do
            key=guard_fail_$format
            # shellcheck disable=SC2086 # the options are words
            measure "$key" "$GUARD" validate -r "$HERE/kms.guard" -d "$WORK/failing.json" ${peer_args[$format]}
            report "$key" "cfn-guard validate ${peer_args[$format]:-(default output)}"
        done
    fi
    for format in text json sarif junit; do
        row "C 10,000 failures, --format $format: wall" wall "fail_$format" "${GUARD:+guard_fail_$format}" "ours<1.0"
    done
}

# ratio_line LABEL KEY BYTES: peak RSS of the run KEY over BYTES of input.
ratio_line() {
    local label=$1 key=$2 bytes=$3
    local rss=${RSS[$key]:-}
    if [ -z "$rss" ]; then
        say "  $label: no measurement"
        return
    fi
    say "  $(printf '%-58s' "$label") peak RSS $(printf '%7.1f' "$rss") MB / input $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB = $(awk -v r="$rss" -v b="$bytes" 'BEGIN { printf "%.1fx", r * 1048576 / b }')"
}

# D. Peak memory over input size (issue 12): the whole check of the 20k-resource template as
# JSON and as block-style YAML, and of the corpus (files are checked and dropped one by one,
# so the corpus figure is far below its total size).
bench_memory() {
    section "D. Peak memory over input size"
    python3 "$HERE/gen.py" big-yaml "$WORK/big.yaml" 20000
    check_ours mem_yaml "sagerules check, bundled pack, 20k resources as YAML" "$WORK/big.yaml"
    check_ours mem_json "sagerules check, bundled pack, 20k resources as JSON" "$WORK/big.json"
    ratio_line "20k resources, JSON ($(wc -c <"$WORK/big.json") bytes)" mem_json "$(wc -c <"$WORK/big.json")"
    ratio_line "20k resources, YAML ($(wc -c <"$WORK/big.yaml") bytes)" mem_yaml "$(wc -c <"$WORK/big.yaml")"
    if [ -n "${RSS[pack_all]:-}" ]; then
        local total
        total=$(find "$CORPUS" -type f \( -name '*.json' -o -name '*.jsn' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template' \) -printf '%s\n' | awk '{ s += $1 } END { print s }')
        ratio_line "corpus, bundled pack, all files ($total bytes)" pack_all "$total"
    fi
}

# E. YAML front ends (issue 17): each candidate parser reads the corpus's YAML files and the
# 20k-resource YAML template, nothing else (`sagerules-bench frontend`), so the loader is
# chosen by measurement. `ours` builds our tree; the others only read their event streams.
bench_frontends() {
    section "E. YAML front ends, parse only (issue 17)"
    local parser target key refused
    printf '  %-15s %-10s %9s %11s %8s  %s\n' parser input "wall s" "peak RSS MB" refused "exit"
    for parser in ours ours-libyaml libyaml-safer saphyr-parser yaml-rust2; do
        for target in corpus big; do
            key="fe_${parser//-/_}_$target"
            if [ "$target" = corpus ]; then
                measure "$key" "$BIN/sagerules-bench" frontend --parser "$parser" "$CORPUS"
            else
                measure "$key" "$BIN/sagerules-bench" frontend --parser "$parser" "$WORK/big.yaml"
            fi
            refused=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["refused"]))' <"$WORK/$key.out" 2>/dev/null || echo -)
            printf '  %-15s %-10s %9s %11s %8s  %s\n' "$parser" "$target" "${WALL[$key]:-n/a}" "${RSS[$key]:-n/a}" "$refused" "${RC[$key]:-n/a}"
            if [ "${RC[$key]:-0}" = 101 ]; then
                say "    panicked: $(grep -m1 -A1 'panicked at' "$WORK/$key.err" | tail -n 1)"
            fi
        done
    done
    say "  (refused: YAML files ours loads that the parser rejects; exit 101: the parser panicked)"
}

main() {
    say "sagerules benchmark (tests/bench/run.sh)"
    GUARD=$(find_cfn_guard || true)
    build || { say "build failed"; return 1; }
    machine
    if [ -d "$CORPUS" ]; then
        bench_corpus
    else
        say "corpus $CORPUS not found: section A skipped"
    fi
    bench_big
    bench_failures
    bench_memory
    [ -d "$CORPUS" ] && bench_frontends
    print_table
    say ""
    say "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (others' work on the machine inflates every figure)"
    [ -n "$GUARD" ] || say "  cfn-guard not installed: peer columns empty, its ratios not computed."
}

main 2>&1 | tee "$WORK/last-run.txt"
status=${PIPESTATUS[0]}
if [ "$status" = 0 ]; then
    cp "$WORK/last-run.txt" "$HERE/last-run.txt"
fi
exit "$status"
