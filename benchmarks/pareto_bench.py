#!/usr/bin/env python3
"""Times SwiftNAS's Pareto tools against moocore (C) and pymoo on identical inputs.

    python benchmarks/pareto_bench.py PATH/TO/swiftnas-bench [--repeats N] [--no-naive] [NAME ...]

For every benchmark this writes the points (fixed seed) to a temporary directory, times the peers in this
process (median of N runs after a warm-up), runs `swiftnas-bench --repeats=N NAME` with
SWIFTNAS_BENCH_INPUT_DIR pointing at the same points, checks both sides computed the same result
(hypervolume to 1e-9 relative, non-dominated ranks via the number of fronts and a rank checksum) and prints
one line with the times and ratios (ratio = swiftnas time / peer time; below 1 means SwiftNAS is faster).
Run it through benchmarks/pareto.sh, which sets up the Python packages and the release build.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import moocore
import numpy as np
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting


def uniform(seed, n, m):
    return np.random.default_rng(seed).random((n, m))


def sphere(seed, n, m):
    x = np.abs(np.random.default_rng(seed).normal(size=(n, m)))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def rank_summary(ranks):
    ranks = np.asarray(ranks, dtype=np.int64)
    checksum = int(np.sum(ranks * np.arange(1, len(ranks) + 1, dtype=np.int64)))
    return f"fronts={int(ranks.max()) + 1} checksum={checksum}"


def pymoo_ranks(points, method):
    fronts = NonDominatedSorting(method=method).do(points)
    ranks = np.empty(len(points), dtype=np.int64)
    for r, front in enumerate(fronts):
        ranks[front] = r
    return ranks


def hv_benchmark(name, label, points, ref):
    return {
        "name": name, "label": label, "points": points, "kind": "hv",
        "peers": [("moocore", lambda: float(moocore.hypervolume(points, ref=ref)))],
    }


def nds_benchmark(name, label, points, naive=None):
    return {
        "name": name, "label": label, "points": points, "kind": "nds", "naive": naive,
        "peers": [
            ("moocore", lambda: rank_summary(moocore.pareto_rank(points))),
            ("pymoo", lambda: rank_summary(pymoo_ranks(points, "fast_non_dominated_sort"))),
            ("pymoo-ens", lambda: rank_summary(pymoo_ranks(points, "efficient_non_dominated_sort"))),
        ],
    }


BENCHMARKS = [
    hv_benchmark("hv3d-sphere-10000", "hv3d sphere n=10000", sphere(1, 10_000, 3), [1.1, 1.1, 1.1]),
    hv_benchmark("hv3d-uniform-10000", "hv3d uniform n=10000", uniform(2, 10_000, 3), [1.0, 1.0, 1.0]),
    hv_benchmark("hv4d-sphere-100", "hv4d sphere n=100", sphere(9, 100, 4), [1.1] * 4),
    hv_benchmark("hv4d-sphere-300", "hv4d sphere n=300", sphere(3, 300, 4), [1.1] * 4),
    hv_benchmark("hv5d-sphere-50", "hv5d sphere n=50", sphere(11, 50, 5), [1.1] * 5),
    hv_benchmark("hv5d-sphere-100", "hv5d sphere n=100", sphere(10, 100, 5), [1.1] * 5),
    hv_benchmark("hv5d-sphere-200", "hv5d sphere n=200", sphere(4, 200, 5), [1.1] * 5),
    hv_benchmark("hv6d-sphere-100", "hv6d sphere n=100", sphere(8, 100, 6), [1.1] * 6),
    nds_benchmark("nds-2d-10000", "nds 2d uniform n=10000", uniform(5, 10_000, 2)),
    nds_benchmark("nds-3d-10000", "nds 3d uniform n=10000", uniform(6, 10_000, 3), naive="nds-3d-10000-naive"),
    nds_benchmark("nds-5d-10000", "nds 5d uniform n=10000", uniform(7, 10_000, 5), naive="nds-5d-10000-naive"),
]


def median_time(fn, repeats):
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2], result


def run_swift(binary, name, input_dir, repeats):
    env = dict(os.environ, SWIFTNAS_BENCH_INPUT_DIR=input_dir)
    out = subprocess.run([binary, f"--repeats={repeats}", name], env=env, check=True,
                         capture_output=True, text=True).stdout
    line = json.loads(out.strip().splitlines()[-1])
    return line["seconds"], line["result"]


def agree(kind, ours, theirs):
    if kind == "hv":
        a, b = float(ours), float(theirs)
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return ours == theirs


def ms(seconds):
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e3:.2g} ms"


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    binary = args.pop(0)
    repeats, naive = 7, True
    wanted = []
    while args:
        a = args.pop(0)
        if a == "--repeats":
            repeats = int(args.pop(0))
        elif a == "--no-naive":
            naive = False
        else:
            wanted.append(a)
    failures = 0
    with tempfile.TemporaryDirectory() as input_dir:
        for bench in BENCHMARKS:
            if wanted and bench["name"] not in wanted:
                continue
            path = os.path.join(input_dir, bench["name"] + ".txt")
            np.savetxt(path, bench["points"], fmt="%.17g", delimiter=" ")
            ours_time, ours = run_swift(binary, bench["name"], input_dir, repeats)
            parts, ratios = [], []
            for label, fn in bench["peers"]:
                peer_time, theirs = median_time(fn, repeats if label != "pymoo" else max(3, repeats // 2))
                if not agree(bench["kind"], ours, theirs):
                    failures += 1
                    print(f"MISMATCH {bench['name']}: {label} {theirs} vs swiftnas {ours}")
                parts.append(f"{label} {ms(peer_time)}")
                ratios.append(f"{ours_time / peer_time:.2f}× vs {label}")
            if naive and bench.get("naive"):
                naive_time, naive_result = run_swift(binary, bench["naive"], input_dir, 1)
                if naive_result != ours:
                    failures += 1
                    print(f"MISMATCH {bench['name']}: pairwise {naive_result} vs swiftnas {ours}")
                parts.append(f"swiftnas-pairwise {ms(naive_time)}")
                ratios.append(f"{ours_time / naive_time:.3f}× vs pairwise")
            print(f"{bench['label']}: {', '.join(parts)}, swiftnas {ms(ours_time)}, ratio {', '.join(ratios)}"
                  f"  [result {ours}]", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
