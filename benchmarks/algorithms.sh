#!/usr/bin/env bash
# NSGA-II on ZDT1 (population 50, 20 000 evaluations): pymoo 0.6 in a throwaway venv against
# `swiftnas-bench nsga2-zdt1` in release mode. Prints both median times (3 runs after a warm-up), both
# hypervolumes (reference (1.1, 1.1)) and the speed ratio. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source benchmarks/peer_python.sh
python="$(peer_python "" "$work" pymoo)"
pymoo_line="$("$python" benchmarks/algorithms_pymoo.py 3)"

swift build -c release --product swiftnas-bench >/dev/null
swift_line="$(.build/release/swiftnas-bench --repeats=3 nsga2-zdt1)"

python3 - "$pymoo_line" "$swift_line" <<'PY'
import json, re, sys
pymoo, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ours_hv = float(re.search(r"hv=([0-9.eE+-]+)", ours["result"]).group(1))
print(f"pymoo    NSGA-II ZDT1 20000 evals: {pymoo['seconds']:.4f} s  hv={pymoo['hv']:.6f}")
print(f"SwiftNAS NSGA-II ZDT1 20000 evals: {ours['seconds']:.4f} s  hv={ours_hv:.6f}")
print(f"speed ratio (pymoo / SwiftNAS): {pymoo['seconds'] / ours['seconds']:.1f}x")
PY
