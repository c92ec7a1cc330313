"""The per-column normal-scores transform's quantiles."""

import numpy as np
import pytest

from sklearn_mine._utils.preprocessing import _linear_quantiles


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 12_000])
@pytest.mark.parametrize("m", [1, 3, 1000])
def test_quantiles_are_numpys(n, m):
    rng = np.random.RandomState(n + m)
    data = rng.standard_normal((n, 3))
    data[:, 2] = np.round(data[:, 2])  # ties
    probabilities = (np.arange(m) + 0.5) / m
    np.testing.assert_allclose(
        _linear_quantiles(data, probabilities),
        np.quantile(data, probabilities, axis=0),
        rtol=0,
        atol=1e-12,
    )
