"""Permutation tests' designs: each group's columns, then the copies that are its null.

Without Z (:func:`permuted_design`) a group's copies are its rows permuted
uniformly. With Z (:func:`locally_permuted_design`), a test of X independent
of y given Z retrains the critic of ``([X, Z], y)`` on copies of X whose rows
are permuted among samples with near values of Z
(:func:`.local.local_permutations`): each copy keeps X's dependence on Z and
loses any on y beyond it, so under the null hypothesis the copies and X
are (nearly) exchangeable. By the chain rule,
:math:`I(X; Y \\mid Z) = I([X, Z]; Y) - I(Z; Y)`, and the second term is the
same for every copy: ranking the critics' bounds on ``([X_b, Z], y)`` ranks
their conditional estimates.
"""

import numpy as np

from .local import local_permutations
from .scores import normal_scores, score_vector

__all__ = [
    "local_permuter",
    "locally_permuted_design",
    "permuted_design",
]


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


def locally_permuted_design(X, Z, groups, n_permutations, neighbours, rng):
    """X's and Z's normal scores, then each group's locally permuted copies.

    ``groups``: lists of X's column indices; ``neighbours``: each row's
    neighbours in Z. Returns the wide matrix (X's scores, Z's scores, then
    the copies), its groups (each given group with Z's columns, then each
    copy with Z's columns, then Z's columns alone) and, for each given
    group, the indices of its copies' groups. Unlike the unconditional
    design, single columns cannot share their copies: a local permutation
    moves each column's values within its own neighbourhoods of Z.
    """
    scores = normal_scores(X, rng)
    z_scores = normal_scores(Z, rng)
    width = scores.shape[1] + z_scores.shape[1]
    z_columns = list(range(scores.shape[1], width))
    columns = [scores, z_scores]
    wide_groups = [list(group) + z_columns for group in groups]
    null_of = []
    for group in groups:
        nulls = []
        for order in local_permutations(neighbours, n_permutations, rng):
            columns.append(scores[order][:, group])
            wide_groups.append(list(range(width, width + len(group))) + z_columns)
            width += len(group)
            nulls.append(len(wide_groups) - 1)
        null_of.append(nulls)
    wide_groups.append(z_columns)
    return np.hstack(columns), wide_groups, null_of


def local_permuter(wide, wide_groups, neighbours, rng):
    """``permute(g, count)``: locally permuted copies of given group g's X.

    Group g's block is X's columns of the group, then Z's; X's are
    permuted within Z's neighbourhoods, as the critics' copies were, and
    Z's, which no copy moves, are left out (the closed-form statistics read
    them once, as ``group_pvalues``' ``shared``).
    """
    n_z = len(wide_groups[-1])

    def permute(g, count):
        x = wide[:, wide_groups[g][:-n_z]]
        return x[local_permutations(neighbours, count, rng)]

    return permute
