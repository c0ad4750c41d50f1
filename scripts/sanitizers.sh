#!/usr/bin/env bash
# Runs the test suite under a sanitizer, in its own build folder so the normal build is untouched:
#   bash scripts/sanitizers.sh address    # AddressSanitizer + LeakSanitizer (toolchain leaks suppressed, see below)
#   bash scripts/sanitizers.sh thread     # ThreadSanitizer
# Extra arguments go to `swift test` (e.g. --filter CrashResumeTests). The PostgreSQL tests run against a throwaway
# server when `postgresql` is installed (scripts/throwaway-postgres.sh). LeakSanitizer reads
# scripts/lsan-suppressions.txt: only leaks inside the toolchain's libraries, each with its reproduction; the
# variables are inherited by the `swiftnas` processes the tests start, so their leak checks use it too.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?address or thread}"
shift
[[ -n "${SWIFTNAS_TEST_POSTGRES_URL:-}" ]] || source scripts/throwaway-postgres.sh
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
swift test --sanitize="$sanitizer" --scratch-path ".build-$sanitizer" "$@"
