"""Fits on every available device: the CPU always, CUDA where present."""

import pytest
import torch

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine._utils.validation import resolve_device
from sklearn_mine.datasets import gaussian_mi, make_gaussian

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=pytest.mark.skipif(
            not torch.cuda.is_available(), reason="CUDA is not available"
        ),
    ),
]


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.mark.slow
def test_estimator_trains_where_asked(device):
    X, y, true_mi = make_gaussian(1000, random_state=0)
    est = MINEEstimator(max_steps=600, steps_per_epoch=50, device=device)
    est.set_params(random_state=0).fit(X, y)
    assert next(est.critic_.parameters()).device.type == device
    # Measured on the CPU: -0.07 nats, and -0.02 for the score on all pairs.
    assert abs(est.mutual_info_ - true_mi) < 0.15
    assert abs(est.score(X, y) - true_mi) < 0.15


@pytest.mark.slow
def test_mutual_info_mine_trains_where_asked(device):
    X, y, _ = make_gaussian(
        2000, n_features_x=2, n_features_y=1, rho=[0.8], random_state=0
    )
    mi = mutual_info_mine(X, y, max_steps=500, device=device, random_state=0)
    # Measured on the CPU: 0.464 and 0.0005 nats.
    assert mi[0] == pytest.approx(gaussian_mi(0.8), abs=0.1) and mi[1] < 0.05


@pytest.mark.parametrize("available", [True, False])
def test_resolve_device_follows_cuda_availability(monkeypatch, available):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    assert resolve_device("auto") == ("cuda" if available else "cpu")
    assert resolve_device("cpu") == "cpu"
    if available:
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_auto_trains_on_the_cpu_without_cuda(monkeypatch):
    # Without a GPU (here hidden where there is one), "auto" is the CPU.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, y, _ = make_gaussian(200, random_state=0)
    est = MINEEstimator(max_steps=10, steps_per_epoch=10, device="auto").fit(X, y)
    assert est.device_ == "cpu"
    assert next(est.critic_.parameters()).device.type == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        MINEEstimator(max_steps=10, device="cuda").fit(X, y)
