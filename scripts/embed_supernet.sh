#!/usr/bin/env bash
# Re-creates the files `builtin:fashion_mbv3` embeds (Sources/SwiftNASFashion/Resources) from a checkpoint
# written by `swiftnas supernet train`: its weights in float16, the 5 000-image search-validation split and the
# 2 000 batch-norm re-calibration images, as gzip-compressed IDX files.
# Usage: scripts/embed_supernet.sh CHECKPOINT [FASHION_MNIST_DIR]
set -euo pipefail
checkpoint=${1:?usage: scripts/embed_supernet.sh CHECKPOINT [FASHION_MNIST_DIR]}
data=${2:-/usr/share/datasets/fashion-mnist}
cd "$(dirname "$0")/.."
resources=Sources/SwiftNASFashion/Resources
swift run -c release swiftnas supernet export --checkpoint "$checkpoint" --data "$data" --out "$resources"
for f in "$resources"/*-idx?-ubyte; do gzip -9nf "$f"; done
ls -l "$resources"
