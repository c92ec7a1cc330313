"""The resampling trick conditioned on Z: neighbour tables, local permutations,
and ConditionalResampler's triples from P(x|z) P(y|z) P(z)."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, chisquare, norm, rankdata

from sklearn_mine import MarginalResampler
from sklearn_mine._conditional_resample import ConditionalResampler
from sklearn_mine._permutation.local import (
    local_permutation,
    local_permutations,
    local_resample,
    neighbour_table,
)


def _in_rows(K, neighbours):
    """Whether each K[i] is among neighbours[i]."""
    return (neighbours == np.asarray(K)[:, None]).any(axis=1)


def _partial_corr(a, b, c):
    precision = np.linalg.inv(np.corrcoef([a, b, c]))
    return -precision[0, 1] / np.sqrt(precision[0, 0] * precision[1, 1])


def _common_cause(n=4000, rho=0.0, seed=0):
    rng = np.random.RandomState(seed)
    z = rng.standard_normal(n)
    e = rng.multivariate_normal([0.0, 0.0], [[1.0, rho], [rho, 1.0]], size=n)
    return z + 0.3 * e[:, 0], z + 0.3 * e[:, 1], z


# neighbour_table ------------------------------------------------------------


def test_neighbour_table_matches_brute_force_on_normal_scores():
    rng = np.random.RandomState(0)
    n, k = 40, 6
    # Ties in both columns, exact duplicate rows among them.
    Z = np.column_stack([rng.randint(0, 5, n), rng.randint(0, 3, n)]).astype(float)
    table = neighbour_table(Z, k)
    assert table.shape == (n, k)
    np.testing.assert_array_equal(table[:, 0], np.arange(n))
    scores = norm.ppf((rankdata(Z, axis=0) - 0.5) / n)
    distances = np.linalg.norm(scores[:, None] - scores[None], axis=-1)
    for i in range(n):
        assert len(set(table[i])) == k
        # Ties make the indices ambiguous, never the distances.
        np.testing.assert_allclose(
            np.sort(distances[i, table[i]]), np.sort(distances[i])[:k], atol=1e-12
        )


def test_neighbour_table_is_blind_to_scale_and_outliers():
    Z = np.random.RandomState(1).standard_normal((200, 2))
    # A monotone map of each column (huge scale, outliers from exp) leaves
    # the ranks, hence the table, unchanged; raw distances would not.
    monotone = np.column_stack([np.exp(3 * Z[:, 0]), 1e6 * Z[:, 1]])
    np.testing.assert_array_equal(neighbour_table(Z, 5), neighbour_table(monotone, 5))


def test_neighbour_table_caps_k_and_accepts_one_column():
    table = neighbour_table(np.array([3.0, 1.0, 2.0]), 10)
    assert table.shape == (3, 3)
    np.testing.assert_array_equal(table[:, 0], [0, 1, 2])
    assert neighbour_table(np.zeros((1, 2)), 5).tolist() == [[0]]


# local_permutation ----------------------------------------------------------


def test_local_permutation_is_nearly_a_permutation_of_neighbours():
    Z = np.random.RandomState(2).standard_normal(3000)
    table = neighbour_table(Z, 5)
    K = local_permutation(table, 0)
    assert K.shape == (3000,)
    assert _in_rows(K, table).all()
    assert len(np.unique(K)) >= 0.9 * len(K)


def test_local_permutation_is_uniform_within_closed_neighbourhoods():
    # Three clusters of three copies: each row's neighbours are its cluster,
    # so every draw permutes each cluster, uniformly among its 6 orders.
    Z = np.repeat([0.0, 10.0, 20.0], 3)
    table = neighbour_table(Z, 3)
    rng = np.random.RandomState(3)
    draws = local_permutations(table, 3000, rng)
    assert draws.shape == (3000, 9)
    np.testing.assert_array_equal(
        np.sort(draws, axis=1), np.tile(np.arange(9), (3000, 1))
    )
    orders = Counter(map(tuple, draws[:, :3].tolist()))
    assert len(orders) == 6
    assert chisquare(list(orders.values())).pvalue > 1e-3
    for i in range(9):
        counts = np.bincount(draws[:, i], minlength=9)[table[i]]
        assert chisquare(counts).pvalue > 1e-3


def test_long_neighbour_lists_are_shuffled_uniformly_too():
    # Seven neighbours, past the table of orders: the lists are shuffled by
    # keys. Two clusters of seven copies: every draw permutes each cluster,
    # each row takes each of its cluster's rows alike, and a row visited
    # early takes any of them, not the first of its list.
    Z = np.repeat([0.0, 10.0], 7)
    table = neighbour_table(Z, 7)
    draws = local_permutations(table, 7000, np.random.RandomState(8))
    np.testing.assert_array_equal(
        np.sort(draws, axis=1), np.tile(np.arange(14), (7000, 1))
    )
    for i in range(14):
        counts = np.bincount(draws[:, i], minlength=14)[table[i]]
        assert chisquare(counts).pvalue > 1e-3


def test_the_fallback_takes_a_uniform_neighbour():
    # Three rows share two candidates: the last row visited finds both
    # taken, and takes either, at random.
    table = np.array([[0, 1], [0, 1], [0, 1]])
    draws = local_permutations(table, 2000, 4)
    totals = draws.sum(axis=1)
    assert np.isin(draws, [0, 1]).all() and np.isin(totals, [1, 2]).all()
    assert chisquare(np.bincount(totals - 1, minlength=2)).pvalue > 1e-3


@pytest.mark.slow
def test_local_permutation_has_tigramites_distribution():
    cmiknn = pytest.importorskip("tigramite.independence_tests.cmiknn")
    tester = cmiknn.CMIknn(shuffle_neighbors=2)
    # An asymmetric table, with fallbacks: row 3's candidates are popular.
    table = np.array([[0, 1], [1, 0], [2, 1], [3, 1]], dtype=np.int32)
    rng = np.random.RandomState(5)
    ours, theirs = Counter(), Counter()
    for _ in range(3000):
        ours[tuple(local_permutation(table, rng).tolist())] += 1
        shuffled = np.array([rng.permutation(row) for row in table])
        order = rng.permutation(4)
        K = tester.get_restricted_permutation(4, 2, shuffled, order)
        theirs[tuple(K.tolist())] += 1
    outcomes = sorted(set(ours) | set(theirs))
    counts = [[ours[o] for o in outcomes], [theirs[o] for o in outcomes]]
    assert chi2_contingency(counts).pvalue > 1e-3
    # The batched draws, which consume the generator otherwise, too.
    batched = Counter(map(tuple, local_permutations(table, 3000, rng).tolist()))
    outcomes = sorted(set(batched) | set(theirs))
    counts = [[batched[o] for o in outcomes], [theirs[o] for o in outcomes]]
    assert chi2_contingency(counts).pvalue > 1e-3


def test_local_resample_draws_neighbours_of_uniform_rows():
    Z = np.random.RandomState(6).standard_normal((50, 2))
    table = neighbour_table(Z, 4)
    J, K = local_resample(table, 20000, 7)
    assert J.shape == K.shape == (20000,)
    assert _in_rows(K, table[J]).all()
    assert chisquare(np.bincount(J, minlength=50)).pvalue > 1e-3
    column = (table[J] == K[:, None]).argmax(axis=1)
    assert chisquare(np.bincount(column, minlength=4)).pvalue > 1e-3


# ConditionalResampler -------------------------------------------------------


@pytest.mark.parametrize("replace", [False, True])
def test_resampled_triples_keep_z_and_drop_the_conditional_dependence(replace):
    for rho in (0.0, 0.8):
        x, y, z = _common_cause(rho=rho)
        X_res, y_res, z_res = ConditionalResampler(
            replace=replace, random_state=0
        ).fit_resample(x[:, None], y, z)
        x_res = X_res[:, 0]
        # A global permutation would make this 0; the neighbours keep it.
        assert abs(np.corrcoef(x_res, y_res)[0, 1] - np.corrcoef(x, y)[0, 1]) < 0.1
        assert abs(np.corrcoef(y_res, z_res)[0, 1] - np.corrcoef(y, z)[0, 1]) < 0.02
        assert abs(_partial_corr(x, y, z) - rho) < 0.05
        assert abs(_partial_corr(x_res, y_res, z_res)) < 0.1


def test_without_replacement_no_row_keeps_its_own_y():
    x, y, z = _common_cause(n=500)
    res = ConditionalResampler(random_state=0)
    X_res, y_res, z_res = res.fit_resample(x[:, None], y, z)
    J, K = res.sample_indices_
    np.testing.assert_array_equal(J, np.arange(500))
    np.testing.assert_array_equal(X_res[:, 0], x)
    np.testing.assert_array_equal(z_res, z)
    np.testing.assert_array_equal(y_res, y[K])
    assert (K != J).all()
    assert _in_rows(K, neighbour_table(z, 6)[:, 1:]).all()


def test_with_replacement_draws_n_samples_triples_of_neighbours():
    x, y, z = _common_cause(n=300)
    Z = np.column_stack([z, z**2])
    res = ConditionalResampler(n_neighbors=3, n_samples=5000, replace=True)
    X_res, y_res, Z_res = res.set_params(random_state=1).fit_resample(x[:, None], y, Z)
    assert X_res.shape == (5000, 1) and y_res.shape == (5000,)
    assert Z_res.shape == (5000, 2)
    J, K = res.sample_indices_
    np.testing.assert_array_equal(X_res[:, 0], x[J])
    np.testing.assert_array_equal(y_res, y[K])
    np.testing.assert_array_equal(Z_res, Z[J])
    assert _in_rows(K, neighbour_table(Z, 4)[J][:, 1:]).all()


def test_neighbours_must_be_fewer_than_the_rows():
    X, y, Z = np.arange(6.0).reshape(3, 2), np.arange(3.0), np.arange(3.0)
    res = ConditionalResampler(n_neighbors=2, random_state=0)
    _, y_res, _ = res.fit_resample(X, y, Z)
    # Every other row is a neighbour, the row itself never.
    assert (res.sample_indices_[1] != np.arange(3)).all()
    assert y_res.shape == (3,)
    with pytest.raises(ValueError, match="n_neighbors=3 must be less than .* 3:"):
        ConditionalResampler(n_neighbors=3).fit_resample(X, y, Z)
    with pytest.raises(ValueError, match="n_neighbors=5 must be less than .* 1:"):
        ConditionalResampler(random_state=0).fit_resample(X[:1], [5.0], [1.0])


@pytest.mark.parametrize(
    "change, match",
    [
        ({"y": np.arange(9.0)}, "inconsistent numbers of samples: \\[10, 9\\]"),
        ({"Z": np.arange(4.0)}, "X and y have 10, Z has 4"),
        ({"params": {"n_neighbors": 0}}, "'n_neighbors' parameter"),
        ({"Z": np.r_[np.nan, np.arange(9.0)]}, "Input Z contains NaN"),
        ({"Z": np.array(list("abcdefghij"))}, "column 0 of Z holds values"),
        ({"Z": np.zeros((10, 2, 1))}, "Z has 3 dimensions"),
        ({"Z": np.zeros((10, 0))}, "Z has no columns"),
        ({"params": {"n_neighbors": 10}}, "n_neighbors=10 must be less than"),
        ({"params": {"n_samples": 11}}, "n_samples=11 differs from the 10 samples"),
        ({"params": {"n_samples": 9}}, "n_samples=9 differs from the 10 samples"),
    ],
)
def test_bad_input_is_a_clear_error(change, match):
    data = {"X": np.arange(20.0).reshape(10, 2), "y": np.arange(10.0)}
    data["Z"] = np.arange(10.0)
    data.update({key: value for key, value in change.items() if key != "params"})
    res = ConditionalResampler(**change.get("params", {}))
    with pytest.raises(ValueError, match=match):
        res.fit_resample(data["X"], data["y"], data["Z"])


def test_pandas_containers_are_kept():
    x, y, z = _common_cause(n=100)
    X = pd.DataFrame({"a": x, "b": -x}, index=np.arange(100) + 1000)
    y = pd.Series(y, name="target")
    Z = pd.DataFrame({"z": z})
    X_res, y_res, Z_res = ConditionalResampler(
        n_samples=150, replace=True, random_state=0
    ).fit_resample(X, y, Z)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["a", "b"]
    assert isinstance(y_res, pd.Series) and y_res.name == "target"
    assert isinstance(Z_res, pd.DataFrame) and list(Z_res.columns) == ["z"]
    assert len(X_res) == len(y_res) == len(Z_res) == 150
    res = ConditionalResampler().fit(X, y, Z)
    assert list(res.feature_names_in_) == ["a", "b"]


def test_same_seed_same_triples_and_one_column_z_either_shape():
    x, y, z = _common_cause(n=200)
    a = ConditionalResampler(random_state=3).fit_resample(x[:, None], y, z)
    b = ConditionalResampler(random_state=3).fit_resample(x[:, None], y, z[:, None])
    c = ConditionalResampler(random_state=4).fit_resample(x[:, None], y, z)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2][:, 0])
    assert not np.array_equal(a[1], c[1])


def test_without_z_the_triples_are_the_marginal_pairs():
    # Conditioning on nothing: y is permuted over all rows (a permutation,
    # without the neighbourhoods' repeats), X kept, Z None.
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 2))
    y = X[:, 0] + 0.1 * rng.standard_normal(300)
    X_res, y_res, Z_res = ConditionalResampler(random_state=0).fit_resample(X, y)
    assert Z_res is None
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(np.sort(y_res), np.sort(y))
    assert abs(np.corrcoef(X_res[:, 0], y_res)[0, 1]) < 0.2
    resampler = ConditionalResampler(replace=True, n_samples=1000, random_state=0)
    X_res, y_res, _ = resampler.fit_resample(X, y)
    assert X_res.shape == (1000, 2) and y_res.shape == (1000,)


@pytest.mark.parametrize("replace, n_samples", [(False, None), (True, 500)])
def test_without_z_the_pairs_are_marginal_resamplers(replace, n_samples):
    # The same draw for the same parameters; without replacement ordered by
    # X's rows, which are kept as they are.
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((300, 2)), rng.standard_normal(300)
    params = {"replace": replace, "n_samples": n_samples, "random_state": 7}
    marginal = MarginalResampler(**params)
    X_m, y_m = marginal.fit_resample(X, y)
    X_c, y_c, _ = ConditionalResampler(**params).fit_resample(X, y)
    order = np.arange(len(X_m)) if replace else np.argsort(marginal.sample_indices_[0])
    np.testing.assert_array_equal(X_c, X_m[order])
    np.testing.assert_array_equal(y_c, y_m[order])
