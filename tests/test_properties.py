"""Properties of the estimate that hold for any data, checked with hypothesis.

Each example trains small critics, so the example counts are small; the
examples are derandomized, so that a run is repeatable.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine.datasets import make_gaussian

# A plumbing budget: steps of 256 pairs at the learning rate matched to
# them cost about half the default 1024-pair steps; the defaults
# themselves are tested in test_hard_defaults.py and the docstrings.
QUICK = dict(max_steps=600, steps_per_epoch=50, random_state=0, batch_size=256, lr=2e-3)
FEW = settings(max_examples=4, deadline=None, derandomize=True)
# The invariances (rows permuted, monotone maps, X and y swapped) need no
# converged critic: a third of QUICK's steps reads the same held-out pairs
# and tests the same property. Measured on 5 draws (rho 0.6-0.9, seeds
# 1-5) against the failing line of each assertion: rows permuted at most
# 0.37 of the 3-sigma tolerance (0.37 with 600 steps too), the decreasing
# map 0.26 of its 0.5-sigma one (0.10), X and y swapped 0.16 (0.12), the
# increasing maps below 1e-4 nats of 0.02; and the estimates stay within
# 0.03 nats of the truth, so that "tolerance < truth" still holds.
INVARIANCE = {**QUICK, "max_steps": 200}

# Each property compares several fits (4-20 s of CPU a test), and the n_jobs
# one starts worker processes.
pytestmark = pytest.mark.slow

seeds = st.integers(min_value=0, max_value=2**16)
# From rho = 0.6 (0.22 nats) up: with 300 held-out pairs the standard error
# of an estimate is about 1.2 rho / sqrt(300), so that three joint standard
# errors stay below the effect. Below that, no tolerance the sampling error
# allows could tell a right estimate from 0.
rhos = st.floats(min_value=0.6, max_value=0.9)


def _data(seed, rho, n=1000):
    X, y, true_mi = make_gaussian(n, rho=rho, random_state=seed)
    return X, y, true_mi


def _close(a, b, true_mi, sigmas=3.0):
    """Two estimates agree within their joint sampling error.

    Measured with QUICK's 600 steps on the derandomized examples: the
    tolerance is 0.34 to 0.74 of the truth, and the differences at most 1.5
    joint standard errors (rows permuted: another held-out split), 0.54 (X
    and y swapped) and 0.03 (a decreasing map: the same held-out pairs,
    mirrored); see INVARIANCE for the 200 steps these tests now train.
    """
    tolerance = sigmas * np.hypot(a.standard_error_, b.standard_error_)
    # A tolerance as wide as the effect could not fail on an estimate of 0.
    assert tolerance < true_mi, (tolerance, true_mi)
    return abs(a.mutual_info_ - b.mutual_info_) <= tolerance


@FEW
@given(seed=seeds, rho=rhos)
def test_permuting_rows_changes_only_the_split(seed, rho):
    X, y, true_mi = _data(seed, rho)
    order = np.random.RandomState(seed).permutation(len(X))
    a = MINEEstimator(**INVARIANCE).fit(X, y)
    b = MINEEstimator(**INVARIANCE).fit(X[order], y[order])
    assert _close(a, b, true_mi)


increasing = {
    "exp": np.exp,
    "cube": lambda v: v**3,
    "affine": lambda v: 1e3 * v - 7.0,
    "arctan": np.arctan,
}


@FEW
@given(
    seed=seeds,
    rho=rhos,
    x_map=st.sampled_from(sorted(increasing)),
    y_map=st.sampled_from(sorted(increasing)),
)
def test_increasing_maps_leave_the_estimate_unchanged(seed, rho, x_map, y_map):
    # Normal scores undo any increasing map of a column, so the critic sees
    # (nearly) the same data: the estimates agree far within sampling error.
    X, y, _ = _data(seed, rho)
    a = MINEEstimator(**INVARIANCE).fit(X, y)
    b = MINEEstimator(**INVARIANCE).fit(increasing[x_map](X), increasing[y_map](y))
    assert abs(a.mutual_info_ - b.mutual_info_) < 0.02


@FEW
@given(seed=seeds, rho=rhos)
def test_decreasing_maps_change_only_the_critic(seed, rho):
    # A decreasing map mirrors the data: the same MI, learnt by another critic.
    X, y, true_mi = _data(seed, rho)
    a = MINEEstimator(**INVARIANCE).fit(X, y)
    b = MINEEstimator(**INVARIANCE).fit(-(X**3), y)
    # The same held-out pairs, mirrored: far closer than sampling error
    # (measured: at most 0.13 joint standard errors with 200 steps).
    assert _close(a, b, true_mi, sigmas=0.5)


@FEW
@given(seed=seeds, rho=rhos)
def test_mi_is_symmetric(seed, rho):
    X, y, true_mi = make_gaussian(
        1000, n_features_x=2, n_features_y=1, rho=rho, random_state=seed
    )
    a = MINEEstimator(**INVARIANCE).fit(X, y)
    b = MINEEstimator(**INVARIANCE).fit(y.reshape(-1, 1), X)
    assert _close(a, b, true_mi)


@FEW
@given(seed=seeds, random_state=seeds)
def test_same_random_state_same_estimate(seed, random_state):
    X, y, _ = _data(seed, 0.7, n=300)
    params = {**QUICK, "random_state": random_state, "max_steps": 200}
    a = MINEEstimator(**params).fit(X, y)
    b = MINEEstimator(**params).fit(X, y)
    assert a.mutual_info_ == b.mutual_info_
    assert a.standard_error_ == b.standard_error_


def test_fits_in_threads_match_fits_in_sequence():
    cases = [_data(seed, 0.8, n=500)[:2] for seed in range(4)]

    def fit(case):
        # Equality, not accuracy, is tested: a short training suffices.
        return MINEEstimator(**{**QUICK, "max_steps": 100}).fit(*case).mutual_info_

    sequential = [fit(case) for case in cases]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(fit, cases))
    assert threaded == sequential


def test_mutual_info_mine_same_result_for_any_n_jobs():
    rng = np.random.RandomState(1)
    y = rng.standard_normal(600)
    X = np.outer(y, [0.8, 0.4, 0.0]) + rng.standard_normal((600, 3))
    # An equality, which holds whatever the budget: a short one.
    kwargs = dict(max_steps=100, random_state=0)
    # Seeds are drawn per feature before the features are split into jobs,
    # here into worker processes (joblib's loky).
    one = mutual_info_mine(X, y, n_jobs=1, **kwargs)
    two = mutual_info_mine(X, y, n_jobs=2, **kwargs)
    np.testing.assert_array_equal(one, two)


@pytest.fixture(scope="module")
def float64_estimate():
    # The float64 numpy fit both containers are compared with: fitted once.
    X, y, _ = _data(3, 0.8)
    return MINEEstimator(**QUICK).fit(X, y).mutual_info_


@pytest.mark.parametrize("container", ["numpy", "pandas"])
def test_float32_float64_numpy_and_pandas_agree(container, float64_estimate):
    X, y, _ = _data(3, 0.8)
    reference = float64_estimate
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    if container == "pandas":
        X32, y32 = pd.DataFrame(X32, columns=["x"]), pd.Series(y32, name="y")
    estimate = MINEEstimator(**QUICK).fit(X32, y32).mutual_info_
    # The critic trains in float32 either way; only the rounding of the
    # input to float32 differs, which moves the estimate far less than its
    # standard error (about 0.05 here).
    assert estimate == pytest.approx(reference, abs=1e-3)
