"""scikit-learn's figures on the split `swiftnas predictor evaluate --export-split DIR` wrote, printed in the
same line format, for comparison with SwiftNAS's predictors.

Each model follows DyNAS-T's LINAS predictor (IntelLabs/DyNAS-T, dynast/predictors/dynamic_predictor.py):
features constant on the training rows are dropped, targets are divided by 10**(floor(log10(max|y|)) - 1),
and GridSearchCV (5 contiguous folds, neg_mean_absolute_percentage_error) picks Ridge alpha in 0.1..10 and
SVR C in 1..100. `sk-svr` uses scikit-learn's SVR defaults (gamma='scale', epsilon=0.1) like SwiftNAS's
`svr`; `sk-select` is DyNAS-T's Predictor: Ridge against SVR(gamma='auto', epsilon=0), best CV MAPE wins.

Run: python benchmarks/predictors_reference.py DIR   (needs numpy, scipy, scikit-learn)
"""
import csv
import sys

import numpy as np
from scipy.stats import kendalltau, spearmanr
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_percentage_error
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVR

ALPHAS = np.arange(0.1, 10.1, 0.1)
COSTS = np.arange(1.0, 101.0, 1.0)


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    features = [i for i, name in enumerate(header) if name.startswith("x") and name[1:].isdigit()]
    x = np.array([[float(r[i]) for i in features] for r in rows[1:]])
    y = np.array([float(r[1]) for r in rows[1:]])
    return x, y


def search(estimator, grid, x, y):
    return GridSearchCV(estimator, grid, scoring="neg_mean_absolute_percentage_error").fit(x, y)


def main(directory):
    xtr, ytr = read(f"{directory}/train.csv")
    xte, yte = read(f"{directory}/test.csv")
    kept = np.nonzero(np.var(xtr, 0))[0]
    largest = np.amax(np.abs(ytr))
    scale = 10 ** (np.floor(np.log10(largest)) - 1.0) if largest > 0 else 1.0
    xtr, xte, ytr_scaled = xtr[:, kept], xte[:, kept], ytr / scale
    ridge = search(Ridge(), {"alpha": ALPHAS}, xtr, ytr_scaled)
    svr = search(SVR(kernel="rbf", gamma="scale", epsilon=0.1), {"C": COSTS}, xtr, ytr_scaled)
    svr_dynast = search(SVR(kernel="rbf", gamma="auto", epsilon=0.0), {"C": COSTS}, xtr, ytr_scaled)
    select = max([ridge, svr_dynast], key=lambda s: s.best_score_)
    for name, model in [("sk-ridge", ridge), ("sk-svr", svr), ("sk-svr-dynast", svr_dynast), ("sk-select", select)]:
        predicted = model.predict(xte) * scale
        mape = 100 * mean_absolute_percentage_error(yte, predicted)
        rmse = float(np.sqrt(np.mean((yte - predicted) ** 2)))
        print(f"{name} mape={mape:.4f} rmse={rmse:.6g} kendall={kendalltau(yte, predicted)[0]:.4f} "
              f"spearman={spearmanr(yte, predicted)[0]:.4f}  ({model.best_params_})")


if __name__ == "__main__":
    main(sys.argv[1])
