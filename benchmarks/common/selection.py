"""The selectors and helpers shared by ``bench_selection.py`` and
``bench_selection_tables.py``.

``SELECTOR_PARAMS`` holds the settings (``--set``) of every
``MutualInfoSelector`` built here other than its defaults; the scripts fill
it from their command line. mRMR needs the ``compare`` extra
(``mrmr-selection``).
"""

import time

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.feature_selection import (
    SelectKBest,
    SelectorMixin,
    SequentialFeatureSelector,
    mutual_info_classif,
    mutual_info_regression,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch.optim.optimizer import register_optimizer_step_post_hook

from sklearn_mine import MutualInfoSelector, mutual_info_mine, mutual_info_mine_classif

# Settings of every MutualInfoSelector of the recovery, cv and patience
# tables other than its defaults (--set).
SELECTOR_PARAMS = {}


class MRMRSelector(SelectorMixin, BaseEstimator):
    """mrmr-selection's greedy mRMR as a scikit-learn selector (k features).

    mrmr-selection offers functions on pandas frames only; this wraps them so
    that the selection runs inside each cross-validation fold.
    """

    def __init__(self, k=5, classification=False):
        self.k = k
        self.classification = classification

    def fit(self, X, y):
        from mrmr import mrmr_classif, mrmr_regression

        select = mrmr_classif if self.classification else mrmr_regression
        X = np.asarray(X)
        chosen = select(
            X=pd.DataFrame(X), y=pd.Series(y), K=self.k, show_progress=False
        )
        self.support_ = np.zeros(X.shape[1], dtype=bool)
        self.support_[[int(j) for j in chosen]] = True
        self.n_features_in_ = X.shape[1]
        return self

    def _get_support_mask(self):
        return self.support_


def model_for(classification, real):
    if real:
        if classification:
            return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        return RidgeCV()
    if classification:
        return HistGradientBoostingClassifier(random_state=0)
    return HistGradientBoostingRegressor(random_state=0)


def selectors(classification, k, real, seed):
    ksg = mutual_info_classif if classification else mutual_info_regression
    mine = mutual_info_mine_classif if classification else mutual_info_mine

    def ksg_score(X, y):
        return ksg(X, y, random_state=seed)

    def mine_score(X, y):
        return mine(X, y, random_state=seed)

    return {
        "MutualInfoSelector auto": MutualInfoSelector(
            random_state=seed, **SELECTOR_PARAMS
        ),
        "MutualInfoSelector k": MutualInfoSelector(
            k, random_state=seed, **SELECTOR_PARAMS
        ),
        "SelectKBest KSG": SelectKBest(ksg_score, k=k),
        "SelectKBest MINE": SelectKBest(mine_score, k=k),
        "mRMR": MRMRSelector(k, classification),
        "SFS": SequentialFeatureSelector(
            model_for(classification, real), n_features_to_select=k, cv=3
        ),
    }


def timed_fit(selector, X, y):
    start = time.perf_counter()
    selector = clone(selector).fit(X, y)
    return selector, time.perf_counter() - start


def markdown(rows, columns):
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def mine_order(history):
    """The features a MutualInfoSelector added, in order."""
    return [
        j
        for features, accepted in zip(history["features"], history["accepted"])
        if accepted
        for j in features
    ]


class StepCounter:
    """Counts the optimiser steps of every torch optimiser while active.

    Every critic's training step is one optimiser step over the whole
    grouped critic, and a step costs about the same in a selector's round
    as in a ``mutual_info_mine`` call over the same features (the ratio of
    seconds and the ratio of steps agree within the timing noise): the
    steps give a cost that, unlike seconds, does not move with the
    machine's load.
    """

    def __enter__(self):
        # The steps of each training in turn: every training builds its own
        # optimiser, and trainings run one after another (n_jobs=None).
        self.trainings = []
        self._last = None
        self._handle = register_optimizer_step_post_hook(self._count)
        return self

    @property
    def steps(self):
        return sum(self.trainings)

    def _count(self, optimizer, args, kwargs):
        if optimizer is not self._last:
            self._last = optimizer
            self.trainings.append(0)
        self.trainings[-1] += 1

    def __exit__(self, *exc):
        self._handle.remove()


def paired_difference(scores, reference, n_folds):
    """Mean fold-by-fold difference of two selectors' scores on the same
    folds, with its standard error corrected for the folds' overlapping
    training rows (Nadeau and Bengio, 2003; for repeated k-fold, Bouckaert
    and Frank, 2004): the variance of the differences times 1/J + 1/(k - 1)
    over J folds in all, not 1/J."""
    differences = np.asarray(scores) - np.asarray(reference)
    factor = 1 / len(differences) + 1 / (n_folds - 1)
    return differences.mean(), np.sqrt(factor * differences.var(ddof=1))
