"""pymoo's side of benchmarks/algorithms.sh: NSGA2 on ZDT1, population 50, 20 000 evaluations, seed 1.

Prints one JSON line: the median wall time of `repeats` runs (after one warm-up run, like swiftnas-bench)
and the hypervolume of the final front with reference point (1.1, 1.1).
"""

import json
import sys
import time

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.indicators.hv import HV
from pymoo.optimize import minimize
from pymoo.problems import get_problem


def run():
    result = minimize(get_problem("zdt1"), NSGA2(pop_size=50), ("n_evals", 20_000), seed=1, verbose=False)
    return float(HV(ref_point=np.array([1.1, 1.1]))(result.F))


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    hypervolume = run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        hypervolume = run()
        times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({"benchmark": "pymoo-nsga2-zdt1", "seconds": times[len(times) // 2], "hv": hypervolume}))


if __name__ == "__main__":
    main()
