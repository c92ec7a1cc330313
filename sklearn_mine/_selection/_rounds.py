"""A selection round: its candidate sets' critics, trained together; its best move."""

from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import norm
from sklearn.utils.parallel import Parallel, delayed

from .._engine.batches import PairDataset
from .._engine.convex_groups import solve_and_compare
from .._engine.grouped import (
    SuccessiveHalving,
    chunk_columns,
    chunk_groups,
    train_critics,
)
from .._engine.readout import evaluate
from ._crossfit import CriticReadings, pool_folds
from ._shadows import null_bound

__all__ = [
    "Move",
    "MoveTest",
    "Training",
    "best_move",
    "critic_rows",
    "fit_candidates",
    "pair_features",
    "read_set",
]

# interactions="auto" tries the pairs of at most this many features: 990
# pairs, four trainings of _GROUPS_PER_FIT critics (screened, see
# SCREEN_FIRST_RUNG). With more left, those whose critics scored best in the
# single round: a feature of an interaction that tells something alone (x2
# of x2 * x3 tells the spread of y) ranks near the top, where a noise
# feature's rank is a draw, and on noise-100 x2 and x3 ranked as low as
# 29th of 98 in the round whose pairs found them (docs/selection.md).
MAX_PAIR_FEATURES = 45

# A pair round's critics are screened by successive halving
# (SuccessiveHalving): at epochs 8, 16, 32, ... the lower half of those
# still training, by their choosing bound so far, are frozen, down to
# SCREEN_KEEP of them; the baseline's critic and the shadows' never are. A
# step then costs what the pairs still training cost, and the round ends
# when its best pairs have met their patience. Single rounds are not
# screened: a feature that tells something only slowly (x2 of x2 * x3)
# learns it late, and the pair round that finds it picks its features by
# the single round's scores (docs/selection.md).
SCREEN_FIRST_RUNG = 8
SCREEN_KEEP = 4
# Convex critics are screened in one rung: all solved cheaply, then the
# best CONVEX_SCREEN_KEEP by that solve's choice solved in full (see
# convex_groups.solve_and_compare).
CONVEX_SCREEN_KEEP = 16


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
    moved); ``baseline``: the (estimate, error) of the set before the move;
    ``passes``: whether the move passes the test; ``accepted``: whether it
    was made.
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


def critic_rows(columns, parent, features):
    """For each column of ``features``, its row in the critic of ``parent``.

    None where ``parent`` lacks the feature: that column's weights start at
    zero (see GroupedCritic.start_from).
    """
    position, rows = {}, []
    for j in parent:
        for c in columns[j]:
            position[c] = len(position)
    for j in features:
        rows.extend(position.get(c) for c in columns[j])
    return rows


def train_and_test_chunk(
    z, groups, starts, y, seeds, sizes, batch_seed, params, has_baseline, protected
):
    """Train one chunk of critics and read them on the rows that test.

    Built on ``train_critics`` as ``mutual_info_mine``'s chunk is, but the
    critics start from the last round's (``starts``), and the held-out rows
    (after the ``sizes[0]`` that train) serve twice: the first ``sizes[1]``
    stop training, the rest, which neither training nor those choices saw,
    read each critic's bound and, with ``has_baseline``, its difference with
    the last critic's (the baseline set's) on the same pairs. ``protected``:
    None trains every critic to its patience; else the critics are
    screened by successive halving, all but these (indices into groups).
    Returns those arrays, with the choosing rows' estimates and each
    critic's weights.
    """
    n_train, n_choose = sizes
    n_fit = n_train + n_choose
    # Unlike mutual_info_mine's chunk, no smaller set of marginal pairs
    # (selection_pairs) to choose each critic's epoch on: train_critics'
    # default, as many as evaluate scores, is kept, as the selector's
    # rounds were not measured with the smaller set (on its tests'
    # interaction case a pair's gain read 1.16 +/- 0.13 with it, against
    # 1.20 +/- 0.09 with the larger).
    screening = (
        None
        if protected is None
        else SuccessiveHalving(SCREEN_FIRST_RUNG, SCREEN_KEEP, tuple(protected))
    )
    net, choose_ds = train_critics(
        z[:n_fit],
        groups,
        y[:n_fit],
        seeds,
        n_train,
        batch_seed,
        params,
        starts,
        screening=screening,
    )
    device = params["device"]
    test_ds = PairDataset(
        torch.as_tensor(z[n_fit:], device=device),
        torch.as_tensor(y[n_fit:], device=device),
    )
    test = evaluate(net, test_ds, baseline=len(groups) - 1 if has_baseline else None)
    if not has_baseline:
        # The gain over the empty set is the estimate.
        test["differences"] = test["estimates"]
        test["difference_standard_errors"] = test["standard_errors"]
    return {
        "choice": evaluate(net, choose_ds)["estimates"],
        "estimates": test["estimates"],
        "errors": test["standard_errors"],
        "gains": test["differences"],
        "gain_errors": test["difference_standard_errors"],
        "critics": [net.module_.group_state(g) for g in range(len(groups))],
    }


def _solve_chunk(fold, groups, seed, has_baseline, training, screen, parent):
    """``train_and_test_chunk``'s readings from convex critics of ``groups``.

    The baseline's critic, last with ``has_baseline``, is solved beside the
    candidates' and read on the same test pairs. ``screen``: None, or the
    groups that may be screened; ``parent``: None, or the stages of the
    convex critic that chose the baseline, which every critic adds its
    readout to (``convex_groups.solve_and_compare``); ``"critics"``: each
    group's stages, from which the next round's start.
    """
    device = training.params["device"]
    z = torch.as_tensor(np.asarray(fold.z), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(fold.y), dtype=torch.float32, device=device)
    out = solve_and_compare(
        z,
        groups,
        y.reshape(len(y), -1),
        (fold.n_train, fold.n_choose),
        seed,
        baseline=len(groups) - 1 if has_baseline else None,
        screen=screen,
        keep=CONVEX_SCREEN_KEEP,
        parent=parent,
    )
    if not has_baseline:
        # The gain over the empty set is the estimate.
        out["gains"], out["gain_errors"] = out["estimates"], out["errors"]
    return {
        "choice": out["choice"],
        "estimates": out["estimates"],
        "errors": out["errors"],
        "gains": out["gains"],
        "gain_errors": out["gain_errors"],
        "critics": out["critics"],
    }


def _fit_in_fold(fold, new_sets, baseline, parent, training, screened):
    """Train the critics of ``new_sets`` and of ``baseline`` in one fold.

    Every critic starts from ``parent`` (the critic that chose the
    baseline, in the round before; None in the first round), with zero
    weights on the columns it adds: the baseline and each candidate set
    then train alike, on the same batches, from the same function, and
    differ only in what the candidate's columns add. An empty set's MI is 0
    and needs no critic. ``screened``: None, or whether each of
    ``new_sets`` may be screened (the baseline never is).
    """
    columns = training.columns
    critic_seed, batch_seed = training.seeds
    sets = [s for s in new_sets if s] + ([baseline] if baseline else [])
    kept = [g for g, s in enumerate(new_sets) if s]
    groups = [[c for j in s for c in columns[j]] for s in sets]
    if training.critic == "convex":
        # Solved, not trained: no start, no screening, one call whose
        # batches are convex_groups'.
        chunks = [list(range(len(sets)))]
        screen = (
            None if screened is None else [i for i, g in enumerate(kept) if screened[g]]
        )
        results = [
            _solve_chunk(
                fold, groups, critic_seed, bool(baseline), training, screen, parent
            )
        ]
    else:
        starts = [
            None if parent is None else (parent, critic_rows(columns, baseline, s))
            for s in sets
        ]
        screenable = None
        if screened is not None:
            # Whether each of sets may be screened: the baseline, last, never.
            screenable = [screened[g] for g in kept] + ([False] if baseline else [])
        # The baseline is trained in every chunk, beside its candidates.
        chunks = [
            [*chunk, *([len(sets) - 1] if baseline else [])]
            for chunk in (chunk_groups(len(kept), training.n_jobs) if kept else [[]])
        ]
        results = Parallel(n_jobs=training.n_jobs)(
            delayed(train_and_test_chunk)(
                *chunk_columns(fold.z, [groups[g] for g in chunk]),
                [starts[g] for g in chunk],
                fold.y,
                [critic_seed] * len(chunk),
                (fold.n_train, fold.n_choose),
                batch_seed,
                training.params,
                bool(baseline),
                None
                if screenable is None
                else [g for g, i in enumerate(chunk) if not screenable[i]],
            )
            for chunk in chunks
        )
    out = {key: [None] * len(new_sets) for key in results[0]}
    for chunk, result in zip(chunks, results):
        # The candidates, less the baseline at the end.
        for g, i in enumerate(chunk[: len(chunk) - bool(baseline)]):
            for key, values in result.items():
                out[key][kept[i]] = values[g]
    base = (
        (results[0]["estimates"][-1], results[0]["errors"][-1])
        if baseline
        else (0.0, 0.0)
    )
    for g, s in enumerate(new_sets):
        if not s:
            # Removing the last feature leaves nothing: its loss is all of
            # I(S).
            out["choice"][g], out["estimates"][g], out["errors"][g] = 0.0, 0.0, 0.0
            out["gains"][g], out["gain_errors"][g] = -base[0], base[1]
    arrays = {key: np.array(out[key]) for key in out if key != "critics"}
    critics = [[critic] for critic in out["critics"]]
    return CriticReadings(**arrays, critics=critics, baseline=base)


def fit_candidates(new_sets, baseline, parents, training, screened=None):
    """The readings of every candidate set's critic against the baseline's.

    Trained in each fold from that fold's parent (``parents``, one per
    fold) and, with several folds, pooled (see ``pool_folds``). With
    ``screened`` (whether each of ``new_sets`` may be), screened by
    successive halving (see ``SCREEN_FIRST_RUNG``).
    """
    readings = [
        _fit_in_fold(fold, new_sets, baseline, parent, training, screened)
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
    # Pair rounds are screened (see SCREEN_FIRST_RUNG), all but the shadows:
    # screened, they would stop as soon as they trail, and their gains
    # would say less of what a noise pair trained to its end gains.
    screened = (
        [True] * len(moves) + [False] * len(null_moves)
        if any(len(move) > 1 for move in moves)
        else None
    )
    readings = fit_candidates(new_sets, selected, parents, training, screened)
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
    for move, choice in zip(moves, readings.choice):
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


def pair_features(scores, candidates, room, interactions):
    """The features whose pairs a round that found no single one tries.

    ``scores``: the single round's (see ``Move``). Empty when pairs are not
    wanted or there is no room for two more features.
    """
    if room < 2 or len(candidates) < 2 or interactions is False:
        return []
    if interactions is True or len(candidates) <= MAX_PAIR_FEATURES:
        return candidates
    # A stable sort, so that ties keep the features' order.
    best = np.argsort(-scores[candidates], kind="stable")
    return sorted(candidates[i] for i in best[:MAX_PAIR_FEATURES])
