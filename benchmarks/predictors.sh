#!/usr/bin/env bash
# DyNAS-T's LINAS predictor fit (scikit-learn GridSearchCV: Ridge alpha 0.1..10, SVR C 1..100, 5-fold CV MAPE)
# against SwiftNAS's PredictorSelection.dynast on identical rows: 250 one-hot OFA-MobileNetV3 sub-networks for
# fitting, the rest of the file held out for Kendall's tau.
#
# Usage: benchmarks/predictors.sh [DATA.csv] [TARGET] [SEED]
#   DATA defaults to ../shared/data/ofa-mbv3-imagenet/mbnv3w10_linasnsga2_acc_macs.csv, TARGET to 'Top-1 Acc (%)'.
#   Set SWIFTNAS_BENCH_PYTHON to a python with scikit-learn to skip creating the throwaway venv.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data/ofa-mbv3-imagenet/mbnv3w10_linasnsga2_acc_macs.csv}"
target="${2:-Top-1 Acc (%)}"
seed="${3:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

source "$root/benchmarks/peer_python.sh"
python="$(peer_python "${SWIFTNAS_BENCH_PYTHON:-}" "$work" scikit-learn)"
(cd "$root" && swift build -c release --product swiftnas-bench >/dev/null)

"$python" "$root/benchmarks/predictors_linas.py" prepare "$data" "$target" "$work" 250 "$seed"
python_line="$("$python" "$root/benchmarks/predictors_linas.py" run "$work" 3)"
swift_line="$(SWIFTNAS_PREDICTOR_DATA="$work" "$root/.build/release/swiftnas-bench" --repeats=5 predictor-linas)"

"$python" - "$python_line" "$swift_line" <<'PY'
import json, re, sys
sk, ours = json.loads(sys.argv[1]), json.loads(sys.argv[2])
kendall = float(re.search(r"kendall=([-0-9.e]+)", ours["result"]).group(1))
print(f"rows: {sk['train_rows']} train x {sk['features']} features, {sk['test_rows']} held out")
print(f"scikit-learn (DyNAS-T recipe): {sk['seconds']:.4f} s  kendall={sk['kendall']:.4f}  selected={sk['selected']}")
print(f"SwiftNAS PredictorSelection:   {ours['seconds']:.4f} s  {ours['result']}")
print(f"speed-up: {sk['seconds'] / ours['seconds']:.1f}x   kendall difference (ours - sklearn): {kendall - sk['kendall']:+.4f}")
PY
