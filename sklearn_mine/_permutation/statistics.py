"""The closed-form statistics of a permutation test, and their own null.

Two statistics that need no training join the critics' in every permutation
test: the Gaussian-copula MI of a block's normal scores with y's
(``"linear"``), and the same with the scores' squares beside them
(``"quadratic"``). Given Z a third joins them (``"interaction"``): the
same of X's residuals on Z times functions of X and of Z, a weighted
generalised covariance measure. All read every pair, and they find at a
few hundred pairs what a small critic needs thousands to learn.
"""

import numpy as np
from scipy.linalg import orth

from .smoothing import smoothed_residuals

__all__ = [
    "CLOSED_FORM_PERMUTATIONS",
    "CLOSED_FORM_STATISTICS",
    "GIVEN_Z_STATISTICS",
    "NEURAL_STATISTIC",
    "closed_form_null",
    "closed_form_names",
    "closed_form_statistics",
    "linear_gaussian_mi",
]

# The statistics by name, as a test's result reports them: the critic's
# bound, then the closed-form ones in the order closed_form_statistics
# returns them, with GIVEN_Z_STATISTICS after the others in a conditional
# test. A new closed-form statistic joins CLOSED_FORM_STATISTICS.
NEURAL_STATISTIC = "neural"
CLOSED_FORM_STATISTICS = ("linear", "quadratic")
GIVEN_Z_STATISTICS = ("interaction",)


def closed_form_names(conditioned):
    """The closed-form statistics' names, in order, with or without Z."""
    return CLOSED_FORM_STATISTICS + (GIVEN_Z_STATISTICS if conditioned else ())


# A canonical correlation is at most this, so that the MI stays finite when
# a block spans y (n at most the width of the two).
_MAX_CORRELATION = 1.0 - 1e-12

# A column whose part off the shared columns (and the block's earlier ones)
# is below this fraction of its norm lies in their span (to rounding: a
# projection leaves about 1e-15 of it); below the larger fraction, the
# Cholesky factor of the Gram matrix loses too many digits, and a QR takes
# its place (_products_cross, _residual_cross).
_RANK_TOLERANCE = 1e-8
_CHOLESKY_TOLERANCE = 1e-4


def linear_gaussian_mi(blocks, y, shared=None):
    """The MI of a Gaussian with the blocks' and y's correlations, per block.

    ``blocks`` of shape (n_blocks, n_samples, width); ``y`` of shape
    (n_samples, n_targets). Returns ``-0.5 * sum(log(1 - rho**2))`` over the
    canonical correlations ``rho`` of each block with y: on normal scores,
    the Gaussian-copula MI, which catches linear and monotone dependence at
    sample sizes where a small critic has not yet learnt it. ``shared``:
    None, or columns of shape (n_samples, n_shared) that every block has
    beside its own (a conditional test's Z): the MI is then that of
    ``[block, shared]``, each block's own columns decomposed into a part in
    the span of ``shared``, whose basis is computed once, and a residual.
    """
    y = np.asarray(y, dtype=float)
    basis_y = orth(y - y.mean(axis=0))
    basis_shared = common = None
    if shared is not None:
        basis_shared = orth(shared - shared.mean(axis=0))
        common = basis_shared.T @ basis_y
    cross = _products_cross(blocks, basis_y, basis_shared, common)
    if cross is None:
        cross = _residual_cross(blocks, basis_y, basis_shared)
    if shared is not None:
        # [block, shared] spans the shared columns' span plus the block's
        # residual off it: the same correlations, and each of thousands of
        # copies is factorised on its own columns only.
        cross = np.concatenate(
            [np.broadcast_to(common, (len(blocks), *common.shape)), cross], axis=1
        )
    correlations = np.linalg.svd(cross, compute_uv=False)
    correlations = np.minimum(correlations, _MAX_CORRELATION)
    return -0.5 * np.log1p(-(correlations**2)).sum(axis=-1)


def _products_cross(blocks, basis_y, basis_shared, common):
    """``Q^T basis_y`` for Q an orthonormal basis of each block's residual,
    from the blocks' products alone; None where that loses digits.

    The residual: each block's centred columns, projected off
    ``basis_shared``'s where there are some (``common``: their products
    with ``basis_y``). Its Gram matrix and its
    products with ``basis_y`` are the blocks' own, centred by the blocks'
    sums and less their projections (the bases' columns sum to zero): no
    centred or projected copy of the blocks is written, which for 1999
    quadratic blocks at n = 500 took three quarters of the statistic's time.
    With L the Cholesky factor of that Gram matrix, ``Q^T basis_y`` is
    ``L^{-1}`` times the products, a solve of the block's width where a QR
    factorises n rows. Each Gram entry carries a rounding error of the
    blocks' squared norms: where some column keeps less than
    ``_CHOLESKY_TOLERANCE`` of its norm (L's diagonal) off the mean, the
    shared columns and its block's earlier ones, the solve would lose
    digits, and the caller's QR on the residual itself runs instead.
    """
    n = blocks.shape[1]
    transposed = np.swapaxes(blocks, 1, 2)
    products = transposed @ blocks
    sums = np.ones(n) @ blocks
    gram = products - sums[:, :, None] * sums[:, None, :] / n
    cross = transposed @ basis_y
    if basis_shared is not None:
        projections = basis_shared.T @ blocks
        gram -= np.swapaxes(projections, 1, 2) @ projections
        cross -= np.swapaxes(projections, 1, 2) @ common
    try:
        lower = np.linalg.cholesky(gram)
    except np.linalg.LinAlgError:
        return None
    norms = np.sqrt(np.diagonal(products, axis1=1, axis2=2))
    if np.all(np.diagonal(lower, axis1=1, axis2=2) > _CHOLESKY_TOLERANCE * norms):
        return np.linalg.solve(lower, cross)
    return None


def _residual_cross(blocks, basis_y, basis_shared):
    """``Q^T basis_y`` as :func:`_products_cross`, by a QR of the residual.

    A column that keeps less than ``_RANK_TOLERANCE`` of its centred norm
    off the shared columns and its block's earlier ones (one in the shared
    columns' span, or a function of the block's other columns, as the
    square of a binary column) adds no direction. Its column of Q, whatever
    rounding made it, would still take a direction from the later columns'
    (a QR orthogonalises each column against all earlier ones): the QR runs
    again with such columns zeroed and moved last. (Run once, the MI of
    ``[2 Z0 + 1, X, X^2 - 1]`` given Z read 0.8 % below that of
    ``[X, X^2 - 1]``.)
    """
    centred = blocks - blocks.mean(axis=1, keepdims=True)
    scale = np.sqrt(np.einsum("bnd,bnd->bd", centred, centred))
    residual = (
        centred
        if basis_shared is None
        else centred - basis_shared @ (basis_shared.T @ centred)
    )
    _, r = np.linalg.qr(residual)
    kept = np.abs(np.diagonal(r, axis1=1, axis2=2)) > _RANK_TOLERANCE * scale
    order = np.argsort(~kept, axis=1, kind="stable")
    kept = np.take_along_axis(kept, order, axis=1)
    residual = np.take_along_axis(residual, order[:, None, :], axis=2)
    basis, _ = np.linalg.qr(residual * kept[:, None, :])
    return np.swapaxes(basis * kept[:, None, :], 1, 2) @ basis_y


def closed_form_statistics(blocks, y_scores, shared=None, smoother=None):
    """The linear and quadratic Gaussian MI of each block with y (and given
    a smoother, the interaction).

    One array per name of ``closed_form_names(smoother is not None)``, in
    that order.

    ``blocks`` of shape (n_blocks, n_samples, width), normal scores;
    ``y_scores`` as :func:`.scores.target_scores` gives them. Linear:
    :func:`linear_gaussian_mi` of the scores, the Gaussian-copula MI,
    which finds monotone dependence (what makes distance correlation strong
    there). Quadratic: the same of the scores and their squares
    (and y's), which finds dependence through
    magnitudes, as of a non-monotone mean or a shared scale. Both read
    every pair with no training, and they find at a few hundred pairs what
    a small critic needs thousands to learn. ``shared``: columns every
    block has beside its own, as :func:`linear_gaussian_mi` takes them (their
    squares join them as the blocks' do). ``smoother``: with ``shared``, a
    :func:`.smoothing.local_linear_smoother` of them; the blocks and y's
    scores are then read as their residuals on the shared columns
    (:mod:`.smoothing`: a conditional test's closed forms), and the
    interaction statistic joins them (:func:`_interactions`).
    """
    scores = blocks
    if smoother is not None:
        blocks = smoothed_residuals(blocks, smoother)
        y_scores = _residual_targets(y_scores, smoother)
    squares = np.concatenate([blocks, blocks**2 - 1.0], axis=-1)
    shared_squares = None
    if shared is not None:
        shared_squares = np.concatenate([shared, shared**2 - 1.0], axis=-1)
    statistics = (
        linear_gaussian_mi(blocks, y_scores[0], shared),
        linear_gaussian_mi(squares, y_scores[1], shared_squares),
    )
    if smoother is None:
        return statistics
    interactions = _interactions(blocks, scores, shared)
    return (*statistics, linear_gaussian_mi(interactions, y_scores[0], shared))


def _interactions(residuals, scores, shared):
    """X's residuals on Z, each times 1, its own score, that score's square
    less 1, and each of Z's scores and their squares less 1.

    Where y = f(X) + g(Z) + noise with f non-linear, y's residual on Z is
    about f'(X) times X's, with a slope that changes with X (and so with
    Z): its correlation with X's residual averages over the slopes and may
    vanish (a sine, a square), while weighted by functions of X and Z it
    does not. That is the weighted generalised covariance measure
    (Scheidegger, Hoerrmann and Buehlmann 2022), with weights of X beside
    those of Z; under X independent of y given Z, no weight correlates
    with y's residual. PC on the six graphs of ``docs/conditional.md``
    then missed 10 true edges of 61 rather than 13
    (``benchmarks/results/conditional_interaction.md``). Returned of shape
    ``(..., n_samples, width * (3 + 2 * n_z))``, a transposed view.
    """
    *lead, n, width = residuals.shape
    z_weights = np.concatenate([shared, shared**2 - 1.0], axis=-1).T
    per_column = 3 + len(z_weights)
    # Columns written in place, each contiguous (the block is returned
    # transposed): for 1999 copies it is tens of MiB, and concatenating
    # broadcast pieces took half of a test's closed-form time.
    out = np.empty((*lead, width * per_column, n))
    for j in range(width):
        residual, own = residuals[..., :, j], scores[..., :, j]
        start = j * per_column
        out[..., start, :] = residual
        np.multiply(residual, own, out=out[..., start + 1, :])
        np.multiply(residual, own**2 - 1.0, out=out[..., start + 2, :])
        np.multiply(
            residual[..., None, :],
            z_weights,
            out=out[..., start + 3 : start + per_column, :],
        )
    return np.swapaxes(out, -1, -2)


def _residual_targets(y_scores, smoother):
    """y's scores given Z: their residuals on it and, for the quadratic
    statistic where y is continuous, those residuals beside their squares,
    as a block's squares are of its residuals.

    Squared before its residuals were taken, y would keep its dependence on
    Z in them (the square of z + e less its local fit is about 2 z e, not
    e^2), which drowns the magnitudes the statistic is for: a circle in
    (X - Z, y - Z) went unseen (``docs/conditional.md``). A discrete y's
    one-hot columns serve both statistics (:func:`.scores.target_scores`):
    residuals of them.
    """
    linear = smoothed_residuals(y_scores[0], smoother)
    if y_scores[1].shape[-1] == y_scores[0].shape[-1]:
        return linear, smoothed_residuals(y_scores[1], smoother)
    return linear, np.concatenate([linear, linear**2 - 1.0], axis=-1)


# The permutations of the closed-form statistics' own null: they cost no
# training, so their p-values resolve down to 1 / 2000 whatever
# n_permutations (the critics') is.
CLOSED_FORM_PERMUTATIONS = 1999

# Floats per chunk of permuted blocks, which bounds their memory (128 MiB).
_CHUNK_VALUES = 2**24


def closed_form_null(
    block, y_scores, rng, n_permutations, permute=None, shared=None, smoother=None
):
    """The closed-form statistics of ``n_permutations`` permuted copies of a block.

    One array per statistic of :func:`closed_form_statistics`, in that
    order. ``permute(count)`` returns ``count`` permuted copies, of shape
    (count, n, width); None permutes the rows uniformly. ``shared``: columns
    that every copy has beside its block's and no permutation moves, and
    ``smoother`` their smoother (:func:`closed_form_statistics`).
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
        chunks.append(closed_form_statistics(copies, y_scores, shared, smoother))
    return tuple(np.concatenate(values) for values in zip(*chunks, strict=True))
