"""Measures pymoo 0.6.2 reference values for SwiftNAS's decomposition-based algorithms.

Run with the reference interpreter (about 2 minutes of CPU time on this project's 2-core machines):

    /work/venv-ref/bin/python benchmarks/pymoo_decomposition_reference.py

Writes Tests/SwiftNASAlgorithmsTests/Reference/pymoo_decomposition_hv.json with
- the smallest pairwise distance of pymoo's Riesz-energy reference directions (get_reference_directions
  "energy"; pymoo 0.6.2 ignores a `seed` given there and always uses seed 1);
- for UNSGA3, MOEAD and CTAEA on ZDT1 and DTLZ2 (3 objectives): the mean hypervolume over seeds 1-5 of the
  final population's non-dominated set, at the same reference directions, population and evaluation budget
  as Tests/SwiftNASAlgorithmsTests/DecompositionBenchmarkTests.swift. The hypervolume reference point is
  1.1 x the nadir point of the true front: (1.1, 1.1) for ZDT1 and (1.1, 1.1, 1.1) for DTLZ2.
"""

import json
import os

import numpy as np
from scipy.spatial.distance import pdist

from pymoo.algorithms.moo.ctaea import CTAEA
from pymoo.algorithms.moo.moead import MOEAD
from pymoo.algorithms.moo.unsga3 import UNSGA3
from pymoo.indicators.hv import HV
from pymoo.optimize import minimize
from pymoo.problems import get_problem
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting
from pymoo.util.ref_dirs import get_reference_directions

SEEDS = [1, 2, 3, 4, 5]
ENERGY_SIZES = [(3, 50)]

# problem name -> (pymoo problem, reference-direction partitions, evaluation budget, HV reference point)
# Keep in step with DecompositionBenchmarkTests.swift.
PROBLEMS = {
    "zdt1": (get_problem("zdt1", n_var=30), 19, 10000, [1.1, 1.1]),
    "dtlz2": (get_problem("dtlz2", n_var=12, n_obj=3), 6, 2800, [1.1, 1.1, 1.1]),
}

ALGORITHMS = {
    "unsga3": lambda ref_dirs: UNSGA3(ref_dirs=ref_dirs),
    "moead": lambda ref_dirs: MOEAD(ref_dirs=ref_dirs),
    "ctaea": lambda ref_dirs: CTAEA(ref_dirs=ref_dirs),
}


def energy_min_distances():
    rows = []
    for n_dim, n_points in ENERGY_SIZES:
        directions = get_reference_directions("energy", n_dim, n_points, seed=1)
        rows.append({"dimensions": n_dim, "count": n_points, "min_distance": float(pdist(directions).min())})
    return rows


def hypervolumes():
    table = {}
    for algorithm_name, make in ALGORITHMS.items():
        table[algorithm_name] = {}
        for problem_name, (problem, partitions, budget, reference) in PROBLEMS.items():
            ref_dirs = get_reference_directions("das-dennis", problem.n_obj, n_partitions=partitions)
            values = []
            for seed in SEEDS:
                result = minimize(problem, make(ref_dirs), ("n_eval", budget), seed=seed, verbose=False)
                F = result.pop.get("F")
                front = F[NonDominatedSorting().do(F, only_non_dominated_front=True)]
                values.append(float(HV(ref_point=np.array(reference))(front)))
            table[algorithm_name][problem_name] = {
                "partitions": partitions,
                "directions": len(ref_dirs),
                "evaluations": budget,
                "reference": reference,
                "seeds": SEEDS,
                "hypervolumes": values,
                "mean": float(np.mean(values)),
            }
            print(algorithm_name, problem_name, np.mean(values), flush=True)
    return table


def main():
    out = {
        "pymoo_version": "0.6.2",
        "energy": energy_min_distances(),
        "hypervolume": hypervolumes(),
    }
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "SwiftNASAlgorithmsTests", "Reference",
                        "pymoo_decomposition_hv.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
