"""The defaults on one case of each family of benchmarks/bench_hard.py.

n = 3000 pairs (data seed 0, ``random_state=0``). Each tolerance is set from
the estimates measured on data seeds 0, 1 and 2 (quoted per case, with the
defaults of 0.3) and is narrower than the gap to what earlier defaults read
(also quoted), so a lost radial feature, copula split or the shallow
critic of 0.2 fails.
"""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_mine import MINEEstimator
from sklearn_mine.datasets import (
    LECTURE_RHO,
    make_gaussian,
    make_inliers,
    make_mixture,
    make_student_t,
    make_uniform_noise,
    spiral,
)

# Each case trains the default budget on 3000 pairs: 5-26 s of CPU a case.
pytestmark = pytest.mark.slow

N = 3000


def _fit(X, y):
    with warnings.catch_warnings():
        # Several of these fits spend the whole budget while still improving.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MINEEstimator(random_state=0).fit(X, y)


def _student_t():
    return make_student_t(
        N, n_features_x=5, n_features_y=5, rho=0.0, df=1.0, random_state=0
    )


def _spiral():
    X, y, mi = make_gaussian(N, n_features_x=2, n_features_y=2, mi=1.0, random_state=0)
    return spiral(X, turns=1.0), y, mi


def _high_mi():
    return make_gaussian(
        N,
        n_features_x=10,
        n_features_y=10,
        mi=8.0,
        cross_correlation="dense",
        random_state=0,
    )


# name -> (sampler, relative tolerance, the reference "auto" should keep)
CASES = {
    # Uncorrelated, dependent through a shared scale (0.80 nats). Measured
    # 0.90, 0.90, 0.92 of the truth; the 0.1 defaults read 0.34-0.47 of it
    # (at n = 5000), and without radial features the critic barely learns.
    "student-t 5x5 df=1": (_student_t, 0.15, "resample"),
    # X wound round once (1 nat). Measured 0.93, 0.89, 0.97; the 0.1
    # defaults read 0.55-0.68 (n = 5000).
    "spiral, one turn": (_spiral, 0.15, "resample"),
    # 8 nats, Gaussian: the copula split. Measured 0.97, 0.99, 0.99; the
    # resampled bound reads about 5.5 (its cap is log 900 = 6.8).
    "gaussian 10x10 dense, 8 nats": (_high_mi, 0.05, "copula"),
    # Measured 1.01, 0.93, 0.95.
    "mixture waves": (
        lambda: make_mixture(N, shape="waves", random_state=0),
        0.1,
        "resample",
    ),
    # y = x + U(-0.1, 0.1), 1.71 nats. Measured 0.97, 0.99, 0.97.
    "uniform noise e=0.1": (
        lambda: make_uniform_noise(N, noise=0.1, random_state=0),
        0.1,
        "resample",
    ),
    # 10 % of the pairs replaced by independent noise. Measured 0.97, 0.92,
    # 0.96.
    "inliers 10 %": (
        lambda: make_inliers(N, fraction=0.1, rho=0.9, random_state=0),
        0.1,
        "resample",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_defaults_on_each_hard_family(name):
    sampler, tolerance, reference = CASES[name]
    X, y, true_mi = sampler()
    est = _fit(X, y)
    assert est.reference_ == reference
    assert est.mutual_info_ == pytest.approx(true_mi, rel=tolerance)


def test_defaults_on_the_checkerboard_grid():
    # The checkerboard of 18 modes (0.51 nats), which needs the critic's
    # depth. Measured 0.373 nats (standard error 0.025) on this draw, 0.73
    # of the truth; 0.70 and 0.68 on data seeds 1 and 2. The budget leaves
    # the critic short of the modes: a bias of five standard errors, the
    # estimator's and not this draw's, so no window round the truth can be
    # narrow. One-sided instead: at least 0.65 of the truth, which 0.2's
    # critic of two layers of 50 (0.53, 0.57, 0.56 of it) fails, and, as a
    # lower bound, not above the truth beyond three standard errors.
    X, y, true_mi = make_mixture(N, shape="grid", random_state=0)
    est = _fit(X, y)
    assert est.reference_ == "resample"
    assert 0.65 * true_mi < est.mutual_info_ < true_mi + 3 * est.standard_error_


def test_auto_keeps_resampling_on_the_lecture_gaussian():
    # At 0.74 nats the trained critic reads as much as the Gaussian one.
    X, y, true_mi = make_gaussian(N, rho=LECTURE_RHO, random_state=0)
    est = _fit(X, y)
    assert est.reference_ == "resample"
    # This draw's held-out pairs read low whatever the critic (measured with
    # steps of 256 pairs: 0.665, standard error 0.035; the copula split
    # 0.686); 0.1 nats is the lecture case's tolerance in docs/defaults.md.
    assert est.mutual_info_ == pytest.approx(true_mi, abs=0.1)
