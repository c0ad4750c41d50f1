"""Writes Tests/SwiftNASPredictorsTests/Reference/metrics.json: MAPE, RMSE, Kendall tau-b and Spearman rho
computed by scikit-learn / scipy on seeded random cases (with and without ties), for the Swift metric tests.

Run: /work/venv-ref/bin/python benchmarks/predictors_metric_fixtures.py
"""
import json
import pathlib

import numpy as np
from scipy.stats import kendalltau, spearmanr
from sklearn.metrics import mean_absolute_percentage_error, mean_squared_error

rng = np.random.default_rng(20261123)
cases = []
for n, tie_levels in [(2, 0), (5, 0), (17, 3), (50, 0), (64, 4), (200, 7), (301, 0), (500, 20)]:
    if tie_levels:
        actual = rng.integers(1, tie_levels + 1, size=n).astype(float)
        predicted = rng.integers(1, tie_levels + 2, size=n).astype(float) + 0.5 * actual
    else:
        actual = rng.normal(70, 5, size=n)
        predicted = actual + rng.normal(0, 3, size=n)
    cases.append({
        "actual": actual.tolist(),
        "predicted": predicted.tolist(),
        "mape": 100.0 * mean_absolute_percentage_error(actual, predicted),
        "rmse": float(np.sqrt(mean_squared_error(actual, predicted))),
        "kendall": float(kendalltau(actual, predicted)[0]),
        "spearman": float(spearmanr(actual, predicted)[0]),
    })
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/SwiftNASPredictorsTests/Reference/metrics.json"
out.write_text(json.dumps({"generator": "benchmarks/predictors_metric_fixtures.py", "cases": cases}, indent=1))
print(f"wrote {len(cases)} cases to {out}")
