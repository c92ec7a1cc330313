"""Plots of a MINE fit and of the resampling trick (needs matplotlib).

Install with ``pip install sklearn_mine[plot]``; matplotlib is imported
when a function is called, so the rest of the package does not need it.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

from ._resample import MarginalResampler

__all__ = ["plot_history", "plot_resampled"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "sklearn_mine.plotting needs matplotlib: pip install matplotlib"
        ) from exc
    return plt


def plot_history(
    estimator: Any, *, true_mi: float | None = None, ax: Any = None
) -> Any:
    """The training and held-out bounds of a fitted estimator, epoch by epoch.

    The held-out curve is the one to read: it rises while the critic learns,
    then flattens or falls as it starts to fit its training pairs; the kept
    critic (``best_epoch_``) is marked. The training curve is the mean over
    each epoch's minibatches, noisier and biased up.

    Parameters
    ----------
    estimator : MINEEstimator
        A fitted estimator.
    true_mi : float, default=None
        The true MI, drawn as a horizontal line when known.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine.datasets import make_gaussian
    >>> from sklearn_mine.plotting import plot_history
    >>> X, y, true_mi = make_gaussian(1000, random_state=0)
    >>> est = MINEEstimator(max_steps=500, random_state=0).fit(X, y)
    >>> ax = plot_history(est, true_mi=true_mi)
    >>> ax.get_xlabel()
    'gradient steps'
    """
    check_is_fitted(estimator, "history_")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    history = estimator.history_
    ax.plot(history["step"], history["train_bound"], label="training batches")
    ax.plot(history["step"], history["valid_bound"], marker="o", label="held out")
    best = estimator.best_epoch_ - 1
    ax.axvline(history["step"][best], color="grey", linestyle=":", label="kept")
    if true_mi is not None:
        ax.axhline(true_mi, color="black", linestyle="--", label="true MI")
    ax.set_xlabel("gradient steps")
    ax.set_ylabel("bound on I(X; Y) (nats)")
    ax.set_title(f"{estimator.objective}: {estimator.mutual_info_:.3f} nats")
    ax.legend()
    return ax


def _first(a):
    return a[:, 0] if a.ndim == 2 else a


def _scatter(ax, x, y, title, contours):
    ax.scatter(x, y, s=4, alpha=0.4)
    if contours and len(x) > 2:
        from scipy.stats import gaussian_kde

        kde = gaussian_kde(np.vstack([x, y]))
        gx, gy = np.meshgrid(
            np.linspace(x.min(), x.max(), 60), np.linspace(y.min(), y.max(), 60)
        )
        density = kde(np.vstack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
        ax.contour(gx, gy, density, levels=6, colors="black", linewidths=0.8)
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def plot_resampled(
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_samples: int | None = None,
    replace: bool = False,
    random_state: int | np.random.RandomState | None = None,
    contours: bool = True,
    axes: Any = None,
) -> Any:
    """The joint sample beside pairs resampled from it (the resampling trick).

    The first column of X is plotted against the first column of y: on the
    left the joint pairs, on the right pairs ``(x_J, y_K)`` drawn by
    :class:`~sklearn_mine.MarginalResampler`, with kernel density contours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples of the first variable.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Samples of the second variable.
    n_samples : int, default=None
        Number of resampled pairs; ``None`` draws as many as there are pairs.
    replace : bool, default=False
        Whether the indices are drawn with replacement.
    random_state : int, RandomState instance or None, default=None
        Seed of the resampling.
    contours : bool, default=True
        Whether to draw kernel density contours.
    axes : sequence of two matplotlib Axes, default=None
        Where to draw; ``None`` makes a new figure.

    Returns
    -------
    axes : ndarray of two matplotlib Axes
        The joint pairs' axes and the resampled pairs' axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_mine.datasets import make_gaussian
    >>> from sklearn_mine.plotting import plot_resampled
    >>> X, y, _ = make_gaussian(500, random_state=0)
    >>> axes = plot_resampled(X, y, random_state=0)
    >>> [ax.get_title() for ax in axes]
    ['joint pairs (n = 500)', "resampled pairs (n' = 500, without replacement)"]
    """
    resampler = MarginalResampler(
        n_samples=n_samples, replace=replace, random_state=random_state
    )
    X_marg, y_marg = resampler.fit_resample(X, y)
    X, y = np.asarray(X), np.asarray(y)
    X_marg, y_marg = np.asarray(X_marg), np.asarray(y_marg)
    plt = _pyplot()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
    _scatter(axes[0], _first(X), _first(y), f"joint pairs (n = {len(X)})", contours)
    how = "with replacement" if replace else "without replacement"
    _scatter(
        axes[1],
        _first(X_marg),
        _first(y_marg),
        f"resampled pairs (n' = {len(X_marg)}, {how})",
        contours,
    )
    return np.asarray(axes)
