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
and the test exact (``docs/convex.md``). The held-out estimates are read,
as in the batches, for the groups in ``read`` only (a copy's is never used).
"""

import numpy as np
import torch
from sklearn.utils.parallel import Parallel, delayed

from .batches import marginal_eval_size
from .bounds import dv_bound
from .convex import (
    CONVEX_SETTINGS,
    dv_reading,
    feature_metric,
    features,
    fit_chunk,
    inputs,
    newton,
    random_feature_map,
    training_marginals,
)
from .sampling import sample_marginal_indices

__all__ = ["fit_convex_groups"]

# Most features x pairs x critics held in one batch (float32: 4 bytes each).
_BATCH_BUDGET = 2**25


def _n_features(width):
    return CONVEX_SETTINGS["n_features"] + width * (width + 1) // 2


def _batches(members, pairs, width):
    """``members`` in batches of at most the budget's critics, of inputs
    ``width`` columns wide and ``pairs`` pairs each."""
    per_batch = max(1, _BATCH_BUDGET // (pairs * _n_features(width)))
    return [members[i : i + per_batch] for i in range(0, len(members), per_batch)]


def _by_width(groups):
    out = {}
    for g, group in enumerate(groups):
        out.setdefault(len(group), []).append(g)
    return out


def _families(z, groups):
    """The groups whose columns hold the same values, by family: each
    family's members, and those values (rows sorted as wholes)."""
    out = {}
    for g, group in enumerate(groups):
        block = z[:, group]
        # Rows sorted as wholes: the values of the block, whatever its order.
        canonical = block[np.lexsort(block.T[::-1])]
        key = (len(group), canonical.tobytes())
        out.setdefault(key, ([], canonical))[0].append(g)
    return list(out.values())


def _fit_family(z, groups, values, y, n_train, seed, read):
    """A family's critics: their readings on every pair, and ``read``'s estimates.

    ``values``: the family's sorted values (:func:`_families`).
    """
    device = z.device
    generator = torch.Generator(device=device).manual_seed(seed)
    feature_map = random_feature_map(len(groups[0]) + y.shape[1], generator, device)
    n, n_valid = len(z), len(z) - n_train
    values = torch.as_tensor(values, device=device)

    def shared(J, K):
        # Marginal pairs of the family's values and y, and their features.
        return features(torch.cat([values[J], y[K]], dim=-1), feature_map)

    marginal = shared(*training_marginals(n, generator))
    metric = feature_metric(marginal.unsqueeze(0))
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
    width = len(groups[0]) + y.shape[1]
    for batch in _batches(list(range(len(groups))), n, width):
        joint = features(
            inputs(z, y, [groups[g] for g in batch], rows, rows), feature_map
        )
        mean = joint[:, :n_train].mean(dim=1)
        # Every critic at every ridge: one row of the batch's readouts each.
        w = newton(
            mean.repeat_interleave(len(ridges), dim=0).unsqueeze(0),
            metric,
            marginal.unsqueeze(0),
            ridges.repeat(len(batch)),
            CONVEX_SETTINGS["max_iter"],
            1e-6,
        ).reshape(len(batch), len(ridges), -1)
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


def fit_convex_groups(
    z, groups, y, n_train, seeds, n_jobs, params, all_pairs=False, read=None
):
    """Each group's convex critic, and its held-out estimate.

    The call and return of :func:`~sklearn_mine._engine.grouped.fit_groups`:
    ``z`` and ``y`` encoded, rows in split order (the first ``n_train``
    train). Every critic of a width gets the same feature map, from
    ``seeds[0]``; a group's result does not depend on the other groups.
    With ``all_pairs`` (a permutation test) the critics are fitted by
    family, and only the groups in ``read`` (all by default) get their
    held-out estimates; the others' are NaN. Of ``params`` only ``device``
    is read: the MLP's training parameters do not apply.
    """
    device = params["device"]
    z = torch.as_tensor(np.asarray(z), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float32, device=device)
    y = y.reshape(len(y), -1)
    read = set(range(len(groups)) if read is None else read)
    if all_pairs:
        families = _families(z.cpu().numpy(), groups)
        jobs = [members for members, _ in families]
        tasks = (
            delayed(_fit_family)(
                z, [groups[g] for g in members], values, y, n_train, seeds[0],
                [i for i, g in enumerate(members) if g in read],
            )
            for members, values in families
        )  # fmt: skip
    else:
        pairs = len(z) + marginal_eval_size(len(z)) + CONVEX_SETTINGS["max_marginal"]
        jobs = [
            batch
            for width, members in _by_width(groups).items()
            for batch in _batches(members, pairs, width + y.shape[1])
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
