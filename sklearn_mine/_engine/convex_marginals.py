"""The convex critics' marginal pairs, as indices into the training rows.

Rounds of random pairings of the training rows (:func:`training_marginals`),
or, for y of few values (a discrete target), its product pairs, exactly
(:func:`marginal_pairs`, from :func:`.sampling.product_pairs`).
``docs/convex.md`` gives the measurements behind each.
"""

import torch

from .convex_settings import CONVEX_SETTINGS
from .sampling import product_pairs, sample_marginal_indices

__all__ = ["marginal_pairs", "marginal_rounds", "training_marginals"]


def marginal_rounds(n_train, rounds=None):
    """The rounds of marginal pairs of ``n_train`` training pairs: ``rounds``
    (the settings' by default), fewer where they would pass max_marginal."""
    rounds = rounds or CONVEX_SETTINGS["marginal_rounds"]
    return max(1, min(rounds, CONVEX_SETTINGS["max_marginal"] // n_train))


def training_marginals(n_train, generator, rounds=None):
    """Indices ``J, K`` of the marginal pairs a critic is fitted on.

    In rounds: each pairs every training x with a different training y
    (two permutations, the resampling trick without replacement), so that
    every x and every y enters each round once; n_train pairs a round.
    ``rounds``: at most this many (the settings' by default).
    """
    rounds = marginal_rounds(n_train, rounds)
    if not CONVEX_SETTINGS["rounds"]:
        return sample_marginal_indices(
            n_train, rounds * n_train, replace=True, generator=generator
        )
    draws = [
        sample_marginal_indices(n_train, n_train, replace=False, generator=generator)
        for _ in range(rounds)
    ]
    return torch.cat([J for J, _ in draws]), torch.cat([K for _, K in draws])


def marginal_pairs(y, n_train, generator, rounds=None):
    """Indices ``J, K`` of the marginal pairs of ``n_train`` training rows,
    and their log weights (None where uniform).

    ``y`` of few values (a class): its product pairs, exactly
    (:func:`~sklearn_mine._engine.sampling.product_pairs`), where they are
    no more than the rounds' random pairs; otherwise
    :func:`training_marginals`' rounds.
    """
    exact = product_pairs(y, marginal_rounds(n_train, rounds))
    if exact is None:
        return (*training_marginals(n_train, generator, rounds), None)
    return exact
