"""Permutation p-values: exact ranks, their min-p combination, each group's test.

Nothing here trains: the critics' statistics come in, computed on the
observed pairing and its permuted copies, the closed-form statistics are
computed beside them (:mod:`.statistics`), and both become one exact
p-value per group.
"""

import numpy as np

from .scores import score_vector
from .smoothing import local_linear_smoother
from .statistics import (
    CLOSED_FORM_PERMUTATIONS,
    NEURAL_STATISTIC,
    closed_form_names,
    closed_form_null,
    closed_form_statistics,
)

__all__ = ["group_pvalues", "min_pvalue_combination", "permutation_pvalues"]


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


def group_pvalues(
    wide, wide_groups, null_of, neural, y_scores, rng, permute=None, shared=()
):
    """Each given group's p-value, from the critics' and the closed-form statistics.

    ``neural`` holds the critic statistic of every wide group, whose
    permutation p-value is read against the group's nulls. The closed-form
    statistics (:func:`.statistics.closed_form_statistics`) are computed here, on the
    same pairings and, for their own p-value, on
    ``CLOSED_FORM_PERMUTATIONS`` more: their min-p combination
    (:func:`min_pvalue_combination`) is that p-value. The group's p-value is
    twice the smaller of the two (Bonferroni), at most 1. ``permute(g,
    count)``, where the permutations are not uniform (a conditional test's),
    returns ``count`` permuted copies of given group ``g``'s block, less
    ``shared``: the columns of ``wide`` that end every group's block and that
    no permutation moves (Z's scores), which the statistics read once, and
    on whose local-linear fits they read residuals (:mod:`.smoothing`). Returns
    the p-values and, for each given group, its statistics on the pairings
    the critics trained on (observed first, then its nulls), by name.
    """
    shared = list(shared)
    shared_columns = wide[:, shared] if shared else None
    # Given Z, the closed forms read residuals on it (.smoothing), every
    # block's and copy's by the same weights.
    smoother = local_linear_smoother(shared_columns) if shared else None

    def own(g):
        # A group's columns less the shared ones that end it.
        group = wide_groups[g]
        return group[: len(group) - len(shared)]

    names = closed_form_names(bool(shared))
    rows = np.array([[g, *nulls] for g, nulls in enumerate(null_of)])
    # Only the given groups and their copies are ranked (not Z's columns
    # alone, whose critic serves the chain rule): the others' closed forms
    # are never read, and stay NaN.
    closed = np.full((len(names), len(wide_groups)), np.nan)
    by_width = {}
    for g in np.unique(rows):
        by_width.setdefault(len(wide_groups[g]), []).append(g)
    for members in by_width.values():
        if shared:
            blocks = np.stack([wide[:, own(g)] for g in members])
            closed[:, members] = closed_form_statistics(
                blocks, y_scores, shared_columns, smoother
            )
        else:
            blocks = np.stack([wide[:, wide_groups[g]] for g in members])
            closed[:, members] = closed_form_statistics(blocks, y_scores)
    statistics = {NEURAL_STATISTIC: np.asarray(neural)[rows]}
    statistics |= {name: closed[i][rows] for i, name in enumerate(names)}
    neural_pvalues = permutation_pvalues(statistics[NEURAL_STATISTIC])
    closed_pvalues = np.empty(len(null_of))
    single_null = None
    for g in range(len(null_of)):
        block = wide[:, wide_groups[g]]
        if permute is not None:
            null = closed_form_null(
                wide[:, own(g)],
                y_scores,
                rng,
                CLOSED_FORM_PERMUTATIONS,
                lambda count, g=g: permute(g, count),
                shared_columns,
                smoother,
            )
        elif block.shape[1] == 1:
            # Every single column's scores are one multiset: one null serves.
            if single_null is None:
                single_null = closed_form_null(
                    score_vector(len(block))[:, None],
                    y_scores,
                    rng,
                    CLOSED_FORM_PERMUTATIONS,
                )
            null = single_null
        else:
            null = closed_form_null(block, y_scores, rng, CLOSED_FORM_PERMUTATIONS)
        closed_pvalues[g] = min_pvalue_combination(
            *(
                np.concatenate([[observed], null_values])[None]
                for observed, null_values in zip(closed[:, g], null, strict=True)
            )
        )[0]
    pvalues = np.minimum(1.0, 2 * np.minimum(neural_pvalues, closed_pvalues))
    return pvalues, statistics
