"""Plots of a MINE fit, of a feature selection and of the resampling trick.

They need matplotlib.

Install with ``pip install sklearn_mine[plot]``; matplotlib is imported
when a function is called, so the rest of the package does not need it.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import check_is_fitted

from ._resample import MarginalResampler

__all__ = ["plot_history", "plot_resampled", "plot_selection"]


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
    if len(estimator.history_["epoch"]) == 0:
        raise ValueError(
            f"The estimator's critic={estimator.critic!r} was solved, not "
            "trained: it has no training history to plot."
        )
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


def _feature_label(selector, features):
    names = getattr(selector, "feature_names_in_", None)
    return " + ".join(str(names[j]) if names is not None else f"x{j}" for j in features)


def plot_selection(
    selector: Any, *, confidence_level: float = 0.95, ax: Any = None
) -> Any:
    """The MI of the selected set, round by round, with its error bars.

    Each move a :class:`~sklearn_mine.MutualInfoSelector` made is a filled
    point at the size of the set it gave, :math:`I(S; y)` on the held-out
    pairs that tested it, with its ``confidence_level`` normal interval
    (``history_["mutual_info"]`` and ``["standard_error"]``), labelled with
    the feature it added or removed; a move tried and not made is a hollow
    point. The dotted line marks the features selected. A user choosing the
    count reads the curve: where it flattens, a further feature adds what
    the test pairs cannot tell from nothing.

    Parameters
    ----------
    selector : MutualInfoSelector
        A fitted selector.
    confidence_level : float, default=0.95
        Level of the error bars.
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
    >>> import numpy as np
    >>> from sklearn_mine import MutualInfoSelector
    >>> from sklearn_mine.plotting import plot_selection
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((500, 4))
    >>> y = X[:, 0] + X[:, 1] + 0.5 * rng.standard_normal(500)
    >>> # A short budget keeps the example quick; the defaults train longer.
    >>> selector = MutualInfoSelector(2, max_steps=300, random_state=0).fit(X, y)
    >>> ax = plot_selection(selector)
    >>> ax.get_xlabel()
    'features selected'
    """
    check_is_fitted(selector, "history_")
    if not 0 < confidence_level < 1:
        raise ValueError(
            f"confidence_level must be in (0, 1); got {confidence_level!r}."
        )
    from scipy.stats import norm

    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    history = selector.history_
    z = norm.ppf(0.5 + confidence_level / 2)
    made = np.asarray(history["accepted"], dtype=bool)
    for mask, label, face in ((made, "made", None), (~made, "not made", "none")):
        if mask.any():
            ax.errorbar(
                history["n_features"][mask],
                history["mutual_info"][mask],
                yerr=z * history["standard_error"][mask],
                fmt="o",
                mfc=face,
                capsize=3,
                label=f"move {label}",
            )
    for n, mi, features in zip(
        history["n_features"][made],
        history["mutual_info"][made],
        history["features"][made],
    ):
        ax.annotate(
            _feature_label(selector, features),
            (n, mi),
            textcoords="offset points",
            xytext=(5, -10),
            fontsize=8,
        )
    ax.axvline(
        selector.n_features_to_select_,
        color="grey",
        linestyle=":",
        label=f"{selector.n_features_to_select_} selected",
    )
    ax.set_xlabel("features selected")
    ax.set_ylabel(f"I(S; y) (nats), {confidence_level:.0%} intervals")
    ax.set_title(f"{selector.direction} selection, {len(made)} rounds")
    ax.legend()
    return ax
