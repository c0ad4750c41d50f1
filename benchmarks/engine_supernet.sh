#!/usr/bin/env bash
# SwiftNASEngine layer and super-network timings (our side only; the PyTorch peer comes with issue 4's
# inference benchmark). Wall-clock figures are only meaningful on an otherwise idle machine: check `uptime`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftnas-bench >/dev/null
uptime
.build/release/swiftnas-bench --repeats=3 engine-mbconv engine-supernet-step
.build/release/swiftnas-bench --repeats=1 engine-supernet-profile engine-supernet-train-step
