"""Numerical extremes: finite estimates, and a warning where they mislead."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine.datasets import make_gaussian, make_student_t

QUICK = dict(max_steps=600, steps_per_epoch=50, random_state=0)


@pytest.fixture(scope="module")
def gaussian():
    X, y, true_mi = make_gaussian(1000, rho=0.8, random_state=0)
    return X, y, true_mi, MINEEstimator(**QUICK).fit(X, y).mutual_info_


@pytest.mark.parametrize("scale", [1e-8, 1e8])
@pytest.mark.parametrize("preprocessing", ["quantile", "standard"])
def test_tiny_and_huge_scales(gaussian, scale, preprocessing):
    X, y, true_mi, _ = gaussian
    est = MINEEstimator(**QUICK, preprocessing=preprocessing).fit(X * scale, y / scale)
    assert np.isfinite(est.mutual_info_) and np.isfinite(est.standard_error_)
    assert est.mutual_info_ == pytest.approx(true_mi, abs=0.15)


def test_scale_does_not_change_the_default_estimate(gaussian):
    X, y, _, reference = gaussian
    for scale in (1e-8, 1e8):
        estimate = MINEEstimator(**QUICK).fit(X * scale, y * scale).mutual_info_
        assert estimate == pytest.approx(reference, abs=1e-3)


def test_near_deterministic_relation_warns_at_the_cap():
    # I = 10 nats: far more than 1000 held-out pairs can show (log 300 = 5.7).
    X, y, true_mi = make_gaussian(1000, mi=10.0, random_state=0)
    with pytest.warns(UserWarning, match="near log\\(300\\)"):
        est = MINEEstimator(random_state=0).fit(X, y)
    assert np.isfinite(est.mutual_info_)
    assert 2.0 < est.mutual_info_ < true_mi


def test_a_budget_spent_while_still_improving_warns():
    X, y, _ = make_gaussian(1000, mi=10.0, random_state=0)
    with pytest.warns(ConvergenceWarning, match="still improving"):
        MINEEstimator(**QUICK).fit(X, y)


def test_deterministic_relation_is_finite():
    x = np.linspace(-3, 3, 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = MINEEstimator(**QUICK).fit(x.reshape(-1, 1), x**3)
    assert np.isfinite(est.mutual_info_) and np.isfinite(est.standard_error_)
    mi = mutual_info_mine(x.reshape(-1, 1), x**3, max_steps=300, random_state=0)
    assert np.isfinite(mi).all()


def test_many_duplicated_rows():
    X, y, _ = make_gaussian(100, rho=0.8, random_state=1)
    X, y = np.repeat(X, 10, axis=0), np.repeat(y, 10)
    est = MINEEstimator(**QUICK).fit(X, y)
    assert np.isfinite(est.mutual_info_) and est.standard_error_ > 0
    pmi = est.pointwise_mutual_info(X, y)
    assert np.isfinite(pmi).all()


def test_few_distinct_values():
    rng = np.random.RandomState(2)
    x = rng.randint(0, 3, 2000).astype(float)
    y = x + rng.randint(0, 2, 2000)
    est = MINEEstimator(**QUICK).fit(x.reshape(-1, 1), y)
    assert np.isfinite(est.mutual_info_)


def test_cauchy_tails():
    X, y, true_mi = make_student_t(4000, rho=0.8, df=1.0, random_state=3)
    est = MINEEstimator(random_state=0).fit(X, y)
    assert est.mutual_info_ == pytest.approx(true_mi, abs=0.15)
    mi = mutual_info_mine(X, y, random_state=0)
    assert mi[0] == pytest.approx(true_mi, abs=0.15)


@pytest.mark.parametrize("objective", ["mine", "dv", "nwj", "js", "smile", "infonce"])
def test_every_objective_finite_on_huge_values(objective):
    X, y, _ = make_gaussian(500, rho=0.99, random_state=4)
    params = {**QUICK, "max_steps": 200, "preprocessing": "standard"}
    if objective == "infonce":
        params["critic"] = "separable"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = MINEEstimator(objective=objective, **params).fit(X * 1e30, y * 1e30)
    assert np.isfinite(est.mutual_info_) and np.isfinite(est.standard_error_)
