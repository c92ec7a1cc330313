"""Multivariate Student-t pairs, dependent through a shared scale: closed-form MI."""

from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._gaussian import canonical_correlations, correlated_normals, gaussian_mi

__all__ = ["make_student_t", "student_t_mi"]


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
    rho = canonical_correlations(min(n_features_x, n_features_y), rho, mi)
    true_mi = (gaussian_mi(rho) if rho.size else 0.0) + correction

    rng = check_random_state(random_state)
    X, y = correlated_normals(
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
