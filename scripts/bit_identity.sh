#!/usr/bin/env bash
# Checks that two swiftnas builds search identically: runs the main job (`search --num-evals 12`) and the OFA
# surrogate search (100 evaluations, seed 1) with each, then compares every CSV column but the timestamps, the
# printed front and the store manifest.
#
#   scripts/bit_identity.sh BEFORE_BIN AFTER_BIN [WORK]
#
# Each binary needs its resource bundle beside it (copy `.build/debug/swiftnas` together with
# `.build/debug/SwiftNAS_SwiftNASFashion.resources`). The surrogate is fitted with python3 + numpy from
# ../shared/data/ofa-mbv3-imagenet (benchmarks/ofa_surrogate.py).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
before="$(realpath "$1")"; after="$(realpath "$2")"
work="${3:-$(mktemp -d -t bit-identity.XXXXXX)}"
mkdir -p "$work"
model="$work/ofa_surrogate.json"
[ -f "$model" ] || python3 "$repo/benchmarks/ofa_surrogate.py" fit --data "$repo/../shared/data/ofa-mbv3-imagenet" --out "$model" >/dev/null
for side in before after; do
  bin=$([ "$side" = before ] && echo "$before" || echo "$after")
  mkdir -p "$work/$side"; cd "$work/$side"; rm -f main.* ofa.*
  "$bin" search --num-evals 12 --results-path main.csv --store main.db > main.stdout 2> main.stderr
  "$bin" search --supernet ofa_mbv3_d234_e346_k357_w1.0 --evaluator "python3 $repo/benchmarks/ofa_surrogate_evaluator.py $model" \
    --num-evals 100 --seed 1 --results-path ofa.csv --store ofa.db > ofa.stdout 2> ofa.stderr
done
python3 - "$work" <<'PY'
import csv, sqlite3, sys
work = sys.argv[1]
same = True
for name in ["main", "ofa"]:
    rows = {side: [{k: v for k, v in r.items() if k not in ("started", "finished")} for r in csv.DictReader(open(f"{work}/{side}/{name}.csv"))]
            for side in ["before", "after"]}
    front = open(f"{work}/before/{name}.stdout").read() == open(f"{work}/after/{name}.stdout").read()
    query = "select key, value from swiftnas_manifest where key != 'status' order by key"
    manifest = sqlite3.connect(f"{work}/before/{name}.db").execute(query).fetchall() == sqlite3.connect(f"{work}/after/{name}.db").execute(query).fetchall()
    print(f"{name}: {len(rows['before'])} rows {'identical' if rows['before'] == rows['after'] else 'DIFFERENT'}, "
          f"front {'identical' if front else 'DIFFERENT'}, manifest {'identical' if manifest else 'DIFFERENT'}")
    same &= rows["before"] == rows["after"] and front and manifest
sys.exit(0 if same else 1)
PY
