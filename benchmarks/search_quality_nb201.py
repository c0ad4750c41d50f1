"""Search quality on NAS-Bench-201: CIFAR-10 accuracy (max) x measured device latency (min), every method given the
same evaluation budget, hypervolume as a fraction of the exact front's (all 15 625 cells are in the table).

Reference point (as in issue 14): accuracy at the table's 75th percentile, latency at its median. A method's HV at
budget k is that of its first k evaluations (repeats of a cell count as evaluations).

    python search_quality_nb201.py run --table CSV --work DIR --swiftnas BIN --devices D... --seeds S... --budget 200
    python search_quality_nb201.py table --table CSV --work DIR --devices D... --seeds S... --budgets 25 50 100 200

Methods: random (uniform cells), Optuna TPE (multivariate), Optuna NSGA-II (population 20), pymoo NSGA-II
(population 20, integer genes with rounding), Optuna GPSampler when it imports, and SwiftNAS's default
(`swiftnas search --supernet nasbench201 --evaluator builtin:table?file=CSV --population 20`). Every run's sequence
of (accuracy, latency) is saved as JSON in DIR, so an interrupted benchmark resumes where it stopped.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

import numpy as np

OPERATIONS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
INPUTS = [0, 0, 1, 0, 1, 2]
ACCURACY = "cifar10_test_acc_200ep"


def arch(genes):
    edges = [f"{OPERATIONS[g]}~{i}" for g, i in zip(genes, INPUTS)]
    return f"|{edges[0]}|+|{edges[1]}|{edges[2]}|+|{edges[3]}|{edges[4]}|{edges[5]}|"


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {row["arch"]: row for row in rows}


def devices_of(table):
    row = next(iter(table.values()))
    return [c[: -len("_latency_ms")] for c in row if c.endswith("_latency_ms")]


def hypervolume(points, reference):
    """2-D hypervolume of (accuracy max, latency min) points against reference (accuracy, latency): the integral over
    latency, from the fastest point to the reference, of the best accuracy reachable at or below that latency."""
    kept = sorted({(a, l) for a, l in points if a > reference[0] and l < reference[1]}, key=lambda p: p[1])
    volume, best, last = 0.0, None, None
    for a, l in kept:
        if best is not None:
            volume += (best - reference[0]) * (l - last)
        best = a if best is None else max(best, a)
        last = l
    if best is not None:
        volume += (best - reference[0]) * (reference[1] - last)
    return volume


def reference_point(table, device):
    accuracy = np.array([float(r[ACCURACY]) for r in table.values()])
    latency = np.array([float(r[f"{device}_latency_ms"]) for r in table.values()])
    return float(np.percentile(accuracy, 75)), float(np.median(latency))


def measure(table, device):
    def f(genes):
        row = table[arch(genes)]
        return float(row[ACCURACY]), float(row[f"{device}_latency_ms"])
    return f


def run_random(f, seed, budget):
    rng = np.random.default_rng(seed)
    return [f(list(rng.integers(0, 5, 6))) for _ in range(budget)]


def run_optuna(f, seed, budget, sampler_name):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if sampler_name == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True)
    elif sampler_name == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=20)
    else:
        sampler = optuna.samplers.GPSampler(seed=seed)
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    trace = []

    def objective(trial):
        genes = [OPERATIONS.index(trial.suggest_categorical(f"e{i}", OPERATIONS)) for i in range(6)]
        value = f(genes)
        trace.append(value)
        return value

    study.optimize(objective, n_trials=budget)
    return trace


def run_pymoo(f, seed, budget):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import ElementwiseProblem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.optimize import minimize

    trace = []

    class Cell(ElementwiseProblem):
        def __init__(self):
            super().__init__(n_var=6, n_obj=2, xl=0, xu=4, vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            value = f([int(round(v)) for v in x])
            trace.append(value)
            out["F"] = [-value[0], value[1]]

    algorithm = NSGA2(pop_size=20, sampling=IntegerRandomSampling(),
                      crossover=SBX(prob=1.0, eta=3.0, vtype=float, repair=RoundingRepair()),
                      mutation=PM(prob=1.0, eta=3.0, vtype=float, repair=RoundingRepair()), eliminate_duplicates=True)
    minimize(Cell(), algorithm, ("n_eval", budget), seed=seed, verbose=False)
    return trace[:budget]


def run_swiftnas(binary, table_path, device, seed, budget, work):
    results = os.path.join(work, f"swiftnas-{device}-{seed}.csv")
    command = [binary, "search", "--supernet", "nasbench201", "--evaluator", f"builtin:table?file={table_path}",
               "--optimization-metrics", f"{ACCURACY}:max", f"{device}_latency_ms:min", "--num-evals", str(budget),
               "--population", "20", "--seed", str(seed), "--results-path", results, "--overwrite",
               "--store", results[:-4] + ".db"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(results) as f:
        rows = list(csv.DictReader(f))
    return [(float(r[ACCURACY]), float(r[f"{device}_latency_ms"])) for r in rows]


METHODS = ["random", "optuna-tpe", "optuna-nsga2", "pymoo-nsga2", "optuna-gp", "swiftnas"]


def command_run(args):
    table = load(args.table)
    devices = args.devices or devices_of(table)
    os.makedirs(args.work, exist_ok=True)
    for device in devices:
        f = measure(table, device)
        for seed in args.seeds:
            for method in args.methods:
                path = os.path.join(args.work, f"{method}-{device}-{seed}.json")
                if os.path.exists(path):
                    continue
                try:
                    if method == "random":
                        trace = run_random(f, seed, args.budget)
                    elif method == "optuna-tpe":
                        trace = run_optuna(f, seed, args.budget, "tpe")
                    elif method == "optuna-nsga2":
                        trace = run_optuna(f, seed, args.budget, "nsga2")
                    elif method == "optuna-gp":
                        trace = run_optuna(f, seed, args.budget, "gp")
                    elif method == "pymoo-nsga2":
                        trace = run_pymoo(f, seed, args.budget)
                    else:
                        trace = run_swiftnas(args.swiftnas, os.path.abspath(args.table), device, seed, args.budget, args.work)
                except ImportError as error:
                    print(f"{method}: skipped ({error})", file=sys.stderr)
                    continue
                with open(path + ".tmp", "w") as out:
                    json.dump(trace, out)
                os.replace(path + ".tmp", path)
                print(f"{method} {device} seed {seed}: {len(trace)} evaluations", file=sys.stderr)


def command_table(args):
    table = load(args.table)
    devices = args.devices or devices_of(table)
    lines = ["| device | evaluations | " + " | ".join(args.methods) + " |", "|---|---|" + "---|" * len(args.methods)]
    for device in devices:
        reference = reference_point(table, device)
        f = measure(table, device)
        exact = hypervolume([f([int(c) for c in np.base_repr(i, 5).zfill(6)[::-1]]) for i in range(5 ** 6)], reference)
        for budget in args.budgets:
            cells = []
            for method in args.methods:
                values = []
                for seed in args.seeds:
                    path = os.path.join(args.work, f"{method}-{device}-{seed}.json")
                    if os.path.exists(path):
                        with open(path) as trace_file:
                            values.append(hypervolume([tuple(p) for p in json.load(trace_file)[:budget]], reference) / exact)
                cells.append(f"{np.mean(values):.3f}" if values else "-")
            lines.append(f"| {device} | {budget} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(text + "\n")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ["run", "table"]:
        p = sub.add_parser(name)
        p.add_argument("--table", required=True)
        p.add_argument("--work", required=True)
        p.add_argument("--devices", nargs="*")
        p.add_argument("--seeds", nargs="+", type=int, default=list(range(1, 11)))
        p.add_argument("--methods", nargs="+", default=METHODS)
        if name == "run":
            p.add_argument("--swiftnas", required=True)
            p.add_argument("--budget", type=int, default=200)
        else:
            p.add_argument("--budgets", nargs="+", type=int, default=[25, 50, 100, 200])
            p.add_argument("--markdown")
    args = parser.parse_args()
    command_run(args) if args.command == "run" else command_table(args)


main()
