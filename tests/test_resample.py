import numpy as np
import pandas as pd
import pytest
import torch

from sklearn_mine import MarginalResampler
from sklearn_mine._engine.sampling import sample_indices, sample_marginal_indices


def _pairs(n=50):
    X = np.arange(2.0 * n).reshape(n, 2)
    y = np.arange(n) + 1000.0
    return X, y


def test_without_replacement_returns_permutations_of_each_marginal():
    X, y = _pairs()
    X_res, y_res = MarginalResampler(random_state=0).fit_resample(X, y)
    assert X_res.shape == X.shape and y_res.shape == y.shape
    np.testing.assert_array_equal(np.sort(X_res[:, 0]), X[:, 0])
    np.testing.assert_array_equal(np.sort(y_res), y)


def test_rows_are_the_recorded_indices():
    X, y = _pairs()
    res = MarginalResampler(n_samples=30, replace=True, random_state=1)
    X_res, y_res = res.fit_resample(X, y)
    J, K = res.sample_indices_
    np.testing.assert_array_equal(X_res, X[J])
    np.testing.assert_array_equal(y_res, y[K])


def test_pairs_are_broken_apart():
    # J and K are independent: matching pairs (J == K) occur about once in n.
    X, y = _pairs(1000)
    res = MarginalResampler(random_state=0)
    res.fit_resample(X, y)
    J, K = res.sample_indices_
    assert np.mean(J == K) < 0.01


def test_with_replacement_draws_more_pairs_than_samples():
    # The lecture's exercise: n' >> n needs replacement.
    X, y = _pairs(10)
    X_res, y_res = MarginalResampler(
        n_samples=200, replace=True, random_state=0
    ).fit_resample(X, y)
    assert X_res.shape == (200, 2) and y_res.shape == (200,)


def test_more_pairs_than_samples_without_replacement_is_an_error():
    X, y = _pairs(10)
    with pytest.raises(ValueError, match="n_samples=11 exceeds the 10 samples"):
        MarginalResampler(n_samples=11).fit_resample(X, y)


def test_same_seed_same_pairs():
    X, y = _pairs()
    a = MarginalResampler(random_state=3).fit_resample(X, y)
    b = MarginalResampler(random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_pandas_in_pandas_out():
    X, y = _pairs()
    X_df = pd.DataFrame(X, columns=["a", "b"], index=np.arange(50) * 3)
    y_s = pd.Series(y, name="target", index=np.arange(50) * 3)
    res = MarginalResampler(random_state=0)
    X_res, y_res = res.fit_resample(X_df, y_s)
    assert list(X_res.columns) == ["a", "b"] and y_res.name == "target"
    J, K = res.sample_indices_
    np.testing.assert_array_equal(X_res.to_numpy(), X[J])
    np.testing.assert_array_equal(y_res.to_numpy(), y[K])
    np.testing.assert_array_equal(res.feature_names_in_, ["a", "b"])


def test_two_dimensional_y():
    X, y = _pairs()
    Y = np.column_stack([y, -y])
    _, y_res = MarginalResampler(random_state=0).fit_resample(X, Y)
    assert y_res.shape == (50, 2)
    np.testing.assert_array_equal(y_res[:, 0], -y_res[:, 1])


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.full((5, 1), np.nan), np.arange(5.0), "NaN"),
        (np.ones((5, 1)), np.array([1, 2, np.inf, 4, 5.0]), "infinity"),
        (np.ones((5, 1)), np.arange(4.0), "inconsistent numbers of samples"),
        (np.ones((5, 1, 2)), np.arange(5.0), "Found array with dim 3"),
        (np.empty((0, 1)), np.empty(0), "0 sample"),
        (np.array([["a"], ["b"]]), np.arange(2.0), "string"),
    ],
)
def test_bad_input_names_the_problem(X, y, message):
    with pytest.raises(ValueError, match=message):
        MarginalResampler().fit_resample(X, y)


def test_invalid_parameters():
    X, y = _pairs()
    with pytest.raises(ValueError, match="n_samples"):
        MarginalResampler(n_samples=0).fit_resample(X, y)
    with pytest.raises(ValueError, match="replace"):
        MarginalResampler(replace="yes").fit_resample(X, y)


def test_small_draws_without_replacement_are_distinct_and_uniform():
    # The redraw-the-repeats path (size small relative to n): every ordered
    # pair of distinct indices of range(40) should appear equally often.
    n_draws = 30_000
    generator = torch.Generator().manual_seed(0)
    pair_counts = {}
    for _ in range(n_draws):
        pair = tuple(sample_indices(40, 2, replace=False, generator=generator).tolist())
        assert pair[0] != pair[1]
        pair_counts[pair] = pair_counts.get(pair, 0) + 1
    # 40 * 39 ordered pairs, about 19 draws each; chi-square with 1559 dof has
    # mean 1559 and sd 56, so 1559 + 6 sd fails only if the draw is not uniform.
    expected = n_draws / (40 * 39)
    observed = np.array(list(pair_counts.values()))
    chi2 = ((observed - expected) ** 2 / expected).sum() + expected * (
        40 * 39 - len(observed)
    )
    assert chi2 < 1559 + 6 * 56


def test_large_population_small_draw_is_distinct():
    generator = torch.Generator().manual_seed(0)
    J, K = sample_marginal_indices(1_000_000, 5000, replace=False, generator=generator)
    assert len(set(J.tolist())) == 5000 and len(set(K.tolist())) == 5000
