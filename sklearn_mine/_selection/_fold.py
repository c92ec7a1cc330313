"""A selection round's critics in one fold: trained or solved, and read.

The MLP critics of a round's candidate sets train together from the critic
that chose the current set (``train_and_test_chunk``); convex critics are
solved instead (``convex_rounds.solve_and_compare``). Either way each is
read on the fold's choosing rows and, against the baseline set's, on its
testing rows (``CriticReadings``).
"""

import numpy as np
import torch
from sklearn.utils.parallel import Parallel, delayed

from .._engine.batches import PairDataset
from .._engine.convex_rounds import solve_and_compare
from .._engine.grouped import (
    SuccessiveHalving,
    chunk_columns,
    chunk_groups,
    train_critics,
)
from .._engine.readout import evaluate
from ._crossfit import CriticReadings
from ._screen import KEEP

__all__ = ["critic_rows", "fit_in_fold", "train_and_test_chunk"]

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
# best _screen.KEEP by that solve's choice solved in full (see
# convex_rounds.solve_and_compare), as MLP critics train them after the
# same cheap solve (_screen.py).


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
    readout to (``convex_rounds.solve_and_compare``); ``"critics"``: each
    group's stages, from which the next round's start.
    """
    z, y = fold.tensors(training.params["device"])
    out = solve_and_compare(
        z,
        groups,
        y,
        (fold.n_train, fold.n_choose),
        seed,
        baseline=len(groups) - 1 if has_baseline else None,
        screen=screen,
        keep=KEEP,
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


def fit_in_fold(fold, new_sets, baseline, parent, training, screened):
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
