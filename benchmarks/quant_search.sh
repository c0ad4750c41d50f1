#!/usr/bin/env bash
# SimQ-NAS on fashion_mbv3_quant (issue 18): a joint search of architecture and per-block precision for
# accuracy_top1 × model_size × latency (250 evaluations), the uniform-fp32 and uniform-int8 fronts of the same
# architectures, SimQ-NAS's factors against all-int8 at no accuracy loss, and SVG plots.
#
#   bash benchmarks/quant_search.sh
#
# Environment: QUANT_WORK (work folder; an existing one resumes the search and skips finished measurements),
# QUANT_EVALS (default 250), QUANT_SEED (default 1), QUANT_SWIFTNAS (a swiftnas binary; default a release build),
# QUANT_SVG (plot stem, e.g. docs/benchmarks/quant-search), QUANT_SEED_LARGEST=1 (start the search from the largest
# sub-network, all int8 and all fp32, through `--initial-configs`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${QUANT_WORK:-$(mktemp -d -t quant-search.XXXXXX)}"
if [[ -n "${QUANT_SWIFTNAS:-}" ]]; then
  swiftnas="$QUANT_SWIFTNAS"
else
  (cd "$repo" && swift build -c release --product swiftnas >&2)
  swiftnas="$(cd "$repo" && swift build -c release --show-bin-path)/swiftnas"
fi
echo "quant-search: work folder $work; $(grep -m1 'model name' /proc/cpuinfo); before: $(uptime)" >&2
python3 "$repo/benchmarks/quant_search.py" run --swiftnas "$swiftnas" --work "$work" --evals "${QUANT_EVALS:-250}" --seed "${QUANT_SEED:-1}" \
  ${QUANT_SEED_LARGEST:+--seed-largest}
echo "quant-search: after: $(uptime)" >&2
python3 "$repo/benchmarks/quant_search.py" report --work "$work" ${QUANT_SVG:+--svg "$QUANT_SVG"}
