#!/usr/bin/env bash
# Seconds per main-job evaluation (`builtin:fashion_mbv3`: 2 000 re-calibration + 5 000 validation images,
# accuracy_top1) of the smallest, median (k=5, e=4, d=3) and largest sub-network, in fp32 and with every block and
# the head in int8 (fashion_mbv3_quant), for each swiftnas binary given — e.g. one built before a change and one after,
# side by side in one run. Each figure is (time of 3 evaluations − time of 1) / 2 in one process, so start-up and
# loading are left out; "cores" is CPU time over wall time in that difference.
#
#   bash benchmarks/evaluator_speed.sh [BINARY ...]      # default: a debug build of this checkout (the main job's)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [[ $# -eq 0 ]]; then
  (cd "$repo" && swift build --product swiftnas >&2)
  set -- "$(cd "$repo" && swift build --show-bin-path)/swiftnas"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -m1 'model name' /proc/cpuinfo
echo "before: $(uptime)"
printf '%-28s %-9s %-5s %8s %6s\n' binary network prec "s/eval" cores
for binary in "$@"; do
  for case in "smallest 3 3 2" "median 5 4 3" "largest 7 6 4"; do
    read -r name k e d <<< "$case"
    for precision in fp32 int8; do
      config=$(python3 -c "import json,sys; k,e,d,p=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]),sys.argv[4]; print(json.dumps({'ks':[k]*20,'e':[e]*20,'d':[d]*5,'q':[p]*20,'q_head':[p]}))" "$k" "$e" "$d" "$precision")
      for repeat in 1 3; do
        for _ in $(seq "$repeat"); do echo "$config"; done > "$work/configs"
        /usr/bin/time -f "%e %U %S" -o "$work/time$repeat" "$binary" evaluate --supernet fashion_mbv3_quant \
          --evaluator builtin:fashion_mbv3 --configs "$work/configs" --metrics accuracy_top1 > /dev/null
      done
      python3 - "$binary" "$name" "$precision" "$work/time1" "$work/time3" <<'PY'
import sys
binary, name, precision = sys.argv[1:4]
one, three = ([float(v) for v in open(p).read().split()[-3:]] for p in sys.argv[4:6])
wall = (three[0] - one[0]) / 2
cpu = (three[1] + three[2] - one[1] - one[2]) / 2
print(f"{binary[-28:]:<28} {name:<9} {precision:<5} {wall:>8.2f} {cpu / wall:>6.2f}")
PY
    done
  done
done
echo "after:  $(uptime)"
