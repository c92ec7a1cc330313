"""The reference distributions of MI-NEE and the copula split."""

import math

import numpy as np
import pytest
import torch

from sklearn_mine._critics import radial_feature
from sklearn_mine._reference import ReferenceSampler
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
    # The Gaussian MI of y with its code: positive and finite.
    assert 0.1 < float(log_ratio.mean()) < 2.0


def test_radial_feature_is_standard_for_normal_rows():
    v = torch.randn(200_000, 5, generator=torch.Generator().manual_seed(0))
    r = radial_feature(v)
    assert r.shape == (200_000, 1)
    assert float(r.mean()) == pytest.approx(0.0, abs=0.01)
    assert float(r.std()) == pytest.approx(1.0, abs=0.01)
