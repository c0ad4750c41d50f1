#!/usr/bin/env bash
# GEMM throughput of SwiftNASEngine against this CPU's fp32 peak (cores × /proc/cpuinfo MHz × 32 FLOP/cycle).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftnas-bench >/dev/null
grep -m1 'model name' /proc/cpuinfo
grep -m1 'cpu MHz' /proc/cpuinfo
grep -o -w -E 'avx2|fma|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' '; echo
.build/release/swiftnas-bench --repeats=3 engine-gemm-1t engine-gemm engine-gemm-pointwise
