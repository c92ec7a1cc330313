"""Pairs made noisy: bounded uniform noise, and Gaussian pairs diluted by noise."""

from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._gaussian import canonical_correlations, gaussian_mi
from ._mixtures import TRUTH_SEED, check_mixture, mixture_mi


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "noise": [Interval(Real, 0, 0.5, closed="right")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_uniform_noise(
    n_samples: int = 1000,
    *,
    noise: float = 0.1,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Uniform x plus uniform noise: densities with edges, and a closed form.

    :math:`x \\sim U(0, 1)` and :math:`y = x + e`, :math:`e \\sim
    U(-a, a)` independent of x, with :math:`a` = ``noise``. Both densities
    jump to 0 at the edges of their supports, which smooth critics and
    kernel estimators blur.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    noise : float in (0, 0.5], default=0.1
        Half-width :math:`a` of the uniform noise. Small values give a large
        mutual information, about :math:`-\\log(2a)`.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples.

    Returns
    -------
    X : ndarray of shape (n_samples, 1)
        Samples of x.
    y : ndarray of shape (n_samples,)
        Samples of y, paired row by row with X.
    true_mi : float
        I(x; y) = noise - log(2 noise) in nats.

    Notes
    -----
    Given x, y is uniform on :math:`[x - a, x + a]`, so
    :math:`h(Y \\mid X) = \\log(2a)`. The density of y, the convolution of
    the two uniform densities, is a trapezoid for :math:`2a \\le 1`:

    .. math::

        p(y) = \\begin{cases}
            (y + a) / (2a) & -a \\le y \\le a, \\\\
            1 & a \\le y \\le 1 - a, \\\\
            (1 + a - y) / (2a) & 1 - a \\le y \\le 1 + a.
        \\end{cases}

    Its plateau, of height 1, adds nothing to the entropy. Each ramp rises
    linearly from 0 to 1 over a width :math:`2a`, so with :math:`u = v / (2a)`
    it adds

    .. math::

        -\\int_0^{2a} \\frac{v}{2a} \\log \\frac{v}{2a} \\, dv
        = -2a \\int_0^1 u \\log u \\, du = -2a \\cdot \\left(-\\frac{1}{4}\\right)
        = \\frac{a}{2},

    hence :math:`h(Y) = a` and

    .. math:: I(X; Y) = h(Y) - h(Y \\mid X) = a - \\log(2a).

    At :math:`a = 1/2` the plateau vanishes, y is triangular and the mutual
    information is 1/2 nat.

    Examples
    --------
    >>> from sklearn_mine.datasets import make_uniform_noise
    >>> X, y, true_mi = make_uniform_noise(5, noise=0.1, random_state=0)
    >>> X.shape, y.shape, round(true_mi, 3)
    ((5, 1), (5,), 1.709)
    """
    rng = check_random_state(random_state)
    X = rng.uniform(0.0, 1.0, size=(n_samples, 1))
    y = X[:, 0] + rng.uniform(-noise, noise, size=n_samples)
    return X, y, float(noise - np.log(2.0 * noise))


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "fraction": [Interval(Real, 0, 1, closed="both")],
        "n_features_x": [Interval(Integral, 1, None, closed="left")],
        "n_features_y": [Interval(Integral, 1, None, closed="left")],
        "rho": [Real, "array-like", None],
        "mi": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
        "n_mc": [Interval(Integral, 2, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_inliers(
    n_samples: int = 1000,
    *,
    fraction: float = 0.2,
    n_features_x: int = 1,
    n_features_y: int = 1,
    rho: float | ArrayLike | None = None,
    mi: float | None = None,
    random_state: int | np.random.RandomState | None = None,
    n_mc: int = 200_000,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Gaussian pairs of which a fraction is replaced by independent noise.

    The pairs of :func:`make_gaussian` (``cross_correlation="sparse"``), of
    which each is, with probability ``fraction``, replaced by a pair of
    independent draws from the same standard normal marginals. The noise
    hides among the pairs rather than standing out as outliers would, and
    dilutes the dependence without changing either marginal.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of pairs.
    fraction : float in [0, 1], default=0.2
        Probability that a pair is independent noise; 0 gives
        :func:`make_gaussian`'s distribution, 1 independent X and y.
    n_features_x, n_features_y : int, default=1
        Dimensions of X and of y.
    rho : float or array-like of float, default=None
        Canonical correlations of the Gaussian pairs, as in
        :func:`make_gaussian`. ``None`` (and ``mi=None``) gives
        ``LECTURE_RHO`` = 0.878977.
    mi : float, default=None
        Alternative to ``rho``: the mutual information of the Gaussian pairs
        before any noise, spread equally over
        ``min(n_features_x, n_features_y)`` pairs. The returned ``true_mi``
        is lower when ``fraction > 0``.
    random_state : int, RandomState instance or None, default=None
        Seeds the samples, not the Monte Carlo of the truth.
    n_mc : int, default=200_000
        Monte Carlo draws behind ``true_mi``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features_x)
        Samples of the first variable.
    y : ndarray of shape (n_samples,) or (n_samples, n_features_y)
        Samples of the second variable, paired row by row with X; 1-D when
        ``n_features_y == 1``.
    true_mi : float
        I(X; y) in nats, to Monte Carlo precision.

    Notes
    -----
    With :math:`f` = ``fraction`` and :math:`\\Sigma` the joint covariance of
    the Gaussian pairs, whose diagonal blocks are identities, the pairs
    follow

    .. math::

        p(x, y) = (1 - f) \\, \\mathcal{N}((x, y); 0, \\Sigma)
                  + f \\, \\mathcal{N}(x; 0, I) \\, \\mathcal{N}(y; 0, I),

    a two-component Gaussian mixture whose second component has the
    block-diagonal covariance :math:`I`. Both components have the marginals
    :math:`\\mathcal{N}(0, I)`, so the marginals are those of the Gaussian,
    and the mutual information, by :func:`gaussian_mixture_mi`, falls from
    the Gaussian's :math:`-\\frac{1}{2} \\sum_k \\log(1 - \\rho_k^2)` at
    :math:`f = 0` to 0 at :math:`f = 1`.

    Examples
    --------
    >>> from sklearn_mine.datasets import make_inliers
    >>> X, y, true_mi = make_inliers(5, fraction=0.2, random_state=0)
    >>> X.shape, y.shape, round(true_mi, 2)
    ((5, 1), (5,), 0.44)
    """
    if rho is not None and mi is not None:
        raise ValueError("Pass rho or mi, not both.")
    rho = canonical_correlations(min(n_features_x, n_features_y), rho, mi)
    if rho.size:
        # Raises on |rho| >= 1, for which the Gaussian has no density.
        gaussian_mi(rho)
    d = n_features_x + n_features_y
    m = rho.size
    cov = np.eye(d)
    cov[np.arange(m), n_features_x + np.arange(m)] = rho
    cov[n_features_x + np.arange(m), np.arange(m)] = rho
    means, chols, weights = check_mixture(
        np.zeros((2, d)),
        np.stack([cov, np.eye(d)]),
        [1.0 - fraction, fraction],
        n_features_x,
    )
    true_mi, _ = mixture_mi(
        means, chols, weights, n_features_x, n_mc, np.random.RandomState(TRUTH_SEED)
    )

    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features_x))
    y = rng.standard_normal((n_samples, n_features_y))
    y[:, :m] = rho * X[:, :m] + np.sqrt(1.0 - rho**2) * y[:, :m]
    noise = rng.random_sample(n_samples) < fraction
    y[noise] = rng.standard_normal((int(noise.sum()), n_features_y))
    if n_features_y == 1:
        y = y[:, 0]
    return X, y, true_mi
