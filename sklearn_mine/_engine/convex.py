"""Convex critics: fixed random features of (x, y), a readout fitted by Newton.

A convex critic is :math:`t(x, y) = w^\\top \\phi(x, y)` for a fixed feature
map :math:`\\phi` (random Fourier features of ``[x, y]`` at several
bandwidths, and the products of the inputs' coordinates). The
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

``fit_convex_groups`` has :func:`~sklearn_mine._engine.grouped.fit_groups`'
call and return, so that the per-feature functions' designs (estimates,
conditional estimates, permutation tests) run on either kind of critic.
"""

import math

import numpy as np
import torch
from sklearn.utils.parallel import Parallel, delayed

from .batches import marginal_eval_size
from .bounds import make_objective, resampled_standard_error
from .sampling import sample_marginal_indices

__all__ = ["CONVEX_SETTINGS", "fit_convex_groups", "solve_readouts"]

# The feature map and the solver's settings, chosen on Gaussian features
# (rho 0 to 0.95) and a non-linear table (sin, abs and square of three of
# ten features) at n = 500 and 2000, five to ten seeds each
# (docs/convex.md, benchmarks/bench_convex.py). Four bandwidths reach the
# sine's frequency that two miss. The marginal pairs matter most: the
# readout otherwise learns the sample of marginal pairs it is fitted on and
# reads low on new ones. Drawn in rounds, each pairing every training x
# with a different training y, ten rounds were as accurate as thirty
# independent draws a pair, at a third of the cost. Newton's gains stop
# within about eight steps.
CONVEX_SETTINGS = {
    "n_features": 128,
    # Bandwidths, in units of sqrt(width) standard scores (the typical
    # distance between two pairs).
    "scales": (0.25, 0.5, 1.0, 2.0),
    # Penalties, in units of 1 / n_train: the sampling noise of the
    # objective shrinks as 1 / n, and so should the penalty.
    "ridges": (1.0, 10.0, 100.0),
    "max_iter": 8,
    # Rounds of marginal pairs, fewer where they would pass max_marginal;
    # "rounds": False draws marginal_rounds * n_train independent pairs
    # instead (measured against, in bench_convex.py).
    "marginal_rounds": 10,
    "max_marginal": 20_000,
    "rounds": True,
}

# Most features x pairs x critics held in one batch (float32: 4 bytes each).
_BATCH_BUDGET = 2**25

_DV = make_objective("dv")


def _feature_map(width, generator, device):
    """Random frequencies and phases for inputs of ``width`` columns."""
    n, scales = CONVEX_SETTINGS["n_features"], CONVEX_SETTINGS["scales"]
    scale = torch.tensor(scales).repeat_interleave(math.ceil(n / len(scales)))[:n]
    omega = torch.randn(width, n, generator=generator) / (scale * math.sqrt(width))
    bias = 2 * math.pi * torch.rand(n, generator=generator)
    return omega.to(device), bias.to(device)


def _features(u, feature_map):
    """phi(u) for inputs ``u`` of shape (..., n, width): (..., n, n_features)."""
    omega, bias = feature_map
    n_fourier, width = omega.shape[1], u.shape[-1]
    # The products of the inputs' coordinates (squares included): a
    # Gaussian dependence's log ratio is a quadratic form of them.
    a, b = torch.triu_indices(width, width, device=u.device)
    # Written into one tensor in place: these are the largest arrays of a
    # call, and each temporary copy of them costs as much as computing them.
    out = u.new_empty(*u.shape[:-1], n_fourier + len(a))
    projected = torch.addmm(bias, u.reshape(-1, width), omega)
    fourier = out[..., :n_fourier]
    torch.cos(projected.reshape(fourier.shape), out=fourier)
    fourier.mul_(math.sqrt(2.0 / n_fourier))
    torch.mul(u[..., a], u[..., b], out=out[..., n_fourier:])
    return out


def solve_readouts(joint, marginal, ridges, max_iter, tol=1e-6):
    """The readouts maximising the ridge-penalised DV bound, for each ridge.

    Parameters
    ----------
    joint : torch.Tensor of shape (n_critics, n, n_features)
        Features of the joint pairs.
    marginal : torch.Tensor of shape (n_critics, m, n_features)
        Features of the marginal pairs.
    ridges : sequence of float
        Penalties :math:`\\lambda`.
    max_iter : int
        Most Newton steps.
    tol : float
        Steps stop once none raises a critic's objective by more.

    Returns
    -------
    w : torch.Tensor of shape (n_critics, n_ridges, n_features)
    """
    n_critics, _, n_features = joint.shape
    mean = joint.mean(dim=1)
    centred = (joint - mean.unsqueeze(1)).double()
    covariance = centred.transpose(1, 2) @ centred / joint.shape[1]
    # One eigendecomposition per critic serves every ridge: the metric's
    # inverse is V diag(1 / (e + lambda)) V^T.
    evals, evecs = torch.linalg.eigh(covariance)
    evals, evecs = evals.to(joint.dtype).clamp(min=0), evecs.to(joint.dtype)
    lam = torch.tensor(ridges, dtype=joint.dtype, device=joint.device)
    w = joint.new_zeros(n_critics, len(lam), n_features)
    scores = joint.new_zeros(n_critics, len(lam), marginal.shape[1])

    def objective(w, scores):
        log_mean = torch.logsumexp(scores, -1) - math.log(scores.shape[-1])
        return (
            torch.einsum("cf,crf->cr", mean, w) - log_mean - 0.5 * lam * (w * w).sum(-1)
        )

    value = objective(w, scores)
    for _ in range(max_iter):
        tilted = torch.softmax(scores, dim=-1)
        gradient = mean.unsqueeze(1) - tilted @ marginal - lam[:, None] * w
        coordinates = torch.einsum("cfh,crf->crh", evecs, gradient)
        step = torch.einsum(
            "cfh,crh->crf", evecs, coordinates / (evals[:, None] + lam[:, None])
        )
        moved = (marginal @ step.transpose(1, 2)).transpose(1, 2)
        # Backtracking: the longest of 1, 1/4, 1/16, ... that does not
        # lower a critic's objective; none (a step of 0) where all do.
        t = torch.ones_like(value).unsqueeze(-1)
        for _ in range(8):
            candidate = objective(w + t * step, scores + t * moved)
            ascent = candidate >= value
            if ascent.all():
                break
            t = torch.where(ascent.unsqueeze(-1), t, t / 4)
        t = torch.where(ascent.unsqueeze(-1), t, 0.0)
        w, scores = w + t * step, scores + t * moved
        gain = torch.where(ascent, candidate - value, 0.0)
        value = torch.where(ascent, candidate, value)
        if gain.max() <= tol:
            break
    return w


def _inputs(z, y, groups, rows_x, rows_y):
    """``[x, y]`` of each group's critic, x from ``rows_x``, y from ``rows_y``."""
    x = torch.stack([z[rows_x][:, group] for group in groups])
    y = y[rows_y].expand(len(groups), -1, -1)
    return torch.cat([x, y], dim=-1)


def _dv_reading(z, y, groups, w, feature_map, rows, n_marginal, generator):
    """Each readout's DV bound on the pairs of ``rows``, and its standard error.

    ``w`` has shape (n_critics, n_readouts, n_features); so do the returns,
    less the last axis. The marginal pairs are resampled from ``rows``.
    """
    J, K = sample_marginal_indices(
        len(rows), n_marginal, replace=True, generator=generator
    )
    joint = _features(_inputs(z, y, groups, rows, rows), feature_map)
    marginal = _features(_inputs(z, y, groups, rows[J], rows[K]), feature_map)
    t_joint = joint @ w.transpose(1, 2)
    t_marginal = marginal @ w.transpose(1, 2)
    t_joint, t_marginal = t_joint.transpose(1, 2), t_marginal.transpose(1, 2)
    estimate = _DV.estimate(t_joint, t_marginal)
    error = resampled_standard_error(t_joint, _DV.weights(t_marginal), J, K)
    return estimate, error


def _training_marginals(n_train, generator):
    """Indices ``J, K`` of the marginal pairs a critic is fitted on.

    In rounds: each pairs every training x with a different training y
    (two permutations, the resampling trick without replacement), so that
    every x and every y enters each round once; n_train pairs a round.
    """
    rounds = max(
        1,
        min(
            CONVEX_SETTINGS["marginal_rounds"],
            CONVEX_SETTINGS["max_marginal"] // n_train,
        ),
    )
    if not CONVEX_SETTINGS["rounds"]:
        return sample_marginal_indices(
            n_train, rounds * n_train, replace=True, generator=generator
        )
    draws = [
        sample_marginal_indices(n_train, n_train, replace=False, generator=generator)
        for _ in range(rounds)
    ]
    return torch.cat([J for J, _ in draws]), torch.cat([K for _, K in draws])


def _fit_chunk(z, groups, y, n_train, seed, all_pairs):
    """The held-out estimates of one batch of critics of the same width."""
    generator = torch.Generator(device=z.device).manual_seed(seed)
    feature_map = _feature_map(len(groups[0]) + y.shape[1], generator, z.device)
    n = len(z)
    train = torch.arange(n_train, device=z.device)
    valid = torch.arange(n_train, n, device=z.device)
    J, K = _training_marginals(n_train, generator)
    w = solve_readouts(
        _features(_inputs(z, y, groups, train, train), feature_map),
        _features(_inputs(z, y, groups, J, K), feature_map),
        [ridge / n_train for ridge in CONVEX_SETTINGS["ridges"]],
        CONVEX_SETTINGS["max_iter"],
    )
    # Each critic's ridge is the one whose readout reads the most on the
    # held-out pairs, against as many marginal pairs (at least 3000), as an
    # MLP critic's epoch is chosen; the estimate is then read on
    # marginal_eval_size of them, drawn anew.
    n_valid = n - n_train
    selection_pairs = max(n_valid, min(marginal_eval_size(n_valid), 3000))
    chosen, _ = _dv_reading(
        z, y, groups, w, feature_map, valid, selection_pairs, generator
    )
    best = chosen.argmax(dim=1)
    w = w[torch.arange(len(groups)), best].unsqueeze(1)
    estimate, error = _dv_reading(
        z, y, groups, w, feature_map, valid, marginal_eval_size(n_valid), generator
    )
    out = {
        "estimates": estimate[:, 0].double().cpu().numpy(),
        "standard_errors": error[:, 0].double().cpu().numpy(),
    }
    if all_pairs:
        every = torch.arange(n, device=z.device)
        reading, _ = _dv_reading(
            z, y, groups, w, feature_map, every, marginal_eval_size(n), generator
        )
        out["all_pairs"] = reading[:, 0].double().cpu().numpy()
    return out


def _chunks(groups, n_rows, width_y):
    """Indices of the groups, in batches of one width that fit the budget."""
    pairs = n_rows + marginal_eval_size(n_rows) + CONVEX_SETTINGS["max_marginal"]
    by_width = {}
    for g, group in enumerate(groups):
        by_width.setdefault(len(group), []).append(g)
    for width, members in by_width.items():
        d = width + width_y
        size = CONVEX_SETTINGS["n_features"] + d * (d + 1) // 2
        per_batch = max(1, _BATCH_BUDGET // (pairs * size))
        for start in range(0, len(members), per_batch):
            yield members[start : start + per_batch]


def fit_convex_groups(z, groups, y, n_train, seeds, n_jobs, params, all_pairs=False):
    """Each group's convex critic, and its held-out estimate.

    The call and return of :func:`~sklearn_mine._engine.grouped.fit_groups`:
    ``z`` and ``y`` encoded, rows in split order (the first ``n_train``
    train). Every critic of a width gets the same feature map and the same
    marginal pairs, from ``seeds[0]``, so that a group's result does not
    depend on the other groups, and a feature and its permuted copies are
    treated alike (what makes a permutation test exact). Of ``params`` only
    ``device`` is read: the MLP's training parameters do not apply.
    """
    device = params["device"]
    z = torch.as_tensor(np.asarray(z), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float32, device=device)
    y = y.reshape(len(y), -1)
    chunks = list(_chunks(groups, len(z), y.shape[1]))
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_chunk)(
            z, [groups[g] for g in chunk], y, n_train, seeds[0], all_pairs
        )
        for chunk in chunks
    )
    order = np.argsort(np.concatenate(chunks), kind="stable")
    return {
        key: np.concatenate([result[key] for result in results])[order]
        for key in results[0]
    }
