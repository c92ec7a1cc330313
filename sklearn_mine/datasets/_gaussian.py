"""Gaussian pairs: the closed-form MI of correlated normals, and their sampler."""

from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import ortho_group
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._utils.constants import LECTURE_RHO

__all__ = [
    "canonical_correlations",
    "correlated_normals",
    "gaussian_mi",
    "make_gaussian",
]


def gaussian_mi(rho: float | ArrayLike) -> float:
    """Mutual information of Gaussian vectors with canonical correlations ``rho``.

    .. math:: I(X; Y) = -\\frac{1}{2} \\sum_k \\log(1 - \\rho_k^2)

    Parameters
    ----------
    rho : float or array-like of float in (-1, 1)
        The canonical correlations.

    Returns
    -------
    mi : float
        Mutual information in nats.

    Examples
    --------
    >>> from sklearn_mine.datasets import gaussian_mi
    >>> round(gaussian_mi(0.878977), 4)
    0.7405
    """
    rho = np.atleast_1d(np.asarray(rho, dtype=float))
    if np.any(np.abs(rho) >= 1) or not np.all(np.isfinite(rho)):
        raise ValueError(f"Correlations must lie in (-1, 1); got {rho}.")
    # Adding 0.0 turns the -0.0 of rho = 0 into 0.0.
    return float(-0.5 * np.sum(np.log1p(-(rho**2)))) + 0.0


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features_x": [Interval(Integral, 1, None, closed="left")],
        "n_features_y": [Interval(Integral, 1, None, closed="left")],
        "rho": [Real, "array-like", None],
        "mi": [Interval(Real, 0, None, closed="left"), None],
        "cross_correlation": [StrOptions({"sparse", "dense"})],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_gaussian(
    n_samples: int = 1000,
    *,
    n_features_x: int = 1,
    n_features_y: int = 1,
    rho: float | ArrayLike | None = None,
    mi: float | None = None,
    cross_correlation: str = "sparse",
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Jointly Gaussian X and y with chosen canonical correlations.

    Each of X and y is standard normal with identity covariance. With
    ``cross_correlation="sparse"``, feature ``k`` of X is correlated with
    feature ``k`` of y only, with correlation ``rho[k]``; with ``"dense"``, X
    and y are each rotated by a random orthogonal matrix, which spreads the
    same dependence over every pair of features and leaves the mutual
    information unchanged.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    n_features_x, n_features_y : int, default=1
        Dimensions of X and of y.
    rho : float or array-like of float, default=None
        Canonical correlations, at most ``min(n_features_x, n_features_y)`` of
        them; a float applies to every pair. ``None`` (and ``mi=None``) gives
        ``LECTURE_RHO`` = 0.878977, the bivariate Gaussian of the lecture on
        MINE this package started from.
    mi : float, default=None
        Alternative to ``rho``: the total mutual information in nats, spread
        equally over ``min(n_features_x, n_features_y)`` pairs.
    cross_correlation : {"sparse", "dense"}, default="sparse"
        Whether the dependence sits on matched feature pairs or is rotated
        across all features.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples (and the rotations).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features_x)
        Samples of the first variable.
    y : ndarray of shape (n_samples,) or (n_samples, n_features_y)
        Samples of the second variable, paired row by row with X; 1-D when
        ``n_features_y == 1``.
    true_mi : float
        I(X; y) in nats.

    Examples
    --------
    >>> from sklearn_mine.datasets import make_gaussian
    >>> X, y, true_mi = make_gaussian(n_samples=5, random_state=0)
    >>> X.shape, y.shape, round(true_mi, 4)
    ((5, 1), (5,), 0.7405)
    """
    if rho is not None and mi is not None:
        raise ValueError("Pass rho or mi, not both.")
    rho = canonical_correlations(min(n_features_x, n_features_y), rho, mi)
    true_mi = gaussian_mi(rho) if rho.size else 0.0

    rng = check_random_state(random_state)
    X, y = correlated_normals(
        n_samples, n_features_x, n_features_y, rho, cross_correlation, rng
    )
    if n_features_y == 1:
        y = y[:, 0]
    return X, y, true_mi


def canonical_correlations(k, rho, mi):
    """The canonical correlations given by ``rho`` or by the Gaussian ``mi``.

    Shared by make_gaussian and make_student_t, where ``mi`` is the Gaussian
    part only.
    """
    if mi is not None:
        rho = np.sqrt(-np.expm1(-2.0 * mi / k))
    elif rho is None:
        rho = LECTURE_RHO
    rho = np.asarray(rho, dtype=float)
    if rho.ndim == 0:
        rho = np.full(k, float(rho))
    if rho.ndim != 1 or rho.size > k:
        raise ValueError(
            f"rho must be a float or at most {k} correlations; got shape {rho.shape}."
        )
    return rho


def correlated_normals(
    n_samples, n_features_x, n_features_y, rho, cross_correlation, rng
):
    """Draw the Gaussian X and y (both 2-D) of make_gaussian.

    Their joint covariance is the scale matrix of make_student_t, which divides
    these very draws by a chi-square factor; keeping one helper keeps the two
    samplers on the same matrix and the same stream of random numbers.
    """
    X = rng.standard_normal((n_samples, n_features_x))
    noise = rng.standard_normal((n_samples, n_features_y))
    y = noise.copy()
    m = rho.size
    y[:, :m] = rho * X[:, :m] + np.sqrt(1.0 - rho**2) * noise[:, :m]
    if cross_correlation == "dense":
        if n_features_x > 1:
            X = X @ ortho_group.rvs(n_features_x, random_state=rng)
        if n_features_y > 1:
            y = y @ ortho_group.rvs(n_features_y, random_state=rng)
    return X, y
