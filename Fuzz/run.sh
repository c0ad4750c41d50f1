#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for SECONDS (default 600) from its seed corpus.
#
#   Fuzz/run.sh [SECONDS] [TARGET...]      e.g.  Fuzz/run.sh 600 fuzz-space fuzz-csv
#   Fuzz/run.sh build                      only build
#   Fuzz/run.sh list                       the targets
#
# Targets (one per parser, Sources/<target>/): see `all` below. Each run keeps going after a finding
# (libFuzzer's fork mode with -ignore_crashes/-ignore_timeouts/-ignore_ooms) and prints, per target, the
# executions, the final coverage (cov: edges, ft: features), and the crashes, timeouts (>10 s) and
# out-of-memory inputs (>2 GB RSS or one allocation >512 MB) it saved under Fuzz/.work/artifacts/<target>/.
# The growing corpus lives in Fuzz/.work/corpus/<target>/ (not committed); Fuzz/corpus/<target>/ holds the
# committed seeds. Reproduce one input: Fuzz/.build/release/<target> FILE
#
# Environment: JOBS (targets run at once, default 1), NICE (default 19), FUZZ_FLAGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")"
all=(fuzz-space fuzz-configfile fuzz-configuration fuzz-csv fuzz-reply fuzz-checkpoint fuzz-idx fuzz-latency-table fuzz-model)
nice=${NICE:-19}

if [ "${1:-}" = list ]; then printf '%s\n' "${all[@]}"; exit 0; fi

build() {
    # -enable-testing: harnesses reach internal entry points (ConfigFile, EvaluatorProcess) by @testable import.
    # -Xcc flags instrument the C code the parsers run too (Yams' libyaml). lld: gold fails on these links.
    nice -n "$nice" swift build -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld \
        -Xcc -fsanitize=fuzzer-no-link,address "$@"
}
if [ "${1:-}" = build ]; then build "${@:2}"; exit 0; fi

seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
    [ -d "Sources/$t" ] || { echo "unknown target '$t' (Fuzz/run.sh list)" >&2; exit 64; }
done
build

run_one() {
    local t=$1
    mkdir -p ".work/corpus/$t" ".work/artifacts/$t" .work/logs
    local dict=()
    [ -f "dict/$t.dict" ] && dict=("-dict=dict/$t.dict")
    SWIFT_BACKTRACE=enable=no nice -n "$nice" ".build/release/$t" ".work/corpus/$t" "corpus/$t" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=8192 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix=".work/artifacts/$t/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        > ".work/logs/$t.log" 2>&1 || true
}

summary() {
    local t=$1 log=".work/logs/$1.log"
    # Fork mode reports "#<executions>: cov: <edges> ft: <features> corp: … oom/timeout/crash: a/b/c time: …".
    local last
    last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1 || true)
    local execs cov ft crashes timeouts ooms
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$last")
    crashes=$(find ".work/artifacts/$t" -name 'crash-*' | wc -l)
    timeouts=$(find ".work/artifacts/$t" -name 'timeout-*' | wc -l)
    ooms=$(find ".work/artifacts/$t" \( -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    printf '%-20s execs %-10s cov %-6s ft %-7s crashes %-3s timeouts %-3s ooms %s\n' \
        "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "$timeouts" "$ooms"
}

jobs=${JOBS:-1}
running=0
for t in "${targets[@]}"; do
    echo "fuzzing $t for ${seconds}s (log: Fuzz/.work/logs/$t.log)" >&2
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
for t in "${targets[@]}"; do summary "$t"; done
