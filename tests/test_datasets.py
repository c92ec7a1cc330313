import numpy as np
import pytest

from sklearn_mine.datasets import gaussian_mi, make_gaussian, transform_pair


def _empirical_gaussian_mi(X, y):
    # I = 1/2 log(det S_xx det S_yy / det S) for a Gaussian with covariance S.
    Z = np.column_stack([X, y])
    d = X.shape[1]
    S = np.cov(Z, rowvar=False)
    return 0.5 * (
        np.linalg.slogdet(S[:d, :d])[1]
        + np.linalg.slogdet(S[d:, d:])[1]
        - np.linalg.slogdet(S)[1]
    )


def test_seed_value():
    # -1/2 log(1 - 0.878977^2) = 0.74052 nats, the seed's truth.
    assert gaussian_mi(0.878977) == pytest.approx(0.74052, abs=1e-5)
    assert make_gaussian(10)[2] == pytest.approx(0.74052, abs=1e-5)


@pytest.mark.parametrize("cross_correlation", ["sparse", "dense"])
def test_closed_form_matches_sample_covariance(cross_correlation):
    X, y, true_mi = make_gaussian(
        200_000,
        n_features_x=5,
        n_features_y=3,
        rho=[0.9, 0.5, 0.1],
        cross_correlation=cross_correlation,
        random_state=0,
    )
    assert X.shape == (200_000, 5) and y.shape == (200_000, 3)
    assert true_mi == pytest.approx(gaussian_mi([0.9, 0.5, 0.1]))
    assert _empirical_gaussian_mi(X, y) == pytest.approx(true_mi, abs=0.01)


def test_dense_spreads_the_dependence_over_all_pairs():
    X, y, _ = make_gaussian(
        50_000,
        n_features_x=4,
        n_features_y=4,
        mi=1.0,
        cross_correlation="dense",
        random_state=0,
    )
    cross = np.corrcoef(X, y, rowvar=False)[:4, 4:]
    assert np.all(np.abs(cross) > 0.02)
    X, y, _ = make_gaussian(
        50_000, n_features_x=4, n_features_y=4, mi=1.0, random_state=0
    )
    cross = np.corrcoef(X, y, rowvar=False)[:4, 4:]
    assert np.all(np.abs(cross[~np.eye(4, dtype=bool)]) < 0.02)


def test_mi_parameter_sets_the_total():
    _, _, true_mi = make_gaussian(10, n_features_x=5, n_features_y=5, mi=0.6)
    assert true_mi == pytest.approx(0.6)


def test_independent_case():
    X, y, true_mi = make_gaussian(100, rho=0.0, random_state=0)
    assert true_mi == 0.0


def test_bad_parameters():
    with pytest.raises(ValueError, match="rho or mi"):
        make_gaussian(10, rho=0.5, mi=0.5)
    with pytest.raises(ValueError, match=r"\(-1, 1\)"):
        make_gaussian(10, rho=1.0)
    with pytest.raises(ValueError, match="at most 1 correlations"):
        make_gaussian(10, rho=[0.1, 0.2])
    with pytest.raises(ValueError, match="n_samples"):
        make_gaussian(0)


def test_transform_pair_is_monotone_per_feature():
    X, y, _ = make_gaussian(100, random_state=0)
    X_t, y_t = transform_pair(X, y, x_transform="cube", y_transform="normal_cdf")
    order = np.argsort(X[:, 0])
    assert np.all(np.diff(X_t[order, 0]) > 0)
    order = np.argsort(y)
    assert np.all(np.diff(y_t[order]) >= 0)
    with pytest.raises(ValueError, match="x_transform"):
        transform_pair(X, y, x_transform="square")
