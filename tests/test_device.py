"""Fits on every available device: the CPU always, CUDA where present."""

import numpy as np
import pytest
import torch

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine.datasets import make_gaussian

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


def test_estimator_trains_where_asked(device):
    X, y, true_mi = make_gaussian(1000, random_state=0)
    est = MINEEstimator(max_steps=600, steps_per_epoch=50, device=device)
    est.set_params(random_state=0).fit(X, y)
    assert next(est.critic_.parameters()).device.type == device
    assert abs(est.mutual_info_ - true_mi) < 0.2
    assert np.isfinite(est.score(X, y))


def test_mutual_info_mine_trains_where_asked(device):
    X, y, _ = make_gaussian(2000, n_features_x=2, n_features_y=1, rho=[0.8])
    mi = mutual_info_mine(X, y, max_steps=500, device=device, random_state=0)
    assert mi[0] > 0.3 and mi[1] < 0.05


def test_auto_picks_an_available_device():
    X, y, _ = make_gaussian(200, random_state=0)
    est = MINEEstimator(max_steps=10, steps_per_epoch=10, device="auto").fit(X, y)
    assert est.device_ == ("cuda" if torch.cuda.is_available() else "cpu")
