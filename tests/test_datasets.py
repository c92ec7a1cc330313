import numpy as np
import pytest
from scipy.special import digamma, gammaln
from scipy.stats import multivariate_t

from sklearn_mine.datasets import (
    gaussian_mi,
    make_gaussian,
    make_student_t,
    spiral,
    student_t_mi,
    transform_pair,
)


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
    # -1/2 log(1 - 0.878977^2) = 0.74052 nats: the lecture's bivariate Gaussian.
    assert gaussian_mi(0.878977) == pytest.approx(0.74052, abs=1e-5)


def test_lecture_rho_and_no_old_name():
    from sklearn_mine import datasets

    assert datasets.LECTURE_RHO == 0.878977
    # SEED_RHO, its name before 0.2, was removed in 0.4 as announced.
    with pytest.raises(AttributeError, match="has no attribute 'SEED_RHO'"):
        datasets.SEED_RHO  # noqa: B018
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


def _sparse_scale_matrix(n_features_x, n_features_y, rho):
    # The scale matrix of the "sparse" samplers: identity blocks, and rho[k]
    # between feature k of X and feature k of y.
    S = np.eye(n_features_x + n_features_y)
    for k, r in enumerate(rho):
        S[k, n_features_x + k] = S[n_features_x + k, k] = r
    return S


def _monte_carlo_t_mi(X, y, df, S):
    # Average of log p(x, y) - log p(x) - log p(y) under the true densities;
    # the marginals of a multivariate t are t with the same df.
    d = X.shape[1]
    Z = np.column_stack([X, y])

    def logpdf(data, scale):
        loc = np.zeros(scale.shape[0])
        return multivariate_t(loc, scale, df=df).logpdf(data)

    pointwise = logpdf(Z, S) - logpdf(X, S[:d, :d]) - logpdf(Z[:, d:], S[d:, d:])
    return pointwise.mean(), pointwise.std() / np.sqrt(len(Z))


@pytest.mark.parametrize(
    "n_features_x, n_features_y, rho",
    [(1, 1, [0.5]), (2, 3, [0.8, 0.3]), (1, 1, [0.0])],
)
def test_student_t_closed_form_matches_monte_carlo(n_features_x, n_features_y, rho):
    X, y, true_mi = make_student_t(
        200_000,
        n_features_x=n_features_x,
        n_features_y=n_features_y,
        rho=rho,
        df=3.0,
        random_state=0,
    )
    S = _sparse_scale_matrix(n_features_x, n_features_y, rho)
    estimate, standard_error = _monte_carlo_t_mi(X.reshape(len(X), -1), y, 3.0, S)
    # The standard error is 0.001 to 0.0025 nats; 0.01 is four of the worst.
    assert standard_error < 0.0025
    assert estimate == pytest.approx(true_mi, abs=0.01)
    # The correction (0.042 and 0.140 nats here) is well beyond the noise:
    # the Gaussian value alone fails, and so would c with its sign flipped.
    assert estimate - gaussian_mi(rho) > 0.02


def test_student_t_correction_written_out():
    # The expanded Gamma/digamma form, term by term, against the helper.
    df, dx, dy = 3.0, 2, 3
    a, ax, ay, axy = df / 2, (df + dx) / 2, (df + dy) / 2, (df + dx + dy) / 2
    c = (
        gammaln(a)
        + gammaln(axy)
        - gammaln(ax)
        - gammaln(ay)
        + ax * digamma(ax)
        + ay * digamma(ay)
        - axy * digamma(axy)
        - a * digamma(a)
    )
    assert c > 0
    assert student_t_mi(0.0, df, n_features_x=dx, n_features_y=dy) == pytest.approx(
        c, rel=1e-12
    )
    assert student_t_mi(0.5, df) == pytest.approx(gaussian_mi(0.5) + 0.042411, abs=1e-6)


@pytest.mark.parametrize("n_features", [(1, 1), (2, 3), (20, 30)])
def test_student_t_correction_for_large_df(n_features):
    # Positive, falling towards the Gaussian value as dx dy / (2 df^2), and
    # continuous where the helper switches to Stirling's series (df = 50).
    dx, dy = n_features
    below = student_t_mi(0.0, np.nextafter(50.0, 0), n_features_x=dx, n_features_y=dy)
    at = student_t_mi(0.0, 50.0, n_features_x=dx, n_features_y=dy)
    assert at == pytest.approx(below, rel=1e-9)
    for df in [1e3, 1e6, 1e12]:
        c = student_t_mi(0.0, df, n_features_x=dx, n_features_y=dy)
        assert c == pytest.approx(dx * dy / (2 * df**2), rel=(dx + dy) / df)
    assert student_t_mi(0.0, 1.0) > student_t_mi(0.0, 3.0) > student_t_mi(0.0, 30.0)


@pytest.mark.parametrize("cross_correlation", ["sparse", "dense"])
def test_student_t_shapes_dtypes_and_reproducibility(cross_correlation):
    kwargs = dict(
        n_features_x=3,
        n_features_y=2,
        rho=[0.7, 0.2],
        df=4.0,
        cross_correlation=cross_correlation,
        random_state=0,
    )
    X, y, true_mi = make_student_t(500, **kwargs)
    assert X.shape == (500, 3) and y.shape == (500, 2)
    assert X.dtype == y.dtype == np.float64
    assert isinstance(true_mi, float)
    assert true_mi == pytest.approx(
        student_t_mi([0.7, 0.2], 4.0, n_features_x=3, n_features_y=2)
    )
    X2, y2, _ = make_student_t(500, **kwargs)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _, _ = make_student_t(500, **{**kwargs, "random_state": 1})
    assert not np.allclose(X, X3)
    # One chi-square factor per row, shared by X and y: the draws are
    # make_gaussian's (same scale matrix, same random state) divided row by
    # row by one positive number.
    G_x, G_y, _ = make_gaussian(500, **{k: v for k, v in kwargs.items() if k != "df"})
    ratio = np.column_stack([X, y]) / np.column_stack([G_x, G_y])
    assert np.all(ratio > 0)
    assert np.allclose(ratio, ratio[:, :1])
    assert ratio.std() > 0.1

    X, y, _ = make_student_t(10, random_state=0)
    assert X.shape == (10, 1) and y.shape == (10,)


def test_student_t_mi_parameter_sets_the_total():
    _, _, true_mi = make_student_t(10, n_features_x=2, n_features_y=3, mi=0.6)
    assert true_mi == pytest.approx(0.6)
    correction = student_t_mi(0.0, 3.0, n_features_x=2, n_features_y=3)
    _, _, true_mi = make_student_t(10, n_features_x=2, n_features_y=3, mi=correction)
    assert true_mi == pytest.approx(correction)
    # Default: the lecture's correlation (rho = 0.878977), plus the correction.
    assert make_student_t(10)[2] == pytest.approx(0.74052 + 0.042411, abs=1e-5)


def test_student_t_bad_parameters():
    with pytest.raises(ValueError, match=r"mi=0\.01 is below 0\.0424114"):
        make_student_t(10, mi=0.01, df=3.0)
    with pytest.raises(ValueError, match="rho or mi"):
        make_student_t(10, rho=0.5, mi=0.5)
    with pytest.raises(ValueError, match=r"\(-1, 1\)"):
        make_student_t(10, rho=1.0)
    with pytest.raises(ValueError, match="at most 1 correlations"):
        make_student_t(10, rho=[0.1, 0.2])
    for df in [0.0, -1.0, np.inf, np.nan]:
        with pytest.raises(ValueError, match="df"):
            make_student_t(10, df=df)
        with pytest.raises(ValueError, match="df"):
            student_t_mi(0.5, df)
    with pytest.raises(ValueError, match="at most 1 correlations"):
        student_t_mi([0.1, 0.2], 3.0, n_features_x=1, n_features_y=4)
    with pytest.raises(ValueError, match="n_samples"):
        make_student_t(0)


def _unspiral(X_t, turns):
    # The inverse: the radius is kept, so rotate back by the angle it gives.
    X = X_t.copy()
    for j in range(0, X.shape[1] - 1, 2):
        a, b = X_t[:, j], X_t[:, j + 1]
        theta = 2 * np.pi * turns * np.hypot(a, b) / 3.0
        X[:, j] = np.cos(theta) * a + np.sin(theta) * b
        X[:, j + 1] = -np.sin(theta) * a + np.cos(theta) * b
    return X


@pytest.mark.parametrize("n_features", [2, 3, 4, 5])
@pytest.mark.parametrize("turns", [1.0, -2.5])
def test_spiral_is_invertible_and_keeps_radii(n_features, turns):
    X = np.random.default_rng(0).standard_normal((1000, n_features))
    X_t = spiral(X, turns=turns)
    assert X_t.shape == X.shape and X_t.dtype == np.float64
    assert np.allclose(_unspiral(X_t, turns), X, atol=1e-12)
    for j in range(0, n_features - 1, 2):
        assert np.allclose(
            np.hypot(X_t[:, j], X_t[:, j + 1]), np.hypot(*X[:, j : j + 2].T)
        )
        # It changes the data, not just a little.
        assert np.median(np.abs(X_t[:, j : j + 2] - X[:, j : j + 2])) > 0.3
    if n_features % 2:
        assert np.array_equal(X_t[:, -1], X[:, -1])


def test_spiral_is_one_map_for_every_sample():
    # Not fitted to the data: a row's image does not depend on the other rows.
    X = np.random.default_rng(0).standard_normal((100, 4))
    assert np.array_equal(spiral(X)[:10], spiral(X[:10]))
    assert np.array_equal(spiral(X, turns=0.0), X)
    assert np.array_equal(spiral(X.tolist()), spiral(X))


def test_spiral_needs_two_columns():
    with pytest.raises(ValueError, match="at least 2 columns"):
        spiral(np.zeros((10, 1)))
    with pytest.raises(ValueError, match="at least 2 columns"):
        spiral(np.zeros(10))
    with pytest.raises(ValueError, match="turns"):
        spiral(np.zeros((10, 2)), turns=np.nan)
