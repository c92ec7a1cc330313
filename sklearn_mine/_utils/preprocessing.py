"""Per-column transforms applied to X and y before the critic sees them."""

import numpy as np
from scipy.special import ndtri
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from .constants import PREPROCESSING

__all__ = ["PREPROCESSING", "NormalScores", "fit_marginal_transform", "transform_rows"]

# Rows passed to StandardScaler.partial_fit at a time: bounds the float64
# temporaries.
CHUNK_ROWS = 65_536

# Quantiles of the fitted marginal CDF, and rows they are estimated from:
# scikit-learn's defaults, enough that the map is smooth and strictly
# increasing on continuous data while fitting stays O(1) in n.
_N_QUANTILES = 1000
_SUBSAMPLE = 10_000


class NormalScores:
    """Each column through its empirical CDF to a standard normal.

    Quantiles are taken at the plotting positions (k + 1/2) / m, so the
    smallest of m values maps to about ``norm.ppf(0.5 / m)`` (-3.1 for
    m = 1000), as a normal sample of that size would reach. (scikit-learn's
    QuantileTransformer maps the extremes to +/-5.2 instead, which turns the
    two most extreme rows of every column into outliers: it cost MINE about
    0.03 nats on the lecture's bivariate Gaussian.) Between quantiles the map
    is linear, so it is strictly increasing on continuous data; tied values
    map to the middle of their run; values beyond the fitted range are
    clipped.

    Parameters
    ----------
    n_quantiles : int, default=1000
        Most quantiles per column.
    subsample : int, default=10000
        Most rows the quantiles are estimated from.
    random_state : int, default=0
        Seed of the subsample.
    """

    def __init__(self, n_quantiles=_N_QUANTILES, subsample=_SUBSAMPLE, random_state=0):
        self.n_quantiles = n_quantiles
        self.subsample = subsample
        self.random_state = random_state

    def fit(self, data):
        n = len(data)
        if n > self.subsample:
            rng = check_random_state(self.random_state)
            data = data[np.sort(rng.choice(n, self.subsample, replace=False))]
        m = min(self.n_quantiles, len(data))
        probabilities = (np.arange(m) + 0.5) / m
        self.quantiles_ = _linear_quantiles(
            np.asarray(data, dtype=np.float64), probabilities
        )
        # scipy.stats.norm.ppf's own arithmetic, without its per-call checks.
        self.scores_ = ndtri(probabilities)
        self.n_features_in_ = data.shape[1]
        return self

    def transform(self, data):
        out = np.empty(data.shape, dtype=np.float64)
        for j in range(data.shape[1]):
            column = np.asarray(data[:, j], dtype=np.float64)
            q = self.quantiles_[:, j]
            # Forward and backward interpolation averaged: a run of tied
            # quantiles maps to the middle of its scores, not one end.
            forward = np.interp(column, q, self.scores_)
            backward = -np.interp(-column, -q[::-1], -self.scores_[::-1])
            out[:, j] = 0.5 * (forward + backward)
        return out


def _linear_quantiles(data, probabilities):
    """``np.quantile(data, probabilities, axis=0)`` (its "linear" method).

    From one sort: np.quantile partitions the data once per probability,
    which for a thousand probabilities was 25 times slower than sorting, and
    most of the time a wide table spent before training.
    """
    ordered = np.sort(data, axis=0)
    position = probabilities * (len(ordered) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(ordered) - 1)
    fraction = (position - below)[:, None]
    return ordered[below] + fraction * (ordered[above] - ordered[below])


def fit_marginal_transform(data, kind):
    """A transform of each column of ``data``, fitted to it.

    Mutual information is unchanged by any strictly increasing map of each
    coordinate, so the critic may see whichever version of the data it learns
    best from.

    ``"quantile"`` maps each column through its empirical CDF to a standard
    normal (the Gaussian copula): heavy tails, skew and saturating transforms
    (cube, exp, a CDF) all become well-scaled inputs. Ties stay tied; values
    beyond the fitted range are clipped to its ends. ``"standard"`` only
    removes the mean and scales to unit variance, which keeps the data's shape
    (and the influence of outliers). Both are fitted with O(n) memory beyond
    the data: the scaler chunk by chunk, the quantiles on a subsample of
    10,000 rows (seeded, so fits stay reproducible).
    """
    if kind == "quantile":
        return NormalScores().fit(data)
    scaler = StandardScaler()
    for start in range(0, len(data), CHUNK_ROWS):
        scaler.partial_fit(data[start : start + CHUNK_ROWS])
    return scaler


def transform_rows(transform, data, rows=None):
    """Rows ``rows`` of ``data`` (all by default) through ``transform``, as float32.

    Filled chunk by chunk, so that no float64 copy of more than a chunk of
    the data is made.
    """
    rows = np.arange(len(data)) if rows is None else rows
    out = np.empty((len(rows), data.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        out[start : start + len(chunk)] = transform.transform(data[chunk])
    return out
