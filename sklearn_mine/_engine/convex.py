"""Convex critics: fixed random features of (x, y), a readout fitted by Newton.

A convex critic is :math:`t(x, y) = w^\\top \\phi(x, y)` for a fixed feature
map :math:`\\phi` (random Fourier features of ``[x, y]`` at several
bandwidths, and the products of the inputs' coordinates; the maps are
:mod:`.convex_features`', their settings :mod:`.convex_settings`'). The
Donsker-Varadhan bound

.. math:: L(w) = w^\\top \\bar\\phi_P - \\log \\overline{e^{w^\\top \\phi}}_Q
          - \\tfrac{\\lambda}{2} \\|w\\|^2

(joint pairs P, resampled marginal pairs Q) is concave in w, so a few
Newton steps replace the thousands of gradient steps an MLP critic takes.
The Hessian of the log term is the covariance of the features under Q
tilted by :math:`e^t`; at the optimum that tilted distribution is the
joint one, so the steps use the joint pairs' covariance as a fixed metric
(factored once per critic, for every ridge), with a backtracking line
search that keeps each step an ascent (``docs/convex.md``). Every critic of
a call, at every ridge, is solved at once as a batch; each critic's ridge
is chosen by its held-out bound, as early stopping chooses an MLP critic's
epoch, and the estimate is read on the held-out pairs.

``convex_groups.fit_convex_groups`` fits the critics of a call with these,
with :func:`~sklearn_mine._engine.grouped.fit_groups`' call and return.
"""

import math
from functools import partial

import torch

from .batches import marginal_eval_size
from .bounds import make_objective, resampled_standard_error
from .convex_features import (
    FeatureMap,
    centred_feature_map,
    critic_map,
    feature_count,
    features,
    random_feature_map,
)
from .convex_marginals import marginal_pairs
from .convex_settings import CONVEX_SETTINGS
from .sampling import sample_marginal_indices

__all__ = [
    "CONVEX_SETTINGS",
    "FeatureMap",
    "centred_feature_map",
    "critic_map",
    "dv_reading",
    "dv_scores",
    "feature_count",
    "scores_on",
    "random_feature_map",
    "features",
    "fit_chunk",
    "inputs",
    "newton",
    "feature_metric",
    "solve_and_choose",
    "solve_module",
    "solve_readouts",
    "without_optional",
]

_DV = make_objective("dv")

# Most features x pairs x critics scored at once (scores_on): 4 MB of float32.
_SCORING_BUDGET = 2**20


def solve_readouts(joint, marginal, ridges, max_iter, tol=1e-6, offset=None):
    """The readouts maximising the ridge-penalised DV bound, for each ridge.

    Parameters
    ----------
    joint : torch.Tensor of shape (n_critics, n, n_features)
        Features of the joint pairs.
    marginal : torch.Tensor of shape (n_critics, m, n_features)
        Features of the marginal pairs.
    ridges : sequence of float
        Penalties, one readout each.
    max_iter : int
        Most Newton steps.
    tol : float
        Steps stop once none raises a critic's objective by more.
    offset : torch.Tensor of shape (m,) or None
        A fixed critic's scores on the marginal pairs, which every readout
        adds its own to (:func:`newton`).

    Returns
    -------
    w : torch.Tensor of shape (n_critics, n_ridges, n_features)
    """
    mean = joint.mean(dim=1)
    lam = torch.tensor(ridges, dtype=joint.dtype, device=joint.device)
    return newton(
        mean.unsqueeze(1).expand(-1, len(lam), -1),
        feature_metric(joint),
        marginal,
        lam,
        max_iter,
        tol,
        offset,
    )


def feature_metric(features):
    """Eigenvalues and vectors of the features' covariance, for each batch.

    ``features`` has shape (batch, n, n_features). One eigendecomposition
    serves every ridge: the metric's inverse is V diag(1 / (e + lambda)) V^T.
    """
    centred = (features - features.mean(dim=1, keepdim=True)).double()
    evals, evecs = torch.linalg.eigh(
        centred.transpose(1, 2) @ centred / len(centred[0])
    )
    return evals.to(features.dtype).clamp(min=0), evecs.to(features.dtype)


def newton(mean, metric, marginal, lam, max_iter, tol, offset=None):
    """Readouts ``w`` of shape (batch, k, n_features) maximising the DV bound.

    Readout ``[b, j]`` has joint features' mean ``mean[b, j]``, penalty
    ``lam[j]`` and the marginal features ``marginal[b]``, which the ``k``
    readouts of a batch share (one wide matrix product a step serves them
    all); ``metric``: :func:`feature_metric` of each batch. ``offset``: a
    fixed critic's scores on the marginal pairs, shape (m,), added to every
    readout's (the critic is then that one plus the readout's features:
    at w = 0 it reads the fixed critic's bound, and Newton's steps only
    raise it). Its joint scores add a constant to the objective, which
    does not move w.

    A readout stops once a step raises its objective by at most ``tol``
    (or by nothing: the line search found no ascent, and the next step
    would be the same). Where every readout shares one batch's marginal
    pairs (a test's family), the products are taken for the readouts
    still moving only: most stop within a few steps, a few need all
    (``docs/convex.md``).
    """
    shape, m = mean.shape, marginal.shape[1]
    # The readouts' state, one row each.
    mean = mean.reshape(-1, shape[-1])
    lam = lam.repeat(shape[0])
    w = torch.zeros_like(mean)
    scores = (
        mean.new_zeros(len(mean), m)
        if offset is None
        else offset.expand(len(mean), m).clone()
    )
    value = _penalised_dv(mean, lam, w, scores)
    moving = torch.ones(len(mean), dtype=torch.bool, device=mean.device)
    for _ in range(max_iter):
        # With several batches every row keeps its place in the products
        # (a stopped one takes steps of 0).
        rows = torch.nonzero(moving).squeeze(-1) if shape[0] == 1 else slice(None)
        args = (mean[rows], lam[rows], w[rows], scores[rows])
        step, moved = _step(*args, metric, marginal)
        t, candidate = _line_search(*args, value[rows], step, moved)
        t = t * moving[rows]
        w[rows] += t[:, None] * step
        scores[rows] += t[:, None] * moved
        gain = torch.where(moving[rows], candidate - value[rows], 0.0)
        value[rows] += gain
        moving[rows] = gain > tol
        if not moving.any():
            break
    return w.reshape(shape)


def _penalised_dv(mean, lam, w, scores):
    """The readouts' objective, one a row, from their marginal scores."""
    log_mean = torch.logsumexp(scores, -1) - math.log(scores.shape[-1])
    return (mean * w).sum(-1) - log_mean - 0.5 * lam * (w * w).sum(-1)


def _step(mean, lam, w, scores, metric, marginal):
    """Newton's step of each readout (a row) in the metric, and the change
    it makes to the readout's scores on the marginal pairs."""
    evals, evecs = metric
    batches, m = marginal.shape[:2]
    tilted = torch.softmax(scores, dim=-1).reshape(batches, -1, m)
    gradient = mean - (tilted @ marginal).reshape(mean.shape) - lam[:, None] * w
    coordinates = gradient.reshape(batches, -1, mean.shape[-1]) @ evecs
    step = (coordinates / (evals[:, None] + lam.reshape(batches, -1)[..., None])) @ (
        evecs.transpose(1, 2)
    )
    moved = (step @ marginal.transpose(1, 2)).reshape(len(mean), m)
    return step.reshape(mean.shape), moved


def _line_search(mean, lam, w, scores, value, step, moved):
    """Backtracking: the longest of 1, 1/4, 1/16, ... that does not lower a
    readout's objective; none (a step of 0) where all do. The shorter steps
    are tried on the readouts that need them only. Returns each row's
    fraction of its step and its objective there."""
    t = torch.ones_like(value)
    candidate = _penalised_dv(mean, lam, w + step, scores + moved)
    pending = torch.nonzero(candidate < value).squeeze(-1)
    for _ in range(7):
        if len(pending) == 0:
            break
        t[pending] /= 4
        tp = t[pending, None]
        candidate[pending] = _penalised_dv(
            mean[pending],
            lam[pending],
            w[pending] + tp * step[pending],
            scores[pending] + tp * moved[pending],
        )
        pending = pending[candidate[pending] < value[pending]]
    t[pending] = 0.0
    candidate[pending] = value[pending]
    return t, candidate


def inputs(z, y, groups, rows_x, rows_y):
    """``[x, y]`` of each group's critic, x from ``rows_x``, y from ``rows_y``."""
    # The groups are of one width: one gather serves them all.
    columns = torch.as_tensor(groups, device=z.device)
    x = z[rows_x][:, columns].transpose(0, 1)
    y = y[rows_y].expand(len(groups), -1, -1)
    return torch.cat([x, y], dim=-1)


def scores_on(z, y, groups, w, feature_map, rows, J, K):
    """Readouts ``w`` (n_critics, n_readouts, n_features) scored on the
    pairs of ``rows`` and on the marginal pairs ``(rows[J], rows[K])``:
    each of shape (n_critics, n_readouts, pairs).

    The features are computed a few critics at a time and dropped once
    scored: a fresh array of hundreds of MB costs more to map in than to
    fill, where one of a few MB reuses the memory of the last (3 times
    less time, measured on this 2-core machine).
    """
    per_chunk = max(1, _SCORING_BUDGET // ((len(rows) + len(J)) * w.shape[-1]))
    t_joint, t_marginal = [], []
    for i in range(0, len(groups), per_chunk):
        chunk, readouts = groups[i : i + per_chunk], w[i : i + per_chunk]
        # Kernels' centres are each critic's own.
        own = feature_map.centres
        chunk_map = feature_map._replace(
            centres=None if own is None else own[i : i + per_chunk]
        )
        joint = features(inputs(z, y, chunk, rows, rows), chunk_map)
        marginal = features(inputs(z, y, chunk, rows[J], rows[K]), chunk_map)
        t_joint.append((joint @ readouts.transpose(1, 2)).transpose(1, 2))
        t_marginal.append((marginal @ readouts.transpose(1, 2)).transpose(1, 2))
    return torch.cat(t_joint), torch.cat(t_marginal)


def dv_scores(z, y, groups, w, feature_map, rows, n_marginal, generator, offset=None):
    """Each readout's scores on the pairs of ``rows`` and on marginal pairs.

    ``w`` has shape (n_critics, n_readouts, n_features). The marginal pairs
    are resampled from ``rows``, the same for every critic. ``offset``:
    None, or ``offset(rows_x, rows_y)``, a fixed critic's scores on pairs,
    added to every readout's. Returns the joint and marginal scores, of
    shape (n_critics, n_readouts, pairs), and the marginal pairs' indices
    ``J, K`` into ``rows``.
    """
    J, K = sample_marginal_indices(
        len(rows), n_marginal, replace=True, generator=generator
    )
    t_joint, t_marginal = scores_on(z, y, groups, w, feature_map, rows, J, K)
    if offset is not None:
        t_joint = t_joint + offset(rows, rows)
        t_marginal = t_marginal + offset(rows[J], rows[K])
    return t_joint, t_marginal, J, K


def dv_reading(
    z,
    y,
    groups,
    w,
    feature_map,
    rows,
    n_marginal,
    generator,
    with_error=True,
    offset=None,
):
    """Each readout's DV bound on the pairs of ``rows``, and its standard error.

    ``w`` has shape (n_critics, n_readouts, n_features); so do the returns,
    less the last axis. The marginal pairs are resampled from ``rows``.
    Without ``with_error`` the error returned is None; ``offset``: as
    :func:`dv_scores`'.
    """
    t_joint, t_marginal, J, K = dv_scores(
        z, y, groups, w, feature_map, rows, n_marginal, generator, offset
    )
    estimate = _DV.estimate(t_joint, t_marginal)
    if not with_error:
        return estimate, None
    error = resampled_standard_error(t_joint, _DV.weights(t_marginal), J, K)
    return estimate, error


def solve_and_choose(
    z,
    groups,
    y,
    train,
    choose,
    feature_map,
    generator,
    rounds=None,
    max_iter=None,
    offset=None,
):
    """Each critic's readout, solved on ``train``'s pairs at every ridge,
    at the ridge that reads the most on ``choose``'s.

    ``groups`` all of one width. Each critic's ridge is chosen as an MLP
    critic's epoch is: by its bound on held-out pairs, against as many
    marginal pairs (at least 3000). ``rounds`` of marginal pairs and
    ``max_iter`` Newton steps: the settings' by default. ``offset``: None,
    or a fixed critic that every critic adds its readout to, as
    ``offset(rows_x, rows_y)``, its scores on pairs (:func:`newton`).
    Returns the readouts, of shape (n_critics, 1, n_features), and their
    bounds on ``choose``.
    """
    n_train = len(train)
    J, K, log_weights = marginal_pairs(y[train], n_train, generator, rounds)
    fixed = log_weights
    if offset is not None:
        fixed = offset(train[J], train[K]) + (0 if fixed is None else fixed)
    ridges = CONVEX_SETTINGS["ridges" if log_weights is None else "product_ridges"]
    solve = partial(
        solve_readouts,
        ridges=[ridge / n_train for ridge in ridges],
        max_iter=max_iter or CONVEX_SETTINGS["max_iter"],
        offset=fixed,
    )
    joint = features(inputs(z, y, groups, train, train), feature_map)
    marginal = features(inputs(z, y, groups, train[J], train[K]), feature_map)
    w = solve(joint, marginal)
    keep = without_optional(feature_map, w.shape[-1], w.device)
    if keep is not None:
        # Also the readouts without the optional columns, each critic
        # choosing between the two maps as between the ridges.
        plain = w.new_zeros(w.shape)
        plain[..., keep] = solve(joint[..., keep], marginal[..., keep])
        w = torch.cat([plain, w], dim=1)
    n_choose = len(choose)
    selection_pairs = max(n_choose, min(marginal_eval_size(n_choose), 3000))
    chosen, _ = dv_reading(
        z, y, groups, w, feature_map, choose, selection_pairs, generator, False, offset
    )
    best = chosen.argmax(dim=1)
    every = torch.arange(len(groups), device=z.device)
    return w[every, best].unsqueeze(1), chosen[every, best]


def without_optional(feature_map, n_features, device):
    """A mask of the map's columns less those a critic may do without, or
    None where it has none: the kernels (where ``choose_map``) and x's own
    Fourier features (the last columns). They find sharp or fast
    dependence, and read lower than the map without them elsewhere."""
    keep = torch.ones(n_features, dtype=torch.bool, device=device)
    if feature_map.n_centres and CONVEX_SETTINGS["choose_map"]:
        n_fourier = feature_map.omega.shape[1]
        keep[n_fourier : n_fourier + feature_map.n_centres] = False
    n_x_features = feature_map.n_x_features * (1 + feature_map.cubic_y)
    keep[n_features - n_x_features :] = False
    return None if keep.all() else keep


def solve_module(module, train_ds, valid_ds, seed):
    """Solve a :class:`~sklearn_mine._engine.critics.ConvexCritic`'s readout.

    Fitted on ``train_ds``'s pairs at every ridge, the ridge chosen by the
    bound on ``valid_ds``'s (as an MLP critic's epoch is chosen on them), and
    written into ``module.readout``; ``seed`` draws the marginal pairs.
    """
    z = torch.cat([train_ds.x, valid_ds.x])
    y = torch.cat([train_ds.y, valid_ds.y])
    rows = torch.arange(len(z), device=z.device)
    n_train = len(train_ds.x)
    generator = torch.Generator(device=z.device).manual_seed(seed)
    w, _ = solve_and_choose(
        z,
        [list(range(z.shape[1]))],
        y,
        rows[:n_train],
        rows[n_train:],
        FeatureMap(module.omega, module.bias),
        generator,
    )
    with torch.no_grad():
        module.readout.copy_(w[0, 0])


def fit_chunk(z, groups, y, n_train, seed):
    """The held-out estimates of one batch of critics of the same width."""
    generator = torch.Generator(device=z.device).manual_seed(seed)
    n = len(z)
    train = torch.arange(n_train, device=z.device)
    valid = torch.arange(n_train, n, device=z.device)
    if CONVEX_SETTINGS["n_centres"]:
        feature_map = centred_feature_map(inputs(z, y, groups, train, train), generator)
    else:
        # With x's own Fourier features, each alone and times y's
        # coordinates, and y times the products of x's (the tests' map).
        x_features = CONVEX_SETTINGS["x_features"]
        feature_map = random_feature_map(
            len(groups[0]) + y.shape[1],
            generator,
            z.device,
            y.shape[1] if x_features else 0,
            x_features,
        )
    # The estimate is read on marginal_eval_size pairs, drawn anew.
    w, _ = solve_and_choose(z, groups, y, train, valid, feature_map, generator)
    estimate, error = dv_reading(
        z, y, groups, w, feature_map, valid, marginal_eval_size(n - n_train), generator
    )
    return {
        "estimates": estimate[:, 0].double().cpu().numpy(),
        "standard_errors": error[:, 0].double().cpu().numpy(),
    }
