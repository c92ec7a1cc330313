"""Variational lower bounds on mutual information, as pure torch functions.

Each objective is a pair: a training loss to minimise, and the estimate it
reports. Most take the critic's scores on joint pairs (``t_joint``) and on
marginal pairs (``t_marginal``) and reduce over the last dimension, so that a
leading dimension holds independent critics (one per feature group) and every
result has that leading shape. InfoNCE instead takes the matrix of scores of
every x of a batch against every y, joint pairs on its diagonal. No function
here keeps state: the moving average of MINE is passed in and handed back.
"""

import math
from functools import partial
from typing import Callable, NamedTuple

import torch
from torch.nn.functional import softplus

from .._utils.constants import OBJECTIVES

__all__ = [
    "OBJECTIVES",
    "Objective",
    "dv_bound",
    "infonce_bound",
    "cap_bias",
    "js_loss",
    "log_mean_exp",
    "make_objective",
    "mine_loss",
    "near_cap_message",
    "nwj_bound",
    "resampled_standard_error",
    "smile_bound",
]

# exp() of more than this overflows float32; the f-divergence bound is -inf
# long before, so clamping here only keeps the arithmetic finite.
_MAX_EXPONENT = 80.0


def log_mean_exp(t):
    """:math:`\\log \\frac{1}{n} \\sum_i e^{t_i}` without overflow."""
    return torch.logsumexp(t, dim=-1) - math.log(t.shape[-1])


def dv_bound(t_joint, t_marginal):
    """Donsker-Varadhan bound.

    .. math::

        I(X; Y) \\ge \\frac{1}{n} \\sum_i t(x_i, y_i)
        - \\log \\frac{1}{n'} \\sum_j e^{t(x'_j, y'_j)}

    Tight at :math:`t = \\log \\frac{dP_{XY}}{d(P_X \\times P_Y)} + c` for any
    constant :math:`c`. Its minibatch gradient is biased, because the log of a
    sample mean is a biased estimate of the log of the mean; and the
    estimate's variance grows exponentially with the true MI, since
    :math:`e^t` is dominated by rare marginal pairs where the ratio is large.
    """
    return t_joint.mean(dim=-1) - log_mean_exp(t_marginal)


def nwj_bound(t_joint, t_marginal):
    """f-divergence bound of Nguyen, Wainwright and Jordan (NWJ), as in MINE-f.

    .. math::

        I(X; Y) \\ge \\frac{1}{n} \\sum_i t(x_i, y_i)
        - \\frac{1}{n'} \\sum_j e^{t(x'_j, y'_j) - 1}

    Looser than DV for the same critic (tight only at
    :math:`t = 1 + \\log \\frac{dP_{XY}}{d(P_X \\times P_Y)}`), but a plain
    average, so its minibatch gradient is unbiased. Its variance, like DV's,
    grows exponentially with the true MI.
    """
    lme = torch.clamp(log_mean_exp(t_marginal - 1.0), max=_MAX_EXPONENT)
    return t_joint.mean(dim=-1) - torch.exp(lme)


def infonce_bound(scores):
    """InfoNCE (contrastive predictive coding) bound.

    .. math::

        I(X; Y) \\ge \\frac{1}{b} \\sum_i \\left[ t(x_i, y_i)
        - \\log \\frac{1}{b} \\sum_j e^{t(x_i, y_j)} \\right]

    for a batch of :math:`b` joint pairs, where ``scores[..., i, j]`` is
    :math:`t(x_i, y_j)`. Low variance, but it can never exceed
    :math:`\\log b`: a true MI near or above the log of the batch size is
    underestimated whatever the critic (see :func:`cap_bias`).
    """
    terms = infonce_terms(scores)
    return terms.mean(dim=-1)


def infonce_terms(scores):
    """Per-row terms of :func:`infonce_bound`, whose mean is the bound."""
    b = scores.shape[-1]
    diagonal = torch.diagonal(scores, dim1=-2, dim2=-1)
    return diagonal - torch.logsumexp(scores, dim=-1) + math.log(b)


def cap_bias(estimate, batch_size):
    """How far below the truth the cap alone puts an estimate.

    For the optimal critic InfoNCE on batches of b pairs, and a bound whose
    marginal pairs are resampled from b pairs, read about
    :math:`\\log b - \\log(1 + (b - 1) e^{-I})`; inverting it at the estimate
    gives the MI an ideal critic would have reported it for. Returns that MI
    minus the estimate (``inf`` when the estimate is at the cap).
    """
    b = float(batch_size)
    rest = b * math.exp(-estimate) - 1.0
    # At (or within rounding of) the cap no finite MI explains the estimate.
    if rest <= 1e-9:
        return math.inf
    return math.log((b - 1.0) / rest) - estimate


def near_cap_message(estimate, n_pairs, *, infonce):
    """A warning that ``estimate`` is near the cap of its pair count, or None.

    InfoNCE on blocks of b pairs, and any bound whose marginal pairs are
    resampled from n held-out pairs (one in n of them is a joint pair, whose
    :math:`e^t` is about :math:`e^I`), read about
    :math:`\\log n - \\log(1 + (n - 1) e^{-I})` for an ideal critic: both
    are capped near the log of their pair count. None when an ideal critic
    would read within 0.1 nats of the truth.
    """
    bias = cap_bias(estimate, n_pairs)
    if bias <= 0.1:
        return None
    if infonce:
        what = f"InfoNCE's cap log(batch_size) = {math.log(n_pairs):.3f}"
        advice = "Raise batch_size or choose another objective."
    else:
        what = (
            f"log({n_pairs}) = {math.log(n_pairs):.3f}, the most that marginal "
            f"pairs resampled from {n_pairs} held-out pairs can show"
        )
        advice = (
            "Use more samples, or reference='copula' (the Gaussian-copula "
            "split), which has no such cap."
        )
    return (
        f"The estimate {estimate:.3f} nats is near {what}: even an ideal critic "
        f"would read {bias:.2g} nats or more below the truth, so treat it as a "
        f"lower bound. {advice}"
    )


def js_loss(t_joint, t_marginal):
    """Minus the Jensen-Shannon (f-GAN) objective of a critic.

    .. math::

        \\frac{1}{n} \\sum_i \\operatorname{softplus}(-t(x_i, y_i))
        + \\frac{1}{n'} \\sum_j \\operatorname{softplus}(t(x'_j, y'_j))

    the logistic loss of telling joint from marginal pairs. Its optimum is
    :math:`t = \\log \\frac{dP_{XY}}{d(P_X \\times P_Y)}` exactly, so the trained
    critic is read out by the DV bound (as in SMILE). Bounded gradients make it
    the most stable to train; it is not itself a bound on MI.
    """
    return softplus(-t_joint).mean(dim=-1) + softplus(t_marginal).mean(dim=-1)


def smile_bound(t_joint, t_marginal, tau):
    """SMILE: the DV bound with the marginal scores clipped to [-tau, tau].

    .. math::

        \\frac{1}{n} \\sum_i t(x_i, y_i)
        - \\log \\frac{1}{n'} \\sum_j
        e^{\\operatorname{clip}(t(x'_j, y'_j), -\\tau, \\tau)}

    Clipping bounds the variance of the log term at the price of a bias: it is
    no longer a lower bound once the true log ratio exceeds :math:`\\tau` on
    marginal pairs. Song and Ermon (ICLR 2020) use :math:`\\tau = 5`;
    :math:`\\tau \\to \\infty` recovers DV.
    """
    clipped = torch.clamp(t_marginal, -tau, tau)
    return t_joint.mean(dim=-1) - log_mean_exp(clipped)


def mine_loss(t_joint, t_marginal, log_ema, rate):
    """MINE's loss: the DV bound with a bias-corrected gradient.

    The gradient of :math:`\\log \\overline{e^t}` is
    :math:`\\nabla \\overline{e^t} / \\overline{e^t}`; MINE replaces the
    minibatch denominator by an exponential moving average over steps, which
    removes most of the bias. The average is kept in log space.

    Parameters
    ----------
    t_joint, t_marginal : torch.Tensor of shape (..., n) and (..., n')
        Critic scores on joint and on marginal pairs.
    log_ema : torch.Tensor of shape (...) or None
        Log of the moving average so far; ``None`` on the first step.
    rate : float
        Weight of the newest batch in the moving average.

    Returns
    -------
    loss : torch.Tensor of shape (...)
        Minus the DV bound on this batch in value, minus MINE's
        bias-corrected gradient in gradient.
    log_ema : torch.Tensor
        The updated log moving average (detached).
    """
    lme = log_mean_exp(t_marginal)
    current = lme.detach()
    if log_ema is None:
        log_ema = current
    else:
        log_ema = torch.logaddexp(log_ema + math.log1p(-rate), current + math.log(rate))
    # ratio has value 1 * mean(e^t) / ema and gradient grad(mean e^t) / ema;
    # subtracting its detached value leaves the DV value untouched.
    ratio = torch.exp(lme - log_ema)
    log_term = current + ratio - ratio.detach()
    return log_term - t_joint.mean(dim=-1), log_ema


def _dv_loss(t_joint, t_marginal, state):
    return -dv_bound(t_joint, t_marginal), state


def _nwj_loss(t_joint, t_marginal, state):
    return -nwj_bound(t_joint, t_marginal), state


def _mine_loss(t_joint, t_marginal, state, *, rate):
    return mine_loss(t_joint, t_marginal, state, rate)


def _js_loss(t_joint, t_marginal, state):
    return js_loss(t_joint, t_marginal), state


def _smile_loss(t_joint, t_marginal, state, *, tau):
    # SMILE's value with the JS gradient, as in Song and Ermon's code: the
    # clipped DV is reported, the stable JS objective is what trains.
    js = js_loss(t_joint, t_marginal)
    value = -smile_bound(t_joint, t_marginal, tau)
    return js + (value - js).detach(), state


def _infonce_loss(scores, state):
    return -infonce_bound(scores), state


# Weights of the marginal pairs in the linearisation of a bound of the form
# mean(t_joint) - F(mean(h(t_marginal))): F'(mean h) * h(t_j), used for the
# standard error. For DV this is e^{t_j} / mean(e^t).
def _dv_weights(t_marginal):
    return torch.exp(t_marginal - log_mean_exp(t_marginal).unsqueeze(-1))


def _nwj_weights(t_marginal):
    return torch.exp(torch.clamp(t_marginal - 1.0, max=_MAX_EXPONENT))


def _smile_weights(t_marginal, *, tau):
    return _dv_weights(torch.clamp(t_marginal, -tau, tau))


def _per_unit_mean(values, index, n):
    """Mean of ``values[..., j]`` over the j with ``index[j] == i``, for each i.

    Units never drawn get the overall mean. Also returns each mean's own
    variance as an estimate of its unit's expectation: the spread of the
    unit's values over their count (the spread pooled over all units, where a
    unit has fewer than two).
    """
    shape = values.shape[:-1] + (n,)
    sums = values.new_zeros(shape).index_add_(-1, index, values)
    squares = values.new_zeros(shape).index_add_(-1, index, values.square())
    counts = torch.bincount(index, minlength=n).to(values.dtype)
    means = sums / counts.clamp(min=1)
    deviations = (squares - counts * means.square()).clamp(min=0)
    pooled = deviations.sum(dim=-1, keepdim=True) / max(
        len(index) - int((counts > 0).sum()), 1
    )
    spread = torch.where(counts >= 2, deviations / (counts - 1).clamp(min=1), pooled)
    noise = spread / counts.clamp(min=1)
    means = torch.where(counts > 0, means, values.mean(dim=-1, keepdim=True))
    return means, noise


def resampled_standard_error(t_joint, weights, J, K):
    """Delta-method standard error of a bound whose marginal pairs are resampled.

    For bounds of the form :math:`\\bar t_{joint} - F(\\overline{h(t)})` read
    on n joint pairs and on marginal pairs :math:`(x_{J_j}, y_{K_j})` built
    from those same pairs, pair i's influence is its joint score minus the
    mean weight :math:`F'(\\overline{h}) h(t_j)` of the marginal pairs that
    reuse its x, and of those that reuse its y (the projection of the
    V-statistic :math:`\\overline{h}`). The standard error is the standard
    deviation of the influences over :math:`\\sqrt{n}`.

    Parameters
    ----------
    t_joint : torch.Tensor of shape (..., n)
        Scores of the joint pairs.
    weights : torch.Tensor of shape (..., m)
        Weights of the marginal pairs (an :class:`Objective`'s ``weights``).
    J, K : torch.Tensor of shape (m,)
        Indices of the x and of the y of each marginal pair.

    Returns
    -------
    standard_error : torch.Tensor of shape (...)
    """
    n, m = t_joint.shape[-1], weights.shape[-1]
    mean_x, noise_x = _per_unit_mean(weights, J, n)
    mean_y, noise_y = _per_unit_mean(weights, K, n)
    influence = t_joint - mean_x - mean_y
    # Each unit's mean weight comes from the few marginal pairs that reuse it
    # (about m / n): their noise would inflate the spread of the influences,
    # so it is taken out; the noise of the estimate's own m marginal pairs
    # is added.
    variance = influence.var(dim=-1) - (noise_x + noise_y).mean(dim=-1)
    variance = variance.clamp(min=0) / n + weights.var(dim=-1) / m
    return variance.sqrt()


class Objective(NamedTuple):
    """A training loss, the estimate it reports, and how they read scores.

    ``loss(scores..., state) -> (loss, state)`` and ``estimate(scores...)``
    take ``(t_joint, t_marginal)``, or the batch's score matrix when
    ``pairwise``. ``weights`` maps marginal scores to their weights in the
    bound's linearisation (``None`` for pairwise objectives).
    """

    loss: Callable
    estimate: Callable
    weights: Callable | None
    pairwise: bool


def make_objective(name, *, ema_rate=0.01, tau=5.0):
    """The :class:`Objective` called ``name``.

    Parameters
    ----------
    name : str
        One of :data:`OBJECTIVES`. ``"nwj"`` and ``"mine-f"`` are the same
        bound under its two names.
    ema_rate : float, default=0.01
        Rate of MINE's moving average (``"mine"`` only).
    tau : float, default=5.0
        SMILE's clipping threshold (``"smile"`` only).
    """
    if name == "mine":
        loss = partial(_mine_loss, rate=ema_rate)
        return Objective(loss, dv_bound, _dv_weights, False)
    if name == "dv":
        return Objective(_dv_loss, dv_bound, _dv_weights, False)
    if name in ("mine-f", "nwj"):
        return Objective(_nwj_loss, nwj_bound, _nwj_weights, False)
    if name == "js":
        return Objective(_js_loss, dv_bound, _dv_weights, False)
    if name == "smile":
        return Objective(
            partial(_smile_loss, tau=tau),
            partial(smile_bound, tau=tau),
            partial(_smile_weights, tau=tau),
            False,
        )
    if name == "infonce":
        return Objective(_infonce_loss, infonce_bound, None, True)
    raise ValueError(f"Unknown objective {name!r}; expected one of {OBJECTIVES}.")
