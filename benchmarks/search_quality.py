"""Search quality on the OFA-MobileNetV3 surrogate: SwiftNAS's tactics next to pymoo's NSGA-II and a re-creation
of DyNAS-T's LINAS recipe (pymoo + scikit-learn), all on the same surrogate (benchmarks/ofa_surrogate.py).

Hypervolume as DyNAS-T reports it: on (top-1 accuracy %, MACs / 1e6), accuracy maximised, MACs minimised,
reference point (70, 600); a run's HV@n is the HV of its first n evaluations in evaluation order.

    python3 benchmarks/search_quality.py run   --model M.json --work DIR --swiftnas .build/release/swiftnas [--seeds 1 2 3 4 5]
    python3 benchmarks/search_quality.py table --work DIR [--markdown out.md]

Every run writes DIR/<method>-seed<S>.csv (n, accuracy_top1, macs, config in evaluation order) and is skipped when
that file exists, so an interrupted benchmark resumes where it stopped.
"""

import argparse
import csv
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ofa_surrogate  # noqa: E402
from ofa_surrogate import BLOCKS, D, E, KS, STAGES, Surrogate  # noqa: E402

REFERENCE = (70.0, 600.0)  # accuracy %, MACs in millions
EVALS = 250
POPULATION = 50
INNER_EVALS = 20_000
CHECKPOINTS = (100, 125, 150, 200, 250)

# The methods in table order: (name, label).
METHODS = [
    ("swiftnas-random", "SwiftNAS random"),
    ("swiftnas-nsga2", "SwiftNAS evolutionary + nsga2"),
    ("swiftnas-mobo", "SwiftNAS mobo (default)"),
    ("swiftnas-linas", "SwiftNAS linas + nsga2"),
    ("pymoo-nsga2", "pymoo NSGA-II (DyNAS-T operators)"),
    ("dynast-linas", "DyNAS-T LINAS recipe (pymoo + sklearn)"),
    # Ablation, not part of the default run: the recipe with SwiftNAS's features (inactive blocks' genes zeroed).
    ("dynast-linas-zeroed", "recipe + SwiftNAS one-hot (inactive zeroed)"),
    ("dynast-linas-zeroed-ridge", "recipe + zeroed one-hot + ridge only"),
    ("swiftnas-linas-age", "SwiftNAS linas + age (AGE-MOEA inner)"),
]
DEFAULT_METHODS = ["swiftnas-random", "swiftnas-nsga2", "swiftnas-mobo", "swiftnas-linas", "pymoo-nsga2", "dynast-linas"]
SWIFTNAS_TACTICS = {"swiftnas-random": ("random", "nsga2"), "swiftnas-nsga2": ("evolutionary", "nsga2"),
                    "swiftnas-mobo": ("mobo", "nsga2"),
                    "swiftnas-linas": ("linas", "nsga2"), "swiftnas-linas-age": ("linas", "age")}


# ------------------------------------------------------------------------------------------------ hypervolume

def hypervolume(points, reference=REFERENCE):
    """2-D HV of (accuracy, mmacs) points, accuracy maximised and MACs minimised, bounded by `reference`."""
    ref_acc, ref_macs = reference
    inside = sorted((m, a) for a, m in points if a > ref_acc and m < ref_macs)
    volume, best_acc = 0.0, ref_acc
    # Sweep MACs upwards; each point adds the strip from its MACs to the next distinct MACs at the best accuracy so far.
    for i, (m, a) in enumerate(inside):
        best_acc = max(best_acc, a)
        next_m = inside[i + 1][0] if i + 1 < len(inside) else ref_macs
        volume += (next_m - m) * (best_acc - ref_acc)
    return volume


def hv_curve(rows, reference=REFERENCE):
    """HV after each evaluation: curve[n - 1] is HV of the first n rows."""
    curve, points, front = [], [], []
    for acc, macs in rows:
        point = (acc, macs / 1e6)
        # Keep only the non-dominated points so the incremental recomputation stays cheap.
        if not any(f[0] >= point[0] and f[1] <= point[1] for f in front):
            front = [f for f in front if not (point[0] >= f[0] and point[1] <= f[1])] + [point]
        curve.append(hypervolume(front, reference))
    return curve


# ------------------------------------------------------------------------------------------------ encodings

GENE_VALUES = [KS] * BLOCKS + [E] * BLOCKS + [D] * STAGES  # pymoo's 45 integer genes, DyNAS-T's order


def config_of(x):
    values = [GENE_VALUES[i][int(v)] for i, v in enumerate(x)]
    return {"ks": values[:BLOCKS], "e": values[BLOCKS:2 * BLOCKS], "d": values[2 * BLOCKS:]}


def key_of(config):
    return ofa_surrogate.canonical(config)


def onehot_generic(x):
    """DyNAS-T's `onehot_generic`: a one-hot per gene (135 features), inactive genes included."""
    out = []
    for i, v in enumerate(x):
        segment = [0] * len(GENE_VALUES[i])
        segment[int(v)] = 1
        out.extend(segment)
    return out


def onehot_zeroed(x):
    """SwiftNAS's `oneHotFeatures(zeroInactive: true)`: like `onehot_generic`, but the ks and e genes of blocks
    beyond their stage's depth are all zero."""
    out = onehot_generic(x)
    for stage in range(STAGES):
        depth = D[int(x[2 * BLOCKS + stage])]
        for j in range(depth, 4):
            for gene in (stage * 4 + j, BLOCKS + stage * 4 + j):
                out[3 * gene:3 * gene + 3] = [0, 0, 0]
    return out


def write_run(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["n", "accuracy_top1", "macs", "config"])
        for n, (acc, macs, config) in enumerate(rows, 1):
            writer.writerow([n, repr(acc), repr(macs), json.dumps(config, separators=(",", ":"))])
    os.replace(tmp, path)


def read_run(path):
    with open(path, newline="") as handle:
        return [(float(r["accuracy_top1"]), float(r["macs"])) for r in csv.DictReader(handle)]


# ------------------------------------------------------------------------------------------------ pymoo peers

def _pymoo_parts():
    import numpy as np
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.algorithms.moo.nsga2 import NSGA2

    def nsga2(population=POPULATION):
        # DyNAS-T's EvolutionaryManager.configure_nsga2 (dynast/search/evolutionary.py).
        return NSGA2(pop_size=population, sampling=IntegerRandomSampling(),
                     crossover=SBX(prob=0.9, eta=15.0, vtype=float, repair=RoundingRepair()),
                     mutation=PM(prob=0.02, eta=20.0, vtype=float, repair=RoundingRepair()),
                     eliminate_duplicates=True)

    class OFAProblem(Problem):
        """45 integer genes; objectives (-accuracy, MACs) minimised, from `objective(X) -> (acc, macs)` arrays."""

        def __init__(self, objective):
            super().__init__(n_var=len(GENE_VALUES), n_obj=2, xl=0, xu=np.array([len(v) - 1 for v in GENE_VALUES]),
                             vtype=int)
            self.objective = objective

        def _evaluate(self, X, out, *args, **kwargs):
            acc, macs = self.objective(np.asarray(X).astype(int))
            out["F"] = np.column_stack([-np.asarray(acc, float), np.asarray(macs, float)])

    return np, nsga2, OFAProblem


def run_pymoo_nsga2(surrogate, seed, evals=EVALS):
    """pymoo NSGA-II straight on the surrogate; every evaluation recorded in order."""
    np, nsga2, OFAProblem = _pymoo_parts()
    from pymoo.optimize import minimize
    rows = []

    def objective(X):
        accs, macss = [], []
        for x in X:
            config = config_of(x)
            acc, macs = surrogate.evaluate(config)
            if len(rows) < evals:
                rows.append((acc, macs, config))
            accs.append(acc)
            macss.append(macs)
        return accs, macss

    minimize(OFAProblem(objective), nsga2(), ("n_evals", evals), seed=seed, verbose=False)
    return rows[:evals]


class DynastPredictor:
    """DyNAS-T's `dynast/predictors/dynamic_predictor.py`: ridge (alpha 0.1..10) and SVR (C 1..100, gamma='auto',
    epsilon=0) grid-searched with 5-fold CV on negative MAPE; the searcher with the best CV score predicts.
    Features with zero variance are dropped; labels are scaled by 10^(floor(log10 max|y|) - 1).

    Same as `GridSearchCV(estimator, grid, scoring='neg_mean_absolute_percentage_error')` (cv=5: unshuffled
    KFold; best = first of the highest mean fold score; refit on all rows), computed without GridSearchCV's
    per-fit overhead: ridge's whole alpha grid from one SVD per fold, SVR by libsvm directly
    (`fast=False` runs scikit-learn's GridSearchCV itself, for checking)."""

    ALPHAS = None
    COSTS = None

    def __init__(self, fast=True, ridge_only=False):
        import numpy as np
        self.np = np
        self.fast = fast
        self.ridge_only = ridge_only
        self.alphas = np.arange(0.1, 10.1, 0.1)
        self.costs = np.arange(1.0, 101.0, 1.0)
        self.names = ["ridge", "svr"]

    @staticmethod
    def _ridge_grid(np, X, y, alphas):
        """Predictions function for every alpha of sklearn Ridge(fit_intercept=True) fitted on X, y."""
        xm, ym = X.mean(0), y.mean()
        U, s, Vt = np.linalg.svd(X - xm, full_matrices=False)
        uty = U.T @ (y - ym)
        # coef[a] = V diag(s / (s^2 + alpha)) U^T (y - ym)
        coefs = np.stack([Vt.T @ (s / (s * s + a) * uty) for a in alphas])
        intercepts = ym - coefs @ xm
        return coefs, intercepts

    @staticmethod
    def _mape(np, y, p):
        return np.mean(np.abs(p - y) / np.maximum(np.abs(y), np.finfo(np.float64).eps))

    def _grid(self, X, y):
        np = self.np
        from sklearn.model_selection import KFold
        from sklearn import svm
        folds = list(KFold(n_splits=5).split(X))
        ridge_scores = np.zeros(len(self.alphas))
        svr_scores = np.zeros(len(self.costs))
        for train, test in folds:
            coefs, intercepts = self._ridge_grid(np, X[train], y[train], self.alphas)
            preds = X[test] @ coefs.T + intercepts
            ridge_scores += np.array([-self._mape(np, y[test], preds[:, i]) for i in range(len(self.alphas))])
            for i, c in enumerate([] if self.ridge_only else self.costs):
                model = svm.SVR(kernel="rbf", gamma="auto", epsilon=0.0, C=c, max_iter=1_000_000).fit(X[train], y[train])
                svr_scores[i] -= self._mape(np, y[test], model.predict(X[test]))
        ridge_scores /= len(folds)
        svr_scores /= len(folds)
        a, c = int(np.argmax(ridge_scores)), int(np.argmax(svr_scores))
        coefs, intercepts = self._ridge_grid(np, X, y, self.alphas[a:a + 1])
        ridge = ("ridge", {"alpha": float(self.alphas[a])}, float(ridge_scores[a]),
                 lambda Z, w=coefs[0], b=float(intercepts[0]): Z @ w + b)
        if self.ridge_only:
            return [ridge]
        model = svm.SVR(kernel="rbf", gamma="auto", epsilon=0.0, C=float(self.costs[c]), max_iter=1_000_000).fit(X, y)
        svr = ("svr", {"C": float(self.costs[c])}, float(svr_scores[c]), model.predict)
        return [ridge, svr]

    def _grid_sklearn(self, X, y):
        from sklearn import linear_model, svm
        from sklearn.model_selection import GridSearchCV
        out = []
        for name, est, grid in [("ridge", linear_model.Ridge(max_iter=1_000_000), {"alpha": self.alphas}),
                                ("svr", svm.SVR(kernel="rbf", gamma="auto", epsilon=0.0, max_iter=1_000_000), {"C": self.costs})]:
            searcher = GridSearchCV(est, grid, scoring="neg_mean_absolute_percentage_error", n_jobs=1).fit(X, y)
            out.append((name, {k: float(v) for k, v in searcher.best_params_.items()}, float(searcher.best_score_),
                        searcher.best_estimator_.predict))
        return out

    def train(self, X, y):
        np = self.np
        X, y = np.asarray(X, float), np.asarray(y, float)
        self.feature_indices = np.nonzero(np.var(X, 0))[0]
        max_label = np.amax(np.abs(y))
        self.scale = 10 ** (np.floor(np.log10(max_label)) - 1.0) if max_label > 0 else 1.0
        Xk = X[:, self.feature_indices]
        self.searchers = (self._grid if self.fast else self._grid_sklearn)(Xk, y / self.scale)
        self.scores = [s[2] for s in self.searchers]
        self.best = int(np.argmax(self.scores))
        return self

    @property
    def chosen(self):
        name, params, score, _ = self.searchers[self.best]
        return "%s(%s)" % (name, ",".join("%s=%g" % kv for kv in params.items()))

    def predict(self, X):
        X = self.np.asarray(X, float)
        return self.searchers[self.best][3](X[:, self.feature_indices]) * self.scale


def run_dynast_linas(surrogate, seed, evals=EVALS, population=POPULATION, inner_evals=INNER_EVALS, log=None,
                     encode=onehot_generic, label="dynast-linas", ridge_only=False):
    """DyNAS-T's LINAS (dynast/search/tactic/linas.py) re-created: measure a random population; train one predictor
    per objective on everything measured; run pymoo NSGA-II (DyNAS-T's operators, same seed) for `inner_evals`
    predicted evaluations; measure its final population (minus already-measured sub-networks, topped up at random)."""
    np, nsga2, OFAProblem = _pymoo_parts()
    from pymoo.optimize import minimize
    rng = random.Random(seed)
    measured_x, measured_acc, measured_macs, seen, rows = [], [], [], set(), []

    def random_x():
        return [rng.randrange(len(v)) for v in GENE_VALUES]

    def measure(batch):
        for x in batch:
            if len(rows) >= evals:
                return
            config = config_of(x)
            acc, macs = surrogate.evaluate(config)
            rows.append((acc, macs, config))
            measured_x.append(encode(x))
            measured_acc.append(acc)
            measured_macs.append(macs)

    def fresh(candidates):
        batch = []
        for x in candidates:
            k = key_of(config_of(x))
            if k not in seen and len(batch) < population:
                seen.add(k)
                batch.append(list(x))
        while len(batch) < population:
            x = random_x()
            k = key_of(config_of(x))
            if k not in seen:
                seen.add(k)
                batch.append(x)
        return batch

    batch = fresh([])
    loop = 0
    while True:
        measure(batch)
        if len(rows) >= evals:
            break
        loop += 1
        started = time.time()
        acc_p = DynastPredictor(ridge_only=ridge_only).train(measured_x, measured_acc)
        macs_p = DynastPredictor(ridge_only=ridge_only).train(measured_x, measured_macs)

        def objective(X):
            F = np.array([encode(x) for x in X], float)
            return acc_p.predict(F), macs_p.predict(F)

        result = minimize(OFAProblem(objective), nsga2(population), ("n_evals", inner_evals), seed=seed, verbose=False)
        proposals = np.asarray(result.pop.get("X")).astype(int)
        batch = fresh(proposals)
        new = sum(1 for x in proposals if key_of(config_of(x)) in {key_of(config_of(b)) for b in batch})
        if log:
            log("  %s seed %d loop %d: %d measured, predictors acc=%s macs=%s, %d of %d proposals new, %.0f s"
                % (label, seed, loop, len(rows), acc_p.chosen, macs_p.chosen, new, len(proposals), time.time() - started))
    return rows[:evals]


# ------------------------------------------------------------------------------------------------ SwiftNAS

def run_swiftnas(binary, model, tactic, algorithm, seed, work, evals=EVALS, population=POPULATION,
                 inner_evals=INNER_EVALS, measured_per_iteration=None, log=None):
    name = "swiftnas-%s-%s-seed%d" % (tactic, algorithm, seed)
    results = os.path.join(work, name + ".results.csv")
    store = os.path.join(work, name + ".db")
    evaluator = "%s %s %s" % (sys.executable, os.path.join(HERE, "ofa_surrogate_evaluator.py"), model)
    command = [binary, "search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0",
               "--optimization-metrics", "accuracy_top1", "macs", "--search-tactic", tactic, "--search-algo", algorithm,
               "--num-evals", str(evals), "--population", str(population), "--seed", str(seed),
               "--inner-evals", str(inner_evals), "--evaluator", evaluator,
               "--results-path", results, "--store", store, "--overwrite"]
    if measured_per_iteration:
        command += ["--measured-per-iteration", str(measured_per_iteration)]
    if log:
        log("  $ " + " ".join(command))
    with open(os.path.join(work, name + ".log"), "w") as out:
        subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=True)
    rows = []
    with open(results, newline="") as handle:
        for record in csv.DictReader(handle):
            if record["status"] != "ok":
                continue
            rows.append((float(record["accuracy_top1"]), float(record["macs"]), json.loads(record["config"])))
    return rows


# ------------------------------------------------------------------------------------------------ commands

def run(args):
    surrogate = Surrogate(args.model)
    os.makedirs(args.work, exist_ok=True)

    def log(text):
        line = "[%s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), text)
        print(line, flush=True)

    methods = args.methods or DEFAULT_METHODS
    for seed in args.seeds:
        for method in methods:
            path = os.path.join(args.work, "%s-seed%d.csv" % (method, seed))
            if os.path.exists(path):
                continue
            started = time.time()
            log("%s seed %d ..." % (method, seed))
            if method in SWIFTNAS_TACTICS:
                tactic, algorithm = SWIFTNAS_TACTICS[method]
                rows = run_swiftnas(args.swiftnas, args.model, tactic, algorithm, seed, args.work,
                                    population=args.population, inner_evals=args.inner_evals,
                                    measured_per_iteration=args.measured_per_iteration, log=log)
            elif method == "pymoo-nsga2":
                rows = run_pymoo_nsga2(surrogate, seed)
            elif method == "dynast-linas":
                rows = run_dynast_linas(surrogate, seed, population=args.population, inner_evals=args.inner_evals, log=log)
            elif method == "dynast-linas-zeroed":
                rows = run_dynast_linas(surrogate, seed, population=args.population, inner_evals=args.inner_evals, log=log,
                                        encode=onehot_zeroed,
                                        label=method)
            elif method == "dynast-linas-zeroed-ridge":
                rows = run_dynast_linas(surrogate, seed, population=args.population, inner_evals=args.inner_evals, log=log,
                                        encode=onehot_zeroed, label=method, ridge_only=True)
            else:
                raise SystemExit("unknown method %s" % method)
            if len(rows) < EVALS:
                log("WARNING: %s seed %d made only %d evaluations" % (method, seed, len(rows)))
            write_run(path, rows)
            curve = hv_curve([(a, m) for a, m, _ in rows])
            log("%s seed %d: HV@100 %.1f  HV@250 %.1f  (%d evaluations, %.0f s)"
                % (method, seed, curve[min(99, len(curve) - 1)], curve[-1], len(rows), time.time() - started))


def best_known_front(surrogate, seed=0, population=200, generations=500):
    """A long pymoo NSGA-II on the surrogate: an (approximate) ceiling for HV."""
    np, nsga2, OFAProblem = _pymoo_parts()
    from pymoo.optimize import minimize

    def objective(X):
        values = [surrogate.evaluate(config_of(x)) for x in X]
        return [v[0] for v in values], [v[1] for v in values]

    result = minimize(OFAProblem(objective), nsga2(population), ("n_gen", generations), seed=seed, verbose=False)
    return hypervolume([(-f[0], f[1] / 1e6) for f in result.F])


def table(args):
    curves = {}
    for method, label in METHODS:
        runs = []
        for seed in args.seeds:
            path = os.path.join(args.work, "%s-seed%d.csv" % (method, seed))
            if os.path.exists(path):
                runs.append((seed, hv_curve(read_run(path))))
        if runs:
            curves[method] = runs
    lines = ["| method | seeds | HV@100 mean ± std | HV@125 mean | HV@250 mean ± std |",
             "|---|---|---|---|---|"]
    means = {}
    for method, label in METHODS:
        if method not in curves:
            continue
        runs = curves[method]
        at = lambda n: [c[min(n, len(c)) - 1] for _, c in runs]  # noqa: E731
        length = min(len(c) for _, c in runs)
        means[method] = [statistics.mean(c[i] for _, c in runs) for i in range(length)]
        sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0  # noqa: E731
        lines.append("| %s | %d | %.1f ± %.1f | %.1f | %.1f ± %.1f |" % (
            label, len(runs), statistics.mean(at(100)), sd(at(100)), statistics.mean(at(125)),
            statistics.mean(at(250)), sd(at(250))))
    text = "\n".join(lines) + "\n"
    goal_lines = []
    if "dynast-linas" in means:
        target = means["dynast-linas"][-1]
        for method, label in METHODS:
            if method not in means or method == "dynast-linas":
                continue
            reached = next((n + 1 for n, v in enumerate(means[method]) if v >= target), None)
            goal_lines.append("- %s: mean HV first reaches the recipe's mean HV@250 (%.1f) at %s" % (
                label, target, "evaluation %d" % reached if reached else "no evaluation ≤ %d (mean HV@%d %.1f)"
                % (len(means[method]), len(means[method]), means[method][-1])))
    text += "\n" + "\n".join(goal_lines) + "\n" if goal_lines else ""
    per_seed = ["", "Per seed HV@100 / HV@250:", ""]
    for method, label in METHODS:
        if method in curves:
            per_seed.append("- %s: %s" % (label, ", ".join("s%d %.1f / %.1f" % (s, c[min(100, len(c)) - 1], c[-1])
                                                           for s, c in curves[method])))
    text += "\n".join(per_seed) + "\n"
    if args.ceiling:
        text += "\nBest-known front of the surrogate (pymoo NSGA-II, pop 200 × 500 generations): HV %.1f\n" % (
            best_known_front(Surrogate(args.ceiling)))
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("--model", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--swiftnas", default=".build/release/swiftnas")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    p.add_argument("--methods", nargs="+", choices=[m for m, _ in METHODS])
    p.add_argument("--inner-evals", type=int, default=INNER_EVALS)
    p.add_argument("--population", type=int, default=POPULATION, help="SwiftNAS runs and the recipe (pymoo NSGA-II keeps 50)")
    p.add_argument("--measured-per-iteration", type=int, help="SwiftNAS LINAS batch size (default: SwiftNAS's own)")
    p = sub.add_parser("table")
    p.add_argument("--work", required=True)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    p.add_argument("--markdown")
    p.add_argument("--ceiling", metavar="MODEL", help="also compute the surrogate's best-known front HV")
    args = parser.parse_args(argv)
    (run if args.command == "run" else table)(args)


if __name__ == "__main__":
    main()
