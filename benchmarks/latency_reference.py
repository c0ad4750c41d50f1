"""scikit-learn's held-out figures on the split `swiftnas latency fit --export-split DIR` wrote (train.csv and
test.csv: feature columns, then the target as the last column), for comparison with SwiftNAS's latency models.

Models, as the issue names them: LinearRegression, GradientBoostingRegressor (defaults, random_state=SEED) and
MLPRegressor (inputs standardised, one hidden layer of 100, max_iter=2000, random_state=SEED). MAPE in percent,
Kendall's tau-b and Spearman's rho from scipy.

Run: python benchmarks/latency_reference.py DIR SEED   (needs numpy, scipy, scikit-learn)
Prints one JSON object: {"linear": {"mape": ..., "rmse": ..., "kendall": ..., "spearman": ...}, "gbr": ..., "mlp": ...}
"""
import csv
import json
import sys
import warnings

import numpy as np
from scipy.stats import kendalltau, spearmanr
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    values = np.array([[float(cell) for cell in row] for row in rows[1:]])
    return values[:, :-1], values[:, -1]


def figures(actual, predicted):
    return {
        "mape": float(100 * np.mean(np.abs(actual - predicted) / np.abs(actual))),
        "rmse": float(np.sqrt(np.mean((actual - predicted) ** 2))),
        "kendall": float(kendalltau(actual, predicted)[0]),
        "spearman": float(spearmanr(actual, predicted)[0]),
    }


def main(directory, seed):
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    xtr, ytr = read(f"{directory}/train.csv")
    xte, yte = read(f"{directory}/test.csv")
    models = {
        "linear": LinearRegression(),
        "gbr": GradientBoostingRegressor(random_state=seed),
        "mlp": make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(100,), max_iter=2000, random_state=seed)),
    }
    print(json.dumps({name: figures(yte, model.fit(xtr, ytr).predict(xte)) for name, model in models.items()}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
