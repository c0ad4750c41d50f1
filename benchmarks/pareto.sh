#!/usr/bin/env bash
# Benchmarks SwiftNAS's Pareto tools against moocore and pymoo on identical inputs, one line per benchmark:
#   bash benchmarks/pareto.sh [--repeats N] [--no-naive] [NAME ...]
# Creates a throwaway venv with moocore, pymoo and numpy (set PARETO_PYTHON to an interpreter that already
# has them to skip that), builds swiftnas-bench in release mode and runs benchmarks/pareto_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
source benchmarks/peer_python.sh
python="$(peer_python "${PARETO_PYTHON:-}" "$scratch" moocore pymoo numpy)"

swift build -c release --product swiftnas-bench >&2
binary="$(swift build -c release --show-bin-path)/swiftnas-bench"
"$python" -c 'import moocore, pymoo; print(f"moocore {moocore.__version__}, pymoo {pymoo.__version__}")' >&2
"$python" benchmarks/pareto_bench.py "$binary" "$@"
