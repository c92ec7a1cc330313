"""The readout of a critic trained by a MINENet: estimate, standard error, pointwise MI.

The functions take the net and read its critic on the pairs they are given,
without gradients, or read what its training recorded; none trains. The
net's own validation loss is :func:`bound`'s negation, so that the critic
chosen during training and the estimate read after agree.
"""

import math

import numpy as np
import torch
from scipy.stats import norm

from .batches import BLOCKS, off_diagonal
from .bounds import infonce_terms, log_mean_exp, resampled_standard_error
from .reference import nee_combine

__all__ = [
    "bound",
    "confidence_interval",
    "evaluate",
    "estimate_values",
    "floor_divergences",
    "gaussian_term",
    "lower_confidence_bound",
    "pointwise",
    "standard_error",
    "training_history",
]


def bound(net, y_pred, layout, gaussian=None):
    """The reported estimate of each critic (one per group) on a batch.

    ``gaussian``: with the copula reference, the Gaussian term of each
    joint pair (:func:`gaussian_term`), whose mean joins the estimate.
    """
    estimate = net.criterion_.estimate(y_pred, layout)
    if not net.uses_reference:
        return estimate
    # A divergence is at least 0, which the constant critic attains: a
    # critic that reads less on held-out pairs has over-fitted, and
    # counting its negative reading would add to the MI the divergences
    # it subtracts (selection by this estimate would then favour
    # over-fitted marginal critics). ``floor_divergences`` makes the
    # kept critic agree.
    estimate = nee_combine(estimate.clamp(min=0.0))
    return estimate if gaussian is None else estimate + gaussian.mean()


def gaussian_term(net, X, n):
    """The copula reference's log ratio of the first ``n`` rows, or None."""
    if net.reference_ is None or net.reference_.kind != "copula":
        return None
    return net.reference_.log_ratio(X["x"][:n], X["y"][:n])


def floor_divergences(net, dataset):
    """Make each MI-NEE critic that reads a negative divergence constant.

    Scored on ``dataset`` (the held-out pairs) as during training; the
    critics replaced are those :func:`bound` already counted as 0, so the
    estimate is unchanged while scores, pointwise ratios and saved files
    agree with it. Returns the indices replaced.
    """
    if not net.uses_reference:
        return []
    evaluation = net.evaluation_batch(dataset)
    y_pred = net.score_batch(evaluation.batch)
    with torch.no_grad():
        per_critic = net.criterion_.estimate(y_pred, evaluation.batch[1])
    replaced = [i for i, value in enumerate(per_critic.reshape(-1)) if value <= 0]
    for index in replaced:
        net.module_.make_constant(index)
    return replaced


def evaluate(net, dataset, generator=None, baseline=None):
    """The current critic's estimate on ``dataset``, with its uncertainty.

    Marginal pairs are resampled from the dataset itself (or drawn from
    the reference distribution), with ``generator``. There are always
    ``marginal_eval_size(n)`` of them, however many an
    ``iterator_valid__n_marginal`` setting gave the evaluations during
    training; ``None`` seeds the generator as those evaluations did, so
    that without such a setting the pairs are theirs.

    With ``baseline`` (the index of one of several critics, as of a
    grouped critic), each critic is also compared with that one on the
    same pairs: the difference of their estimates, and its standard
    error from the difference of their influences. Two critics read on
    the same pairs err together, so this error is smaller than the two
    standard errors combined as if independent.

    Returns
    -------
    result : dict
        ``"estimate"`` (float), ``"standard_error"`` (float) and
        ``"log_normalizer"``: for each critic, the log of the mean of
        :math:`e^t` over the marginal pairs, which turns its scores into
        log density ratios. ``"estimates"`` and ``"standard_errors"``
        hold each critic's (each group's) own, as float64 arrays; the
        first two are their sums. With ``baseline``, also
        ``"differences"`` and ``"difference_standard_errors"``, arrays
        of each critic's estimate minus the baseline's and its error.
    """
    evaluation = net.evaluation_batch(dataset, generator, n_marginal=None)
    batch = evaluation.batch
    y_pred = net.score_batch(batch)
    with torch.no_grad():
        gaussian = gaussian_term(net, batch[0], batch[1])
        estimate = bound(net, y_pred, batch[1], gaussian)
        errors = standard_error(net, y_pred, evaluation, gaussian)
        log_normalizer = _log_normalizer(y_pred, batch[1])
    estimates = estimate.reshape(-1).cpu().double().numpy()
    standard_errors = errors.reshape(-1).cpu().double().numpy()
    result = {
        "estimate": float(estimates.sum()),
        "standard_error": float(standard_errors.sum()),
        "log_normalizer": log_normalizer,
        "estimates": estimates,
        "standard_errors": standard_errors,
    }
    if baseline is not None:
        with torch.no_grad():
            errors = standard_error(net, y_pred, evaluation, baseline=baseline)
        result["differences"] = estimates - estimates[baseline]
        result["difference_standard_errors"] = errors.cpu().double().numpy()
    return result


def confidence_interval(estimate, standard_error, level=0.95):
    """The normal interval ``estimate +/- z standard_error`` at ``level``."""
    half_width = norm.ppf(0.5 + level / 2) * standard_error
    return (estimate - half_width, estimate + half_width)


def lower_confidence_bound(estimate, standard_error, level=0.95):
    """The one-sided normal bound ``estimate - z standard_error`` at ``level``.

    ``z`` is the normal ``level`` quantile (1.645 at 0.95, against the
    two-sided interval's 1.96): over draws of the held-out pairs, the
    bound lies below the critic's population bound with probability
    ``level``. Where that bound is itself a lower bound on the MI, the
    statement "the MI is at least this" holds at ``level`` or more.
    """
    return float(estimate - norm.ppf(level) * standard_error)


def estimate_values(estimate, standard_error):
    """An estimator's fitted values of an estimate: the estimate, its error,
    its two-sided 95 % interval and its one-sided 95 % lower bound."""
    return {
        "mutual_info_": estimate,
        "standard_error_": standard_error,
        "confidence_interval_": confidence_interval(estimate, standard_error),
        "lower_confidence_bound_": lower_confidence_bound(estimate, standard_error),
    }


def training_history(net, steps_per_epoch):
    """What training recorded, per epoch, as arrays.

    ``"epoch"``, ``"step"`` (gradient steps so far), ``"train_bound"`` (the
    mean over the epoch's batches) and ``"valid_bound"`` (held-out): the
    bounds are the negated losses.
    """
    epochs = np.asarray(net.history[:, "epoch"])
    return {
        "epoch": epochs,
        "step": epochs * steps_per_epoch,
        "train_bound": -np.asarray(net.history[:, "train_loss"]),
        "valid_bound": -np.asarray(net.history[:, "valid_loss"]),
    }


def _log_normalizer(y_pred, layout):
    if layout == BLOCKS:
        return log_mean_exp(off_diagonal(y_pred).flatten(-2))
    return log_mean_exp(y_pred[..., layout:])


def standard_error(net, y_pred, evaluation, gaussian=None, baseline=None):
    """Delta-method standard error of the estimate of each critic.

    The estimate is linearised in each held-out pair's influence: its
    joint score, minus the weights of the marginal pairs that reuse its x
    or its y (a V-statistic's projection); with a reference distribution
    the reference samples are independent and contribute their own term.
    InfoNCE's rows are treated as independent, which ignores that each y
    enters its block's other rows.
    With the copula reference, ``gaussian`` (each held-out pair's Gaussian
    term) joins the pair's influence.
    With ``baseline`` (the index of one critic along the first axis),
    the error of each critic's estimate minus the baseline's: the
    influences are linear in the scores and weights, so the difference's
    are theirs differenced pair by pair.
    """

    def contrast(values):
        return values if baseline is None else values - values[baseline]

    layout = evaluation.batch[1]
    if layout == BLOCKS:
        terms = contrast(infonce_terms(y_pred).flatten(-2))
        return terms.std(dim=-1) / math.sqrt(terms.shape[-1])
    n = layout
    t_joint, t_marginal = y_pred[..., :n], y_pred[..., n:]
    weights = net.criterion_.weights(t_marginal)
    if net.uses_reference:
        if baseline is not None:
            raise ValueError("Critics are compared under the resampling trick only.")
        joint, marginal = nee_combine(t_joint), -nee_combine(weights)
        if gaussian is not None:
            joint = joint + gaussian
        return (
            joint.var() / joint.shape[-1] + marginal.var() / marginal.shape[-1]
        ).sqrt()
    return resampled_standard_error(
        contrast(t_joint), contrast(weights), evaluation.J, evaluation.K
    )


def pointwise(net, dataset, log_normalizer, y_reference=None):
    """Each pair's estimated log density ratio, from the critic's scores.

    ``log_normalizer`` is subtracted from the scores; with
    ``y_reference``, each x's scores are instead normalised by the log
    mean of :math:`e^{t(x, y_j)}` over those y, which InfoNCE's critic
    (defined up to a function of x) needs.
    """
    y_pred = net.score_batch(({"x": dataset.x, "y": dataset.y}, len(dataset)))
    if y_reference is not None:
        with torch.no_grad():
            normalizer = torch.cat(
                [
                    log_mean_exp(net.module_(chunk, y_reference, pairwise=True))
                    for chunk in torch.split(dataset.x, 256)
                ],
                dim=-1,
            )
        return y_pred - normalizer
    ratio = y_pred - log_normalizer.unsqueeze(-1)
    if not net.uses_reference:
        return ratio
    gaussian = gaussian_term(net, {"x": dataset.x, "y": dataset.y}, len(dataset))
    return nee_combine(ratio) + (0.0 if gaussian is None else gaussian)
