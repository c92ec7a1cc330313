import math

import numpy as np
import pytest
import torch

from sklearn_mine._engine.bounds import (
    OBJECTIVES,
    cap_bias,
    dv_bound,
    infonce_bound,
    js_loss,
    log_mean_exp,
    make_objective,
    mine_loss,
    nwj_bound,
    resampled_standard_error,
    smile_bound,
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


def _gaussian_scores(n, rho, seed):
    """Joint and resampled marginal scores of the true log ratio."""
    X, y, true_mi = make_gaussian(n, rho=rho, random_state=seed)
    x, y = torch.as_tensor(X[:, 0]), torch.as_tensor(y)
    generator = torch.Generator().manual_seed(seed)
    J = torch.randint(n, (10 * n,), generator=generator)
    K = torch.randint(n, (10 * n,), generator=generator)
    t_joint = _gaussian_log_ratio(x, y, rho)
    t_marginal = _gaussian_log_ratio(x[J], y[K], rho)
    return t_joint, t_marginal, J, K, true_mi, (x, y)


@pytest.mark.parametrize("name", OBJECTIVES)
@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_every_objective_is_finite_with_finite_gradients(name, scale):
    objective = make_objective(name)
    generator = torch.Generator().manual_seed(0)
    if objective.pairwise:
        scores = (scale * torch.randn(3, 16, 16, generator=generator)).requires_grad_()
        args = (scores,)
    else:
        t_joint = (scale * torch.randn(3, 16, generator=generator)).requires_grad_()
        t_marginal = (scale * torch.randn(3, 32, generator=generator)).requires_grad_()
        args = (t_joint, t_marginal)
    loss, _ = objective.loss(*args, None)
    assert loss.shape == (3,)
    assert torch.isfinite(loss).all()
    loss.sum().backward()
    assert all(torch.isfinite(arg.grad).all() for arg in args)
    assert torch.isfinite(objective.estimate(*args)).all()


def test_unknown_objective_is_named():
    with pytest.raises(ValueError, match="'cpc'"):
        make_objective("cpc")


def test_nwj_and_mine_f_are_one_bound():
    t_joint, t_marginal = torch.randn(10), torch.randn(20)
    a, b = make_objective("nwj"), make_objective("mine-f")
    assert a.estimate(t_joint, t_marginal) == b.estimate(t_joint, t_marginal)


def test_infonce_at_the_true_log_ratio_is_the_mi_when_far_below_its_cap():
    # I = 0.22 nats against log b = 6.9: the cap costs the ideal critic < 0.001.
    rho, b = 0.6, 1000
    X, y, true_mi = make_gaussian(20 * b, rho=rho, random_state=2)
    x = torch.as_tensor(X[:, 0]).reshape(20, b)
    y = torch.as_tensor(y).reshape(20, b)
    scores = _gaussian_log_ratio(x[:, :, None], y[:, None, :], rho)
    estimate = infonce_bound(scores).mean().item()
    assert estimate == pytest.approx(true_mi, abs=0.02)


def test_infonce_never_exceeds_log_batch_size():
    b = 8
    # A perfect classifier of the joint pair: the cap is reached, not passed.
    scores = torch.eye(b) * 1e4
    assert infonce_bound(scores).item() == pytest.approx(math.log(b))
    scores = torch.randn(50, b, b, generator=torch.Generator().manual_seed(0)) * 10
    assert (infonce_bound(scores) <= math.log(b) + 1e-6).all()


def test_cap_bias_inverts_the_ideal_critic():
    b = 256
    for true_mi in [0.5, 3.0, 5.0]:
        ideal = math.log(b) - math.log1p((b - 1) * math.exp(-true_mi))
        assert ideal + cap_bias(ideal, b) == pytest.approx(true_mi)
    assert cap_bias(math.log(b), b) == math.inf
    # Small MI, large batch: the cap costs nothing.
    assert cap_bias(0.1, 4096) < 1e-3


def test_js_optimum_is_the_log_ratio():
    # d/dc of the JS loss at t = log ratio + c vanishes at c = 0: the logistic
    # loss is minimised by the log density ratio itself, not a shift of it.
    t_joint, t_marginal, *_ = _gaussian_scores(100_000, 0.7, seed=3)
    shifts = torch.tensor([-0.5, 0.0, 0.5])
    losses = [js_loss(t_joint + c, t_marginal + c).item() for c in shifts]
    assert losses[1] < losses[0] and losses[1] < losses[2]


def test_smile_is_dv_without_clipping_and_below_it_with():
    generator = torch.Generator().manual_seed(0)
    t_joint = torch.randn(100, generator=generator) + 2
    t_marginal = 4 * torch.randn(400, generator=generator)
    dv = dv_bound(t_joint, t_marginal)
    assert smile_bound(t_joint, t_marginal, tau=1e6) == pytest.approx(dv.item())
    # Clipping the large marginal scores lowers the log term: a higher value.
    assert smile_bound(t_joint, t_marginal, tau=1.0) > dv


def test_smile_loss_has_smile_value_and_js_gradient():
    generator = torch.Generator().manual_seed(1)
    t_joint = torch.randn(16, generator=generator, requires_grad=True)
    t_marginal = torch.randn(16, generator=generator, requires_grad=True)
    loss, _ = make_objective("smile", tau=1.0).loss(t_joint, t_marginal, None)
    expected = -smile_bound(t_joint, t_marginal, 1.0)
    assert loss.item() == pytest.approx(expected.item(), abs=1e-6)
    loss.backward()
    js_grad = torch.autograd.grad(
        js_loss(t_joint, t_marginal), [t_joint, t_marginal], retain_graph=False
    )
    np.testing.assert_allclose(t_joint.grad, js_grad[0], rtol=1e-6)
    np.testing.assert_allclose(t_marginal.grad, js_grad[1], rtol=1e-6)


@pytest.mark.parametrize("name", ["dv", "nwj"])
def test_standard_error_matches_the_spread_over_fresh_samples(name):
    # With the true log ratio as critic, the delta-method standard error of
    # one sample's estimate matches the spread of estimates over 200 samples.
    objective = make_objective(name)
    shift = 1.0 if name == "nwj" else 0.0
    estimates, errors = [], []
    for seed in range(200):
        t_joint, t_marginal, J, K, true_mi, _ = _gaussian_scores(1000, 0.8, seed)
        t_joint, t_marginal = t_joint + shift, t_marginal + shift
        estimates.append(objective.estimate(t_joint, t_marginal).item())
        weights = objective.weights(t_marginal)
        errors.append(resampled_standard_error(t_joint, weights, J, K).item())
    spread = np.std(estimates)
    # The spread of 200 estimates is itself known to about 5 %. Without the
    # correction for the noise of each unit's mean marginal weight, the
    # standard error read 12 % high here.
    assert np.mean(errors) == pytest.approx(spread, rel=0.1)
    assert np.mean(estimates) == pytest.approx(true_mi, abs=0.02)
