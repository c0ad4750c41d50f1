#!/usr/bin/env bash
# Replays every saved finding of the given targets (default: all) and prints, per input, where it failed:
# the first SwiftNAS source line of the crash's backtrace, or the fatal error / sanitizer message.
#   Fuzz/triage.sh [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(./run.sh list)
for t in "${targets[@]}"; do
    for f in .work/artifacts/"$t"/*; do
        [ -f "$f" ] || continue
        out=$(SWIFT_BACKTRACE=enable=no ASAN_SYMBOLIZER_PATH=/opt/swift/usr/bin/llvm-symbolizer \
            timeout 120 nice -n "${NICE:-19}" ".build/release/$t" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 "$f" 2>&1)
        where=$(grep -oE '/Sources/SwiftNAS[A-Za-z]+/[A-Za-z]+\.swift:[0-9]+' <<<"$out" | head -1)
        what=$(grep -oE 'Swift runtime failure: .*|Fatal error: .*|ERROR: (AddressSanitizer|libFuzzer): [a-z-]+( [a-z-]+)?|Program crashed: [A-Za-z ]+|out-of-memory.*|ALARM.*' <<<"$out" | head -1)
        printf '%s %s %s  %s\n' "$t" "$(basename "$f")" "${where:-?}" "${what:-no failure on replay}"
    done
done
