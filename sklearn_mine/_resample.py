"""The resampling trick: pairs from the product of the marginals."""

from numbers import Integral

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import validate_data

from ._engine.sampling import sample_marginal_indices
from ._utils.docstrings import with_pairs_doc

__all__ = ["MarginalResampler"]


def _torch_generator(random_state, device="cpu"):
    """A torch generator seeded from a scikit-learn ``random_state``."""
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return torch.Generator(device=device).manual_seed(int(seed))


def draw_marginal_indices(n, size, replace, random_state):
    """MarginalResampler's draw: ``J`` and ``K``, uniform, as numpy arrays.

    Shared with :class:`ConditionalResampler`, whose draw given no Z this
    is, so that the two give the same pairs for the same ``random_state``.
    """
    generator = _torch_generator(random_state)
    J, K = sample_marginal_indices(n, size, replace=replace, generator=generator)
    return J.numpy(), K.numpy()


def take_rows(data, indices):
    """Rows ``indices`` of ``data``, keeping pandas containers and their names.

    Shared with :class:`ConditionalResampler`.
    """
    # scikit-learn's own row taker (``_safe_indexing``) is private, and
    # ``sklearn.utils.resample`` draws its own indices: this is all we need.
    if hasattr(data, "iloc"):
        return data.iloc[indices].reset_index(drop=True)
    return np.asarray(data)[indices]


class MarginalResampler(BaseEstimator):
    """Resample joint pairs into pairs from the product of the marginals.

    Given joint samples :math:`(X_i, Y_i)_{i=1}^n` of :math:`P_{XY}`, returns
    :math:`(X_{J_i}, Y_{K_i})_{i=1}^{n'}` for independent, uniformly random
    indices :math:`J` and :math:`K`. Each returned pair is distributed as
    :math:`P_X \\times P_Y`; the pairs are identically distributed but not
    independent of one another (except when :math:`n = 1` or :math:`n' = 1`),
    with or without replacement.

    Parameters
    ----------
    n_samples : int, default=None
        Number of pairs :math:`n'` to return. ``None`` returns as many pairs as
        there are samples.
    replace : bool, default=False
        Whether the indices ``J`` (and, separately, ``K``) are drawn with
        replacement. Without replacement, ``n_samples`` cannot exceed the number
        of samples; with it, any ``n_samples`` works (MINE's
        :math:`n' \\gg n`).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the indices. Pass an int for reproducible output.

    Attributes
    ----------
    sample_indices_ : tuple of ndarray of shape (n_samples,)
        The indices ``(J, K)`` of the last call to ``fit_resample``: row ``i`` of
        the output is ``(X[J[i]], y[K[i]])``.
    n_features_in_ : int
        Number of features of X seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features of X, defined only when X has string column names.

    See Also
    --------
    MINEEstimator : Trains a critic on joint pairs against these pairs.

    Notes
    -----
    MINE [1]_ estimates :math:`I(X; Y) = D(P_{XY} \\| P_X \\times P_Y)` and
    needs samples of the product of the marginals; this trick makes them from
    the joint sample alone.

    References
    ----------
    .. [1] M. I. Belghazi et al., "Mutual Information Neural Estimation",
       ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import MarginalResampler
    >>> X = np.arange(10.0).reshape(5, 2)
    >>> y = np.arange(5.0)
    >>> X_res, y_res = MarginalResampler(random_state=0).fit_resample(X, y)
    >>> X_res.shape, y_res.shape
    ((5, 2), (5,))
    >>> sorted(y_res.tolist()) == y.tolist()  # without replacement: a permutation
    True
    """

    _parameter_constraints: dict = {
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "replace": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, *, n_samples=None, replace=False, random_state=None):
        self.n_samples = n_samples
        self.replace = replace
        self.random_state = random_state

    def _validate(self, X, y):
        return validate_data(
            self, X, y, multi_output=True, y_numeric=True, ensure_min_samples=1
        )

    @_fit_context(prefer_skip_nested_validation=True)
    @with_pairs_doc
    def fit(self, X: ArrayLike, y: ArrayLike) -> "MarginalResampler":
        """Check the data; the resampling itself happens in ``fit_resample``.

        Parameters
        ----------
        {pairs}

        Returns
        -------
        self : MarginalResampler
            The checked resampler.
        """
        self._validate(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    @with_pairs_doc
    def fit_resample(self, X: ArrayLike, y: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        """Return pairs ``(X[J], y[K])`` from the product of the marginals.

        Parameters
        ----------
        {pairs}

        Returns
        -------
        X_resampled : ndarray or DataFrame of shape (n_samples_new, n_features)
            Rows ``J`` of X, as the same container as X.
        y_resampled : ndarray, Series or DataFrame of shape (n_samples_new,) or \
(n_samples_new, n_targets)
            Rows ``K`` of y, as the same container as y.
        """
        X_checked, _ = self._validate(X, y)
        n = X_checked.shape[0]
        size = n if self.n_samples is None else self.n_samples
        if not self.replace and size > n:
            raise ValueError(
                f"n_samples={size} exceeds the {n} samples available without "
                "replacement; set replace=True to draw more pairs than samples."
            )
        J, K = draw_marginal_indices(n, size, self.replace, self.random_state)
        self.sample_indices_ = (J, K)
        X_out = X if hasattr(X, "iloc") else X_checked
        y_out = y if hasattr(y, "iloc") else np.asarray(y)
        return take_rows(X_out, J), take_rows(y_out, K)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags
