import numpy as np
import pytest
from scipy.integrate import quad

from sklearn_mine.datasets import (
    gaussian_mi,
    gaussian_mixture_mi,
    make_gaussian_mixture,
    make_inliers,
    make_mixture,
    make_uniform_noise,
)

N_MC = 40_000

# The truths of make_mixture's shapes, each from an independent Monte Carlo of
# 2,000,000 draws (seed 2024, standard error 0.0005 or less), against which
# the samplers' 200,000-draw truths (standard error 0.0011 to 0.0017) are
# checked; 0.008 is 4 standard errors of the difference.
SHAPE_MI = {
    ("rings", 1): 0.7132,
    ("grid", 1): 0.5102,
    ("waves", 1): 1.0428,
    ("cross", 1): 0.8277,
    ("curve", 1): 0.5670,
    ("curve", 2): 1.8238,
    ("curve", 3): 2.8570,
}


def _joint_covariance(dx, dy, rho):
    cov = np.eye(dx + dy)
    for k, r in enumerate(rho):
        cov[k, dx + k] = cov[dx + k, k] = r
    return cov


def test_single_component_matches_closed_form_1x1():
    # Means and scales of x and y do not change the mutual information.
    cov = _joint_covariance(1, 1, [0.7])
    scale = np.diag([2.0, 0.5])
    mi, se = gaussian_mixture_mi(
        [[1.0, -3.0]], [scale @ cov @ scale], n_features_x=1, n_mc=N_MC
    )
    assert 0 < se < 0.01
    assert abs(mi - gaussian_mi(0.7)) < 4 * se


def test_single_component_matches_closed_form_2x2():
    cov = _joint_covariance(2, 2, [0.8, 0.3])
    mi, se = gaussian_mixture_mi(
        np.zeros((1, 4)), cov[np.newaxis], n_features_x=2, n_mc=N_MC, random_state=1
    )
    assert abs(mi - gaussian_mi([0.8, 0.3])) < 4 * se


def test_components_differing_only_in_x_give_zero():
    # y is N(0, 1) whatever the component, so the joint is p(x) p(y) and every
    # log ratio is 0 up to rounding.
    means = [[-3.0, 0.0], [0.0, 0.0], [4.0, 0.0]]
    covariances = [np.diag([1.0, 1.0]), np.diag([0.5, 1.0]), np.diag([2.0, 1.0])]
    mi, se = gaussian_mixture_mi(
        means, covariances, [0.2, 0.3, 0.5], n_features_x=1, n_mc=N_MC
    )
    assert abs(mi) <= 4 * se + 1e-12


def test_correlated_components_differing_only_in_x_give_zero():
    # The same with two features of y correlated with each other, but not with
    # x: the y block is one Gaussian, and x and y are independent.
    cov = np.eye(3)
    cov[1, 2] = cov[2, 1] = 0.6
    means = [[-2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]
    mi, se = gaussian_mixture_mi(means, [cov, cov], n_features_x=1, n_mc=N_MC)
    assert abs(mi) <= 4 * se + 1e-12


def test_separated_components_on_the_diagonal_give_log_k():
    # 4 components 10 sd apart: the component is read off x or y without
    # error, and I(X; Y) = H(component) = log 4 (less ~1e-7 of overlap).
    means = 10.0 * np.repeat(np.arange(4.0)[:, np.newaxis], 2, axis=1)
    mi, se = gaussian_mixture_mi(means, np.tile(np.eye(2), (4, 1, 1)), n_features_x=1)
    assert mi == pytest.approx(np.log(4), abs=1e-4)
    assert se < 1e-4


def test_unequal_weights_give_their_entropy():
    # Separated components again: the log ratio of a draw of component k is
    # -log w_k, whose mean is the entropy of the weights.
    weights = np.array([0.5, 0.3, 0.2])
    means = 20.0 * np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    mi, se = gaussian_mixture_mi(
        means, np.tile(np.eye(2), (3, 1, 1)), weights, n_features_x=1, n_mc=N_MC
    )
    assert abs(mi + np.sum(weights * np.log(weights))) < 4 * se


def test_monte_carlo_seed_changes_only_within_error():
    means = [[0.0, 0.0], [2.0, 1.0]]
    covariances = [np.eye(2), [[1.0, 0.5], [0.5, 1.0]]]
    a, se_a = gaussian_mixture_mi(means, covariances, n_features_x=1, n_mc=N_MC)
    b, se_b = gaussian_mixture_mi(
        means, covariances, n_features_x=1, n_mc=N_MC, random_state=7
    )
    assert a != b
    assert abs(a - b) < 4 * np.hypot(se_a, se_b)


def _two_by_one_mixture():
    means = np.array([[0.0, 0.0, 0.0], [3.0, -1.0, 2.0]])
    cov_b = np.array([[1.0, 0.3, 0.5], [0.3, 2.0, -0.4], [0.5, -0.4, 1.5]])
    covariances = np.stack([np.eye(3), cov_b])
    weights = np.array([0.3, 0.7])
    return means, covariances, weights


def test_sampler_matches_mixture_moments():
    means, covariances, weights = _two_by_one_mixture()
    n = 200_000
    X, y, _ = make_gaussian_mixture(
        n,
        means=means,
        covariances=covariances,
        weights=weights,
        n_features_x=2,
        random_state=0,
        n_mc=1000,
    )
    Z = np.column_stack([X, y])
    mean = weights @ means
    second = np.einsum("k,kij->ij", weights, covariances) + np.einsum(
        "k,ki,kj->ij", weights, means, means
    )
    cov = second - np.outer(mean, mean)
    assert np.all(np.abs(Z.mean(axis=0) - mean) < 4 * np.sqrt(np.diag(cov) / n))
    centred = Z - mean
    products = centred[:, :, np.newaxis] * centred[:, np.newaxis, :]
    se = products.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(products.mean(axis=0) - cov) < 4 * se)


def test_sampler_shapes_seeds_and_truth():
    means, covariances, weights = _two_by_one_mixture()
    kwargs = dict(means=means, covariances=covariances, weights=weights, n_mc=N_MC)
    X, y, true_mi = make_gaussian_mixture(7, n_features_x=2, random_state=3, **kwargs)
    assert X.shape == (7, 2) and y.shape == (7,)
    assert X.dtype == y.dtype == np.float64
    X2, y2, true_mi2 = make_gaussian_mixture(
        7, n_features_x=2, random_state=3, **kwargs
    )
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _, true_mi3 = make_gaussian_mixture(7, n_features_x=2, random_state=4, **kwargs)
    assert not np.array_equal(X, X3)
    assert true_mi == true_mi2 == true_mi3
    assert (
        true_mi
        == gaussian_mixture_mi(
            means, covariances, weights, n_features_x=2, n_mc=N_MC, random_state=0
        )[0]
    )
    X, y, _ = make_gaussian_mixture(7, n_features_x=1, random_state=3, **kwargs)
    assert X.shape == (7, 1) and y.shape == (7, 2)


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "n_features"), list(SHAPE_MI))
def test_named_shapes(shape, n_features):
    X, y, true_mi = make_mixture(
        500, shape=shape, n_features=n_features, random_state=0
    )
    assert X.shape == (500, n_features)
    assert y.shape == ((500,) if n_features == 1 else (500, n_features))
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert abs(true_mi - SHAPE_MI[shape, n_features]) < 0.008
    X2, y2, true_mi2 = make_mixture(
        500, shape=shape, n_features=n_features, random_state=0
    )
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert make_mixture(5, shape=shape, n_features=n_features)[2] == true_mi


def test_rings_lie_on_their_circle():
    X, y, _ = make_mixture(20_000, shape="rings", random_state=0)
    radius = np.hypot(X[:, 0], y)
    # Radius 3 with sd 0.3 per coordinate: the mean radius is 3 + 0.3^2 / 6
    # to first order, and its standard error 0.3 / sqrt(20000) = 0.002.
    assert radius.mean() == pytest.approx(3.0 + 0.3**2 / 6, abs=0.01)
    assert abs(np.corrcoef(X[:, 0], y)[0, 1]) < 0.03


def _trapezoid_density(y, a):
    return np.clip(np.minimum((y + a) / (2 * a), (1 + a - y) / (2 * a)), 0, 1)


@pytest.mark.parametrize("noise", [0.02, 0.1, 0.25, 0.5])
def test_uniform_noise_formula_against_integration(noise):
    def integrand(v):
        p = _trapezoid_density(v, noise)
        return -p * np.log(p) if p > 0 else 0.0

    breaks = [noise, 1 - noise]
    h_y, _ = quad(integrand, -noise, 1 + noise, points=breaks, epsabs=1e-12)
    _, _, true_mi = make_uniform_noise(5, noise=noise)
    assert true_mi == pytest.approx(h_y - np.log(2 * noise), abs=1e-8)
    assert true_mi == pytest.approx(noise - np.log(2 * noise))


def test_uniform_noise_value_at_one_tenth():
    assert make_uniform_noise(5, noise=0.1)[2] == pytest.approx(1.709, abs=5e-4)


@pytest.mark.parametrize("noise", [0.05, 0.3])
def test_uniform_noise_against_monte_carlo(noise):
    X, y, true_mi = make_uniform_noise(N_MC, noise=noise, random_state=0)
    assert X.shape == (N_MC, 1) and y.shape == (N_MC,)
    assert np.all(np.abs(y - X[:, 0]) <= noise)
    log_ratio = -np.log(2 * noise) - np.log(_trapezoid_density(y, noise))
    se = log_ratio.std() / np.sqrt(N_MC)
    assert abs(log_ratio.mean() - true_mi) < 4 * se


def test_inliers_without_noise_are_the_gaussian():
    _, _, true_mi = make_inliers(
        5, fraction=0.0, n_features_x=2, n_features_y=3, rho=[0.8, 0.4], n_mc=N_MC
    )
    # A single Gaussian component: the Monte Carlo error of gaussian_mixture_mi
    # for it, at this n_mc, is about 0.006.
    _, se = gaussian_mixture_mi(
        np.zeros((1, 5)),
        _joint_covariance(2, 3, [0.8, 0.4])[np.newaxis],
        n_features_x=2,
        n_mc=N_MC,
    )
    assert abs(true_mi - gaussian_mi([0.8, 0.4])) < 4 * se


def test_inliers_all_noise_are_independent():
    _, _, true_mi = make_inliers(5, fraction=1.0, n_mc=N_MC)
    assert abs(true_mi) < 1e-10


def test_inliers_mi_decreases_with_fraction():
    fractions = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
    values = [make_inliers(5, fraction=f, mi=1.0, n_mc=N_MC)[2] for f in fractions]
    assert np.all(np.diff(values) < 0)
    assert values[0] == pytest.approx(1.0, abs=0.03)


def test_inliers_sample_the_mixture():
    n = 100_000
    X, y, _ = make_inliers(n, fraction=0.25, rho=0.9, random_state=0, n_mc=1000)
    assert X.shape == (n, 1) and y.shape == (n,)
    # Both components have standard normal marginals; the correlation is
    # diluted to (1 - f) rho, with standard error about (1 - r^2) / sqrt(n).
    assert np.abs(y.mean()) < 4 / np.sqrt(n)
    assert y.std() == pytest.approx(1.0, abs=4 * np.sqrt(0.5 / n))
    r = np.corrcoef(X[:, 0], y)[0, 1]
    assert r == pytest.approx(0.75 * 0.9, abs=4 / np.sqrt(n))
    X2, y2, _ = make_inliers(n, fraction=0.25, rho=0.9, random_state=0, n_mc=1000)
    np.testing.assert_array_equal(y, y2)


def test_inliers_multivariate_shapes():
    X, y, _ = make_inliers(6, n_features_x=3, n_features_y=2, n_mc=1000)
    assert X.shape == (6, 3) and y.shape == (6, 2)


@pytest.mark.parametrize("noise", [0, 0.6, -0.1])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match=rf"'noise'.*Got {noise}"):
        make_uniform_noise(5, noise=noise)


def test_bad_fraction():
    with pytest.raises(ValueError, match=r"'fraction'.*Got 1.5"):
        make_inliers(5, fraction=1.5)


def test_bad_inlier_correlations():
    with pytest.raises(ValueError, match="rho or mi"):
        make_inliers(5, rho=0.5, mi=1.0)
    with pytest.raises(ValueError, match=r"\(-1, 1\)"):
        make_inliers(5, rho=1.0)


def test_unknown_shape():
    with pytest.raises(ValueError, match=r"'shape'.*Got 'spiral'"):
        make_mixture(5, shape="spiral")


@pytest.mark.parametrize(("shape", "n_features"), [("rings", 2), ("curve", 4)])
def test_shape_not_defined_for_n_features(shape, n_features):
    with pytest.raises(
        ValueError, match=rf"shape='{shape}'.*got n_features={n_features}"
    ):
        make_mixture(5, shape=shape, n_features=n_features)


def test_weights_not_summing_to_one():
    with pytest.raises(ValueError, match=r"weights must sum to 1; got sum 0\.9"):
        gaussian_mixture_mi(
            np.zeros((2, 2)), np.tile(np.eye(2), (2, 1, 1)), [0.5, 0.4], n_features_x=1
        )


def test_negative_weights():
    with pytest.raises(ValueError, match=r"weights must be finite and >= 0"):
        gaussian_mixture_mi(
            np.zeros((2, 2)), np.tile(np.eye(2), (2, 1, 1)), [1.5, -0.5], n_features_x=1
        )


def test_non_positive_definite_covariance():
    covariances = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
    with pytest.raises(ValueError, match=r"covariances\[1\] is not positive definite"):
        make_gaussian_mixture(
            5, means=np.zeros((2, 2)), covariances=covariances, n_features_x=1
        )


def test_asymmetric_covariance():
    covariances = np.array([[[1.0, 0.5], [0.0, 1.0]]])
    with pytest.raises(ValueError, match=r"covariances\[0\] is not symmetric"):
        gaussian_mixture_mi(np.zeros((1, 2)), covariances, n_features_x=1)


def test_mismatched_shapes():
    means = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"covariances must have shape \(3, 2, 2\)"):
        gaussian_mixture_mi(means, np.tile(np.eye(2), (2, 1, 1)), n_features_x=1)
    with pytest.raises(ValueError, match=r"covariances must have shape \(3, 2, 2\)"):
        gaussian_mixture_mi(means, np.tile(np.eye(3), (3, 1, 1)), n_features_x=1)
    with pytest.raises(ValueError, match=r"weights must have shape \(3,\)"):
        gaussian_mixture_mi(
            means, np.tile(np.eye(2), (3, 1, 1)), [0.5, 0.5], n_features_x=1
        )
    with pytest.raises(ValueError, match=r"means must have shape.*got shape \(3,\)"):
        gaussian_mixture_mi(np.zeros(3), np.ones((3, 1, 1)), n_features_x=1)


def test_n_features_x_must_leave_y_a_feature():
    with pytest.raises(ValueError, match="got n_features_x=2"):
        gaussian_mixture_mi(np.zeros((1, 2)), np.eye(2)[np.newaxis], n_features_x=2)
