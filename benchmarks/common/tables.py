"""The per-feature p-values' tables: many features, a few informative.

Only numpy and scikit-learn: ``bench_release.py`` draws them in a process
that imports a released package, whose internals :mod:`common.internals`
does not know.
"""

import numpy as np
from sklearn.feature_selection import SelectFdr


def fdr_table(kind, n, rng, n_informative=10, n_noise=100):
    """A table whose first ``n_informative`` features act on y additively.

    ``kind``: ``"linear"``, or ``"non-monotone"`` (each feature's effect is
    even, uncorrelated with y).
    """
    X = rng.standard_normal((n, n_informative + n_noise))
    informative = X[:, :n_informative]
    if kind == "linear":
        signal = 0.12 * informative.sum(axis=1)
    else:
        signal = 0.12 * ((informative**2 - 1) / np.sqrt(2)).sum(axis=1)
    return X, signal + rng.standard_normal(n)


def fdr_outcome(X, y, pvalues, alpha, n_informative=10):
    """``SelectFdr(alpha)`` on ``pvalues``: the false discovery proportion of
    its selection and the informative features (the first
    ``n_informative``) it found."""
    selector = SelectFdr(lambda X, y, p=pvalues: (-p, p), alpha=alpha)
    kept = np.flatnonzero(selector.fit(X, y).get_support())
    found = int(np.sum(kept < n_informative))
    return (len(kept) - found) / max(len(kept), 1), found
