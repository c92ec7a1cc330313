"""Variational lower bounds on mutual information, as pure torch functions.

Each objective is a pair: a training loss to minimise, and the estimate it
reports. Both take the critic's scores on joint pairs (``t_joint``) and on
marginal pairs (``t_marginal``) and reduce over the last dimension, so that a
leading dimension holds independent critics (one per feature group) and every
result has that leading shape. No function here keeps state: the moving
average of MINE is passed in and handed back.
"""

import math

import torch

__all__ = ["OBJECTIVES", "dv_bound", "log_mean_exp", "mine_loss", "nwj_bound"]

# exp() of more than this overflows float32; the f-divergence bound is -inf
# long before, so clamping here only keeps the arithmetic finite.
_MAX_EXPONENT = 80.0


def log_mean_exp(t):
    """:math:`\\log \\frac{1}{n} \\sum_i e^{t_i}`, without overflow."""
    return torch.logsumexp(t, dim=-1) - math.log(t.shape[-1])


def dv_bound(t_joint, t_marginal):
    """Donsker-Varadhan bound.

    .. math::

        I(X; Y) \\ge \\frac{1}{n} \\sum_i t(x_i, y_i)
        - \\log \\frac{1}{n'} \\sum_j e^{t(x'_j, y'_j)}

    Tight at :math:`t = \\log \\frac{dP_{XY}}{d(P_X \\times P_Y)} + c` for any
    constant :math:`c`. Its minibatch gradient is biased, because the log of a
    sample mean is a biased estimate of the log of the mean.
    """
    return t_joint.mean(dim=-1) - log_mean_exp(t_marginal)


def nwj_bound(t_joint, t_marginal):
    """f-divergence (NWJ) bound, trained by MINE-f.

    .. math::

        I(X; Y) \\ge \\frac{1}{n} \\sum_i t(x_i, y_i)
        - \\frac{1}{n'} \\sum_j e^{t(x'_j, y'_j) - 1}

    Looser than DV for the same critic (tight only at
    :math:`t = 1 + \\log \\frac{dP_{XY}}{d(P_X \\times P_Y)}`), but a plain
    average, so its minibatch gradient is unbiased.
    """
    lme = torch.clamp(log_mean_exp(t_marginal - 1.0), max=_MAX_EXPONENT)
    return t_joint.mean(dim=-1) - torch.exp(lme)


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


def _dv_loss(t_joint, t_marginal, log_ema, rate):
    return -dv_bound(t_joint, t_marginal), log_ema


def _nwj_loss(t_joint, t_marginal, log_ema, rate):
    return -nwj_bound(t_joint, t_marginal), log_ema


# name -> (training loss, reported estimate). A loss takes and returns the
# moving-average state so that stateful and stateless objectives share a call.
OBJECTIVES = {
    "dv": (_dv_loss, dv_bound),
    "mine": (mine_loss, dv_bound),
    "mine-f": (_nwj_loss, nwj_bound),
}
