"""Normal scores: one null for every tie-free column; y as the statistics read it."""

import numpy as np
from scipy.stats import norm, rankdata

__all__ = ["normal_scores", "score_vector", "target_scores"]


def score_vector(n):
    """The normal scores of the ranks 1..n: every tie-free column's multiset."""
    return norm.ppf((np.arange(n) + 0.5) / n)


def normal_scores(X, rng):
    """Each column's ranks as normal scores, ties broken at random.

    Breaking ties at random (rather than averaging them) gives every column
    the same multiset of values, :func:`score_vector`, so that one set of
    permuted columns is the null of all. The test stays exact: with i.i.d.
    rows, the ranks so broken are a uniform permutation, independent of y
    when the column is; and no information is lost, as each original value
    is recovered from the range of ranks it spans.
    """
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    n = len(X)
    scores = score_vector(n)
    out = np.empty(X.shape)
    for j in range(X.shape[1]):
        order = np.lexsort((rng.random_sample(n), X[:, j]))
        out[order, j] = scores
    return out


def target_scores(y, discrete):
    """y as the closed-form statistics read it: for the linear, then the quadratic.

    Classes are one-hot (both); continuous columns become normal scores,
    and for the quadratic statistic their squares join them. Average ranks
    are fine here: y is the same on every permutation.
    """
    y = np.asarray(y).reshape(len(y), -1)
    if discrete:
        classes = np.unique(y[:, 0], return_inverse=True)[1]
        one_hot = np.eye(classes.max() + 1)[classes]
        return one_hot, one_hot
    scores = norm.ppf((rankdata(y, axis=0) - 0.5) / len(y))
    return scores, np.hstack([scores, scores**2 - 1.0])
