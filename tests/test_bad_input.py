"""Every kind of bad input on every public entry gets an error naming it.

The command line's own cases are in test_cli.py.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_mine import (
    ConditionalResampler,
    MarginalResampler,
    MINEEstimator,
    conditional_independence_test,
    independence_test,
    mutual_info_mine,
    mutual_info_mine_classif,
)

rng = np.random.RandomState(0)
X_GOOD = rng.standard_normal((50, 2))
Y_GOOD = rng.standard_normal(50)
Y_CLASS = rng.randint(0, 3, 50)

# A plumbing budget: steps of 256 pairs at the learning rate matched to
# them cost about half the default 1024-pair steps; the defaults
# themselves are tested in test_hard_defaults.py and the docstrings.
FAST = dict(max_steps=20, steps_per_epoch=10, random_state=0, batch_size=256, lr=2e-3)


def _fit_estimator(X, y):
    return MINEEstimator(**FAST).fit(X, y)


def _score_estimator(X, y):
    # Bad input reaching a fitted estimator's score.
    return MINEEstimator(**FAST).fit(X_GOOD, Y_GOOD).score(X, y)


def _pointwise(X, y):
    est = MINEEstimator(**FAST).fit(X_GOOD, Y_GOOD)
    return est.pointwise_mutual_info(X, y)


def _resample(X, y):
    return MarginalResampler(random_state=0).fit_resample(X, y)


def _mi_regression(X, y):
    return mutual_info_mine(X, y, **FAST)


def _mi_classif(X, y):
    return mutual_info_mine_classif(X, y, **FAST)


def _independence_test(X, y):
    return independence_test(X, y, n_permutations=9, **FAST)


ENTRIES = {
    "MINEEstimator.fit": _fit_estimator,
    "MINEEstimator.score": _score_estimator,
    "MINEEstimator.pointwise_mutual_info": _pointwise,
    "MarginalResampler.fit_resample": _resample,
    "mutual_info_mine": _mi_regression,
    "mutual_info_mine_classif": _mi_classif,
    "independence_test": _independence_test,
}


def _with(array, index, value):
    array = array.astype(np.result_type(array, type(value)))
    array.flat[index] = value
    return array


# kind -> (X, y, regex of the message); y is continuous, and replaced by
# class labels of the same length for the classification entry.
CASES = {
    "NaN in X": (_with(X_GOOD, 3, np.nan), Y_GOOD, "X contains NaN"),
    "NaN in y": (X_GOOD, _with(Y_GOOD, 3, np.nan), "y contains NaN"),
    "inf in X": (_with(X_GOOD, 3, np.inf), Y_GOOD, "X contains infinity"),
    "-inf in y": (X_GOOD, _with(Y_GOOD, 3, -np.inf), "y contains infinity"),
    "empty": (np.empty((0, 2)), np.empty(0), "0 sample"),
    "one row": (X_GOOD[:1], Y_GOOD[:1], "1 sample"),
    "strings": (np.array([["a", "b"]] * 50), Y_GOOD, "string"),
    "objects": (np.array([[object(), 1.0]] * 50, dtype=object), Y_GOOD, "number"),
    "complex": (X_GOOD + 1j, Y_GOOD, "Complex data not supported"),
    "lengths differ": (X_GOOD, Y_GOOD[:40], "inconsistent numbers of samples"),
    "3-D X": (X_GOOD.reshape(50, 2, 1), Y_GOOD, "dim 3"),
    "3-D y": (X_GOOD, Y_GOOD.reshape(50, 1, 1), "dim 3"),
}

# The resampler and pointwise MI need one pair at least: one row is valid
# input for them, so that combination is not a case.
VALID = {
    ("MarginalResampler.fit_resample", "one row"),
    ("MINEEstimator.pointwise_mutual_info", "one row"),
}
ENTRY_KIND = [
    (entry, kind) for entry in ENTRIES for kind in CASES if (entry, kind) not in VALID
]


def _classif_target(X, y):
    if y.ndim == 1 and np.isfinite(y).all() and len(y) == len(X):
        return Y_CLASS[: len(y)]
    if y.ndim == 1 and len(y) and not np.isfinite(y).all():
        return y  # keep the NaN or inf: that is the case under test
    return Y_CLASS[: len(y)] if y.ndim == 1 else y


@pytest.mark.parametrize("entry, kind", ENTRY_KIND)
def test_bad_input_names_the_problem(entry, kind):
    X, y, message = CASES[kind]
    if entry == "mutual_info_mine_classif":
        y = _classif_target(X, y)
        if kind in ("NaN in y", "-inf in y"):
            message = "y contains|Input contains|could not convert"
    if kind == "empty" and entry in (
        "MINEEstimator.score",
        "MINEEstimator.pointwise_mutual_info",
    ):
        message = "0 sample"
    with pytest.raises((ValueError, TypeError), match=message):
        ENTRIES[entry](X, y)


@pytest.mark.parametrize(
    "entry",
    ["MINEEstimator.fit", "MarginalResampler.fit_resample", "independence_test"],
)
def test_sparse_input_is_refused_where_unsupported(entry):
    # independence_test's parameter validation names the sparse matrix.
    message = "Sparse data was passed|must be an array-like. Got <Compressed Sparse"
    with pytest.raises(TypeError, match=message):
        ENTRIES[entry](sp.csr_matrix(X_GOOD), Y_GOOD)


def test_sparse_input_is_refused_for_continuous_features():
    with pytest.raises(ValueError, match="continuous features"):
        mutual_info_mine(sp.csr_matrix(X_GOOD), Y_GOOD, discrete_features=False)


@pytest.mark.parametrize("entry", ["MINEEstimator.fit", "independence_test"])
@pytest.mark.parametrize("which", ["X", "y"])
def test_constant_data_is_an_error(entry, which):
    X = np.ones_like(X_GOOD) if which == "X" else X_GOOD
    y = np.ones_like(Y_GOOD) if which == "y" else Y_GOOD
    with pytest.raises(ValueError, match=f"{which} is constant"):
        ENTRIES[entry](X, y)


def test_a_constant_column_warns_and_still_fits():
    X = np.column_stack([X_GOOD[:, 0], np.ones(50)])
    with pytest.warns(UserWarning, match="column 1 of X is constant"):
        MINEEstimator(**FAST).fit(X, Y_GOOD)


def test_constant_features_score_exactly_zero():
    X = np.column_stack([X_GOOD[:, 0], np.full(50, 3.0)])
    assert mutual_info_mine(X, Y_GOOD, **FAST)[1] == 0.0
    assert mutual_info_mine_classif(X, Y_CLASS, **FAST)[1] == 0.0
    with pytest.warns(UserWarning, match="y is constant"):
        mi = mutual_info_mine(X_GOOD, np.ones(50), **FAST)
    np.testing.assert_array_equal(mi, [0.0, 0.0])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_units": -3}, "hidden_units"),
        ({"hidden_units": 10**7}, "hidden_units"),
        ({"hidden_layers": -1}, "hidden_layers"),
        ({"hidden_layers": 10**4}, "hidden_layers"),
        ({"batch_size": 0}, "batch_size"),
        ({"marginal_batch_size": -5}, "marginal_batch_size"),
        ({"lr": -1e-3}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"denominator_ema_rate": 1.5}, "denominator_ema_rate"),
        ({"weight_ema_rate": 0.0}, "weight_ema_rate"),
        ({"max_steps": -1}, "max_steps"),
        ({"steps_per_epoch": 0}, "steps_per_epoch"),
        ({"validation_fraction": -0.1}, "validation_fraction"),
        ({"tau": -1.0}, "tau"),
        ({"random_state": "seed"}, "random_state"),
        ({"objective": None}, "objective"),
        ({"verbose": "loud"}, "verbose"),
    ],
)
def test_absurd_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        MINEEstimator(**params).fit(X_GOOD, Y_GOOD)
    with pytest.raises(ValueError, match=message):
        mutual_info_mine(X_GOOD, Y_GOOD, **params)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_samples": -1}, "n_samples"),
        ({"n_samples": 0}, "n_samples"),
        ({"replace": "yes"}, "replace"),
    ],
)
def test_resampler_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        MarginalResampler(**params).fit_resample(X_GOOD, Y_GOOD)


def _table_with_text(kind):
    """X_GOOD with a text column between its two numeric ones."""
    pd = pytest.importorskip("pandas")
    text = np.array(["a", "b"] * 25, dtype=object)
    if kind == "array":
        return np.column_stack([X_GOOD[:, 0], text, X_GOOD[:, 1]])
    frame = pd.DataFrame({"u": X_GOOD[:, 0], "colour": text, "v": X_GOOD[:, 1]})
    if kind == "category":
        frame["colour"] = frame["colour"].astype("category")
    return frame


@pytest.mark.parametrize(
    "kind, column", [("array", "column 1"), ("text", "column 'colour'")]
)
def test_a_text_column_is_named_with_the_remedy(kind, column):
    X = _table_with_text(kind)
    message = (
        f"{column} of X holds values that are not numbers "
        r"\(could not convert string to float: 'a'\); encode it as numbers first"
    )
    with pytest.raises(ValueError, match=message):
        MINEEstimator(**FAST).fit(X, Y_GOOD)
    discrete = f"{column} of X .* pass it through discrete_features as a discrete"
    with pytest.raises(ValueError, match=discrete):
        mutual_info_mine(X, Y_GOOD, **FAST)
    with pytest.raises(ValueError, match=discrete):
        mutual_info_mine_classif(X, Y_CLASS, **FAST)


def test_a_category_column_is_named():
    X = _table_with_text("category")
    with pytest.raises(ValueError, match="column 'colour' of X holds values"):
        MINEEstimator(**FAST).fit(X, Y_GOOD)
    with pytest.raises(ValueError, match="column 'colour' of X .* discrete_features"):
        mutual_info_mine(X, Y_GOOD, **FAST)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_numbers_held_as_categories_still_fit():
    # Only columns that cannot be read as numbers are refused: a category
    # column of numbers fits as its numbers do.
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"u": X_GOOD[:, 0], "v": X_GOOD[:, 1]})
    as_numbers = MINEEstimator(**FAST).fit(X, Y_GOOD).mutual_info_
    X["v"] = X["v"].astype("category")
    assert MINEEstimator(**FAST).fit(X, Y_GOOD).mutual_info_ == as_numbers


@pytest.mark.parametrize(
    "params, message",
    [
        # method="auto" takes a critic neither of mutual_info_mine's to be the
        # split's, whose MINEEstimator's constraints name it.
        (
            {"critic": "bogus"},
            r"'critic' parameter of independence_test must be a str among "
            r"\{.*'separable'.*\}\. Got 'bogus'",
        ),
        (
            {"method": "split", "lr": -1.0},
            r"'lr' parameter of independence_test must be .* Got -1\.0",
        ),
        (
            {"method": "permutation", "critic": "bogus"},
            r"'critic' parameter of independence_test\(method='permutation'\) "
            r"must be a str among \{.*\}\. Got 'bogus'",
        ),
    ],
)
def test_independence_test_names_a_bad_critic_parameter(params, message):
    # The split's parameters were not validated inside independence_test:
    # critic="bogus" reached the engine as KeyError: 'bogus'.
    with pytest.raises(InvalidParameterError, match=message):
        independence_test(X_GOOD, Y_GOOD, n_permutations=9, **params)


# The conditional API: every bad input named, Z's as Z's.

Z_GOOD = np.random.RandomState(1).standard_normal((50, 1))
TEXT_Z = (
    "column 0 of Z holds values that are not numbers (could not convert string "
    "to float: np.str_('a')); encode it as numbers first "
    "(sklearn.preprocessing.OrdinalEncoder or OneHotEncoder)."
)


def _conditional_test(X=X_GOOD, y=Y_GOOD, Z=Z_GOOD, **params):
    params = {"n_permutations": 3, **FAST, **params}
    return conditional_independence_test(X, y, Z, **params)


@pytest.mark.parametrize(
    "change, error, message",
    [
        ({"Z": Z_GOOD[:40]}, ValueError, "Z has 40 rows, but X and y have 50"),
        ({"Z": _with(Z_GOOD, 3, np.nan)}, ValueError, "Input Z contains NaN"),
        ({"Z": _with(Z_GOOD, 3, np.inf)}, ValueError, "Input Z contains infinity"),
        ({"X": _with(X_GOOD, 3, np.nan)}, ValueError, "Input X contains NaN"),
        ({"y": _with(Y_GOOD, 3, np.inf)}, ValueError, "Input y contains infinity"),
        ({"Z": Z_GOOD.reshape(50, 1, 1)}, ValueError, "Z has 3 dimensions"),
        ({"X": X_GOOD.reshape(50, 2, 1)}, ValueError, "dim 3"),
        ({"Z": np.empty((50, 0))}, ValueError, "Z has no columns"),
        ({"n_permutations": 0}, ValueError, "'n_permutations' parameter"),
        ({"n_neighbors": 0}, ValueError, "'n_neighbors' parameter"),
        ({"method": "split"}, TypeError, r"unexpected parameters \['method'\]"),
        ({"objective": "nope"}, ValueError, "'objective' parameter"),
        ({"y": np.ones(50)}, ValueError, "y is constant"),
        ({"Z": np.ones(50)}, ValueError, "Z is constant"),
        ({"Z": np.array([["a"]] * 50)}, ValueError, "column 0 of Z holds values"),
        ({"Z": np.array(["a"] * 50)}, ValueError, "column 0 of Z holds values"),
        ({"n_neighbors": 50}, ValueError, "n_neighbors=50 must be less than"),
    ],
)
def test_conditional_test_names_each_bad_input(change, error, message):
    with pytest.raises(error, match=message):
        _conditional_test(**change)


def test_a_text_column_of_z_is_named_as_z():
    # It was reported as "column 0 of X" (issue of release 0.4).
    Z = np.array([["a"]] * 50)
    calls = [
        lambda: _conditional_test(Z=Z),
        lambda: mutual_info_mine(X_GOOD, Y_GOOD, Z=Z, return_pvalues=True, **FAST),
        lambda: mutual_info_mine(X_GOOD, Y_GOOD, Z=Z, **FAST),
        lambda: MINEEstimator(**FAST).fit(X_GOOD, Y_GOOD, Z=Z),
        lambda: ConditionalResampler().fit_resample(X_GOOD, Y_GOOD, Z),
    ]
    for call in calls:
        with pytest.raises(ValueError) as caught:
            call()
        assert str(caught.value) == TEXT_Z


def test_n_neighbors_must_be_less_than_the_rows():
    # 50 neighbours of 20 rows ran without a word (issue of release 0.4).
    expected = (
        "n_neighbors=50 must be less than the number of rows, 20: a "
        "neighbourhood of every row conditions on nothing; lower n_neighbors."
    )
    X, y, Z = X_GOOD[:20], Y_GOOD[:20], Z_GOOD[:20]
    with pytest.raises(ValueError) as caught:
        _conditional_test(X, y, Z, n_neighbors=50)
    assert str(caught.value) == expected
    with pytest.raises(ValueError) as caught:
        ConditionalResampler(n_neighbors=50).fit_resample(X, y, Z)
    assert str(caught.value) == expected
    # The resampler's neighbours leave the row itself out; the bound is the
    # same.
    with pytest.raises(ValueError, match="n_neighbors=20 must be less than"):
        ConditionalResampler(n_neighbors=20).fit_resample(X, y, Z)
