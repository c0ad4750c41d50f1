#!/usr/bin/env bash
# Super-network vs from-scratch accuracy (issue 4): trains each architecture of benchmarks/scratch_subnets.jsonl
# alone, with the super-network's recipe and budget (same epochs, batch, learning rate, augmentation), then prints
# each one's test accuracy next to the same architecture extracted from the super-network checkpoint.
# Resumable: each run checkpoints to $WORK/scratch-N.snck; re-run the script to continue (MAX_MINUTES per call).
# Usage: SUPERNET=fmbv3.snck WORK=dir [EPOCHS=12] [MAX_MINUTES=60] [SWIFTNAS_BIN=path] benchmarks/scratch_baselines.sh
# (SWIFTNAS_BIN: an already built swiftnas, skipping the release build.)
set -euo pipefail
cd "$(dirname "$0")/.."
supernet=${SUPERNET:?set SUPERNET to the trained super-network checkpoint}
work=${WORK:?set WORK to a folder for the baseline checkpoints}
epochs=${EPOCHS:-12}
minutes=${MAX_MINUTES:-60}
mkdir -p "$work"
if [ -n "${SWIFTNAS_BIN:-}" ]; then
    bin=$SWIFTNAS_BIN
else
    swift build -c release --product swiftnas >/dev/null
    bin=.build/release/swiftnas
fi
n=0
deadline=$(( $(date +%s) + minutes * 60 ))
while IFS= read -r config; do
    n=$((n + 1))
    left=$(( (deadline - $(date +%s)) / 60 ))
    if [ "$left" -le 0 ]; then echo "time is up; run again to continue"; exit 0; fi
    "$bin" supernet train --out "$work/scratch-$n.snck" --epochs "$epochs" --subnet "$config" --max-minutes "$left"
done < benchmarks/scratch_subnets.jsonl
echo "architecture | super-network (extracted) | from scratch"
n=0
while IFS= read -r config; do
    n=$((n + 1))
    printf '%s\n' "$config" > "$work/config-$n.jsonl"
    ours=$("$bin" supernet test --checkpoint "$supernet" --configs "$work/config-$n.jsonl" | sed 's/.*"test_accuracy_top1":\([0-9.]*\).*/\1/')
    alone=$("$bin" supernet test --checkpoint "$work/scratch-$n.snck" --configs "$work/config-$n.jsonl" | sed 's/.*"test_accuracy_top1":\([0-9.]*\).*/\1/')
    echo "$config | $ours % | $alone %"
done < benchmarks/scratch_subnets.jsonl
