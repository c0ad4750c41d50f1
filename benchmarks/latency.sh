#!/usr/bin/env bash
# SwiftNAS latency models against scikit-learn (LinearRegression, GradientBoostingRegressor, MLPRegressor) on
# HAT's three device files: whole-model latency (latency_mean_encoder+latency_mean_decoder), 80/20 seeded split
# written by `swiftnas latency fit --export-split` and read by benchmarks/latency_reference.py, so both sides fit
# and score identical rows. Prints ours vs theirs per device and seed, the means, and whether ours meets the bar
# (Kendall tau at most 0.01 below and MAPE at most 0.3 points above the best scikit-learn model).
#
# Usage: benchmarks/latency.sh [SEED...]            (seeds default to 0 1 2 3 4)
#   SWIFTNAS_BENCH_PYTHON  a python with scikit-learn (skips creating the throwaway venv)
#   SWIFTNAS_LATENCY_ARGS  extra `swiftnas latency fit` arguments, e.g. "--predictors gbt,mlp"
#   SWIFTNAS_LATENCY_FIXTURES  write scikit-learn's figures to this JSON file (the test fixture)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${SWIFTNAS_HAT_DATA:-$root/../shared/data/hat-latency}"
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(0 1 2 3 4)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

source "$root/benchmarks/peer_python.sh"
python="$(peer_python "${SWIFTNAS_BENCH_PYTHON:-}" "$work" scikit-learn)"
(cd "$root" && swift build -c release --product swiftnas >/dev/null)
swiftnas="$root/.build/release/swiftnas"

for device in cpu_raspberrypi cpu_xeon gpu_titanxp; do
    file="$data/wmt14ende_${device}_all.csv"
    for seed in "${seeds[@]}"; do
        split="$work/$device-$seed"
        mkdir -p "$split"
        # shellcheck disable=SC2086
        ours="$("$swiftnas" latency fit --data "$file" --target latency_mean_encoder+latency_mean_decoder \
            --train-fraction 0.8 --seed "$seed" --export-split "$split" ${SWIFTNAS_LATENCY_ARGS:-} | tail -1)"
        theirs="$("$python" "$root/benchmarks/latency_reference.py" "$split" "$seed")"
        printf '%s\t%s\t%s\t%s\n' "$(basename "$file")" "$seed" "$ours" "$theirs" >> "$work/results.tsv"
    done
done

"$python" - "$work/results.tsv" "${SWIFTNAS_LATENCY_FIXTURES:-}" <<'PY'
import json, re, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
fixtures, summary = {}, {}
print(f"{'device file':<36} {'seed':>4}  {'ours MAPE':>9} {'tau':>6} {'RMSE':>8}  {'sklearn best MAPE':>17} {'tau':>6}  (linear / gbr / mlp tau)")
for name, seed, ours_line, theirs_json in rows:
    ours = {k: float(v) for k, v in re.findall(r"(\w+)=([-0-9.e+]+)", ours_line)}
    theirs = json.loads(theirs_json)
    fixtures.setdefault(name, {})[seed] = theirs
    best_mape = min(m["mape"] for m in theirs.values())
    best_tau = max(m["kendall"] for m in theirs.values())
    summary.setdefault(name, []).append((ours["mape"], ours["kendall"], ours["rmse"], best_mape, best_tau))
    taus = " / ".join(f"{theirs[m]['kendall']:.3f}" for m in ("linear", "gbr", "mlp"))
    print(f"{name:<36} {seed:>4}  {ours['mape']:>9.3f} {ours['kendall']:>6.3f} {ours['rmse']:>8.2f}  {best_mape:>17.3f} {best_tau:>6.3f}  ({taus})")
print()
ok = True
for name, runs in summary.items():
    mean = [sum(r[i] for r in runs) / len(runs) for i in range(5)]
    passed = mean[1] >= mean[4] - 0.01 and mean[0] <= mean[3] + 0.3
    ok &= passed
    print(f"{name:<36} mean  ours MAPE {mean[0]:.3f} tau {mean[1]:.3f} | sklearn best MAPE {mean[3]:.3f} tau {mean[4]:.3f} | {'meets' if passed else 'MISSES'} the bar")
if sys.argv[2]:
    with open(sys.argv[2], "w") as f:
        json.dump(fixtures, f, indent=1, sort_keys=True)
        f.write("\n")
sys.exit(0 if ok else 1)
PY
