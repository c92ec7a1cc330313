"""Residuals on Z by a local-linear smoother, for a conditional test's closed forms.

Given Z, the closed-form statistics (:mod:`.statistics`) read X's and y's
residuals on Z rather than X and y, as a generalised covariance measure
does (Shah and Peters 2020): each row's value less the least-squares line
through its nearest *other* rows in Z, read at its own Z. Partialling Z out
linearly alone leaves a non-linear dependence of X and y on Z in both
(the chain and the common cause of ``docs/conditional.md``), which the
local permutations' copies, moved to a neighbour's Z, carry less of: the
closed forms then read the two null families apart. A neighbourhood mean
removes it with a bias of the first order in the slope (a row's neighbours
sit to one side of it at Z's edges and wherever Z's density changes),
which left the closed forms alone rejecting 14 % of a common cause's null
data sets at 0.05; the line's bias is of the second order, in the
curvature (``benchmarks/results/conditional_neighbours.md``).

The smoother is linear in the values: each row's fit is a fixed weighting
of its neighbours' values, a sparse matrix computed once per test and
applied to the observed blocks and to each of their permuted copies
alike.
"""

import numpy as np
from scipy.sparse import csr_array

from .local import neighbour_table

__all__ = ["local_linear_smoother", "smoothed_residuals"]

# Neighbours a row's line is fitted to, per parameter of the line (its
# intercept and a slope for each column of Z): 10 for one column. With one
# column, 5 and 10 a parameter read alike on the chain, the common cause
# and a weak one; 3 lost power (benchmarks/results/conditional_neighbours.md).
# The smaller of the two keeps the less bias where Z's effect curves; more
# columns need more rows for as steady a line.
NEIGHBOURS_PER_PARAMETER = 5

# Singular values of a neighbourhood's spread in Z below this fraction of
# its largest count as none: the line is then flat along them (the mean's
# fit where every neighbour shares one Z).
_RCOND = 1e-10

# A residual column below this fraction of its column's norm is rounding.
_ROUNDING = 1e-8


def local_linear_smoother(Z):
    """Each row's fit on Z, as weights on its nearest other rows.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
        The conditioning columns as the statistics read them (normal
        scores).

    Returns
    -------
    smoother : scipy.sparse.csr_array of shape (n_samples, n_samples)
        Row i holds the weights of row i's fit on its ``k`` nearest other
        rows (:func:`.local.neighbour_table`, less the row itself; ``k =
        NEIGHBOURS_PER_PARAMETER * (1 + n_features)``, at most ``n_samples
        - 1``): the least-squares line's value at the row's Z, ``1 / k``
        each plus the slope's part, which sums to 0. A value linear in Z is
        its own fit (to rounding). Sparse, so that a product applies it to
        all the copies of a block at once.
    """
    Z = np.asarray(Z, dtype=float).reshape(len(Z), -1)
    n, width = Z.shape
    k = max(1, min(NEIGHBOURS_PER_PARAMETER * (1 + width), n - 1))
    others = neighbour_table(Z, k + 1)[:, 1:]
    near = Z[others]
    centre = near.mean(axis=1)
    spread = near - centre[:, None]
    # The slope b of the fit minimises |v - mean - spread b|; its value at
    # the row, (z - centre) b, is spread @ lever times the values.
    gram = np.einsum("nki,nkj->nij", spread, spread)
    lever = np.einsum("nij,nj->ni", np.linalg.pinv(gram, rcond=_RCOND), Z - centre)
    weights = 1.0 / k + np.einsum("nki,ni->nk", spread, lever)
    return csr_array(
        (weights.ravel(), others.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n)
    )


def smoothed_residuals(values, smoother):
    """``values`` less each row's local-linear fit on Z.

    ``values`` of shape (..., n_samples, width); ``smoother`` as
    :func:`local_linear_smoother` returns it.
    """
    values = np.asarray(values, dtype=float)
    # Rows first, every copy's and column's values side by side: one sparse
    # product smooths them all (seven times faster than a neighbour at a
    # time on 1999 copies of 500 rows).
    rows = np.moveaxis(values, -2, 0)
    flat = rows.reshape(len(rows), -1)
    residuals = np.moveaxis((flat - smoother @ flat).reshape(rows.shape), 0, -2)
    # A column linear in Z leaves rounding alone, whose direction would
    # read as MI: zeroed, it reads none, as a column in Z's span does
    # unsmoothed (statistics._RANK_TOLERANCE).
    rounding = np.linalg.norm(residuals, axis=-2, keepdims=True) <= (
        _ROUNDING * np.linalg.norm(values, axis=-2, keepdims=True)
    )
    return np.where(rounding, 0.0, residuals)
