"""Samplers of pairs (X, y) whose mutual information is known in closed form.

Each sampler returns ``(X, y, true_mi)`` with ``true_mi`` in nats. They serve
the tests, the benchmarks and the documentation. ``LECTURE_RHO`` (0.878977)
is the correlation of the bivariate Gaussian of the lecture on MINE that this
package started from, the samplers' default.

Harder distributions have no closed form but an exact log density ratio, and
so a Monte Carlo truth to a small standard error: ``gaussian_mixture_mi``
gives the mutual information between the blocks of a Gaussian mixture,
``make_gaussian_mixture`` samples any such mixture, ``make_mixture`` named
multimodal shapes (rings, grid, waves, cross, curve) and ``make_inliers``
Gaussian pairs diluted by independent noise. ``make_uniform_noise`` adds
bounded uniform noise to a uniform variable, with a closed form.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln, ndtr
from scipy.stats import ortho_group
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._constants import LECTURE_RHO as _LECTURE_RHO
from ._mixtures import gaussian_mixture_mi, make_gaussian_mixture, make_mixture
from ._noise import make_inliers, make_uniform_noise

__all__ = [
    "LECTURE_RHO",
    "gaussian_mi",
    "gaussian_mixture_mi",
    "make_gaussian",
    "make_gaussian_mixture",
    "make_inliers",
    "make_mixture",
    "make_student_t",
    "make_uniform_noise",
    "spiral",
    "student_t_mi",
    "transform_pair",
]

# The correlation of the bivariate Gaussian of the lecture on MINE this
# package started from (true MI 0.7405 nats); the default of the samplers.
LECTURE_RHO = _LECTURE_RHO

# Radius over which spiral's rotation angle grows by 2 * pi * turns: about the
# radius of the bulk of a standard Gaussian in the plane (P(r > 3) = 1.1%).
SPIRAL_RADIUS = 3.0


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
    rho = _canonical_correlations(min(n_features_x, n_features_y), rho, mi)
    true_mi = gaussian_mi(rho) if rho.size else 0.0

    rng = check_random_state(random_state)
    X, y = _correlated_normals(
        n_samples, n_features_x, n_features_y, rho, cross_correlation, rng
    )
    if n_features_y == 1:
        y = y[:, 0]
    return X, y, true_mi


def _canonical_correlations(k, rho, mi):
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


def _correlated_normals(
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


def _t_correction(df, n_features_x, n_features_y):
    """The mutual information a multivariate t owes to its chi-square factor.

    With ``g(x) = log Gamma(x) - x psi(x)``, ``a = df / 2``, ``p = dx / 2`` and
    ``q = dy / 2``, the correction is the mixed difference
    ``g(a + p + q) - g(a + p) - g(a + q) + g(a)``.
    """
    a, p, q = df / 2.0, n_features_x / 2.0, n_features_y / 2.0
    if a < 25.0:

        def g(x):
            return gammaln(x) - x * digamma(x)

        return float(g(a + p + q) - g(a + p) - g(a + q) + g(a))
    # For large df each g is of order a log a while the difference is of
    # order p q / (2 a^2): the direct formula loses every digit (it gives
    # 1e-9 for 5e-13 at df = 1e6). Stirling's series instead,
    # g(x) = -log(x) / 2 - x + const + 1/(6x) - 1/(90x^3) + 1/(210x^5) - ...,
    # whose linear and constant terms cancel in the difference and whose log
    # and 1/x terms have exact closed differences. Its truncation error is
    # below 1e-10 (relative) from a = 25 on, where the two branches agree
    # to about 1e-10.
    log_term = -0.5 * np.log1p(-p * q / ((a + p) * (a + q)))
    inv_term = p * q / (a * (a + p)) * (2.0 * a + p + q) / ((a + q) * (a + p + q)) / 6.0

    def tail(x):
        u = 1.0 / x
        return -(u**3) / 90.0 + u**5 / 210.0

    tail_term = tail(a + p + q) - tail(a + p) - tail(a + q) + tail(a)
    return float(log_term + inv_term + tail_term)


@validate_params(
    {
        "rho": [Real, "array-like"],
        "df": [Interval(Real, 0, None, closed="neither")],
        "n_features_x": [Interval(Integral, 1, None, closed="left")],
        "n_features_y": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def student_t_mi(
    rho: float | ArrayLike,
    df: float,
    *,
    n_features_x: int = 1,
    n_features_y: int = 1,
) -> float:
    """Mutual information of the two blocks of a multivariate Student t.

    For ``(X, Y)`` multivariate t with ``df`` degrees of freedom, dimensions
    :math:`d_x`, :math:`d_y`, :math:`d = d_x + d_y` and a scale matrix
    :math:`S` whose canonical correlations between the blocks are ``rho``,

    .. math::

        I(X; Y) &= \\frac{1}{2} \\log \\frac{\\det S_{xx} \\det S_{yy}}{\\det S}
                   + c = -\\frac{1}{2} \\sum_k \\log(1 - \\rho_k^2) + c, \\\\
        c &= g\\left(\\tfrac{\\nu + d}{2}\\right)
             - g\\left(\\tfrac{\\nu + d_x}{2}\\right)
             - g\\left(\\tfrac{\\nu + d_y}{2}\\right)
             + g\\left(\\tfrac{\\nu}{2}\\right),
        \\qquad g(z) = \\log \\Gamma(z) - z \\, \\psi(z),

    with :math:`\\nu` = ``df`` and :math:`\\psi` the digamma function;
    written out,

    .. math::

        c = \\log\\Gamma\\left(\\tfrac{\\nu}{2}\\right)
            + \\log\\Gamma\\left(\\tfrac{\\nu + d}{2}\\right)
            - \\log\\Gamma\\left(\\tfrac{\\nu + d_x}{2}\\right)
            - \\log\\Gamma\\left(\\tfrac{\\nu + d_y}{2}\\right)
            + \\tfrac{\\nu + d_x}{2} \\psi\\left(\\tfrac{\\nu + d_x}{2}\\right)
            + \\tfrac{\\nu + d_y}{2} \\psi\\left(\\tfrac{\\nu + d_y}{2}\\right)
            - \\tfrac{\\nu + d}{2} \\psi\\left(\\tfrac{\\nu + d}{2}\\right)
            - \\tfrac{\\nu}{2} \\psi\\left(\\tfrac{\\nu}{2}\\right).

    It follows from the entropy of a p-dimensional t with scale :math:`S`,

    .. math::

        h = \\frac{1}{2} \\log \\det S
            + \\log \\frac{\\Gamma(\\nu/2) \\, (\\nu\\pi)^{p/2}}{\\Gamma((\\nu + p)/2)}
            + \\frac{\\nu + p}{2} \\left[\\psi\\left(\\tfrac{\\nu + p}{2}\\right)
            - \\psi\\left(\\tfrac{\\nu}{2}\\right)\\right],

    and from the marginals of a t being t with the same :math:`\\nu`. The
    correction :math:`c > 0` is the whole mutual information when ``rho`` is
    0: X and Y are then uncorrelated but still dependent through their shared
    chi-square factor. It falls as :math:`d_x d_y / (2 \\nu^2)` for large
    :math:`\\nu`, towards the Gaussian value.

    Parameters
    ----------
    rho : float or array-like of float in (-1, 1)
        The canonical correlations of the scale matrix, at most
        ``min(n_features_x, n_features_y)`` of them.
    df : float > 0
        Degrees of freedom.
    n_features_x, n_features_y : int, default=1
        Dimensions of X and of Y; the correction depends on them.

    Returns
    -------
    mi : float
        Mutual information in nats.

    Examples
    --------
    >>> from sklearn_mine.datasets import student_t_mi
    >>> round(student_t_mi(0.0, 3.0), 4)
    0.0424
    >>> round(student_t_mi([0.8, 0.3], 3.0, n_features_x=2, n_features_y=3), 4)
    0.6982
    """
    rho = np.atleast_1d(np.asarray(rho, dtype=float))
    k = min(n_features_x, n_features_y)
    if rho.ndim != 1 or rho.size > k:
        raise ValueError(f"rho must hold at most {k} correlations; got {rho}.")
    gaussian_part = gaussian_mi(rho) if rho.size else 0.0
    return gaussian_part + _t_correction(df, n_features_x, n_features_y)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features_x": [Interval(Integral, 1, None, closed="left")],
        "n_features_y": [Interval(Integral, 1, None, closed="left")],
        "rho": [Real, "array-like", None],
        "mi": [Interval(Real, 0, None, closed="left"), None],
        "df": [Interval(Real, 0, None, closed="neither")],
        "cross_correlation": [StrOptions({"sparse", "dense"})],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_student_t(
    n_samples: int = 1000,
    *,
    n_features_x: int = 1,
    n_features_y: int = 1,
    rho: float | ArrayLike | None = None,
    mi: float | None = None,
    df: float = 3.0,
    cross_correlation: str = "sparse",
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Multivariate Student-t X and y: heavy tails, dependence beyond correlation.

    Draws the Gaussian ``(G_x, G_y)`` of :func:`make_gaussian`, with the same
    parameters and random state, and divides each row by
    :math:`\\sqrt{W / \\nu}`, :math:`W \\sim \\chi^2_\\nu`, one ``W`` per row
    shared by X and y. The shared scale makes X and y dependent even with
    ``rho=0``, so the mutual information is the Gaussian value plus a
    positive correction; see :func:`student_t_mi`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    n_features_x, n_features_y : int, default=1
        Dimensions of X and of y.
    rho : float or array-like of float, default=None
        Canonical correlations of the scale matrix, as in
        :func:`make_gaussian`. ``None`` (and ``mi=None``) gives
        ``LECTURE_RHO`` = 0.878977.
    mi : float, default=None
        Alternative to ``rho``: the total mutual information in nats,
        correction included. What it leaves over the correction is spread
        equally over ``min(n_features_x, n_features_y)`` pairs; it must be at
        least the correction, the value at ``rho=0``.
    df : float > 0, default=3.0
        Degrees of freedom. Lower is heavier-tailed and adds more mutual
        information; moments of order ``df`` and above are infinite, and
        below about 0.1 the largest draws can overflow. Large ``df`` tends to
        :func:`make_gaussian`.
    cross_correlation : {"sparse", "dense"}, default="sparse"
        Whether the dependence sits on matched feature pairs or is rotated
        across all features, as in :func:`make_gaussian`.
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
    >>> from sklearn_mine.datasets import make_student_t
    >>> X, y, true_mi = make_student_t(n_samples=5, random_state=0)
    >>> X.shape, y.shape, round(true_mi, 4)
    ((5, 1), (5,), 0.7829)
    >>> X, y, true_mi = make_student_t(n_samples=5, rho=0.0, df=1.0)
    >>> round(true_mi, 4)
    0.2242
    """
    if rho is not None and mi is not None:
        raise ValueError("Pass rho or mi, not both.")
    correction = _t_correction(df, n_features_x, n_features_y)
    if mi is not None:
        if mi < correction:
            raise ValueError(
                f"mi={mi:.6g} is below {correction:.6g} nats, the mutual "
                f"information that df={df:g} alone gives {n_features_x} and "
                f"{n_features_y} features through the shared chi-square "
                "factor; pass a larger mi or a larger df."
            )
        mi = mi - correction
    rho = _canonical_correlations(min(n_features_x, n_features_y), rho, mi)
    true_mi = (gaussian_mi(rho) if rho.size else 0.0) + correction

    rng = check_random_state(random_state)
    X, y = _correlated_normals(
        n_samples, n_features_x, n_features_y, rho, cross_correlation, rng
    )
    # Drawn after the Gaussian part so that, for one random state, X and y
    # are make_gaussian's rescaled row by row.
    w = rng.chisquare(df, size=n_samples)
    scale = np.sqrt(df / w)[:, np.newaxis]
    X = X * scale
    y = y * scale
    if n_features_y == 1:
        y = y[:, 0]
    return X, y, true_mi


TRANSFORMS = {
    "cube": lambda a: a**3,
    "asinh": np.arcsinh,
    "exp": np.exp,
    "normal_cdf": ndtr,
    "identity": lambda a: a,
}


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "x_transform": [StrOptions(set(TRANSFORMS))],
        "y_transform": [StrOptions(set(TRANSFORMS))],
    },
    prefer_skip_nested_validation=True,
)
def transform_pair(
    X: ArrayLike,
    y: ArrayLike,
    *,
    x_transform: str = "cube",
    y_transform: str = "asinh",
) -> tuple[np.ndarray, np.ndarray]:
    """Apply strictly monotone maps to X and to y, feature by feature.

    An invertible map of X and another of y leave I(X; y) unchanged, so the
    true value of the original pair still holds; estimators that assume
    Gaussian or linear structure are put to the test.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features_x)
        Samples of the first variable.
    y : array-like of shape (n_samples,) or (n_samples, n_features_y)
        Samples of the second variable.
    x_transform, y_transform : {"cube", "asinh", "exp", "normal_cdf", \
"identity"}, default="cube" and "asinh"
        The map applied to every entry of X, and of y.

    Returns
    -------
    X_t : ndarray of the shape of X
        X with its map applied.
    y_t : ndarray of the shape of y
        The target with its map applied.

    Examples
    --------
    >>> from sklearn_mine.datasets import make_gaussian, transform_pair
    >>> X, y, true_mi = make_gaussian(n_samples=5, random_state=0)
    >>> X_t, y_t = transform_pair(X, y, x_transform="cube")
    >>> bool((X_t == X**3).all())
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return TRANSFORMS[x_transform](X), TRANSFORMS[y_transform](y)


@validate_params(
    {
        "X": ["array-like"],
        "turns": [Interval(Real, None, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def spiral(X: ArrayLike, *, turns: float = 1.0) -> np.ndarray:
    """Twist consecutive pairs of columns of X by an angle growing with radius.

    Columns 0 and 1, 2 and 3, ... are taken as points in the plane, and each
    point at radius :math:`r` is rotated by
    :math:`\\theta(r) = 2 \\pi \\, \\mathrm{turns} \\, r / 3`; an odd last column
    is left unchanged. The radius scale 3 (``SPIRAL_RADIUS``) is about the
    radius of the bulk of a standard Gaussian in the plane, so with
    ``turns=1`` a standard Gaussian's bulk is wound once round. It is a fixed
    constant, not fitted to the data, so spiral is one and the same map for
    every sample. The rotation keeps the radius, and the angle depends on the
    radius alone, so rotating back by :math:`-\\theta(r)` inverts the map:
    it is a smooth bijection, and :math:`I(\\mathrm{spiral}(X); y) = I(X; y)`.
    Correlations, on the other hand, are scrambled, which puts estimators
    that assume linear structure to the test.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), n_features >= 2
        The points to twist, pair of columns by pair of columns.
    turns : float, default=1.0
        Turns made at radius 3; negative turns twist the other way and 0
        leaves X unchanged.

    Returns
    -------
    X_t : ndarray of shape (n_samples, n_features)
        The twisted points: same radii, rotated by an angle that grows with
        the radius.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine.datasets import make_gaussian, spiral
    >>> X, y, true_mi = make_gaussian(
    ...     n_samples=5, n_features_x=2, n_features_y=2, random_state=0
    ... )
    >>> X_t = spiral(X)
    >>> X_t.shape
    (5, 2)
    >>> bool(np.allclose(np.hypot(*X_t.T), np.hypot(*X.T)))
    True
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(
            "spiral needs at least 2 columns, to rotate in pairs; got an array "
            f"of shape {X.shape}."
        )
    n_paired = 2 * (X.shape[1] // 2)
    a = X[:, 0:n_paired:2]
    b = X[:, 1:n_paired:2]
    theta = 2.0 * np.pi * turns * np.hypot(a, b) / SPIRAL_RADIUS
    cos, sin = np.cos(theta), np.sin(theta)
    X_t = X.copy()
    X_t[:, 0:n_paired:2] = cos * a - sin * b
    X_t[:, 1:n_paired:2] = sin * a + cos * b
    return X_t


def __getattr__(name):
    # The old name of LECTURE_RHO, deprecated as scikit-learn deprecates.
    if name == "SEED_RHO":
        warnings.warn(
            "sklearn_mine.datasets.SEED_RHO was renamed LECTURE_RHO in 0.2 (the "
            "correlation of the lecture's bivariate Gaussian); the old name "
            "will be removed in 0.4.",
            FutureWarning,
            stacklevel=2,
        )
        return LECTURE_RHO
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
