#!/usr/bin/env bash
# Search quality on real OFA-MobileNetV3 data: SwiftNAS random / evolutionary+nsga2 / linas+nsga2 next to pymoo's
# NSGA-II and DyNAS-T's LINAS recipe (pymoo + scikit-learn), HV@100 and HV@250 over seeds 1..5.
#
#   bash benchmarks/search_quality.sh                 # full run: fresh venv, fit, build, 25 runs, table
#   QUALITY_VENV=/work/venv-ref bash benchmarks/search_quality.sh   # reuse a venv with numpy, pymoo, scikit-learn
#   QUALITY_WORK=/tmp/q QUALITY_SEEDS="1 2" bash benchmarks/search_quality.sh
#
# Environment: QUALITY_DATA (default ../shared/data/ofa-mbv3-imagenet beside the repo), QUALITY_WORK (runs and
# the fitted surrogate; default a new temp folder; an existing one resumes: finished runs are skipped),
# QUALITY_SEEDS (default "1 2 3 4 5"), QUALITY_INNER (LINAS inner evaluations, default 20000),
# QUALITY_MARKDOWN (write the table there too), QUALITY_SKIP_BUILD=1 (use the existing .build/release/swiftnas).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
data="${QUALITY_DATA:-$repo/../shared/data/ofa-mbv3-imagenet}"
work="${QUALITY_WORK:-$(mktemp -d -t search-quality.XXXXXX)}"
seeds="${QUALITY_SEEDS:-1 2 3 4 5}"
inner="${QUALITY_INNER:-20000}"
mkdir -p "$work"
echo "search-quality: work folder $work"

if [[ -n "${QUALITY_VENV:-}" ]]; then
  venv="$QUALITY_VENV"
else
  venv="$(mktemp -d)/v"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy pymoo scikit-learn
fi
py="$venv/bin/python"
"$py" -c 'import numpy, pymoo, sklearn; print("numpy", numpy.__version__, "pymoo", pymoo.__version__, "scikit-learn", sklearn.__version__)'

model="$work/ofa_surrogate.json"
[[ -f "$model" ]] || "$py" benchmarks/ofa_surrogate.py fit --data "$data" --out "$model"
"$py" benchmarks/ofa_surrogate.py check --data "$data" --model "$model"

[[ "${QUALITY_SKIP_BUILD:-0}" == 1 ]] || swift build -c release --product swiftnas
swiftnas="$repo/.build/release/swiftnas"

# shellcheck disable=SC2086
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1  # one BLAS thread: the machine is shared
"$py" benchmarks/search_quality.py run --model "$model" --work "$work" --swiftnas "$swiftnas" --seeds $seeds --inner-evals "$inner"
# shellcheck disable=SC2086
"$py" benchmarks/search_quality.py table --work "$work" --seeds $seeds --ceiling "$model" ${QUALITY_MARKDOWN:+--markdown "$QUALITY_MARKDOWN"}
