"""Measures pymoo 0.6's reference quality for SwiftNAS's evolutionary algorithms.

Runs pymoo's NSGA2, AGEMOEA, RandomSearch (multi-objective: ZDT1, DTLZ2, constrained BNH) and GA, CMAES, RandomSearch
(single-objective: sphere, rastrigin) for 5 seeds at exactly the budgets the Swift tests use, and writes
Tests/SwiftNASAlgorithmsTests/Reference/pymoo_hv.json with the per-seed and mean hypervolume (or best f).

Run with /work/venv-ref/bin/python benchmarks/pymoo_reference.py (about two minutes of CPU time).

Conventions shared with the Swift side:
- HV reference point: 1.1 x the nadir (per-objective max) of the problem's known Pareto front
  (pymoo's pareto_front(): ZDT (1.1, 1.1); DTLZ2 with 3 objectives (1.1, 1.1, 1.1); BNH (149.6, 55)).
- HV is computed on the algorithm's final result set (pymoo's res.F: the feasible non-dominated
  population members; for RandomSearch the non-dominated set of everything evaluated).
- DTLZ2 uses 3 objectives and k = 10 distance variables (12 variables), as SwiftNASProblems.DTLZ.
- Single objective: best f found. Tests allow ours to exceed pymoo's mean by 1 % of the problem's
  "random scale" (the mean objective of a uniformly random point), also recorded here.
"""

import json
import os
import sys
import time
import types

import numpy as np

try:
    import numba  # noqa: F401  (pymoo's AGEMOEA needs it only for its jit decorator)
except ImportError:
    # AGE-MOEA's helpers are numpy code decorated with numba.jit; without numba run them uncompiled.
    stub = types.ModuleType("numba")
    stub.jit = lambda *args, **kwargs: (lambda f: f)
    stub.intp, stub.boolean, stub.float64 = np.intp, np.bool_, np.float64
    sys.modules["numba"] = stub

from pymoo.algorithms.moo.age import AGEMOEA
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.algorithms.soo.nonconvex.cmaes import CMAES
from pymoo.algorithms.soo.nonconvex.ga import GA
from pymoo.algorithms.soo.nonconvex.random_search import RandomSearch
from pymoo.indicators.hv import HV
from pymoo.optimize import minimize
from pymoo.problems import get_problem

SEEDS = [1, 2, 3, 4, 5]
POPULATION = 50
MULTI_OBJECTIVE_EVALUATIONS = 10_000
SINGLE_OBJECTIVE_EVALUATIONS = 5000

MULTI_OBJECTIVE_PROBLEMS = {
    "zdt1": lambda: get_problem("zdt1"),
    "dtlz2": lambda: get_problem("dtlz2", n_var=12, n_obj=3),
    "bnh": lambda: get_problem("bnh"),
}
SINGLE_OBJECTIVE_PROBLEMS = {
    "sphere": lambda: get_problem("sphere", n_var=10),
    "rastrigin": lambda: get_problem("rastrigin", n_var=10),
}
MULTI_OBJECTIVE_ALGORITHMS = {
    "nsga2": lambda: NSGA2(pop_size=POPULATION),
    "age": lambda: AGEMOEA(pop_size=POPULATION),
    "random": lambda: RandomSearch(n_points_per_iteration=POPULATION),
}
SINGLE_OBJECTIVE_ALGORITHMS = {
    "ga": lambda: GA(pop_size=POPULATION),
    "cmaes": lambda: CMAES(),
    "random": lambda: RandomSearch(n_points_per_iteration=POPULATION),
}


def random_scale(problem, samples=100_000):
    """Mean objective of uniformly random points: the scale of the single-objective tolerance."""
    rng = np.random.default_rng(0)
    X = problem.xl + (problem.xu - problem.xl) * rng.random((samples, problem.n_var))
    return float(problem.evaluate(X, return_values_of=["F"])[:, 0].mean())


def run(algorithm_factory, problem, evaluations, seed):
    result = minimize(problem, algorithm_factory(), ("n_evals", evaluations), seed=seed, verbose=False)
    F = np.atleast_2d(result.F)
    return F, result.algorithm.evaluator.n_eval


def main():
    started = time.time()
    results = []
    for name, factory in MULTI_OBJECTIVE_PROBLEMS.items():
        problem = factory()
        reference = 1.1 * problem.pareto_front().max(axis=0)
        indicator = HV(ref_point=reference)
        for algorithm, make in MULTI_OBJECTIVE_ALGORITHMS.items():
            values, spent = [], []
            for seed in SEEDS:
                F, n_eval = run(make, problem, MULTI_OBJECTIVE_EVALUATIONS, seed)
                values.append(float(indicator(F)))
                spent.append(int(n_eval))
            results.append({
                "algorithm": algorithm, "problem": name, "metric": "hv",
                "evaluations": MULTI_OBJECTIVE_EVALUATIONS, "population": POPULATION,
                "reference": reference.tolist(), "values": values, "mean": float(np.mean(values)),
                "spent": spent,
            })
            print(f"{algorithm:7s} {name:9s} hv mean {np.mean(values):.6f}  {values}", flush=True)
    for name, factory in SINGLE_OBJECTIVE_PROBLEMS.items():
        problem = factory()
        scale = random_scale(problem)
        for algorithm, make in SINGLE_OBJECTIVE_ALGORITHMS.items():
            values, spent = [], []
            for seed in SEEDS:
                F, n_eval = run(make, problem, SINGLE_OBJECTIVE_EVALUATIONS, seed)
                values.append(float(F[:, 0].min()))
                spent.append(int(n_eval))
            results.append({
                "algorithm": algorithm, "problem": name, "metric": "best",
                "evaluations": SINGLE_OBJECTIVE_EVALUATIONS, "population": POPULATION,
                "scale": scale, "values": values, "mean": float(np.mean(values)), "spent": spent,
            })
            print(f"{algorithm:7s} {name:9s} best mean {np.mean(values):.6g}  {values}", flush=True)
    import pymoo
    out = {
        "generator": "benchmarks/pymoo_reference.py",
        "pymoo": pymoo.__version__,
        "seeds": SEEDS,
        "results": results,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "SwiftNASAlgorithmsTests",
                        "Reference", "pymoo_hv.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)} in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
