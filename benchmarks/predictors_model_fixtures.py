"""Writes Tests/SwiftNASPredictorsTests/Reference/models.json: scikit-learn 1.9 Ridge, SVR and GridSearchCV
results on a small seeded problem (targets in [10, 100) so DyNAS-T's label scaling is the identity), for the
Swift predictor tests.

Run: /work/venv-ref/bin/python benchmarks/predictors_model_fixtures.py
"""
import json
import pathlib

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.svm import SVR

rng = np.random.default_rng(7)
n_train, n_test, p = 60, 20, 8
x = rng.integers(0, 3, size=(n_train + n_test, p)).astype(float)
w = rng.normal(0, 2, size=p)
y = 50 + x @ w + np.sin(x[:, 0] * x[:, 1]) * 3 + rng.normal(0, 0.5, size=n_train + n_test)
xtr, ytr, xte = x[:n_train], y[:n_train], x[n_train:]

ridge = Ridge(alpha=1.3).fit(xtr, ytr)
svr = SVR(kernel="rbf", C=10.0, epsilon=0.1, gamma="scale", tol=1e-3).fit(xtr, ytr)
svr_auto = SVR(kernel="rbf", C=3.0, epsilon=0.0, gamma="auto", tol=1e-3).fit(xtr, ytr)
alphas = np.arange(0.1, 10.1, 0.1)
ridge_search = GridSearchCV(Ridge(), {"alpha": alphas}, scoring="neg_mean_absolute_percentage_error").fit(xtr, ytr)
costs = np.arange(1.0, 101.0, 1.0)
svr_search = GridSearchCV(SVR(kernel="rbf", gamma="scale", epsilon=0.1), {"C": costs},
                          scoring="neg_mean_absolute_percentage_error").fit(xtr, ytr)
fixture = {
    "generator": "benchmarks/predictors_model_fixtures.py",
    "train_x": xtr.tolist(), "train_y": ytr.tolist(), "test_x": xte.tolist(),
    "ridge_alpha_1_3": {"coef": ridge.coef_.tolist(), "intercept": float(ridge.intercept_),
                        "prediction": ridge.predict(xte).tolist()},
    "svr_c10_eps01_scale": {"prediction": svr.predict(xte).tolist(), "support": int(len(svr.support_))},
    "svr_c3_eps0_auto": {"prediction": svr_auto.predict(xte).tolist()},
    "ridge_search": {"alpha": float(ridge_search.best_params_["alpha"]), "mape": -100 * float(ridge_search.best_score_),
                     "mape_per_alpha": (-100 * ridge_search.cv_results_["mean_test_score"]).tolist()},
    "svr_search": {"cost": float(svr_search.best_params_["C"]), "mape": -100 * float(svr_search.best_score_),
                   "mape_per_cost": (-100 * svr_search.cv_results_["mean_test_score"]).tolist()},
}
out = pathlib.Path(__file__).resolve().parent.parent / "Tests/SwiftNASPredictorsTests/Reference/models.json"
out.write_text(json.dumps(fixture, indent=1))
print("ridge alpha", fixture["ridge_search"]["alpha"], "svr C", fixture["svr_search"]["cost"], "->", out)
