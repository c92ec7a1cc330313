"""A round's candidates ranked by cheap convex critics, before MLP critics train.

A round of MLP critics trains every candidate set to its patience, and the
critics' count sets a step's cost: on noise-100 (100 features) the round
after the last informative feature trained 96 single candidates and 990
pairs beside 16 shadows each, and the pair round alone took half the fit
(``benchmarks/bench_selection.py --tables speed``). Cheap convex critics
(``convex_rounds.screen_choice``: a quarter of the random features, two
rounds of marginal pairs, four Newton steps) rank every candidate in a
fraction of that, and the MLP critics then train only the best ``KEEP``
of them, beside the shadows and the baseline, which are never screened: a
round is chosen and tested as before, among fewer sets. The features a
pair round pairs, where more are left than it can pair, are those that
full convex critics rank best (:func:`convex_scores`): the cheap critics,
like the MLP critics of a single round before them, rank the features of
an interaction that tell little alone too low
(``benchmarks/results/selection_screen.md``).
"""

import numpy as np

from .._engine.convex_rounds import screen_choice, set_critic, solve_and_compare
from ._crossfit import CriticReadings

__all__ = ["KEEP", "convex_scores", "screen_candidates", "spread_readings"]

# The candidates a screened round's MLP critics train: as many as the
# shadows beside them (N_SHADOWS), so that a round costs about twice its
# shadows' training, whatever the count of features; the convex critics'
# own rounds solve as many in full after the same screen.
KEEP = 16


def _pooled_choice(training, choose):
    """``choose(z, y, sizes, seed)``'s choice in every fold, pooled as
    ``pool_folds`` pools the choice: weighted by the choosing rows."""
    choices = []
    for fold in training.folds:
        z, y = fold.tensors(training.params["device"])
        sizes = (fold.n_train, fold.n_choose)
        choices.append(choose(z, y, sizes, training.seeds[0]))
    weights = [fold.n_choose for fold in training.folds]
    return np.average(choices, axis=0, weights=weights)


def screen_candidates(new_sets, screenable, training, baseline):
    """Which of ``new_sets`` a round's MLP critics train, and the ranking.

    ``screenable``: whether each set may be screened out (a move's, not a
    shadow's, and not empty); ``baseline``: the current set, whose convex
    critic each cheap critic adds to where the sets hold it. None, None
    where no screen runs: convex critics, which screen themselves, or at
    most ``KEEP`` candidates. Otherwise the indices of the sets to train
    (the ``KEEP`` best by the cheap critics' choice, pooled over the folds
    as ``pool_folds`` pools the choice, and every set not screenable), and
    each set's pooled choice (NaN for those not screenable).
    """
    candidates = [g for g, s in enumerate(new_sets) if screenable[g] and s]
    if training.critic == "convex" or len(candidates) <= KEEP:
        return None, None
    columns = training.columns
    groups = [[c for j in new_sets[g] for c in columns[j]] for g in candidates]
    # Forward, each candidate adds its readout to a critic of the current
    # set; backward (sets within it), that critic would hold what a
    # removal takes away, and each is solved afresh.
    forward = all(set(baseline) <= set(new_sets[g]) for g in candidates)
    own = [c for j in baseline for c in columns[j]] if forward else []
    pooled = _pooled_choice(
        training,
        lambda z, y, sizes, seed: screen_choice(z, groups, y, sizes, seed, own),
    )
    best = np.argsort(-pooled, kind="stable")[:KEEP]
    kept = {candidates[i] for i in best} | set(range(len(new_sets))) - set(candidates)
    ranking = np.full(len(new_sets), np.nan)
    ranking[candidates] = pooled
    return sorted(kept), ranking


def spread_readings(readings, trained, ranking):
    """The readings of the ``trained`` sets, spread over every set.

    The sets screened out read NaN (their critics untrained: never a
    round's move) and hold no critics; ``ranking`` is kept beside.
    """

    def spread(values):
        out = np.full(len(ranking), np.nan)
        out[trained] = values
        return out

    critics = [None] * len(ranking)
    for g, critic in zip(trained, readings.critics):
        critics[g] = critic
    return CriticReadings(
        choice=spread(readings.choice),
        estimates=spread(readings.estimates),
        errors=spread(readings.errors),
        gains=spread(readings.gains),
        gain_errors=spread(readings.gain_errors),
        critics=critics,
        baseline=readings.baseline,
        ranking=ranking,
    )


def convex_scores(candidates, selected, training):
    """Each candidate's score by full convex critics: the features a pair
    round pairs, where a round of MLP critics left more than it can pair.

    Each critic adds its readout to a convex critic of ``selected``, as the
    convex critics' own rounds do (``solve_and_compare``'s ``parent``); its
    choice, pooled over the folds, is the score (NaN for features not in
    ``candidates``). A single round's cheap critics ranked x2 and x3 of
    noise-100's x2 * x3 both among the 45 best of 98, once x0 and x1 were
    chosen, in 3 of 8 pair rounds over ten data seeds, and these in 7
    (``docs/selection.md``, "A screen before training"): the spread that
    x2 tells of y is a small gain, which the cheap critics, on a quarter of
    the features, read below the choice's noise.
    """
    columns = training.columns
    groups = [[c for j in [*selected, k] for c in columns[j]] for k in candidates]
    own = [c for j in selected for c in columns[j]]

    def choose(z, y, sizes, seed):
        parent = set_critic(z, own, y, sizes, seed)
        return solve_and_compare(z, groups, y, sizes, seed, parent=parent)["choice"]

    scores = np.full(training.n_features, np.nan)
    scores[candidates] = _pooled_choice(training, choose)
    return scores
