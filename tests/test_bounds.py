import math

import numpy as np
import pytest
import torch

from sklearn_mine._bounds import (
    OBJECTIVES,
    dv_bound,
    log_mean_exp,
    mine_loss,
    nwj_bound,
)
from sklearn_mine.datasets import make_gaussian


def _gaussian_log_ratio(x, y, rho):
    # log p(x, y) / (p(x) p(y)) for standard bivariate Gaussians.
    return -0.5 * math.log(1 - rho**2) - (rho**2 * (x**2 + y**2) - 2 * rho * x * y) / (
        2 * (1 - rho**2)
    )


def test_log_mean_exp_does_not_overflow():
    t = torch.tensor([1000.0, 1000.0])
    assert log_mean_exp(t).item() == pytest.approx(1000.0)


def test_dv_bound_of_constant_critic_is_zero():
    t = torch.full((10,), 3.0)
    assert dv_bound(t, t).item() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("shift", [0.0, 5.0])
def test_dv_bound_at_the_true_log_ratio_is_the_mi(shift):
    # DV is tight at t = log ratio + c for any c; with 200k pairs its sampling
    # error is about 0.01 nats.
    rho = 0.878977
    X, y, true_mi = make_gaussian(200_000, rho=rho, random_state=0)
    x = torch.as_tensor(X[:, 0])
    y = torch.as_tensor(y)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    t_joint = _gaussian_log_ratio(x, y, rho) + shift
    t_marginal = _gaussian_log_ratio(x, y[perm], rho) + shift
    assert dv_bound(t_joint, t_marginal).item() == pytest.approx(true_mi, abs=0.03)


def test_nwj_bound_is_tight_only_at_the_shifted_log_ratio():
    rho = 0.6
    X, y, true_mi = make_gaussian(200_000, rho=rho, random_state=1)
    x, y = torch.as_tensor(X[:, 0]), torch.as_tensor(y)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(1))
    ratio_joint = _gaussian_log_ratio(x, y, rho)
    ratio_marginal = _gaussian_log_ratio(x, y[perm], rho)
    tight = nwj_bound(ratio_joint + 1, ratio_marginal + 1).item()
    loose = nwj_bound(ratio_joint, ratio_marginal).item()
    assert tight == pytest.approx(true_mi, abs=0.03)
    # At t = log ratio, E_Q[e^{t - 1}] = 1/e, so the bound falls to I - 1/e.
    assert loose == pytest.approx(true_mi - math.exp(-1), abs=0.03)


def test_nwj_is_finite_for_huge_scores():
    t = torch.tensor([500.0, 500.0])
    assert torch.isfinite(nwj_bound(t, t))


def test_mine_loss_value_is_dv_and_gradient_is_bias_corrected():
    generator = torch.Generator().manual_seed(0)
    t_joint = torch.randn(8, generator=generator, requires_grad=True)
    t_marginal = torch.randn(8, generator=generator, requires_grad=True)
    log_ema = torch.tensor(0.3)
    rate = 0.1
    loss, new_log_ema = mine_loss(t_joint, t_marginal, log_ema, rate)
    assert loss.item() == pytest.approx(-dv_bound(t_joint, t_marginal).item(), abs=1e-6)

    mean_exp = t_marginal.detach().exp().mean()
    ema = (1 - rate) * math.exp(0.3) + rate * mean_exp
    assert new_log_ema.item() == pytest.approx(math.log(ema), rel=1e-6)

    loss.backward()
    # d/dt_marginal of -(mean t_joint - mean exp(t_marginal) / ema)
    expected = t_marginal.detach().exp() / (8 * ema)
    np.testing.assert_allclose(t_marginal.grad, expected, rtol=1e-5)
    np.testing.assert_allclose(t_joint.grad, -torch.full((8,), 1 / 8), rtol=1e-6)


def test_mine_loss_starts_its_average_at_the_first_batch():
    t = torch.randn(5)
    _, log_ema = mine_loss(t, t, None, 0.01)
    assert log_ema.item() == pytest.approx(log_mean_exp(t).item())


def test_every_objective_reports_a_finite_estimate():
    t_joint, t_marginal = torch.randn(16), torch.randn(16)
    for name, (loss_fn, estimate_fn) in OBJECTIVES.items():
        loss, _ = loss_fn(t_joint, t_marginal, None, 0.01)
        assert torch.isfinite(loss), name
        assert torch.isfinite(estimate_fn(t_joint, t_marginal)), name
