"""The closed-form statistics of a permutation test, and their own null.

Two statistics that need no training join the critics' in every permutation
test: the Gaussian-copula MI of a block's normal scores with y's
(``"linear"``), and the same with the scores' squares beside them
(``"quadratic"``). Both read every pair, and they find at a few hundred
pairs what a small critic needs thousands to learn.
"""

import numpy as np
from scipy.linalg import orth

__all__ = [
    "CLOSED_FORM_PERMUTATIONS",
    "CLOSED_FORM_STATISTICS",
    "NEURAL_STATISTIC",
    "STATISTICS",
    "closed_form_null",
    "closed_form_statistics",
    "linear_gaussian_mi",
]

# The statistics by name, as a test's result reports them: the critic's
# bound, then the closed-form ones in the order closed_form_statistics
# returns them. A new closed-form statistic joins CLOSED_FORM_STATISTICS.
NEURAL_STATISTIC = "neural"
CLOSED_FORM_STATISTICS = ("linear", "quadratic")
STATISTICS = (NEURAL_STATISTIC, *CLOSED_FORM_STATISTICS)

# A canonical correlation is at most this, so that the MI stays finite when
# a block spans y (n at most the width of the two).
_MAX_CORRELATION = 1.0 - 1e-12


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


def closed_form_statistics(blocks, y_scores):
    """The linear and quadratic Gaussian MI of each block with y.

    One array per name of ``CLOSED_FORM_STATISTICS``, in that order.

    ``blocks`` of shape (n_blocks, n_samples, width), normal scores;
    ``y_scores`` as :func:`.scores.target_scores` gives them. Linear:
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


def closed_form_null(block, y_scores, rng, n_permutations, permute=None):
    """The closed-form statistics of ``n_permutations`` permuted copies of a block.

    One array per statistic of ``CLOSED_FORM_STATISTICS``, in that order.
    ``permute(count)`` returns ``count`` permuted copies, of shape
    (count, n, width); None permutes the rows uniformly.
    """
    n, width = block.shape
    per_chunk = max(1, _CHUNK_VALUES // (2 * n * width))
    chunks = []
    for start in range(0, n_permutations, per_chunk):
        count = min(per_chunk, n_permutations - start)
        if permute is None:
            copies = block[np.argsort(rng.random_sample((count, n)), axis=1)]
        else:
            copies = permute(count)
        chunks.append(closed_form_statistics(copies, y_scores))
    return tuple(np.concatenate(values) for values in zip(*chunks, strict=True))
