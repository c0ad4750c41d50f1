#!/usr/bin/env bash
# Inference of the smallest, median (k=5, e=4, d=3) and largest `fashion_mbv3` sub-networks at batch 1 and
# batch 256: SwiftNASEngine (`swiftnas-bench engine-infer`) against PyTorch CPU (benchmarks/engine_infer.py,
# the same static networks, eval mode, fastest of no_grad/inference_mode × NCHW/channels_last), at each
# thread count. Prints one table row per case with the ratio ours / PyTorch (issue 4's goal: ≤ 1.5).
# Wall-clock figures are only meaningful on an otherwise idle machine: the load average is printed first.
#
# Usage: benchmarks/engine_infer.sh
#   SWIFTNAS_BENCH_PYTHON   a python with torch (default: Debian's CPU-only PyTorch, installed with apt-get when
#                           absent — why not PyPI's is in benchmarks/peer_python.sh, torch_python)
#   SWIFTNAS_INFER_THREADS  thread counts to run (default "1 2")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

source "$root/benchmarks/peer_python.sh"
python="$(torch_python "${SWIFTNAS_BENCH_PYTHON:-}" engine_infer)" || exit 2
(cd "$root" && swift build -c release --product swiftnas-bench >/dev/null)
bench="$(cd "$root" && swift build -c release --show-bin-path)/swiftnas-bench"

"$python" -c 'import torch; cpu = getattr(torch.backends, "cpu", None); cap = cpu.get_cpu_capability() if cpu else ("mkldnn" if torch.backends.mkldnn.is_available() else "no mkldnn"); print("torch", torch.__version__ + ",", cap)'
grep -m1 'model name' /proc/cpuinfo
echo "before: $(uptime)"
for threads in ${SWIFTNAS_INFER_THREADS:-1 2}; do
    "$bench" --threads="$threads" engine-infer >> "$work/ours.jsonl"
    "$python" "$root/benchmarks/engine_infer.py" --threads "$threads" >> "$work/torch.jsonl"
done
echo "after:  $(uptime)"

python3 - "$work/ours.jsonl" "$work/torch.jsonl" <<'PY'
import json, sys
ours, params = {}, {}
for line in open(sys.argv[1]):
    for item in json.loads(line)["result"].split():
        key, value = item.split("=")
        parts = key.split("/")
        if parts[1] == "params":
            params[parts[0]] = int(value)
        else:
            ours[(parts[0], int(parts[1]), int(parts[2]))] = tuple(map(float, value.split(",")))
print("wall = median wall-clock ms per pass; cpu = median process CPU ms per pass (all threads)")
print(f"{'case':<9} {'batch':>5} {'threads':>7} {'ours ms':>9} {'PyTorch ms':>10} {'ratio':>6} "
      f"{'ours cpu':>9} {'PyTorch cpu':>11} {'cpu ratio':>9}  PyTorch variant")
worst = 0.0
for line in open(sys.argv[2]):
    t = json.loads(line)
    key = (t["case"], t["batch"], t["threads"])
    if params.get(t["case"]) != t["params"]:
        sys.exit(f"parameter counts differ for {t['case']}: ours {params.get(t['case'])}, PyTorch {t['params']}")
    wall, cpu = ours[key]
    worst = max(worst, wall / t["ms"])
    print(f"{key[0]:<9} {key[1]:>5} {key[2]:>7} {wall:>9.3f} {t['ms']:>10.3f} {wall / t['ms']:>6.2f} "
          f"{cpu:>9.3f} {t['cpu_ms']:>11.3f} {cpu / t['cpu_ms']:>9.2f}  {t['variant']}")
print("parameters (equal on both sides): " + ", ".join(f"{k} {v}" for k, v in params.items()))
print(f"worst wall ratio ours/PyTorch {worst:.2f} (goal <= 1.5: {'met' if worst <= 1.5 else 'not met'})")
PY
