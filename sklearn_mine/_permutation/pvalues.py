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

__all__ = [
    "group_pvalues",
    "min_pvalue_combination",
    "pairings_min_pvalue",
    "permutation_pvalues",
]


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


def pairings_min_pvalue(neural, closed, closed_null):
    """A conditional test's p-value: the min-p of the critic's and the
    closed forms' p-values over the critics' pairings.

    ``neural`` of shape (1 + B,) and ``closed`` of shape (n_statistics,
    1 + B): the statistics on the observed pairing, then on the B copies
    the critics trained on; ``closed_null`` of shape (n_statistics, C):
    the closed-form statistics of C more copies, drawn as the B were.

    Every pairing gets two p-values: its critic's rank among the 1 + B
    pairings, and its closed forms' min-p (:func:`min_pvalue_combination`)
    against the C copies, a reference common to all pairings; the smaller
    is its combined statistic, and the observed pairing's is ranked among
    the 1 + B (Westfall and Young's min-p). Under the null hypothesis the
    1 + B pairings are exchangeable and each pairing's two p-values are the
    same function of it and of the common reference, so the rank is exact,
    as Bonferroni's twice the smaller is; it pays for the two p-values only
    as far as they disagree under the null, not the full factor of two.
    Its resolution is ``1 / (1 + B)``: where the observed pairing ranks
    first, the p-value is the smaller of that and twice its closed forms'
    min-p (Bonferroni's part), which resolves to ``2 / (1 + C)``. At any
    level below ``1 / (1 + B)`` only that part can reject, and it rejects
    with probability at most the level; at any other, the p-value rejects
    exactly where the rank does. PC on the six 6-node graphs of
    ``docs/conditional.md`` missed 8 true edges of 61 with it, 10 with
    Bonferroni (``benchmarks/results/conditional_pairings.md``).
    """
    neural = np.asarray(neural, dtype=float)
    n_pairings = neural.size
    # Each pairing's rank among all of them, as permutation_pvalues ranks
    # the observed one (ties count against it).
    critic = (neural[None, :] >= neural[:, None]).sum(axis=1) / n_pairings
    closed_forms = _against_reference(closed, closed_null)
    combined = np.minimum(critic, closed_forms)
    rank = int((combined <= combined[0]).sum())
    if rank > 1:
        return rank / n_pairings
    return min(1 / n_pairings, 2 * closed_forms[0])


def _against_reference(values, reference):
    """Each column's min-p among it and the reference's columns.

    ``values`` of shape (n_statistics, m), ``reference`` of shape
    (n_statistics, C). Column j's p-value is
    ``min_pvalue_combination`` of the row ``[values[:, j], reference]``
    under each statistic, computed for all m at once: looping that function
    over 101 pairings took 30-55 ms a test, a fifth of a conditional test.
    """
    values = np.asarray(values, dtype=float)
    reference = np.asarray(reference, dtype=float)
    ordered = np.sort(reference, axis=1)
    size = reference.shape[1]
    # Counts of entries at least as large, in a row of the column and the
    # reference: the column's own, then each reference entry's (the
    # reference's own count, plus one where the column is at least it).
    own = 1 + np.stack(
        [size - np.searchsorted(o, v, side="left") for o, v in zip(ordered, values)]
    )
    base = np.stack(
        [size - np.searchsorted(o, r, side="left") for o, r in zip(ordered, reference)]
    )
    counts = base[:, None, :] + (values[:, :, None] >= reference[:, None, :])
    smallest, fisher = counts.min(axis=0), np.log(counts).sum(axis=0)
    own_smallest, own_fisher = (
        own.min(axis=0)[:, None],
        np.log(own).sum(axis=0)[:, None],
    )
    ahead = (smallest < own_smallest) | (
        (smallest == own_smallest) & (fisher <= own_fisher)
    )
    return (1 + ahead.sum(axis=1)) / (1 + size)


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
    twice the smaller of the two (Bonferroni), at most 1; given Z, their
    min-p over the critics' pairings (:func:`pairings_min_pvalue`).
    ``permute(g, count)``, where the permutations are not uniform (a
    conditional test's), returns ``count`` permuted copies of given group
    ``g``'s block, less ``shared``: the columns of ``wide`` that end every
    group's block and that no permutation moves (Z's scores), which the
    statistics read once, and on whose local-linear fits they read
    residuals (:mod:`.smoothing`). Returns
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
    # Without Z each group's critic is ranked among its own copies, all
    # groups at once; given Z, among the pairings (pairings_min_pvalue).
    neural_pvalues = (
        permutation_pvalues(statistics[NEURAL_STATISTIC]) if permute is None else None
    )
    pvalues = np.empty(len(null_of))
    single_null = None
    for g in range(len(null_of)):
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
            pvalues[g] = pairings_min_pvalue(
                statistics[NEURAL_STATISTIC][g],
                [statistics[name][g] for name in names],
                null,
            )
            continue
        block = wide[:, wide_groups[g]]
        if block.shape[1] == 1:
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
        closed_pvalue = _against_reference(closed[:, g : g + 1], null)[0]
        pvalues[g] = min(1.0, 2 * min(neural_pvalues[g], closed_pvalue))
    return pvalues, statistics
