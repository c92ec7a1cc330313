"""Invertible transforms of a pair, which leave its mutual information unchanged."""

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["SPIRAL_RADIUS", "TRANSFORMS", "spiral", "transform_pair"]

# Radius over which spiral's rotation angle grows by 2 * pi * turns: about the
# radius of the bulk of a standard Gaussian in the plane (P(r > 3) = 1.1%).
SPIRAL_RADIUS = 3.0


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
