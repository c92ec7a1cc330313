"""Uniform index draws: the resampling trick's J and K, on torch generators."""

import torch

__all__ = ["product_pairs", "sample_indices", "sample_marginal_indices"]

# Beyond this fraction of n, a full permutation is cheaper than rejecting
# repeated indices.
_PERMUTATION_FRACTION = 0.25


def sample_indices(n, size, *, replace, generator):
    """Draw ``size`` uniform indices from ``range(n)``.

    Without replacement the indices are distinct. Small draws from a large
    ``n`` redraw the repeated positions instead of permuting all of ``range(n)``,
    so that a training step costs O(size), not O(n). The result is still a
    uniformly random injective sequence: the procedure commutes with any
    relabelling of ``range(n)``, which acts transitively on such sequences.
    """
    device = generator.device
    if replace:
        return torch.randint(n, (size,), generator=generator, device=device)
    if size > n:
        raise ValueError(
            f"Cannot draw {size} distinct indices from {n} samples without "
            "replacement; use replace=True or fewer samples."
        )
    if size > _PERMUTATION_FRACTION * n:
        return torch.randperm(n, generator=generator, device=device)[:size]
    indices = torch.randint(n, (size,), generator=generator, device=device)
    while True:
        sorted_indices, order = torch.sort(indices, stable=True)
        repeated = torch.zeros_like(indices, dtype=torch.bool)
        repeated[order[1:]] = sorted_indices[1:] == sorted_indices[:-1]
        n_repeated = int(repeated.sum())
        if n_repeated == 0:
            return indices
        indices[repeated] = torch.randint(
            n, (n_repeated,), generator=generator, device=device
        )


def sample_marginal_indices(n, size, *, replace, generator):
    """Independent index vectors ``J`` and ``K`` for the resampling trick.

    ``(X[J], Y[K])`` are pairs distributed as :math:`P_X \\times P_Y`: each
    pair is, though the pairs are not independent of one another.

    Parameters
    ----------
    n : int
        Number of joint samples to draw from.
    size : int
        Number of marginal pairs ``n'``.
    replace : bool
        Whether ``J`` (and, separately, ``K``) may repeat an index.
    generator : torch.Generator
        Source of randomness; the indices live on its device.

    Returns
    -------
    J, K : torch.Tensor of shape (size,)
        Indices into the rows of X and of Y.
    """
    J = sample_indices(n, size, replace=replace, generator=generator)
    K = sample_indices(n, size, replace=replace, generator=generator)
    return J, K


def product_pairs(y, limit):
    """Every row's x with each distinct y, and the pairs' log weights: the
    product of the empirical marginals, exactly; None where ``y`` has more
    than ``limit`` distinct rows.

    With ``k`` distinct rows of ``y`` (n, width), of counts ``c``, the ``n k``
    pairs ``(J, K)`` index x's rows and y's (one row of each value), and
    pair ``(i, j)`` has weight ``c_j / n^2``. The log weights are given as
    scores to add, ``log(k c_j / n)``, so that the uniform mean of
    ``exp(score + t)`` over the pairs is the weighted mean of ``exp(t)``:
    :func:`~sklearn_mine._engine.convex.newton`'s ``offset``.

    Random pairings estimate this mean; a discrete target's few values give
    it exactly in fewer pairs (two a row for two classes, where a critic's
    ten rounds of random pairs take ten) and without the pairing's noise.
    """
    if limit < 2:
        # Two values take two pairs a row: more than such a limit allows
        # (and y's rows need not be sorted to say so).
        return None
    values, inverse, counts = torch.unique(
        y, dim=0, return_inverse=True, return_counts=True
    )
    k, n = len(values), len(y)
    if k > limit:
        return None
    rows = torch.arange(n, device=y.device)
    # One row of each value: the first.
    first = torch.full((k,), n, device=y.device).scatter_reduce(
        0, inverse, rows, "amin"
    )
    J, K = rows.repeat(k), first.repeat_interleave(n)
    log_weights = torch.log(k * counts.to(y.dtype) / n).repeat_interleave(n)
    return J, K, log_weights
