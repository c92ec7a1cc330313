"""A selection round's convex critics: solved, chosen, read against a baseline.

:func:`solve_and_compare` is the convex counterpart of training a round's
MLP critics and reading them (``_selection/_fold.py``); a critic may be
built in stages on the critic that chose the current set
(:func:`stage_scores`). :func:`screen_choice` ranks a round's candidates by
cheap convex critics alone, for a round whose MLP critics train only the
best of them.
"""

from functools import partial

import numpy as np
import torch

from .batches import marginal_eval_size
from .bounds import make_objective, resampled_standard_error
from .convex import (
    CONVEX_SETTINGS,
    centred_feature_map,
    critic_map,
    features,
    inputs,
    random_feature_map,
    scores_on,
    solve_and_choose,
)
from .convex_groups import by_width, critic_batches
from .convex_marginals import marginal_rounds
from .sampling import sample_marginal_indices

__all__ = ["screen_choice", "set_critic", "solve_and_compare", "stage_scores"]

_DV = make_objective("dv")

# The first, cheaper solve of screened critics: a quarter of the random
# features (every ``stride``-th, so every bandwidth keeps its share), two
# rounds of marginal pairs and four Newton steps; its choice ranks them,
# and no test is read.
_SCREEN = {"stride": 4, "rounds": 2, "max_iter": 4}


def _cheap_choice(z, chunk, y, rows, feature_map, generator, offset=None):
    """The choice of ``_SCREEN``'s cheap critics of ``chunk`` (one batch):
    fitted on ``rows[0]``, their bound read on ``rows[1]``."""
    stride = _SCREEN["stride"]
    cheap = feature_map._replace(
        omega=feature_map.omega[:, ::stride], bias=feature_map.bias[::stride]
    )
    _, choice = solve_and_choose(
        z, chunk, y, *rows, cheap, generator,
        _SCREEN["rounds"], _SCREEN["max_iter"], offset,
    )  # fmt: skip
    return choice


def set_critic(z, columns, y, sizes, seed):
    """The stages of a convex critic of ``columns`` (the current set's),
    solved in full as :func:`solve_and_compare` solves it; None for no
    columns. What the critics of a screen add their readouts to."""
    if not len(columns):
        return None
    return solve_and_compare(z, [list(columns)], y, sizes, seed)["critics"][0]


def screen_choice(z, groups, y, sizes, seed, baseline=()):
    """Each group's choice by ``_SCREEN``'s cheap convex critics.

    Rows in order, as :func:`solve_and_compare`'s: the first ``sizes[0]``
    fit, the next ``sizes[1]`` read each critic's bound, its choice.
    ``baseline``: the columns of the current set, whose critic is solved
    first, in full, and which every cheap critic adds its readout to, as
    in the convex critics' own rounds (``parent``): a candidate's choice
    then differs from another's by what its columns add, not by how well
    a cheap critic learnt the set's. Feature maps and marginal pairs come
    from ``seed``, as a screened round's do in :func:`solve_and_compare`,
    so a group's choice does not depend on the others. A float64 array,
    one per group.
    """
    n_train, n_choose = sizes
    stages = set_critic(z, baseline, y, sizes, seed)
    offset = None if stages is None else partial(stage_scores, z, y, stages)
    rows = torch.arange(n_train + n_choose, device=z.device)
    train, choose = rows[:n_train], rows[n_train:]
    choice = torch.empty(len(groups), device=z.device)
    pairs = n_train * (1 + _SCREEN["rounds"]) + n_choose
    for width, members in by_width(groups).items():
        width += y.shape[1]
        for batch in critic_batches(members, pairs, width, y.shape[1]):
            generator = torch.Generator(device=z.device).manual_seed(seed)
            feature_map = random_feature_map(width, generator, z.device, y.shape[1])
            choice[batch] = _cheap_choice(
                z, [groups[g] for g in batch], y, (train, choose), feature_map,
                generator, offset,
            )  # fmt: skip
    return choice.double().cpu().numpy()


def stage_scores(z, y, stages, rows_x, rows_y):
    """The scores of a critic built in stages on the pairs of ``rows_x``
    and ``rows_y``: the sum of each stage's readout of its own features.

    ``stages``: ``(columns, feature_map, w)`` each, as
    :func:`solve_and_compare` returns them.
    """
    total = 0.0
    for columns, feature_map, w in stages:
        total = (
            total
            + features(inputs(z, y, [columns], rows_x, rows_y), feature_map)[0] @ w
        )
    return total


def solve_and_compare(
    z, groups, y, sizes, seed, baseline=None, screen=None, keep=0, parent=None
):
    """Convex critics solved, chosen, and read against a baseline's.

    The convex counterpart of training a selection round's critics and
    reading them with ``readout.evaluate``: rows in order, the first
    ``sizes[0]`` fit each critic's readouts, the next ``sizes[1]`` choose
    its ridge (the bound read there is its ``"choice"``), and the rest
    test: each critic's bound there (``"estimates"``, ``"errors"``) and,
    with ``baseline`` (the index of one of ``groups``), its difference with
    the baseline's on the same pairs, and the difference's error from the
    pairs' differenced influences (``"gains"``, ``"gain_errors"``). Groups
    may differ in width; critics of one width share a feature map drawn
    from ``seed``, every batch's marginal pairs come from ``seed`` too (a
    group's readings do not depend on the others), and every critic is
    tested on the same marginal pairs.

    ``screen``: groups that may be screened (a pair round's). They are
    first solved with fewer features, marginal pairs and Newton steps
    (``_SCREEN``); the ``keep`` whose choice reads the most are then solved
    in full, beside the groups not in ``screen``. A screened-out group's
    choice is its cheap critic's, and its readings on the test rows NaN:
    it cannot be a round's move.

    ``parent``: None, or the stages of a critic (the one that chose the
    current set) that every critic adds its readout to, as an MLP critic
    starts from it: each critic is then the parent plus a readout of its
    own columns' features, reads the parent's bound at a readout of 0, and
    the baseline and each candidate differ only in what the candidate's
    columns add. ``"critics"``: each solved group's stages (the parent's
    and its own), None where screened out.
    """
    n_train, n_choose = sizes
    device = z.device
    rows = torch.arange(len(z), device=device)
    train, choose = rows[:n_train], rows[n_train : n_train + n_choose]
    test = rows[n_train + n_choose :]
    # The test's marginal pairs, from a stream of their own.
    generator = torch.Generator(device=device).manual_seed(seed + 1)
    J, K = sample_marginal_indices(
        len(test), marginal_eval_size(len(test)), replace=True, generator=generator
    )
    offset = None if not parent else partial(stage_scores, z, y, parent)
    critics = [None] * len(groups)
    choice = torch.empty(len(groups), device=device)
    t_joint = torch.empty(len(groups), len(test), device=device)
    t_marginal = torch.empty(len(groups), len(J), device=device)
    pairs = n_train * (1 + marginal_rounds(n_train)) + len(J)

    centres = CONVEX_SETTINGS["selector_centres"]

    def solve(members, screening=False):
        for width, indices in by_width([groups[g] for g in members]).items():
            width += y.shape[1]
            chosen = [members[i] for i in indices]
            for batch in critic_batches(chosen, pairs, width, y.shape[1], centres):
                generator = torch.Generator(device=device).manual_seed(seed)
                feature_map = random_feature_map(width, generator, device, y.shape[1])
                chunk = [groups[g] for g in batch]
                if centres and not screening:
                    joint = inputs(z, y, chunk, train, train)
                    feature_map = centred_feature_map(
                        joint, generator, feature_map, centres
                    )
                if screening:
                    choice[batch] = _cheap_choice(
                        z, chunk, y, (train, choose), feature_map, generator, offset
                    )
                    continue
                w, choice[batch] = solve_and_choose(
                    z, chunk, y, train, choose, feature_map, generator, offset=offset
                )
                scores = scores_on(z, y, chunk, w, feature_map, test, J, K)
                t_joint[batch], t_marginal[batch] = (t[:, 0] for t in scores)
                for i, (g, readout) in enumerate(zip(batch, w[:, 0])):
                    own = critic_map(feature_map, i)
                    critics[g] = [*(parent or []), (groups[g], own, readout)]

    solved = list(range(len(groups)))
    if screen is not None and len(screen) > keep:
        screen = sorted(screen)
        solve(screen, screening=True)
        best = torch.argsort(-choice[screen], stable=True)[:keep].tolist()
        dropped = set(screen) - {screen[i] for i in best}
        solved = [g for g in solved if g not in dropped]
    solve(solved)
    t_joint, t_marginal = t_joint[solved], t_marginal[solved]
    if offset is not None:
        t_joint = t_joint + offset(test, test)
        t_marginal = t_marginal + offset(test[J], test[K])
    weights = _DV.weights(t_marginal)
    out = {
        "estimates": _DV.estimate(t_joint, t_marginal),
        "errors": resampled_standard_error(t_joint, weights, J, K),
    }
    if baseline is not None:
        b = solved.index(baseline)
        out["gains"] = out["estimates"] - out["estimates"][b]
        out["gain_errors"] = resampled_standard_error(
            t_joint - t_joint[b], weights - weights[b], J, K
        )
    # A screened-out critic's readings on the test rows: NaN, unread.
    result = {"choice": choice.double().cpu().numpy(), "critics": critics}
    for key, value in out.items():
        result[key] = np.full(len(groups), np.nan)
        result[key][solved] = value.double().cpu().numpy()
    return result
