"""Permutation tests' arithmetic: normal scores, the linear Gaussian MI, p-values.

Nothing here trains: the functions turn columns into the normal scores that
make every continuous column's null distribution the same, compute the
closed-form statistic a permutation test adds to the critic's, and turn
statistics into exact permutation p-values.
"""

import numpy as np
from scipy.linalg import orth
from scipy.stats import norm, rankdata

__all__ = [
    "CLOSED_FORM_PERMUTATIONS",
    "closed_form_statistics",
    "linear_gaussian_mi",
    "min_pvalue_combination",
    "normal_scores",
    "permutation_pvalues",
    "group_pvalues",
    "permuted_design",
    "score_vector",
    "target_scores",
]

# A canonical correlation is at most this, so that the MI stays finite when
# a block spans y (n at most the width of the two).
_MAX_CORRELATION = 1.0 - 1e-12


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


def linear_gaussian_mi(blocks, y):
    """The MI of a Gaussian with the blocks' and y's correlations, per block.

    ``blocks`` of shape (n_blocks, n_samples, width); ``y`` of shape
    (n_samples, n_targets). Returns ``-0.5 * sum(log(1 - rho**2))`` over the
    canonical correlations ``rho`` of each block with y: on normal scores,
    the Gaussian-copula MI, which catches linear and monotone dependence at
    sample sizes where a small critic has not yet learnt it.
    """
    y = np.asarray(y, dtype=float)
    basis_y = orth(y - y.mean(axis=0))
    centred = blocks - blocks.mean(axis=1, keepdims=True)
    basis, _ = np.linalg.qr(centred)
    correlations = np.linalg.svd(np.swapaxes(basis, 1, 2) @ basis_y, compute_uv=False)
    correlations = np.minimum(correlations, _MAX_CORRELATION)
    return -0.5 * np.log1p(-(correlations**2)).sum(axis=-1)


def permutation_pvalues(statistics):
    """Each row's first statistic against the rest: ``(1 + k) / (1 + B)``.

    ``statistics`` of shape (n_tests, 1 + B): the observed statistic, then
    the B permuted ones. ``k`` counts those at least as large (ties count
    against the observed, as in :func:`scipy.stats.permutation_test`).
    """
    statistics = np.asarray(statistics, dtype=float)
    return (statistics >= statistics[:, :1]).sum(axis=1) / statistics.shape[1]


def min_pvalue_combination(*statistics):
    """The exact p-value of the smallest of several statistics' p-values.

    Each argument, of shape (n_tests, 1 + B), holds one statistic on the
    observed pairing and the same B permutations. Every pairing's p-value is
    taken within its row under each statistic, the smallest is its combined
    statistic, and the observed one is ranked among them: a test as exact as
    each alone (all pairings are exchangeable under independence), with about
    the power of the better one (Westfall & Young's min-p). Ties of the
    smallest p-value, which a pairing first under another statistic would
    share with the observed one, are broken by the product of all the
    p-values (Fisher's combination): without that, a dependence that only
    one statistic sees could not reach a p-value below ``k / (1 + B)`` with
    ``k`` statistics.
    """
    counts = []
    for values in statistics:
        values = np.asarray(values, dtype=float)
        # For each entry, the count of its row's entries at least as large.
        ordered = np.sort(values, axis=1)
        counts.append(
            np.stack(
                [
                    row.size - np.searchsorted(row, entries, side="left")
                    for row, entries in zip(ordered, values, strict=True)
                ]
            )
        )
    counts = np.stack(counts)
    smallest = counts.min(axis=0)
    fisher = np.log(counts).sum(axis=0)
    # Lexicographic: the smallest p-value, then the product.
    at_most = (smallest < smallest[:, :1]) | (
        (smallest == smallest[:, :1]) & (fisher <= fisher[:, :1])
    )
    return at_most.sum(axis=1) / smallest.shape[1]


def permuted_design(X, groups, n_permutations, rng):
    """The scored columns, then permuted copies that are the groups' nulls.

    ``groups``: lists of X's column indices. Every group of one column
    shares the same ``n_permutations`` permuted score vectors (tie-free
    normal scores all have one multiset); a wider group gets its own, its
    block's rows permuted together. Returns the wide matrix, the groups of
    its columns (the given groups first, then the nulls), and for each given
    group the indices of its null groups.
    """
    scores = normal_scores(X, rng)
    n = len(scores)
    columns = [scores]
    wide_groups = [list(group) for group in groups]
    null_of = []
    width = scores.shape[1]

    def add(block):
        nonlocal width
        columns.append(block)
        start = width
        width += block.shape[1]
        wide_groups.append(list(range(start, width)))
        return len(wide_groups) - 1

    shared = None
    for group in groups:
        if len(group) == 1:
            if shared is None:
                vector = score_vector(n)[:, None]
                shared = [
                    add(vector[rng.permutation(n)]) for _ in range(n_permutations)
                ]
            null_of.append(shared)
        else:
            null_of.append(
                [
                    add(scores[rng.permutation(n)][:, group])
                    for _ in range(n_permutations)
                ]
            )
    return np.hstack(columns), wide_groups, null_of


def closed_form_statistics(blocks, y_scores):
    """The linear and quadratic Gaussian MI of each block with y.

    ``blocks`` of shape (n_blocks, n_samples, width), normal scores;
    ``y_scores`` as :func:`target_scores` gives them. Linear:
    :func:`linear_gaussian_mi` of the scores, the Gaussian-copula MI,
    which finds monotone dependence (what makes distance correlation strong
    there). Quadratic: the same of the scores and their squares
    (and y's), which finds dependence through
    magnitudes, as of a non-monotone mean or a shared scale. Both read
    every pair with no training, and they find at a few hundred pairs what
    a small critic needs thousands to learn.
    """
    squares = np.concatenate([blocks, blocks**2 - 1.0], axis=-1)
    return (
        linear_gaussian_mi(blocks, y_scores[0]),
        linear_gaussian_mi(squares, y_scores[1]),
    )


# The permutations of the closed-form statistics' own null: they cost no
# training, so their p-values resolve down to 1 / 2000 whatever
# n_permutations (the critics') is.
CLOSED_FORM_PERMUTATIONS = 1999

# Floats per chunk of permuted blocks, which bounds their memory (128 MiB).
_CHUNK_VALUES = 2**24


def _closed_form_null(block, y_scores, rng, n_permutations, permute=None):
    """The closed-form statistics of ``n_permutations`` permuted copies of a block.

    ``permute(count)`` returns ``count`` permuted copies, of shape
    (count, n, width); None permutes the rows uniformly.
    """
    n, width = block.shape
    per_chunk = max(1, _CHUNK_VALUES // (2 * n * width))
    linear, quadratic = [], []
    for start in range(0, n_permutations, per_chunk):
        count = min(per_chunk, n_permutations - start)
        if permute is None:
            copies = block[np.argsort(rng.random_sample((count, n)), axis=1)]
        else:
            copies = permute(count)
        statistics = closed_form_statistics(copies, y_scores)
        linear.append(statistics[0])
        quadratic.append(statistics[1])
    return np.concatenate(linear), np.concatenate(quadratic)


def group_pvalues(wide, wide_groups, null_of, neural, y_scores, rng, permute=None):
    """Each given group's p-value, from the critics' and the closed-form statistics.

    ``neural`` holds the critic statistic of every wide group, whose
    permutation p-value is read against the group's nulls. The closed-form
    statistics (:func:`closed_form_statistics`) are computed here, on the
    same pairings and, for their own p-value, on
    ``CLOSED_FORM_PERMUTATIONS`` more: their min-p combination
    (:func:`min_pvalue_combination`) is that p-value. The group's p-value is
    twice the smaller of the two (Bonferroni), at most 1. ``permute(g,
    count)``, where the permutations are not uniform (a conditional test's),
    returns ``count`` permuted copies of given group ``g``'s block. Returns the
    p-values and, for each given group, its statistics on the pairings the
    critics trained on (observed first, then its nulls), by name.
    """
    linear, quadratic = np.empty(len(wide_groups)), np.empty(len(wide_groups))
    by_width = {}
    for g, group in enumerate(wide_groups):
        by_width.setdefault(len(group), []).append(g)
    for members in by_width.values():
        blocks = np.stack([wide[:, wide_groups[g]] for g in members])
        linear[members], quadratic[members] = closed_form_statistics(blocks, y_scores)
    rows = np.array([[g, *nulls] for g, nulls in enumerate(null_of)])
    statistics = {
        "neural": np.asarray(neural)[rows],
        "linear": linear[rows],
        "quadratic": quadratic[rows],
    }
    neural_pvalues = permutation_pvalues(statistics["neural"])
    closed_pvalues = np.empty(len(null_of))
    shared = None
    for g in range(len(null_of)):
        block = wide[:, wide_groups[g]]
        if permute is not None:
            null = _closed_form_null(
                block,
                y_scores,
                rng,
                CLOSED_FORM_PERMUTATIONS,
                lambda count, g=g: permute(g, count),
            )
        elif block.shape[1] == 1:
            # Every single column's scores are one multiset: one null serves.
            if shared is None:
                shared = _closed_form_null(
                    score_vector(len(block))[:, None],
                    y_scores,
                    rng,
                    CLOSED_FORM_PERMUTATIONS,
                )
            null = shared
        else:
            null = _closed_form_null(block, y_scores, rng, CLOSED_FORM_PERMUTATIONS)
        closed_pvalues[g] = min_pvalue_combination(
            np.concatenate([[linear[g]], null[0]])[None],
            np.concatenate([[quadratic[g]], null[1]])[None],
        )[0]
    pvalues = np.minimum(1.0, 2 * np.minimum(neural_pvalues, closed_pvalues))
    return pvalues, statistics
