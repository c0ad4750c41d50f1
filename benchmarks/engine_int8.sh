#!/usr/bin/env bash
# Int8 inference of the smallest, median (k=5, e=4, d=3) and largest `fashion_mbv3` sub-networks at batch 1 and 256:
# SwiftNAS (`swiftnas-bench engine-int8-infer`: every block and the head int8, against the same network in fp32)
# beside PyTorch's quantized CPU backends (benchmarks/engine_int8.py: FX post-training static quantization, the
# faster of `x86` and `fbgemm`, against PyTorch fp32), at each thread count. Prints one row per case: each side's
# int8 / fp32 ratio, and ours / PyTorch in int8 (issue 18's goal: ≤ 1, no slower).
# Wall-clock figures are only meaningful on an otherwise idle machine: the load average is printed before and after.
#
# Usage: benchmarks/engine_int8.sh
#   SWIFTNAS_BENCH_PYTHON   a python with torch (default: Debian's CPU-only PyTorch, installed with apt-get when
#                           absent — why not PyPI's is in benchmarks/peer_python.sh, torch_python)
#   SWIFTNAS_INFER_THREADS  thread counts to run (default "1 2")
#   SWIFTNAS_INT8_BACKENDS  PyTorch quantized backends to try (default "x86 fbgemm onednn", those it has; not
#                           qnnpack, which ran out of 24 GB at batch 256)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

source "$root/benchmarks/peer_python.sh"
python="$(torch_python "${SWIFTNAS_BENCH_PYTHON:-}" engine_int8)" || exit 2
(cd "$root" && swift build -c release --product swiftnas-bench >/dev/null)
bench="$(cd "$root" && swift build -c release --show-bin-path)/swiftnas-bench"

"$python" -c 'import torch; print("torch", torch.__version__, "quantized engines", torch.backends.quantized.supported_engines)'
grep -m1 'model name' /proc/cpuinfo
echo "before: $(uptime)"
for threads in ${SWIFTNAS_INFER_THREADS:-1 2}; do
    "$bench" --repeats=1 --threads="$threads" engine-int8-infer >> "$work/ours.jsonl"
    (cd "$root/benchmarks" && "$python" engine_int8.py --threads "$threads" ${SWIFTNAS_INT8_BACKENDS:+--backends $SWIFTNAS_INT8_BACKENDS}) >> "$work/torch.jsonl"
done
echo "after:  $(uptime)"

python3 - "$work/ours.jsonl" "$work/torch.jsonl" <<'PY'
import json, sys
ours, kernel = {}, "?"
for line in open(sys.argv[1]):
    for item in json.loads(line)["result"].split():
        key, value = item.split("=")
        if key == "kernel":
            kernel = value
            continue
        parts = key.split("/")
        if parts[1] == "bytes":
            continue
        fields = dict(f.split(":") for f in value.split(","))
        ours[(parts[0], int(parts[1]), int(parts[2]))] = (float(fields["fp32"]), float(fields["int8"]))
print(f"median wall ms per pass; ours: int8 kernel {kernel}; PyTorch: the faster quantized backend")
print(f"{'case':<9} {'batch':>5} {'threads':>7} {'ours fp32':>10} {'ours int8':>10} {'ratio':>6} "
      f"{'PT fp32':>9} {'PT int8':>9} {'ratio':>6} {'int8 ours/PT':>12}  PT backend")
worst = 0.0
for line in open(sys.argv[2]):
    t = json.loads(line)
    fp32, int8 = ours[(t["case"], t["batch"], t["threads"])]
    versus = int8 / t["int8_ms"]
    worst = max(worst, versus)
    print(f"{t['case']:<9} {t['batch']:>5} {t['threads']:>7} {fp32:>10.3f} {int8:>10.3f} {int8 / fp32:>6.2f} "
          f"{t['fp32_ms']:>9.3f} {t['int8_ms']:>9.3f} {t['int8_ms'] / t['fp32_ms']:>6.2f} {versus:>12.2f}  {t['backend']}")
print(f"worst int8 ours / PyTorch: {worst:.2f} (goal ≤ 1)")
PY
