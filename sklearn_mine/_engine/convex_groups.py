"""The convex critics of a call: estimates in batches, a test's in families.

:func:`fit_convex_groups` has :func:`~sklearn_mine._engine.grouped.fit_groups`'
call and return, so that the per-feature functions' designs (estimates,
conditional estimates, permutation tests) run on either kind of critic.

Estimates: critics of one width are fitted in batches, each on the marginal
pairs of its own training rows (:func:`.convex.fit_chunk`).

A permutation test (``all_pairs``): its scored columns are the normal
scores of their ranks, and a column's permuted copies hold its values in
other rows, so the sorted values of a critic's columns are the same for a
feature, its copies, and every feature of the same values: a *family*. A
family's critics draw their marginal pairs from those sorted values and
from y, over every row, so they share them: the marginal pairs' features
are computed once a family, and all its critics' readouts, at every ridge,
are solved together, one wide matrix product a Newton step where the
batches take a narrow one a critic (about ten times the flops a second,
measured on this 2-core machine). A critic's statistic then depends on
its own pairing of x with y through its joint pairs alone, and on what its
family shares, which is the same whichever of its members' rows are
permuted: a feature and its copies stay exchangeable under independence,
and the test exact (``docs/convex.md``). A conditional test's copies are
X permuted within neighbourhoods of Z, beside Z's own columns: their rows
differ from the observed ``[X, Z]``'s, so the design links a group and its
copies into one family, whose marginal pairs draw x from the pool of all
its members' values, a function of the set of members alone. The held-out
estimates are read, as in the batches, for the groups in ``read`` only (a
copy's is never used).
"""

import numpy as np
import torch
from sklearn.utils.parallel import Parallel, delayed

from .batches import marginal_eval_size
from .bounds import dv_bound, make_objective
from .convex import (
    CONVEX_SETTINGS,
    dv_reading,
    feature_count,
    feature_metric,
    features,
    fit_chunk,
    inputs,
    newton,
    random_feature_map,
    without_optional,
)
from .convex_families import value_families
from .convex_marginals import marginal_pairs
from .sampling import sample_marginal_indices

__all__ = ["by_width", "critic_batches", "fit_convex_groups"]

_DV = make_objective("dv")

# Most features x pairs x critics held in one batch (float32: 4 bytes each).
_BATCH_BUDGET = 2**25


def critic_batches(members, pairs, width, cubic_y=0, centres=0, x_features=0):
    """``members`` in batches of at most the budget's critics, of inputs
    ``width`` columns wide and ``pairs`` pairs each (``cubic_y``,
    ``centres`` and ``x_features``: as :func:`.convex.feature_count`'s)."""
    count = feature_count(width, cubic_y, centres, x_features)
    per_batch = max(1, _BATCH_BUDGET // (pairs * count))
    return [members[i : i + per_batch] for i in range(0, len(members), per_batch)]


def by_width(groups):
    out = {}
    for g, group in enumerate(groups):
        out.setdefault(len(group), []).append(g)
    return out


def _fit_family(z, groups, values, y, n_train, seed, read, n_shared):
    """A family's critics: their readings on every pair, and ``read``'s estimates.

    ``values``: the family's pool of values
    (:func:`.convex_families.value_families`); ``n_shared``: the columns
    that end every group (Z's), which x's own Fourier features leave out.
    """
    device = z.device
    generator = torch.Generator(device=device).manual_seed(seed)
    cubic_y = y.shape[1] if CONVEX_SETTINGS["family_cubic"] else 0
    width, own = len(groups[0]) + y.shape[1], len(groups[0]) - n_shared
    wanted = cubic_y and own and (not n_shared or CONVEX_SETTINGS["x_features_given_z"])
    x_features = CONVEX_SETTINGS["family_x_features"] if wanted else 0
    feature_map = random_feature_map(width, generator, device, cubic_y, x_features, own)
    n, n_valid = len(z), len(z) - n_train
    values = torch.as_tensor(values, device=device)

    def shared(J, K):
        # Marginal pairs of the family's values and y, and their features;
        # with a pool of several blocks, each x from a block drawn at random.
        blocks = (
            torch.randint(len(values), J.shape, generator=generator, device=device)
            if len(values) > 1
            else torch.zeros_like(J)
        )
        return features(torch.cat([values[blocks, J], y[K]], dim=-1), feature_map)

    # A discrete target's product pairs, as the estimates': the same for
    # every member too.
    J, K, log_weights = marginal_pairs(
        y, n, generator, CONVEX_SETTINGS["family_rounds"]
    )
    marginal = shared(J, K)
    # Each critic solves the map with and without x's own Fourier features
    # (its last columns) and keeps, as its ridge, whichever reads the most
    # on its held-out pairs: they find fine curves and cost power elsewhere.
    n_features = feature_count(width, cubic_y, 0, x_features)
    keep = without_optional(feature_map, n_features, device)
    maps = [n_features] if keep is None else [n_features, int(keep.sum())]
    metrics = [feature_metric(marginal[None, :, :k]) for k in maps]
    selection = shared(
        *sample_marginal_indices(
            n,
            max(n_valid, min(marginal_eval_size(n_valid), 3000)),
            replace=True,
            generator=generator,
        )
    )
    every = shared(
        *sample_marginal_indices(
            n, marginal_eval_size(n), replace=True, generator=generator
        )
    )
    ridges = torch.tensor(CONVEX_SETTINGS["ridges"], device=device) / n_train
    all_pairs, kept = [], []
    rows = torch.arange(n, device=device)
    for batch in critic_batches(
        list(range(len(groups))), n, width, cubic_y, 0, x_features
    ):
        joint = features(
            inputs(z, y, [groups[g] for g in batch], rows, rows), feature_map
        )
        mean = joint[:, :n_train].mean(dim=1)
        # Every critic at every ridge and map: one row of readouts each,
        # zero on the columns a map leaves out.
        w = joint.new_zeros(len(batch), len(maps), len(ridges), joint.shape[-1])
        for i, (k, metric) in enumerate(zip(maps, metrics, strict=True)):
            w[:, i, :, :k] = newton(
                mean[:, :k].repeat_interleave(len(ridges), dim=0).unsqueeze(0),
                metric,
                marginal[None, :, :k],
                ridges.repeat(len(batch)),
                CONVEX_SETTINGS["max_iter"],
                1e-6,
                log_weights,
            ).reshape(len(batch), len(ridges), k)
        w = w.flatten(1, 2)
        # The ridge that reads the most on the held-out pairs, as in fit_chunk.
        chosen = dv_bound(
            (joint[:, n_train:] @ w.transpose(1, 2)).transpose(1, 2),
            (selection @ w.reshape(-1, w.shape[-1]).T).T.reshape(*w.shape[:2], -1),
        )
        w = w[torch.arange(len(batch)), chosen.argmax(dim=1)]
        all_pairs.append(
            dv_bound((joint @ w.unsqueeze(-1)).squeeze(-1), (every @ w.T).T)
        )
        kept.append(w)
    w = torch.cat(kept)
    out = {
        "estimates": np.full(len(groups), np.nan),
        "standard_errors": np.full(len(groups), np.nan),
        "all_pairs": torch.cat(all_pairs).double().cpu().numpy(),
    }
    if read:
        valid = torch.arange(n_train, n, device=device)
        estimate, error = dv_reading(
            z,
            y,
            [groups[g] for g in read],
            w[read].unsqueeze(1),
            feature_map,
            valid,
            marginal_eval_size(n_valid),
            generator,
        )
        out["estimates"][read] = estimate[:, 0].double().cpu().numpy()
        out["standard_errors"][read] = error[:, 0].double().cpu().numpy()
    return out


def _dummy_coded(y):
    """``y`` less its first column where its columns are a one-hot code (a
    discrete target's: 0 or 1, one 1 a row). That column is one less the
    sum of the others, so the critics read the same information with fewer
    features: a binary target's x features and cubic terms are halved."""
    if y.shape[1] > 1 and ((y == 0) | (y == 1)).all() and (y.sum(1) == 1).all():
        return y[:, 1:]
    return y


def fit_convex_groups(
    z,
    groups,
    y,
    n_train,
    seeds,
    n_jobs,
    params,
    all_pairs=False,
    read=None,
    linked=(),
    n_shared=0,
):
    """Each group's convex critic, and its held-out estimate.

    The call and return of :func:`~sklearn_mine._engine.grouped.fit_groups`:
    ``z`` and ``y`` encoded, rows in split order (the first ``n_train``
    train). Every critic of a width gets the same feature map, from
    ``seeds[0]``; a group's result does not depend on the other groups.
    With ``all_pairs`` (a permutation test) the critics are fitted by
    family, and only the groups in ``read`` (all by default) get their
    held-out estimates; the others' are NaN. ``linked``: lists of groups
    fitted as one family though their values differ
    (:func:`.convex_families.value_families`). ``n_shared``: the columns
    that end every group (a conditional test's Z), which no permutation
    moves. Of ``params`` only ``device`` is read: the MLP's training parameters do
    not apply.
    """
    device = params["device"]
    z = torch.as_tensor(np.asarray(z), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float32, device=device)
    y = _dummy_coded(y.reshape(len(y), -1))
    read = set(range(len(groups)) if read is None else read)
    if all_pairs:
        families = value_families(z.cpu().numpy(), groups, linked)
        jobs = [members for members, _ in families]
        tasks = (
            delayed(_fit_family)(
                z, [groups[g] for g in members], values, y, n_train, seeds[0],
                [i for i, g in enumerate(members) if g in read], n_shared,
            )
            for members, values in families
        )  # fmt: skip
    else:
        pairs = len(z) + marginal_eval_size(len(z)) + CONVEX_SETTINGS["max_marginal"]
        jobs = [
            batch
            for width, members in by_width(groups).items()
            for batch in critic_batches(
                members,
                pairs,
                width + y.shape[1],
                y.shape[1] if CONVEX_SETTINGS["x_features"] else 0,
                CONVEX_SETTINGS["n_centres"],
                CONVEX_SETTINGS["x_features"],
            )
        ]
        tasks = (
            delayed(fit_chunk)(z, [groups[g] for g in job], y, n_train, seeds[0])
            for job in jobs
        )
    results = Parallel(n_jobs=n_jobs)(tasks)
    order = np.argsort(np.concatenate(jobs), kind="stable")
    return {
        key: np.concatenate([result[key] for result in results])[order]
        for key in results[0]
    }
