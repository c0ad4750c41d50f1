"""scikit-learn side of benchmarks/predictors.sh: DyNAS-T's LINAS predictor recipe.

  prepare CSV TARGET DIR [ROWS] [SEED]  - reads a DyNAS-T OFA-MobileNetV3 results file, merges duplicate
        sub-networks (mean target), shuffles (numpy seed), one-hot encodes (135 features: ks x20, e x20, d x5,
        3 values each; blocks beyond a stage's depth all zero, as SearchSpace.oneHotFeatures) and writes
        DIR/train.csv (ROWS rows, default 250) and DIR/test.csv (the rest): config, target, x0..x134.
  run DIR [REPEATS]  - times DyNAS-T's Predictor.train on DIR/train.csv (median of REPEATS) and prints one JSON
        line with the seconds and the Kendall tau on DIR/test.csv.

The recipe is dynast/predictors/dynamic_predictor.py (IntelLabs/DyNAS-T): drop constant features, scale labels
by 10**(floor(log10(max|y|)) - 1), GridSearchCV(Ridge, alpha 0.1..10) and GridSearchCV(SVR(rbf, gamma='auto',
epsilon=0), C 1..100), 5 folds, neg MAPE scoring, n_jobs=-1; the better best_score_ predicts.
"""
import ast
import csv
import json
import sys
import time

import numpy as np

VALUES = {"ks": [3, 5, 7], "e": [3, 4, 6], "d": [2, 3, 4]}


def one_hot(config):
    features = []
    for name, count in [("ks", 20), ("e", 20), ("d", 5)]:
        for gene in range(count):
            slot = [0.0, 0.0, 0.0]
            active = name == "d" or gene % 4 < config["d"][gene // 4]
            if active:
                slot[VALUES[name].index(config[name][gene])] = 1.0
            features.extend(slot)
    return features


def prepare(path, target, directory, rows=250, seed=0):
    merged = {}
    with open(path, newline="") as f:
        for record in csv.DictReader(f):
            config = ast.literal_eval(record["Sub-network"])
            x = one_hot(config)
            entry = merged.setdefault(tuple(x), [config, 0.0, 0])
            entry[1] += float(record[target])
            entry[2] += 1
    items = list(merged.items())
    order = np.random.default_rng(seed).permutation(len(items))
    for name, chosen in [("train.csv", order[:rows]), ("test.csv", order[rows:])]:
        with open(f"{directory}/{name}", "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["config", "target"] + [f"x{i}" for i in range(135)])
            for i in chosen:
                x, (config, total, count) = items[i]
                out.writerow([json.dumps({k: config[k] for k in ("ks", "e", "d")}), repr(total / count)] + [repr(v) for v in x])


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return np.array([[float(v) for v in r[2:]] for r in rows[1:]]), np.array([float(r[1]) for r in rows[1:]])


def run(directory, repeats=3):
    from scipy.stats import kendalltau
    from sklearn import linear_model, svm
    from sklearn.model_selection import GridSearchCV

    xtr, ytr = read(f"{directory}/train.csv")
    xte, yte = read(f"{directory}/test.csv")

    def train():
        kept = np.nonzero(np.var(xtr, 0))[0]
        largest = np.amax(np.abs(ytr))
        scale = 10 ** (np.floor(np.log10(largest)) - 1.0) if largest > 0 else 1.0
        searchers = [
            GridSearchCV(linear_model.Ridge(max_iter=1000000), {"alpha": np.arange(0.1, 10.1, 0.1)}, n_jobs=-1,
                         scoring="neg_mean_absolute_percentage_error"),
            GridSearchCV(svm.SVR(kernel="rbf", gamma="auto", epsilon=0.0, max_iter=1000000),
                         {"C": np.arange(1.0, 101.0, 1.0)}, n_jobs=-1, scoring="neg_mean_absolute_percentage_error"),
        ]
        for s in searchers:
            s.fit(xtr[:, kept], ytr / scale)
        best = max(searchers, key=lambda s: s.best_score_)
        return best.best_estimator_.predict(xte[:, kept]) * scale, type(best.best_estimator_).__name__

    train()  # warm-up (joblib worker start)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predicted, chosen = train()
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": sorted(times)[len(times) // 2], "kendall": kendalltau(yte, predicted)[0],
                      "selected": chosen, "train_rows": len(ytr), "test_rows": len(yte), "features": xtr.shape[1]}))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4], *[int(a) for a in sys.argv[5:7]])
    else:
        run(sys.argv[2], *[int(a) for a in sys.argv[3:4]])
