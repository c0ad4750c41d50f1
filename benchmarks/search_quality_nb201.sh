#!/usr/bin/env bash
# Search quality on NAS-Bench-201 (issue 14): CIFAR-10 accuracy x each device's measured latency, SwiftNAS's default
# search beside random, Optuna TPE (multivariate), Optuna NSGA-II, pymoo NSGA-II and Optuna's GPSampler, HV as a
# fraction of the exact front at 25/50/100/200 evaluations, mean over seeds; one run, one table. GPSampler needs
# PyTorch: it runs when the venv has it and is skipped with a message otherwise.
#
#   bash benchmarks/search_quality_nb201.sh                              # every device, seeds 1..10
#   NB201_DEVICES="pixel2 eyeriss" NB201_SEEDS="1 2" bash benchmarks/search_quality_nb201.sh
#
# Environment: NB201_TABLE (default ../shared/data/nasbench201/nb201_cifar10_latency.csv), NB201_WORK (runs; an existing
# folder resumes), NB201_DEVICES (default: every *_latency_ms column), NB201_SEEDS (default 1..10), NB201_METHODS,
# NB201_PYTHON (an interpreter with numpy, optuna, pymoo; default: a throwaway venv), NB201_SWIFTNAS (a swiftnas binary; default: a release build),
# NB201_MARKDOWN (write the table there too).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
table="${NB201_TABLE:-$repo/../shared/data/nasbench201/nb201_cifar10_latency.csv}"
work="${NB201_WORK:-$(mktemp -d -t nb201-quality.XXXXXX)}"
seeds="${NB201_SEEDS:-1 2 3 4 5 6 7 8 9 10}"
echo "nb201-quality: work folder $work" >&2
source benchmarks/peer_python.sh
py="$(peer_python "${NB201_PYTHON:-}" "$work" numpy scipy optuna pymoo)"
"$py" -c 'import numpy, optuna, pymoo; print("numpy", numpy.__version__, "optuna", optuna.__version__, "pymoo", pymoo.__version__)' >&2
if [[ -n "${NB201_SWIFTNAS:-}" ]]; then
  swiftnas="$NB201_SWIFTNAS"
else
  swift build -c release --product swiftnas >&2
  swiftnas="$repo/.build/release/swiftnas"
fi
# shellcheck disable=SC2086
devices=(${NB201_DEVICES:-})
# shellcheck disable=SC2086
methods=(${NB201_METHODS:-})
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# shellcheck disable=SC2086
"$py" benchmarks/search_quality_nb201.py run --table "$table" --work "$work" --swiftnas "$swiftnas" --seeds $seeds \
  ${devices[@]:+--devices "${devices[@]}"} ${methods[@]:+--methods "${methods[@]}"}
# shellcheck disable=SC2086
"$py" benchmarks/search_quality_nb201.py table --table "$table" --work "$work" --seeds $seeds \
  ${devices[@]:+--devices "${devices[@]}"} ${methods[@]:+--methods "${methods[@]}"} ${NB201_MARKDOWN:+--markdown "$NB201_MARKDOWN"}
