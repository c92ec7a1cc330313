"""A selection round: its candidate sets' critics, trained together; its best move."""

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from ._crossfit import pool_folds
from ._fold import fit_in_fold
from ._screen import screen_candidates, spread_readings
from ._shadows import null_bound

__all__ = [
    "Move",
    "MoveTest",
    "Training",
    "best_move",
    "fit_candidates",
    "pair_features",
    "read_set",
]

# interactions="auto" tries the pairs of at most this many features: 990
# pairs (screened, see _screen.py and _fold.SCREEN_FIRST_RUNG). With more
# left, those that the single round's scores rank best (Move.scores; with
# MLP critics, full convex critics' instead, _screen.convex_scores): a
# feature of an interaction that tells something alone (x2 of x2 * x3
# tells the spread of y) ranks near the top, where a noise feature's rank
# is a draw, and on noise-100 x2 and x3 ranked as low as 29th of 98 in the
# round whose pairs found them (docs/selection.md).
MAX_PAIR_FEATURES = 45


@dataclass(frozen=True)
class Training:
    """What every round's critics train on, and how.

    ``folds``: each fold's rows (see ``Fold``); ``columns``: each feature's
    columns of z, the shadows' after the ``n_features`` of X; ``seeds``: the
    first round's critics' seed and the batches'; ``params``: the settings
    of ``train_critics``; ``n_jobs``: trainings side by side; ``critic``:
    ``"concat"`` trains MLP critics, ``"convex"`` solves random-feature
    critics (``docs/convex.md``), which need no start and no screening.
    """

    folds: list
    columns: list
    n_features: int
    seeds: tuple
    params: dict
    n_jobs: int | None = None
    critic: str = "concat"


@dataclass(frozen=True)
class MoveTest:
    """Whether a round's best move is made (see MutualInfoSelector's ``tol``)."""

    forward: bool
    tol: float | None
    confidence_level: float

    def significant(self, gain, error):
        if self.tol is not None:
            return gain > self.tol
        return gain - norm.ppf(0.5 + self.confidence_level / 2) * error > 0

    def passes(self, gain, error, bound):
        # Forward, a move is made when its gain exceeds what the shadows'
        # moves gain by luck (history_["null_bound"]), and tol if set; the
        # bound covers the test pairs' sampling as well as the training's
        # luck. Without shadows (a NaN bound) its gain must be significant.
        # 0.3 also asked the gain's interval to exclude zero: on tables of a
        # few hundred rows that stopped after one or two features where the
        # bound alone let real gains of a few hundredths of a nat in
        # (docs/selection.md). Backward, a feature is removed unless what
        # its removal takes away is significant.
        if not self.forward:
            return not self.significant(-gain, error)
        if self.tol is not None:
            return gain > self.tol and not gain <= bound
        if np.isnan(bound):
            return self.significant(gain, error)
        return gain > bound


@dataclass
class Move:
    """A round's best move: a row of ``history_``, and what making it needs.

    ``new_set``: the set the move gives; ``critics``: its critic's weights,
    one per fold, from which the next round's critics start; ``scores``:
    the choosing estimate of each feature's best move (NaN for features not
    moved), by the screen's cheap critics where a screen ran (every move
    was read by them, not by the MLP critics); ``baseline``: the
    (estimate, error) of the set before the move; ``passes``: whether the
    move passes the test; ``accepted``: whether it was made.
    """

    features: tuple
    n_features: int
    mutual_info: float
    standard_error: float
    gain: float
    gain_standard_error: float
    null_bound: float
    passes: bool
    new_set: list
    critics: list
    scores: np.ndarray
    baseline: tuple
    accepted: bool = False


def fit_candidates(
    new_sets, baseline, parents, training, screened=None, screenable=None
):
    """The readings of every candidate set's critic against the baseline's.

    Trained in each fold from that fold's parent (``parents``, one per
    fold) and, with several folds, pooled (see ``pool_folds``). With
    ``screened`` (whether each of ``new_sets`` may be), screened by
    successive halving (see ``_fold.SCREEN_FIRST_RUNG``). With ``screenable``
    (the same, for a screen before training), MLP critics train only the
    sets that cheap convex critics rank best (``_screen.py``).
    """
    trained, ranking = (
        (None, None)
        if screenable is None
        else screen_candidates(new_sets, screenable, training, baseline)
    )
    if trained is not None:
        readings = fit_candidates(
            [new_sets[g] for g in trained],
            baseline,
            parents,
            training,
            None if screened is None else [screened[g] for g in trained],
        )
        return spread_readings(readings, trained, ranking)
    readings = [
        fit_in_fold(fold, new_sets, baseline, parent, training, screened)
        for fold, parent in zip(training.folds, parents)
    ]
    if len(readings) == 1:
        return readings[0]
    return pool_folds(readings, training.folds)


def read_set(selected, training):
    """The (estimate, error) of ``selected`` by a critic of its own."""
    readings = fit_candidates(
        [list(selected)], [], [None] * len(training.folds), training
    )
    return readings.estimates[0], readings.errors[0]


def best_move(moves, selected, parents, training, test, null_moves=()):
    """One round: every move from ``selected``, trained together; the best.

    ``moves`` are tuples of features to add (forward) or remove;
    ``null_moves`` add shadows, trained beside them and never chosen, whose
    gains bound what the best move may gain by luck. ``parents``: the
    critics that chose ``selected``, one per fold.
    """
    new_sets = [
        selected + list(move)
        if test.forward
        else [k for k in selected if k not in move]
        for move in [*moves, *null_moves]
    ]
    # Every round's moves may be screened before training (_screen.py), and
    # a pair round's by successive halving too (_fold.SCREEN_FIRST_RUNG);
    # the shadows never are: screened, they would stop as soon as they trail,
    # and their gains would say less of what a noise move trained to its
    # end gains.
    screenable = [True] * len(moves) + [False] * len(null_moves)
    readings = fit_candidates(
        new_sets,
        selected,
        parents,
        training,
        screenable if any(len(move) > 1 for move in moves) else None,
        screenable,
    )
    n_moves = len(moves)
    bound = (
        null_bound(readings.gains[n_moves:], n_moves, test.confidence_level)
        if null_moves
        else np.nan
    )
    # Convex critics screened out of a pair round have no test readings
    # (NaN) and are never the move.
    choice = np.where(np.isnan(readings.gains), -np.inf, readings.choice)
    best = int(np.argmax(choice[:n_moves]))
    scores = np.full(training.n_features, np.nan)
    # Where a screen left moves untrained, the scores are its cheap
    # critics', which read every move.
    ranked = readings.choice if readings.ranking is None else readings.ranking
    for move, choice in zip(moves, ranked):
        for j in move:
            # With pairs: each feature's best pair.
            scores[j] = np.fmax(scores[j], choice)
    gain, gain_error = readings.gains[best], readings.gain_errors[best]
    return Move(
        features=moves[best],
        n_features=len(new_sets[best]),
        mutual_info=readings.estimates[best],
        standard_error=readings.errors[best],
        gain=gain,
        gain_standard_error=gain_error,
        null_bound=bound,
        passes=test.passes(gain, gain_error, bound),
        new_set=new_sets[best],
        critics=readings.critics[best],
        scores=scores,
        baseline=readings.baseline,
    )


def pair_features(scores, candidates, room, interactions, rescore=None):
    """The features whose pairs a round that found no single one tries.

    ``scores``: the single round's (see ``Move``); ``rescore``: None, or a
    function of the candidates giving the scores to rank them by instead,
    called only where more are left than MAX_PAIR_FEATURES (the MLP
    critics' rounds: ``_screen.convex_scores``). Empty when pairs are not
    wanted or there is no room for two more features.
    """
    if room < 2 or len(candidates) < 2 or interactions is False:
        return []
    if interactions is True or len(candidates) <= MAX_PAIR_FEATURES:
        return candidates
    if rescore is not None:
        scores = rescore(candidates)
    # A stable sort, so that ties keep the features' order.
    best = np.argsort(-scores[candidates], kind="stable")
    return sorted(candidates[i] for i in best[:MAX_PAIR_FEATURES])
