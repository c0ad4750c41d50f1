"""A surrogate of OFA-MobileNetV3 (w1.0) on ImageNet, fitted to DyNAS-T's real measurements.

Data: the DyNAS-T result files in ../shared/data/ofa-mbv3-imagenet/ (real ImageNet top-1 accuracy and MACs of
sub-networks measured during DyNAS-T's own searches). `ofa_latency_sample.csv` is left out: its accuracy column is
a placeholder (90.0) and its MACs come from another counter (about 1 % higher for the same sub-networks).

Features (195): for each of the 20 blocks a one-hot over its 9 (kernel size, expansion) pairs, all zero when the
block is inactive (block j of stage i is active when j < d[i]), then a one-hot of each of the 5 stage depths.

- MACs: exactly additive over active blocks (a stage's input width is fixed in OFA-MobileNetV3 w1.0, so a block's
  cost depends only on its position and its own ks and e); a least-squares fit of the linear model reproduces every
  real row to within rounding. `evaluate` returns the rounded integer.
- Accuracy: ridge regression on the same features (alpha chosen by 5-fold CV on Kendall's tau), fitted to the
  mean accuracy of each distinct sub-network (the files overlap; repeated measurements are averaged). Linear in
  the one-hot features — exactly what LINAS's ridge models — so `--kind gbt` fits a non-linear alternative:
  scikit-learn's gradient-boosted trees on the same features and rows (trees, depth and shrinkage chosen by 5-fold
  CV on Kendall's tau), saved tree by tree so that `evaluate` stays pure Python. MACs are the exact linear model in
  both kinds.

Fitting needs numpy (and scikit-learn for `--kind gbt`); `evaluate` needs only the standard library and the JSON
written by `fit`.

    python3 benchmarks/ofa_surrogate.py fit --data ../shared/data/ofa-mbv3-imagenet --out /tmp/ofa_surrogate.json
    python3 benchmarks/ofa_surrogate.py fit --kind gbt --data ../shared/data/ofa-mbv3-imagenet --out /tmp/ofa_gbt.json
    python3 benchmarks/ofa_surrogate.py check --model /tmp/ofa_surrogate.json --data ../shared/data/ofa-mbv3-imagenet
"""

import argparse
import ast
import csv
import glob
import json
import os
import random
import sys

KS = [3, 5, 7]
E = [3, 4, 6]
D = [2, 3, 4]
STAGES = 5
BLOCKS_PER_STAGE = 4
BLOCKS = STAGES * BLOCKS_PER_STAGE
PAIRS = [(k, e) for k in KS for e in E]
N_FEATURES = BLOCKS * len(PAIRS) + STAGES * len(D)
DATA_FILES = ["mbnv3w10_evoga_acc.csv", "mbnv3w10_evonsga2_acc_macs.csv", "mbnv3w10_linasnsga2_acc_macs.csv"]


def canonical(config):
    """(ks, e, d) as tuples with inactive blocks' ks and e set to 0: equal for equal sub-networks."""
    ks, e, d = list(config["ks"]), list(config["e"]), list(config["d"])
    if len(ks) != BLOCKS or len(e) != BLOCKS or len(d) != STAGES:
        raise ValueError("expected 20 ks, 20 e, 5 d; got %d, %d, %d" % (len(ks), len(e), len(d)))
    for stage in range(STAGES):
        for j in range(BLOCKS_PER_STAGE):
            if j >= d[stage]:
                ks[stage * BLOCKS_PER_STAGE + j] = 0
                e[stage * BLOCKS_PER_STAGE + j] = 0
    return tuple(ks), tuple(e), tuple(d)


def active_feature_indices(config):
    """The indices of the 1s in the 195-feature vector (it has 15 to 25 of them)."""
    ks, e, d = config["ks"], config["e"], config["d"]
    ones = []
    for stage in range(STAGES):
        depth = int(d[stage])
        if depth not in D:
            raise ValueError("depth %r not in %r" % (depth, D))
        for j in range(depth):
            b = stage * BLOCKS_PER_STAGE + j
            pair = (int(ks[b]), int(e[b]))
            if pair not in PAIRS:
                raise ValueError("block %d: (ks, e) = %r not in the space" % (b, pair))
            ones.append(b * len(PAIRS) + PAIRS.index(pair))
        ones.append(BLOCKS * len(PAIRS) + stage * len(D) + D.index(depth))
    return ones


def features(config):
    row = [0.0] * N_FEATURES
    for i in active_feature_indices(config):
        row[i] = 1.0
    return row


def read_rows(data_dir, files=DATA_FILES):
    """Distinct sub-networks: {canonical key: {"config", "macs": [...], "acc": [...]}}."""
    merged = {}
    for name in files:
        with open(os.path.join(data_dir, name), newline="") as handle:
            for record in csv.DictReader(handle):
                config = ast.literal_eval(record["Sub-network"])
                key = canonical(config)
                entry = merged.setdefault(key, {"config": {"ks": list(key[0]), "e": list(key[1]), "d": list(key[2])},
                                                "macs": [], "acc": []})
                entry["macs"].append(float(record["MACs"]))
                entry["acc"].append(float(record["Top-1 Acc (%)"]))
    return merged


class Surrogate:
    """evaluate(config) -> (top-1 accuracy %, MACs), from the JSON written by `fit`."""

    def __init__(self, path):
        with open(path) as handle:
            model = json.load(handle)
        accuracy = model["accuracy"]
        self.kind = accuracy.get("kind", "ridge")
        if self.kind == "gbt":
            self.accuracy = accuracy
        else:
            self.acc_w = accuracy["weights"]
            self.acc_b = accuracy["intercept"]
        self.macs_w = model["macs"]["weights"]
        self.macs_b = model["macs"]["intercept"]
        self.meta = model.get("meta", {})

    @staticmethod
    def tree_sum(accuracy, x):
        """The boosted trees' prediction for the dense feature vector x."""
        total = 0.0
        for tree in accuracy["trees"]:
            left, right, feature, threshold = tree["left"], tree["right"], tree["feature"], tree["threshold"]
            node = 0
            while left[node] != -1:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            total += tree["value"][node]
        return accuracy["init"] + accuracy["learning_rate"] * total

    def evaluate(self, config):
        ones = active_feature_indices(config)
        if self.kind == "gbt":
            acc = self.tree_sum(self.accuracy, features(config))
        else:
            acc = self.acc_b + sum(self.acc_w[i] for i in ones)
        macs = round(self.macs_b + sum(self.macs_w[i] for i in ones))
        return acc, float(macs)


_DEFAULT = None


def evaluate(config, model_path=None):
    """Module-level convenience: the surrogate at $OFA_SURROGATE (or model_path), loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Surrogate(model_path or os.environ["OFA_SURROGATE"])
    return _DEFAULT.evaluate(config)


# ----------------------------------------------------------------------------------------------- fitting (numpy)

def _kendall(a, b):
    import numpy as np
    a, b = np.asarray(a), np.asarray(b)
    da = np.sign(a[:, None] - a[None, :])
    db = np.sign(b[:, None] - b[None, :])
    num = (da * db).sum()
    den = np.sqrt((da != 0).sum() * (db != 0).sum())
    return float(num / den) if den else 0.0


def _ridge(X, y, alpha):
    """Ridge with an unpenalised intercept (centred data)."""
    import numpy as np
    xm, ym = X.mean(0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, float(ym - xm @ w)


def _fit_gbt(X, acc, folds, seed):
    """Gradient-boosted trees (scikit-learn), settings by 5-fold CV on Kendall's tau; the trees as JSON arrays."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingRegressor
    order = np.concatenate(folds)
    cv = {}
    grid = [(trees, depth, rate) for trees in (300, 800) for depth in (3, 5) for rate in (0.05,)]
    for trees, depth, rate in grid:
        taus, maes, pred_all = [], [], np.zeros(len(X))
        for f in folds:
            train = np.setdiff1d(order, f)
            model = GradientBoostingRegressor(n_estimators=trees, max_depth=depth, learning_rate=rate, subsample=0.8,
                                              random_state=seed).fit(X[train], acc[train])
            p = model.predict(X[f])
            pred_all[f] = p
            taus.append(_kendall(acc[f], p))
            maes.append(float(np.mean(np.abs(acc[f] - p))))
        cv["trees=%d depth=%d rate=%g" % (trees, depth, rate)] = {
            "tau": float(np.mean(taus)), "mae": float(np.mean(maes)),
            "r2": float(1 - np.sum((acc - pred_all) ** 2) / np.sum((acc - acc.mean()) ** 2))}
    best = max(range(len(grid)), key=lambda i: list(cv.values())[i]["tau"])
    trees, depth, rate = grid[best]
    model = GradientBoostingRegressor(n_estimators=trees, max_depth=depth, learning_rate=rate, subsample=0.8,
                                      random_state=seed).fit(X, acc)
    exported = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        exported.append({"left": t.children_left.tolist(), "right": t.children_right.tolist(),
                         "feature": t.feature.tolist(), "threshold": t.threshold.tolist(),
                         "value": t.value[:, 0, 0].tolist()})
    accuracy = {"kind": "gbt", "init": float(model.init_.constant_[0][0]), "learning_rate": rate, "trees": exported,
                "settings": {"trees": trees, "depth": depth, "learning_rate": rate, "subsample": 0.8}}
    # The pure-Python evaluation must reproduce scikit-learn's predictions.
    check = max(abs(Surrogate.tree_sum(accuracy, x) - p) for x, p in zip(X[:50], model.predict(X[:50])))
    if check > 1e-9:
        raise RuntimeError("exported trees disagree with scikit-learn by %g" % check)
    return accuracy, cv, list(cv)[best]


def fit(data_dir, out_path, seed=0, kind="ridge"):
    import numpy as np
    merged = read_rows(data_dir)
    keys = sorted(merged)
    X = np.array([features(merged[k]["config"]) for k in keys])
    macs = np.array([np.mean(merged[k]["macs"]) for k in keys])
    acc = np.array([np.mean(merged[k]["acc"]) for k in keys])
    raw_rows = sum(len(merged[k]["acc"]) for k in keys)
    macs_spread = max(max(merged[k]["macs"]) - min(merged[k]["macs"]) for k in keys)
    acc_spread = [max(merged[k]["acc"]) - min(merged[k]["acc"]) for k in keys if len(merged[k]["acc"]) > 1]

    # MACs: least squares (minimum norm: the depth one-hots are collinear with the intercept).
    A = np.hstack([X, np.ones((len(X), 1))])
    coef, *_ = np.linalg.lstsq(A, macs, rcond=None)
    macs_w, macs_b = coef[:-1], float(coef[-1])
    macs_fit = np.rint(A @ coef)
    macs_max_err = float(np.max(np.abs(macs_fit - macs)))

    # Accuracy: ridge, alpha by 5-fold CV (shuffled) on Kendall's tau; also report R^2 and MAE.
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    folds = np.array_split(order, 5)
    cv = {}
    for alpha in [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]:
        taus, maes, pred_all = [], [], np.zeros(len(X))
        for f in folds:
            train = np.setdiff1d(order, f)
            w, b = _ridge(X[train], acc[train], alpha)
            p = X[f] @ w + b
            pred_all[f] = p
            taus.append(_kendall(acc[f], p))
            maes.append(float(np.mean(np.abs(acc[f] - p))))
        cv[alpha] = {"tau": float(np.mean(taus)), "mae": float(np.mean(maes)),
                     "r2": float(1 - np.sum((acc - pred_all) ** 2) / np.sum((acc - acc.mean()) ** 2))}
    best_alpha = max(cv, key=lambda a: cv[a]["tau"])
    acc_w, acc_b = _ridge(X, acc, best_alpha)
    accuracy = {"weights": acc_w.tolist(), "intercept": acc_b, "alpha": best_alpha}
    if kind == "gbt":
        accuracy, cv, best_alpha = _fit_gbt(X, acc, folds, seed)
        acc_fit = np.array([Surrogate.tree_sum(accuracy, x) for x in X])
    else:
        acc_fit = X @ acc_w + acc_b
    model = {
        "accuracy": accuracy,
        "macs": {"weights": macs_w.tolist(), "intercept": macs_b},
        "meta": {
            "data_files": DATA_FILES, "raw_rows": int(raw_rows), "distinct_subnetworks": len(keys),
            "macs_max_abs_error": macs_max_err, "macs_max_spread_between_duplicates": float(macs_spread),
            "acc_duplicates": len(acc_spread), "acc_mean_spread_between_duplicates": float(np.mean(acc_spread)) if acc_spread else 0.0,
            "acc_kind": kind, "acc_cv": {str(a): v for a, v in cv.items()}, "acc_alpha": best_alpha,
            "acc_train_mae": float(np.mean(np.abs(acc_fit - acc))),
            "acc_range": [float(acc.min()), float(acc.max())], "macs_range": [float(macs.min()), float(macs.max())],
        },
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as handle:
        json.dump(model, handle)
    return model


def check(model_path, data_dir):
    """Re-reads the real rows and compares them with the saved surrogate (pure Python)."""
    surrogate = Surrogate(model_path)
    merged = read_rows(data_dir)
    macs_err = max(abs(surrogate.evaluate(v["config"])[1] - sum(v["macs"]) / len(v["macs"])) for v in merged.values())
    acc_err = [abs(surrogate.evaluate(v["config"])[0] - sum(v["acc"]) / len(v["acc"])) for v in merged.values()]
    return {"distinct": len(merged), "macs_max_abs_error": macs_err, "acc_train_mae": sum(acc_err) / len(acc_err),
            "acc_train_max_abs_error": max(acc_err)}


def random_config(rng):
    return {"ks": [rng.choice(KS) for _ in range(BLOCKS)], "e": [rng.choice(E) for _ in range(BLOCKS)],
            "d": [rng.choice(D) for _ in range(STAGES)]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fit")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--kind", choices=["ridge", "gbt"], default="ridge", help="the accuracy model (MACs are exact either way)")
    p = sub.add_parser("check")
    p.add_argument("--data", required=True)
    p.add_argument("--model", required=True)
    args = parser.parse_args(argv)
    if args.command == "fit":
        model = fit(args.data, args.out, kind=args.kind)
        meta = model["meta"]
        print(json.dumps({k: v for k, v in meta.items() if k != "acc_cv"}, indent=1))
        for setting, scores in meta["acc_cv"].items():
            print("%s %-28s 5-fold CV: tau %.4f  MAE %.4f  R2 %.4f" % (meta["acc_kind"], setting, scores["tau"], scores["mae"], scores["r2"]))
        print(json.dumps(check(args.out, args.data)))
    else:
        print(json.dumps(check(args.model, args.data)))


if __name__ == "__main__":
    sys.exit(main())
