"""
Selecting features by the MI of the set, not one feature at a time
===================================================================

``SelectKBest`` with a univariate score ranks each feature by its own mutual
information with y. Two things defeat it: a copy of a strong feature ranks as
high as the feature, though it adds nothing once the feature is chosen; and
two features that matter only together rank no higher than noise.
:class:`~sklearn_mine.MutualInfoSelector` adds, round by round, the feature
that most raises the MI of the selected set with y, and with
``n_features_to_select="auto"`` stops when the gain is no longer above what
permuted copies of features gain by luck.

Here y = x0 sign(x1) + x2 + noise, with a near copy of x2 and noise features.
Alone, x1 says nothing about y (y's distribution is the same for either sign
of x1); with x0 it says which way x0 enters.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.feature_selection import SelectKBest, mutual_info_regression
from sklearn.model_selection import train_test_split

from sklearn_mine import MutualInfoSelector
from sklearn_mine.plotting import plot_selection

rng = np.random.RandomState(0)
n = 1000
X = rng.standard_normal((n, 7))
X[:, 3] = X[:, 2] + 0.1 * rng.standard_normal(n)  # a near copy of x2
y = X[:, 0] * np.sign(X[:, 1]) + X[:, 2] + 0.2 * rng.standard_normal(n)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

selector = MutualInfoSelector(random_state=0).fit(X_train, y_train)
print("MutualInfoSelector keeps", selector.get_support(indices=True))
kbest = SelectKBest(mutual_info_regression, k=3).fit(X_train, y_train)
print("SelectKBest(mutual_info_regression, k=3) keeps", kbest.get_support(indices=True))

# %%
# The evidence, round by round: on the left the MI of the selected set with
# y and its 95 % interval (``plot_selection``), on the right the gain of
# each round with its interval and the bound (red) that the round's
# shadows, permuted copies of features trained beside the candidates, put
# on what the best of them could gain by luck. Selection stopped at the
# first round whose gain stays below that bound (and, finding no single
# feature, tried the pairs of the rest too).
history = selector.history_
rounds = np.arange(1, len(history["features"]) + 1)
labels = ["+" + "&".join(f"x{j}" for j in features) for features in history["features"]]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
plot_selection(selector, ax=left)
colors = ["tab:green" if a else "tab:gray" for a in history["accepted"]]
right.bar(
    rounds,
    history["gain"],
    yerr=1.96 * history["gain_standard_error"],
    color=colors,
)
right.scatter(
    rounds, history["null_bound"], marker="_", s=600, color="tab:red", zorder=3
)
right.axhline(0, color="black", linewidth=0.8)
right.set_xticks(rounds, labels)
right.set_ylabel("gain of the round, nats (green: made)")
fig.tight_layout()

# %%
# Downstream, a model that can use the interaction, trained on each
# selection and scored on held-out rows.
for name, chosen in [("MutualInfoSelector", selector), ("SelectKBest", kbest)]:
    model = HistGradientBoostingRegressor(random_state=0)
    model.fit(chosen.transform(X_train), y_train)
    print(f"{name}: R^2 = {model.score(chosen.transform(X_test), y_test):.3f}")

# %%
# ``benchmarks/bench_selection.py`` compares the two, with mRMR,
# ``SelectKBest(mutual_info_mine)`` and ``SequentialFeatureSelector``, on
# redundant, interacting and wide synthetic tables and on two of
# scikit-learn's tables.
