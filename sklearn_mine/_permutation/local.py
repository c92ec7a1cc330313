"""Resampling conditioned on Z: nearest neighbours in Z and local permutations.

The resampling trick conditioned on Z keeps each ``(x_i, z_i)`` and gives it
the ``y`` of a sample whose ``z`` is near ``z_i``, so that the triples are
approximately draws of :math:`P_{X|Z} P_{Y|Z} P_Z`. The neighbour table is
computed once per data set; each draw of indices is then O(n k).

Runge's restricted permutation (and tigramite's ``CMIknn``, which
implements it as ``get_restricted_permutation``) draws the indices without
replacement; :func:`local_resample` draws them with replacement, for MINE's
``n' >> n`` marginal pairs.
"""

import functools
import itertools

import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

from .scores import target_scores

__all__ = [
    "local_permutation",
    "local_permutations",
    "local_resample",
    "neighbour_table",
]


def neighbour_table(Z, n_neighbors):
    """The indices of each row's ``n_neighbors`` nearest rows of Z, itself first.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_features) or (n_samples,)
        Numeric, finite conditioning variables.
    n_neighbors : int
        Neighbours per row, the row itself included; capped at ``n_samples``.

    Returns
    -------
    neighbours : ndarray of shape (n_samples, min(n_neighbors, n_samples))
        ``neighbours[i, 0] == i``; the other columns are distinct rows, by
        increasing Euclidean distance between the columns' normal scores.
    """
    Z = np.asarray(Z, dtype=float).reshape(len(Z), -1)
    n = len(Z)
    k = min(int(n_neighbors), n)
    own = np.arange(n)[:, None]
    if k <= 1:
        return own
    # Normal scores of average ranks, not scores.normal_scores: breaking
    # ties at random would make the table random and put copies of one z at
    # a distance from each other. Nor QuantileTransformer: it interpolates
    # between at most 1000 quantiles (subsampled beyond 10,000 rows), which
    # blurs the ranks of large samples. Ranks give each column one scale
    # whatever its units and outliers (tigramite's default ``transform='ranks'``
    # does the same); normal scores rather than raw ranks keep the tails'
    # points spread as in a Gaussian.
    scores = target_scores(Z, discrete=False)[0]
    search = NearestNeighbors(n_neighbors=k - 1, algorithm="kd_tree").fit(scores)
    # Queried on the training set, scikit-learn leaves each row out of its
    # own list, and when copies of it crowd it out, one copy instead: the
    # k - 1 indices are other rows, so prepending the row itself is exact.
    others = search.kneighbors(return_distance=False)
    return np.hstack([own, others])


def local_permutation(neighbours, rng):
    """Runge's restricted permutation: each row takes an unused neighbour's index.

    Rows are visited in random order; each takes a uniformly random
    neighbour of its list not yet taken. A row whose neighbours are all
    taken takes a uniformly random one of them anyway, so the result is a
    permutation except where that fallback repeats an index. Measured on
    Gaussian Z, n = 5000, ``neighbour_table(Z, 5)`` (the row itself
    included), the repeated indices ``1 - len(unique(K)) / n`` are 6.0% with
    one column of Z, 8.3% with two, 8.9% with three and 10.7% with five: the
    late rows of the random order find their few neighbours taken. About a
    fifth of the rows (20-23%) take their own index when the row itself is
    in its list, keeping its joint pair; pass ``table[:, 1:]`` to rule that
    out (the repeats then rise a little, to 6.6% for one column and k = 5
    other rows).

    This is tigramite's ``get_restricted_permutation`` (tigramite 5), which
    shuffles each neighbour list and takes its first unused entry, else its
    last entry: the first unused entry of a shuffled list is a uniformly
    random unused neighbour, and the last a uniformly random neighbour.
    Unlike tigramite, the neighbours here are Euclidean on normal scores,
    where tigramite takes the max-norm on ranks.

    Parameters
    ----------
    neighbours : ndarray of shape (n_samples, k)
        Each row's candidate indices, as :func:`neighbour_table` gives them.
    rng : int, RandomState instance or None
        Source of randomness, as :func:`sklearn.utils.check_random_state`
        takes it.

    Returns
    -------
    K : ndarray of shape (n_samples,)
        ``y[K[i]]`` is paired with ``(x_i, z_i)``; ``K[i]`` is in
        ``neighbours[i]``.
    """
    rng = check_random_state(rng)
    neighbours = np.asarray(neighbours)
    n, k = neighbours.shape
    shuffled = np.take_along_axis(
        neighbours, np.argsort(rng.random_sample((n, k)), axis=1), axis=1
    )
    # The loop is inherently sequential; plain Python lists run it several
    # times faster than per-row numpy calls would (n = 5000, k = 5: ~3 ms).
    rows = shuffled.tolist()
    used = bytearray(n)
    K = [0] * n
    for i in rng.permutation(n).tolist():
        row = rows[i]
        for j in row:
            if not used[j]:
                break
        else:
            j = row[-1]
        used[j] = 1
        K[i] = j
    return np.asarray(K, dtype=np.intp)


def local_permutations(neighbours, n_permutations, rng):
    """``n_permutations`` independent restricted permutations, stacked.

    Each row has :func:`local_permutation`'s distribution: the rows of a
    draw are visited in a random order of the draw's own, and each takes
    the first free entry of its neighbour list shuffled afresh (a uniformly
    random free neighbour), else the list's first entry (a uniformly random
    neighbour). The draws run side by side, one row of each per step, so
    the work is a loop over the rows of vectorised steps across the draws,
    not a Python loop over rows and draws (the closed-form statistics' 1999
    local permutations at n = 500 took 0.5 s that way, most of a
    conditional test). The shuffled lists of a block of steps are gathered
    in one call before the block runs, which leaves each step four numpy
    calls (n = 500, k = 5, 1999 draws: 0.067 s, against 0.104 s for the
    earlier version's fresh uniform keys a step; ``bench_convex.py --parts
    permutations``, ``benchmarks/results/convex_tests.md``). They consume
    ``rng`` differently from ``n_permutations`` calls of
    :func:`local_permutation`.

    Returns
    -------
    K : ndarray of shape (n_permutations, n_samples)
        One restricted permutation per row, for a permutation test's null.
    """
    rng = check_random_state(rng)
    neighbours = np.asarray(neighbours, dtype=np.intp)
    n, k = neighbours.shape
    # order[step]: the row each draw visits at that step.
    order = np.argsort(rng.random_sample((n_permutations, n)), axis=1).T.copy()
    # Flat indices into (draw, row) arrays: a draw's rows start at draw * n.
    start = np.arange(n_permutations) * n
    draws = np.arange(n_permutations)
    used = np.zeros(n_permutations * n, dtype=bool)
    taken = np.empty((n, n_permutations), dtype=np.intp)
    # Steps per block: its lists, (block, draws, k), stay within the cache.
    block = max(1, 2**17 // (n_permutations * k))
    for first in range(0, n, block):
        candidates, keys = _shuffled_lists(
            neighbours, order[first : first + block], rng
        )
        candidates += start[:, None]
        for step, lists in enumerate(candidates, start=first):
            # The least of the taken flags (plus the keys): the first free
            # entry, else entry 0.
            scores = used.take(lists)
            if keys is not None:
                scores = keys[step - first] + scores
            chosen = lists[draws, scores.argmin(axis=1)]
            used[chosen] = True
            taken[step] = chosen
    out = np.empty(n_permutations * n, dtype=np.intp)
    out[(order + start).ravel()] = (taken - start).ravel()
    return out.reshape(n_permutations, n)


# Up to this many neighbours, each list is shuffled by an order read from a
# table of all k! of them (720 at 6); above, by uniform keys that each step
# adds to the taken flags, a float addition a step. Timed once each at
# n = 500 with 1999 draws: with 5 neighbours, the table 0.075 s and the
# keys 0.105 s; with 10, the keys 0.140 s and sorting them into orders
# 0.188 s.
_ORDER_TABLE_MAX = 6


def _shuffled_lists(neighbours, rows, rng):
    """The neighbour lists of ``rows``, shuffled, as ``(lists, keys)``.

    Up to ``_ORDER_TABLE_MAX`` neighbours, ``lists[s, d]`` is row
    ``rows[s, d]``'s list in a uniformly random order and ``keys`` is None;
    above, the lists are in their own order and ``keys`` holds a uniform
    key per entry, whose order is the list's. Either way the first free
    entry by order is a uniformly random free neighbour.
    """
    k = neighbours.shape[1]
    if k > _ORDER_TABLE_MAX:
        return neighbours[rows], rng.random_sample((*rows.shape, k))
    orders = _order_table(k)
    positions = orders[rng.randint(len(orders), size=rows.shape)]
    positions += rows[:, :, None] * k
    return neighbours.ravel().take(positions), None


@functools.cache
def _order_table(k):
    """All k! orders of ``range(k)``, a row each."""
    return np.array(list(itertools.permutations(range(k))), dtype=np.intp)


def local_resample(neighbours, size, rng):
    """With replacement: uniform rows ``J``, and for each a uniform neighbour ``K``.

    Parameters
    ----------
    neighbours : ndarray of shape (n_samples, k)
        Each row's candidate indices, as :func:`neighbour_table` gives them.
    size : int
        Number of index pairs to draw.
    rng : int, RandomState instance or None
        Source of randomness, as :func:`sklearn.utils.check_random_state`
        takes it.

    Returns
    -------
    J, K : ndarray of shape (size,)
        ``(x_J[i], z_J[i])`` is paired with ``y[K[i]]``; ``K[i]`` is in
        ``neighbours[J[i]]``.
    """
    rng = check_random_state(rng)
    neighbours = np.asarray(neighbours)
    n, k = neighbours.shape
    J = rng.randint(n, size=size)
    K = neighbours[J, rng.randint(k, size=size)]
    return J.astype(np.intp), K.astype(np.intp)
