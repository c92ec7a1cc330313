import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.feature_selection import mutual_info_regression

from sklearn_mine.datasets import (
    gaussian_cmi,
    gaussian_mi,
    make_chain,
    make_collider,
    make_common_cause,
    make_conditional_gaussian,
)
from sklearn_mine.datasets._conditional import _collider_quadrature_cmi

SAMPLERS = [make_conditional_gaussian, make_common_cause, make_chain, make_collider]


def _directions(dim_z):
    # w and v as the docstrings define them, written out independently.
    w = np.ones(dim_z) / np.sqrt(dim_z)
    v = np.arange(1, dim_z + 1) / np.sqrt(dim_z * (dim_z + 1) * (2 * dim_z + 1) / 6)
    return w, v


def _common_cause_maps(Z, nonlinear):
    # f and g of make_common_cause's docstring.
    w, v = _directions(Z.shape[1])
    u, t = Z @ w, Z @ v
    if nonlinear:
        return 2 * np.sin(2 * u) + t**2, t**2 - 2 * np.cos(2 * u)
    return u, t


def _residual_correlation(X, y, Z):
    # Partial correlation of X and y given Z: correlate what a linear fit on
    # Z leaves of each.
    design = np.column_stack([np.ones(len(Z)), Z])
    rx = X[:, 0] - design @ np.linalg.lstsq(design, X[:, 0], rcond=None)[0]
    ry = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return np.corrcoef(rx, ry)[0, 1]


def _schur_cmi(cov, x, y, z):
    # Brute force: the conditional covariance of (X, Y) given Z, then the
    # Gaussian mutual information of its two blocks.
    xy = list(x) + list(y)
    S = cov[np.ix_(xy, xy)]
    if z:
        C = cov[np.ix_(xy, z)]
        S = S - C @ np.linalg.inv(cov[np.ix_(z, z)]) @ C.T
    k = len(x)
    return 0.5 * np.log(
        np.linalg.det(S[:k, :k]) * np.linalg.det(S[k:, k:]) / np.linalg.det(S)
    )


@pytest.mark.parametrize(
    "x, y, z", [([0], [1], [2, 3, 4]), ([0, 5], [2], [1, 3]), ([4], [1, 3], [])]
)
def test_gaussian_cmi_matches_the_conditional_covariance(x, y, z):
    A = np.random.default_rng(3).standard_normal((6, 6))
    cov = A @ A.T + 0.5 * np.eye(6)
    expected = _schur_cmi(cov, x, y, z)
    assert expected > 0.01
    assert gaussian_cmi(cov, x, y, z) == pytest.approx(expected, rel=1e-10)
    # Symmetric in X and Y, blind to the order within a block.
    assert gaussian_cmi(cov, y, x, z[::-1]) == pytest.approx(expected, rel=1e-10)


def test_gaussian_cmi_of_a_common_cause_is_zero():
    # X = Z + e1, Y = Z + e2: I(X; Y) > 0 but I(X; Y | Z) = 0.
    cov = np.array([[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, 1.0]])
    assert gaussian_cmi(cov, 0, 1, 2) == pytest.approx(0.0, abs=1e-14)
    assert gaussian_cmi(cov, 0, 1, []) == pytest.approx(gaussian_mi(0.5))


@pytest.mark.parametrize("dim_z", [1, 3, 10])
@pytest.mark.parametrize("rho", [-0.7, 0.0, 0.5, 0.95])
def test_conditional_gaussian_truth(dim_z, rho):
    X, y, Z, true_cmi = make_conditional_gaussian(
        10, dim_z=dim_z, rho=rho, strength=2.0, random_state=0
    )
    assert X.shape == (10, 1) and y.shape == (10,) and Z.shape == (10, dim_z)
    assert true_cmi == pytest.approx(-0.5 * np.log(1 - rho**2), abs=1e-12)


@pytest.mark.parametrize("dim_z", [1, 4])
def test_conditional_gaussian_partial_correlation(dim_z):
    X, y, Z, true_cmi = make_conditional_gaussian(
        200_000, dim_z=dim_z, rho=0.5, strength=1.5, random_state=0
    )
    assert _residual_correlation(X, y, Z) == pytest.approx(0.5, abs=0.01)
    # The sample covariance tells the same story, while without Z the
    # dependence is larger: Z drives both.
    cov = np.cov(np.column_stack([X, y, Z]), rowvar=False)
    z = list(range(2, dim_z + 2))
    assert gaussian_cmi(cov, 0, 1, z) == pytest.approx(true_cmi, abs=0.01)
    assert gaussian_cmi(cov, 0, 1, []) > true_cmi + 0.3


@pytest.mark.parametrize("dim_z", [1, 3, 10])
@pytest.mark.parametrize("nonlinear", [True, False])
def test_common_cause_is_a_hard_null(dim_z, nonlinear):
    X, y, Z, true_cmi = make_common_cause(
        50_000, dim_z=dim_z, nonlinear=nonlinear, random_state=0
    )
    assert true_cmi == 0.0
    assert X.shape == (50_000, 1) and y.shape == (50_000,) and Z.shape[1] == dim_z
    f, g = _common_cause_maps(Z, nonlinear)
    rx, ry = X[:, 0] - f, y - g
    # What is left given Z is the noise: sd 0.5, uncorrelated, and
    # uncorrelated with Z and with the maps.
    assert rx.std() == pytest.approx(0.5, rel=0.02)
    assert ry.std() == pytest.approx(0.5, rel=0.02)
    assert abs(np.corrcoef(rx, ry)[0, 1]) < 0.02
    assert np.all(
        np.abs(np.corrcoef(np.column_stack([rx, ry, Z, f, g]).T)[:2, 2:]) < 0.02
    )
    # Yet X and y are strongly dependent marginally, and non-linear maps
    # leave a spurious partial correlation to a linear adjustment for Z.
    if nonlinear:
        assert _residual_correlation(X, y, Z) > 0.3
    assert abs(spearmanr(X[:, 0], y)[0]) > 0.3
    assert mutual_info_regression(X[:2000], y[:2000], random_state=0)[0] > 0.1


@pytest.mark.parametrize("nonlinear", [True, False])
def test_common_cause_with_correlated_noise(nonlinear):
    X, y, Z, true_cmi = make_common_cause(
        50_000, dim_z=3, rho=0.6, nonlinear=nonlinear, noise=0.3, random_state=1
    )
    assert true_cmi == pytest.approx(-0.5 * np.log(1 - 0.36), rel=1e-12)
    f, g = _common_cause_maps(Z, nonlinear)
    assert np.corrcoef(X[:, 0] - f, y - g)[0, 1] == pytest.approx(0.6, abs=0.01)


@pytest.mark.parametrize("dim_z", [1, 3, 10])
@pytest.mark.parametrize("nonlinear", [True, False])
def test_chain(dim_z, nonlinear):
    X, y, Z, true_cmi = make_chain(
        20_000, dim_z=dim_z, nonlinear=nonlinear, random_state=0
    )
    assert true_cmi == 0.0
    assert (
        X.shape == (20_000, 1) and y.shape == (20_000,) and Z.shape == (20_000, dim_z)
    )
    # Z's columns as documented: h_j(X) plus noise of sd 0.5.
    j = np.arange(dim_z)
    h = X / 2 + np.sin((1 + j / 2) * X + j) if nonlinear else np.repeat(X, dim_z, 1)
    assert (Z - h).std(axis=0) == pytest.approx(np.full(dim_z, 0.5), rel=0.03)
    # y is g(Z) plus noise that X does not see: the chain is Markov.
    ry = y - _common_cause_maps(Z, nonlinear)[0]
    assert ry.std() == pytest.approx(0.5, rel=0.03)
    assert abs(np.corrcoef(ry, X[:, 0])[0, 1]) < 0.03
    assert mutual_info_regression(X[:2000], y[:2000], random_state=0)[0] > 0.1


@pytest.mark.parametrize("noise", [0.2, 0.5, 2.0])
@pytest.mark.parametrize("dim_z", [1, 3])
def test_linear_collider_closed_form(noise, dim_z):
    # Z_1 = X + Y + s e: Var Z_1 = 2 + s^2 and Cov(X, Z_1) = Cov(Y, Z_1) = 1,
    # so given Z_1, Var X = Var Y = 1 - 1/(2 + s^2) = (1 + s^2)/(2 + s^2) and
    # Cov(X, Y) = -1/(2 + s^2): the partial correlation is r = -1/(1 + s^2)
    # and I(X; Y | Z) = -1/2 log(1 - r^2). The other columns are independent.
    r = -1 / (1 + noise**2)
    X, y, Z, true_cmi = make_collider(200_000, dim_z=dim_z, noise=noise, random_state=0)
    assert true_cmi == pytest.approx(-0.5 * np.log(1 - r**2), rel=1e-12)
    assert Z.shape == (200_000, dim_z)
    assert abs(np.corrcoef(X[:, 0], y)[0, 1]) < 0.01
    assert _residual_correlation(X, y, Z) == pytest.approx(r, abs=0.01)
    # The same quadrature as the non-linear truth, on the linear maps.
    assert _collider_quadrature_cmi(noise, False) == pytest.approx(true_cmi, abs=1e-10)


def _brute_force_collider_cmi(a, b, noise, n_outer=20_000, n_inner=2000, seed=12345):
    # Plain Monte Carlo, blind to the additive structure the sampler's
    # quadrature uses: I(X; Y | Z) = E[log p(z|x,y) - log p(z|x) - log p(z|y)
    # + log p(z)] for independent X and Y, with each of p(z|x), p(z|y) and
    # p(z) the mean of the Gaussian kernel over fresh inner draws.
    rng = np.random.default_rng(seed)
    x, y, e = rng.standard_normal((3, n_outer))
    z = a(x) + b(y) + noise * e
    a_inner, b_inner = a(rng.standard_normal(n_inner)), b(rng.standard_normal(n_inner))
    log_norm = -np.log(noise * np.sqrt(2 * np.pi))

    def log_kernel_mean(residual):
        q = -0.5 * (residual / noise) ** 2
        top = q.max(axis=1)
        return log_norm + top + np.log(np.exp(q - top[:, None]).mean(axis=1))

    terms = np.empty(n_outer)
    for start in range(0, n_outer, 500):
        rows = slice(start, start + 500)
        zc = z[rows, None]
        terms[rows] = (
            log_norm
            - 0.5 * e[rows] ** 2
            - log_kernel_mean(zc - a(x[rows])[:, None] - b_inner)
            - log_kernel_mean(zc - a_inner - b(y[rows])[:, None])
            + log_kernel_mean(zc - a_inner - b_inner)
        )
    return terms.mean(), terms.std() / np.sqrt(n_outer)


@pytest.mark.slow
def test_nonlinear_collider_against_brute_force_monte_carlo():
    X, y, Z, true_cmi = make_collider(50_000, dim_z=2, nonlinear=True, random_state=0)
    assert true_cmi > 0.05
    assert abs(np.corrcoef(X[:, 0], y)[0, 1]) < 0.02
    # Z_1 as documented; the distractor column is independent standard normal.
    e = (Z[:, 0] - X[:, 0] - np.sin(2 * X[:, 0]) - y - np.cos(2 * y)) / 0.5
    assert e.std() == pytest.approx(1.0, rel=0.02)
    assert abs(np.corrcoef(e, X[:, 0])[0, 1]) < 0.02
    assert Z[:, 1].std() == pytest.approx(1.0, rel=0.02)
    assert np.all(np.abs(np.corrcoef(np.column_stack([X, y, Z]).T)[3, :3]) < 0.02)

    estimate, standard_error = _brute_force_collider_cmi(
        lambda v: v + np.sin(2 * v), lambda v: v + np.cos(2 * v), 0.5
    )
    assert standard_error < 0.007
    assert abs(estimate - true_cmi) < 3 * standard_error
    # The harness itself, on the linear collider whose truth is closed form.
    estimate, standard_error = _brute_force_collider_cmi(lambda v: v, lambda v: v, 0.5)
    assert abs(estimate - make_collider(1)[3]) < 3 * standard_error
    # Non-linear maps change the truth by more than the brute force's error.
    assert abs(true_cmi - make_collider(1)[3]) > 3 * standard_error


def test_nonlinear_collider_truth_depends_on_noise_only():
    truths = [make_collider(5, dim_z=d, nonlinear=True)[3] for d in (1, 2, 10)]
    assert truths[0] == truths[1] == truths[2]
    assert make_collider(5, nonlinear=True, noise=1.0)[3] < truths[0]
    assert make_collider(5, nonlinear=True, noise=0.05)[3] > 1.5


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_shapes_dtypes_and_reproducibility(sampler):
    X, y, Z, true_cmi = sampler(300, dim_z=10, random_state=0)
    assert X.shape == (300, 1) and y.shape == (300,) and Z.shape == (300, 10)
    assert X.dtype == y.dtype == Z.dtype == np.float64
    assert isinstance(true_cmi, float)
    again = sampler(300, dim_z=10, random_state=np.random.RandomState(0))
    assert all(np.array_equal(a, b) for a, b in zip((X, y, Z), again[:3]))
    assert again[3] == true_cmi
    other = sampler(300, dim_z=10, random_state=1)
    assert not np.allclose(X, other[0]) and not np.allclose(Z, other[2])
    assert other[3] == true_cmi


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_bad_input(sampler):
    name = sampler.__name__
    with pytest.raises(ValueError, match=rf"'dim_z' parameter of {name}.*Got 0 inst"):
        sampler(10, dim_z=0)
    with pytest.raises(ValueError, match=r"'n_samples' parameter.*Got 0 instead"):
        sampler(0)
    if sampler is not make_conditional_gaussian:
        with pytest.raises(ValueError, match=r"'noise' parameter.*Got -0\.5 instead"):
            sampler(10, noise=-0.5)
        with pytest.raises(ValueError, match=r"'noise' parameter.*Got 0\.0 instead"):
            sampler(10, noise=0.0)
    if sampler in (make_conditional_gaussian, make_common_cause):
        for rho in (1.0, -1.0, 1.5):
            with pytest.raises(ValueError, match=rf"'rho' parameter.*Got {rho} inst"):
                sampler(10, rho=rho)


def test_bad_input_of_the_truths():
    with pytest.raises(ValueError, match=r"noise=0\.01 is below 0\.05"):
        make_collider(10, nonlinear=True, noise=0.01)
    with pytest.raises(ValueError, match=r"'strength' parameter.*Got -1\.0 instead"):
        make_conditional_gaussian(10, strength=-1.0)
    cov = np.eye(3)
    with pytest.raises(ValueError, match=r"x_index \[0\], y_index \[0\].*disjoint"):
        gaussian_cmi(cov, 0, 0, 2)
    with pytest.raises(ValueError, match=r"z_index must hold .* \[0, 3\).*got \[3\]"):
        gaussian_cmi(cov, 0, 1, 3)
    with pytest.raises(ValueError, match="at least one coordinate"):
        gaussian_cmi(cov, [], 1, 2)
    with pytest.raises(ValueError, match="not positive definite.*eigenvalue -1"):
        gaussian_cmi(np.diag([1.0, 1.0, -1.0]), 0, 1, 2)
    with pytest.raises(ValueError, match=r"square matrix; got shape \(2, 3\)"):
        gaussian_cmi(np.zeros((2, 3)), 0, 1, [])
    with pytest.raises(ValueError, match="not symmetric"):
        gaussian_cmi([[1.0, 0.5], [0.4, 1.0]], 0, 1, [])
