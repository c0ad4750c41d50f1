"""DyNAS-T's LINAS iteration in pymoo + scikit-learn, timed: the peer for `swiftnas-bench linas-iteration`.

    python linas_iteration.py prepare SHARED_DATA_DIR OUT.csv   # 250 distinct measured rows, SwiftNAS CSV layout
    python linas_iteration.py run ROWS.csv [--repeats N]         # time one iteration, print JSON

The recipe (DyNAS-T `dynast/predictors/dynamic_predictor.py`, `dynast/search/`): per objective, GridSearchCV
over Ridge(alpha 0.1..10) and SVR(rbf, gamma='auto', epsilon=0, C 1..100) with MAPE scoring on one-hot features
(`onehot_generic`: 3 slots per gene, 135 for OFA-MobileNetV3), keep the better; then NSGA-II (population 50,
DyNAS-T's integer operators) for 20 000 predicted evaluations. DyNAS-T's problem is elementwise (one predict
call per sub-network); the vectorised variant is timed too, as the fairest possible Python baseline.
"""
import ast
import csv
import glob
import json
import os
import random
import sys
import time

SPACE = [("ks", 20, [3, 5, 7]), ("e", 20, [3, 4, 6]), ("d", 5, [2, 3, 4])]


def genes(config):
    return [values.index(v) for name, count, values in SPACE for v in config[name]]


def onehot(gene_vector):
    out = []
    for g in gene_vector:
        slot = [0.0, 0.0, 0.0]
        slot[g] = 1.0
        out.extend(slot)
    return out


def prepare(data_dir, out_path, count=250, seed=1):
    rows = {}
    for path in sorted(glob.glob(os.path.join(data_dir, "ofa-mbv3-imagenet", "mbnv3w10_*.csv"))):
        with open(path) as f:
            for row in csv.DictReader(f):
                c = ast.literal_eval(row["Sub-network"])
                config = {name: c[name] for name, _, _ in SPACE}
                key = json.dumps(config, separators=(",", ":"))
                rows.setdefault(key, (float(row["Top-1 Acc (%)"]), float(row["MACs"])))
    keys = sorted(rows)
    random.Random(seed).shuffle(keys)
    with open(out_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["config", "accuracy_top1", "macs"])
        for key in keys[:count]:
            writer.writerow([key, rows[key][0], rows[key][1]])


def run(rows_path, repeats):
    import numpy as np
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import ElementwiseProblem, Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.optimize import minimize
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.svm import SVR

    with open(rows_path) as f:
        table = list(csv.DictReader(f))
    X = np.array([onehot(genes(json.loads(r["config"]))) for r in table])
    targets = {"accuracy_top1": np.array([float(r["accuracy_top1"]) for r in table]),
               "macs": np.array([float(r["macs"]) for r in table])}

    def fit(y):
        ridge = GridSearchCV(Ridge(), {"alpha": np.arange(0.1, 10.1, 0.1)}, scoring="neg_mean_absolute_percentage_error")
        svr = GridSearchCV(SVR(kernel="rbf", gamma="auto", epsilon=0.0), {"C": np.arange(1.0, 101.0, 1.0)},
                           scoring="neg_mean_absolute_percentage_error")
        ridge.fit(X, y)
        svr.fit(X, y)
        return ridge if ridge.best_score_ >= svr.best_score_ else svr

    def onehot_rows(x):
        x = np.rint(x).astype(int)
        out = np.zeros((x.shape[0], 135))
        out[np.arange(x.shape[0])[:, None], np.arange(45) * 3 + x] = 1.0
        return out

    class Elementwise(ElementwiseProblem):
        def __init__(self, models):
            super().__init__(n_var=45, n_obj=2, xl=0, xu=2, vtype=int)
            self.models = models

        def _evaluate(self, x, out, *args, **kwargs):
            f = onehot_rows(x[None, :])
            out["F"] = [-self.models["accuracy_top1"].predict(f)[0], self.models["macs"].predict(f)[0]]

    class Vectorized(Problem):
        def __init__(self, models):
            super().__init__(n_var=45, n_obj=2, xl=0, xu=2, vtype=int)
            self.models = models

        def _evaluate(self, x, out, *args, **kwargs):
            f = onehot_rows(x)
            out["F"] = np.column_stack([-self.models["accuracy_top1"].predict(f), self.models["macs"].predict(f)])

    def inner(problem_type, models, seed):
        algorithm = NSGA2(pop_size=50, sampling=IntegerRandomSampling(),
                          crossover=SBX(prob=0.9, eta=15, vtype=float, repair=RoundingRepair()),
                          mutation=PM(eta=20, vtype=float, repair=RoundingRepair()), eliminate_duplicates=True)
        return minimize(problem_type(models), algorithm, ("n_evals", 20000), seed=seed, verbose=False)

    results = {}
    for label, problem_type in (("elementwise", Elementwise), ("vectorized", Vectorized)):
        fit_times, inner_times = [], []
        for r in range(repeats):
            t0 = time.perf_counter()
            models = {name: fit(y) for name, y in targets.items()}
            t1 = time.perf_counter()
            inner(problem_type, models, seed=r + 1)
            t2 = time.perf_counter()
            fit_times.append(t1 - t0)
            inner_times.append(t2 - t1)
        fit_times.sort()
        inner_times.sort()
        results[label] = {"fit_seconds": fit_times[len(fit_times) // 2], "inner_seconds": inner_times[len(inner_times) // 2]}
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
        run(sys.argv[2], repeats)
