"""Warnings from every public entry point point at the caller's line.

The package finds the first frame outside itself (``_utils/stack.py``), so
these tests call each entry point on one line and compare the recorded
warning's file and line with that line's. (``MutualInfoSelector`` and the
resamplers raise no warning of their own: bad input is an error there.)
"""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate

from sklearn_mine import (
    MINEEstimator,
    conditional_independence_test,
    independence_test,
    mutual_info_mine,
    mutual_info_mine_classif,
)

TINY = dict(max_steps=20, steps_per_epoch=10, random_state=0)


def _data(n=120):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    X[:, 1] = 1.0  # a constant column: each entry point warns about it
    y = X[:, 0] + rng.normal(size=n)
    return X, y


def _line():
    """The line number of the caller's next line."""
    return inspect.currentframe().f_back.f_lineno + 1


def _assert_points_here(record, category, line):
    found = [w for w in record if issubclass(w.category, category)]
    assert found, f"no {category.__name__} was raised"
    for w in found:
        assert (w.filename, w.lineno) == (__file__, line), str(w.message)


def test_fit_warnings_point_at_the_callers_line():
    X, y = _data()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        line = _line()
        MINEEstimator(max_steps=20, steps_per_epoch=10, random_state=0).fit(X, y)
    # The constant column, and the budget that ran out within patience.
    _assert_points_here(record, UserWarning, line)
    _assert_points_here(record, ConvergenceWarning, line)


def test_fit_with_Z_warnings_point_at_the_callers_line():
    X, y = _data()
    Z = X[:, :1] + 1.0
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        line = _line()
        MINEEstimator(**TINY).fit(X[:, :1], y, Z=np.hstack([Z, np.ones_like(Z)]))
    _assert_points_here(record, UserWarning, line)


def test_warnings_through_cross_validate_point_past_the_package():
    # Called back by scikit-learn, a warning points at scikit-learn's line
    # that called fit, never inside sklearn_mine.
    X, y = _data()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        cross_validate(MINEEstimator(**TINY), X, y, cv=2, error_score="raise")
    ours = [w for w in record if "column 1 of X is constant" in str(w.message)]
    assert ours
    for w in ours:
        assert "sklearn_mine" not in w.filename
        assert "sklearn" in w.filename


@pytest.mark.parametrize("function", [mutual_info_mine, mutual_info_mine_classif])
def test_per_feature_warnings_point_at_the_callers_line(function):
    X, _ = _data()
    y = np.zeros(len(X), dtype=int)  # constant: every feature's MI is 0
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        line = _line()
        function(X, y, **TINY)
    _assert_points_here(record, UserWarning, line)


def test_independence_test_warnings_point_at_the_callers_line():
    X, y = _data()
    for method in ("permutation", "split"):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            line = _line()
            independence_test(X, y, method=method, n_permutations=9, **TINY)
        _assert_points_here(record, UserWarning, line)


def test_conditional_test_warnings_point_at_the_callers_line():
    X, y = _data()
    Z = np.hstack([X[:, :1] ** 2, np.ones((len(X), 1))])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        line = _line()
        conditional_independence_test(X[:, :1], y, Z, n_permutations=9, **TINY)
    _assert_points_here(record, UserWarning, line)
