#!/usr/bin/env python3
"""Generates the reference values SwiftNASParetoTests checks the Pareto module against.

Run with a Python that has moocore, pymoo and numpy (e.g. /work/venv-ref/bin/python):

    python benchmarks/pareto_reference.py [OUTPUT_DIR]

OUTPUT_DIR defaults to Tests/SwiftNASParetoTests/Reference. Every set is drawn from a fixed seed, so the
files only change when this script does. Each JSON file holds a list of cases:

    name, points (rows, user units), senses ("min"/"max" per objective), reference (hypervolume reference
    point in user units), hypervolume (moocore), front (reference front for IGD, minimisation rows) or null,
    igd / igd_plus (moocore) and igd_pymoo / igd_plus_pymoo (pymoo) or null, fronts (pymoo non-dominated
    sorting of the minimisation rows, each front's indices ascending), crowding (pymoo "cd" crowding of the
    minimisation rows, null for infinity).
"""
import json
import os
import sys

import moocore
import numpy as np
from pymoo.indicators.igd import IGD
from pymoo.indicators.igd_plus import IGDPlus
from pymoo.operators.survival.rank_and_crowding.metrics import get_crowding_function
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

RNG = np.random.default_rng(20261123)


def sphere(n, m):
    """n points on the unit sphere's positive orthant (a non-dominated set)."""
    x = np.abs(RNG.normal(size=(n, m)))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def simplex(n, m):
    """n points on the unit simplex (a linear non-dominated front)."""
    x = RNG.exponential(size=(n, m))
    return x / x.sum(axis=1, keepdims=True)


def to_min(points, senses):
    p = np.array(points, dtype=float).reshape(len(points), len(senses))
    sign = np.array([-1.0 if s == "max" else 1.0 for s in senses])
    return p * sign


def floats(a):
    return [[float(v) for v in row] for row in np.asarray(a)]


def case(name, points, reference, front=None, senses=None):
    points = np.asarray(points, dtype=float)
    m = len(reference)
    points = points.reshape(len(points), m)
    senses = senses or ["min"] * m
    maximise = [s == "max" for s in senses]
    mins = to_min(points, senses)
    if len(points):
        hv = float(moocore.hypervolume(points, ref=np.asarray(reference, dtype=float), maximise=maximise))
    else:
        hv = 0.0
    out = {
        "name": name,
        "points": floats(points),
        "senses": senses,
        "reference": [float(r) for r in reference],
        "hypervolume": hv,
        "front": None,
        "igd": None,
        "igd_plus": None,
        "igd_pymoo": None,
        "igd_plus_pymoo": None,
    }
    if front is not None and len(points):
        front = np.asarray(front, dtype=float)
        out["front"] = floats(front)
        out["igd"] = float(moocore.igd(mins, ref=front))
        out["igd_plus"] = float(moocore.igd_plus(mins, ref=front))
        out["igd_pymoo"] = float(IGD(front).do(mins))
        out["igd_plus_pymoo"] = float(IGDPlus(front).do(mins))
    if len(points):
        fronts = NonDominatedSorting().do(mins)
        fronts = [sorted(int(i) for i in f) for f in fronts]
        rank = moocore.pareto_rank(mins)
        check = [sorted(np.flatnonzero(rank == r).tolist()) for r in range(int(rank.max()) + 1)]
        assert check == fronts, f"{name}: moocore and pymoo disagree on fronts"
        cd = get_crowding_function("cd").do(mins)
        crowding = [None if np.isinf(v) else float(v) for v in cd]
    else:
        fronts, crowding = [], []
    out["fronts"] = fronts
    out["crowding"] = crowding
    return out


def random_cases():
    cases = []
    for m, n in [(2, 1000), (3, 1000), (4, 300), (5, 200), (6, 100)]:
        ref = [1.1] * m
        cases.append(case(f"uniform-{m}d-{n}", RNG.random((n, m)), ref, front=simplex(100, m)))
        k = {2: 500, 3: 500, 4: 200, 5: 150, 6: 80}[m]
        cases.append(case(f"sphere-{m}d-{k}", sphere(k, m), ref, front=sphere(100, m)))
        cases.append(case(f"simplex-{m}d-{k}", simplex(k, m), [1.0] * m, front=simplex(100, m)))
    return cases


def degenerate_cases():
    cases = []
    for m in [2, 3, 4, 5, 6]:
        ref = [4.0] * m
        n = {2: 300, 3: 300, 4: 150, 5: 100, 6: 80}[m]
        grid = RNG.integers(0, 5, size=(n, m)).astype(float)  # ties, duplicates, points on and beyond ref
        grid[::7] = grid[1]  # many copies of one row
        cases.append(case(f"grid-{m}d-{n}", grid, ref, front=np.eye(m)))
        dup = np.repeat(sphere(20, m), 3, axis=0)
        RNG.shuffle(dup)
        cases.append(case(f"duplicates-{m}d-60", dup, [1.0] * m, front=sphere(30, m)))
        outside = RNG.random((60, m)) * 2.0  # many points outside the [0, 1] reference box
        cases.append(case(f"outside-{m}d-60", outside, [1.0] * m, front=simplex(30, m)))
        cases.append(case(f"single-{m}d", RNG.random((1, m)), [1.0] * m, front=simplex(10, m)))
        cases.append(case(f"single-outside-{m}d", RNG.random((1, m)) + np.array([2.0] + [0.0] * (m - 1)), [1.0] * m))
        cases.append(case(f"empty-{m}d", np.zeros((0, m)), [1.0] * m))
        cases.append(case(f"identical-{m}d", np.full((5, m), 0.5), [1.0] * m, front=np.full((1, m), 0.25)))
    # Mixed directions in user units: accuracy (max) against MACs (min), reference acc >= 70, macs <= 600e6.
    acc = 60 + 35 * RNG.random(200)
    macs = 1e8 + 9e8 * RNG.random(200)
    cases.append(case("mixed-acc-macs", np.column_stack([acc, macs]), [70.0, 600e6], senses=["max", "min"]))
    acc3 = 60 + 35 * RNG.random(150)
    macs3 = 1e8 + 9e8 * RNG.random(150)
    lat3 = 5 + 20 * RNG.random(150)
    cases.append(case("mixed-acc-macs-latency", np.column_stack([acc3, macs3, lat3]), [70.0, 600e6, 20.0],
                      senses=["max", "min", "min"]))
    return cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "Tests", "SwiftNASParetoTests", "Reference")
    os.makedirs(out_dir, exist_ok=True)
    for file_name, cases in [("random.json", random_cases()), ("degenerate.json", degenerate_cases())]:
        path = os.path.join(out_dir, file_name)
        with open(path, "w") as f:
            json.dump(cases, f, separators=(",", ":"))
        print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
