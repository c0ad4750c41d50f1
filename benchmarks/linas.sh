#!/usr/bin/env bash
# LINAS overhead per iteration, side by side: SwiftNAS vs DyNAS-T's recipe (scikit-learn GridSearchCV over
# ridge and SVR with MAPE scoring on 250 × 135 one-hot rows, then pymoo NSGA-II for 20 000 predicted
# evaluations). Both read the same 250 measured OFA-MobileNetV3 rows from ../shared/data.
#   bash benchmarks/linas.sh [--repeats N]      (LINAS_PYTHON=/path/to/python reuses a venv with pymoo+sklearn)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=3
[ "${1:-}" = "--repeats" ] && repeats="$2"
data="${SWIFTNAS_SHARED_DATA:-../shared/data}"
[ -d "$data/ofa-mbv3-imagenet" ] || { echo "needs $data/ofa-mbv3-imagenet (see ../shared/data/README.md)"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source benchmarks/peer_python.sh
python="$(peer_python "${LINAS_PYTHON:-}" "$work" pymoo scikit-learn numpy)"
"$python" benchmarks/linas_iteration.py prepare "$data" "$work/rows.csv"
swift build -c release --product swiftnas-bench >/dev/null
ours=$(SWIFTNAS_BENCH_ROWS="$work/rows.csv" .build/release/swiftnas-bench --repeats="$repeats" linas-iteration)
# One BLAS thread: on a loaded 2-core machine numpy's threaded BLAS made the recipe's fit 4-6x slower, not faster.
theirs=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" benchmarks/linas_iteration.py run "$work/rows.csv" --repeats "$repeats")
"$python" - "$ours" "$theirs" <<'PY'
import json, sys
ours = json.loads(sys.argv[1])["seconds"]
theirs = json.loads(sys.argv[2])
for label, t in theirs.items():
    total = t["fit_seconds"] + t["inner_seconds"]
    print(f"LINAS iteration (DyNAS-T recipe, {label} inner problem): predictor fit {t['fit_seconds']:.2f} s + "
          f"inner NSGA-II {t['inner_seconds']:.2f} s = {total:.2f} s; swiftnas {ours:.3f} s; ratio {total / ours:.1f}x faster")
PY
