"""
Model selection by the held-out bound
=====================================

``MINEEstimator.score`` is the fitted critic's bound on new pairs, and a
tighter bound means a critic closer to the true log density ratio, so
``GridSearchCV`` can choose the critic's width by cross-validation.
"""

import matplotlib.pyplot as plt
from sklearn.model_selection import GridSearchCV

from sklearn_mine import MINEEstimator
from sklearn_mine.datasets import make_gaussian

X, y, true_mi = make_gaussian(
    3000,
    n_features_x=3,
    n_features_y=3,
    mi=0.6,
    cross_correlation="dense",
    random_state=0,
)
search = GridSearchCV(
    MINEEstimator(random_state=0), {"hidden_units": [4, 16, 64]}, cv=3
).fit(X, y)

results = search.cv_results_
fig, ax = plt.subplots(figsize=(6, 4))
ax.errorbar(
    results["param_hidden_units"].astype(int),
    results["mean_test_score"],
    yerr=results["std_test_score"],
    marker="o",
)
ax.axhline(true_mi, color="black", linestyle="--", label="true MI")
ax.set_xscale("log", base=2)
ax.set_xlabel("hidden_units")
ax.set_ylabel("held-out bound (nats)")
ax.legend()
fig.tight_layout()
print("best:", search.best_params_, f"{search.best_score_:.3f} nats")
