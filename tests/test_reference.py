"""The reference distributions of MI-NEE and the copula split."""

import math

import numpy as np
import pytest
import torch

from sklearn_mine import MINEEstimator
from sklearn_mine._engine.critics import NEECritic, radial_feature
from sklearn_mine._engine.inputs import critic_inputs
from sklearn_mine._engine.reference import ReferenceSampler
from sklearn_mine.datasets import make_gaussian


def _tensors(n, seed, **kwargs):
    X, y, mi = make_gaussian(n, random_state=seed, **kwargs)
    y = y.reshape(len(y), -1)
    return (
        torch.as_tensor(X, dtype=torch.float32),
        torch.as_tensor(y, dtype=torch.float32),
        mi,
    )


def test_copula_draws_pairs_with_the_fitted_joint_covariance():
    x, y, _ = _tensors(20_000, 0, n_features_x=2, n_features_y=3, mi=1.0)
    sampler = ReferenceSampler("copula", x, y)
    x_ref, y_ref = sampler.sample(50_000, torch.Generator().manual_seed(1))
    assert x_ref.dtype == torch.float32 and x_ref.shape == (50_000, 2)
    assert y_ref.shape == (50_000, 3)
    fitted = np.cov(torch.cat([x, y], dim=1).numpy().T)
    drawn = np.cov(torch.cat([x_ref, y_ref], dim=1).numpy().T)
    # Cross-covariances of the data are up to 0.6; each drawn entry has a
    # standard error of about 1 / sqrt(50,000) = 0.0045.
    assert np.abs(fitted[:2, 2:]).max() > 0.3
    np.testing.assert_allclose(drawn, fitted, atol=0.025)


def test_product_reference_draws_independent_sides():
    x, y, _ = _tensors(20_000, 0, rho=0.9)
    x_ref, y_ref = ReferenceSampler("gaussian", x, y).sample(
        50_000, torch.Generator().manual_seed(1)
    )
    corr = np.corrcoef(x_ref[:, 0].numpy(), y_ref[:, 0].numpy())[0, 1]
    assert abs(corr) < 0.02


@pytest.mark.parametrize("rho", [0.5, 0.999])
def test_copula_log_ratio_is_the_gaussian_pointwise_mi(rho):
    x, y, true_mi = _tensors(50_000, 2, rho=rho)
    log_ratio = ReferenceSampler("copula", x, y).log_ratio(x[:5], y[:5]).double()
    a, b = x[:5, 0].double(), y[:5, 0].double()
    truth = -0.5 * math.log(1 - rho**2) - (rho**2 * (a**2 + b**2) - 2 * rho * a * b) / (
        2 * (1 - rho**2)
    )
    # The sampler's correlation is the sample's, within about
    # (1 - rho^2) / sqrt(n) of rho: a tolerance of a few of those, scaled
    # by the pointwise MI's sensitivity to rho.
    np.testing.assert_allclose(log_ratio.numpy(), truth.numpy(), atol=0.05)
    # Its mean over the pairs is the Gaussian MI, 3.8 nats at rho = 0.999.
    mean = ReferenceSampler("copula", x, y).log_ratio(x, y).double().mean()
    assert float(mean) == pytest.approx(true_mi, abs=0.02)


def test_copula_fits_collinear_columns():
    # One-hot columns sum to one: their covariance is singular.
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 3, 500)
    x = torch.as_tensor(np.eye(3)[codes], dtype=torch.float32)
    y = torch.as_tensor(codes + rng.normal(size=500), dtype=torch.float32)[:, None]
    log_ratio = ReferenceSampler("copula", x, y).log_ratio(x, y)
    assert torch.isfinite(log_ratio).all()
    # Its mean over the fitting pairs is the Gaussian MI of the sample
    # covariance, -1/2 log(1 - R^2) with R^2 that of y regressed on the
    # codes (two one-hot columns and an intercept span the same space as
    # three): 0.2529 nats, against 0.2554 for the population's R^2 of 0.4.
    # Measured to 1.4e-9: the jitter of 1e-6 of the variances on the
    # diagonal and the float32 log ratios move it by less than the tolerance.
    design = np.column_stack([np.eye(3)[codes][:, :2], np.ones(500)])
    target = y[:, 0].double().numpy()
    residual = target - design @ np.linalg.lstsq(design, target, rcond=None)[0]
    r_squared = 1 - residual.var() / target.var()
    assert float(log_ratio.double().mean()) == pytest.approx(
        -0.5 * np.log(1 - r_squared), abs=1e-5
    )


def test_radial_feature_is_standard_for_normal_rows():
    v = torch.randn(200_000, 5, generator=torch.Generator().manual_seed(0))
    r = radial_feature(v)
    assert r.shape == (200_000, 1)
    assert float(r.mean()) == pytest.approx(0.0, abs=0.01)
    assert float(r.std()) == pytest.approx(1.0, abs=0.01)


def test_make_constant_zeroes_one_critic_only():
    torch.manual_seed(0)
    critic = NEECritic(3, 2, radial_features=True, random_state=0)
    x, y = torch.randn(50, 3), torch.randn(50, 2)
    before = critic(x, y)
    assert before.abs().min(dim=1).values.max() > 0  # no critic was 0 already
    critic.make_constant(1)
    after = critic(x, y)
    assert torch.equal(after[1], torch.zeros(50))
    assert torch.equal(after[[0, 2]], before[[0, 2]])


@pytest.mark.slow
def test_copula_split_counts_no_negative_divergence():
    # 8 nats in 10 + 10 dimensions from 3000 pairs: the three divergence
    # critics (3 x 64) over-fit their 2100 training pairs and read negative
    # divergences on the held-out ones. Subtracted as they were, the
    # marginal critics' -1.2 and -1.4 nats made the estimate 9.34 (17 % over
    # the truth), and selecting the epoch by it favoured the most over-fitted
    # critics. Each divergence now counts at least 0 (the constant critic's).
    X, y, true_mi = make_gaussian(
        3000,
        n_features_x=10,
        n_features_y=10,
        mi=8.0,
        cross_correlation="dense",
        random_state=1,
    )
    est = MINEEstimator(
        reference="copula", hidden_units=64, hidden_layers=3, random_state=0
    ).fit(X, y)
    assert est.mutual_info_ == pytest.approx(true_mi, rel=0.03)
    # The replaced critics score every pair 0, so the kept critic reads on
    # the held-out pairs what training recorded for its epoch.
    pairs = critic_inputs(est, X[:100], y[:100])
    scores = est.critic_(pairs.x, pairs.y)
    assert (scores.abs().amax(dim=1) == 0).sum() >= 1
    recorded = est.history_["valid_bound"][est.best_epoch_ - 1]
    assert est.mutual_info_ == pytest.approx(recorded, abs=1e-4)
