"""The resampling trick conditioned on Z: triples from P(x|z) P(y|z) P(z)."""

from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, validate_data

from ._permutation.local import local_permutation, local_resample, neighbour_table
from ._resample import draw_marginal_indices, take_rows
from ._utils.validation import check_conditioning_form, check_n_neighbors

__all__ = ["ConditionalResampler"]


class ConditionalResampler(BaseEstimator):
    """Resample triples into draws of the product of the marginals given Z.

    Given joint samples :math:`(X_i, Y_i, Z_i)_{i=1}^n`, keeps each
    :math:`(X_i, Z_i)` and pairs it with the :math:`Y` of a sample whose
    :math:`Z` is among the ``n_neighbors`` nearest to :math:`Z_i`. Without
    replacement the :math:`Y` are rearranged by Runge's restricted
    permutation [1]_, so that each is used once as far as the neighbourhoods
    allow; with replacement, rows :math:`J` are drawn uniformly and each
    takes a uniformly random neighbour's :math:`Y`.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of nearest rows in Z (other than the row itself) whose Y a row
        may take. 5 is Runge's default ``k_perm`` [1]_ (tigramite's
        ``shuffle_neighbors``), where the row itself counts as one of them;
        here it does not (see Notes). Must be less than the number of rows.
    n_samples : int, default=None
        Number of triples to return. ``None`` returns as many as there are
        samples; without replacement it can only be that number.
    replace : bool, default=False
        Whether the rows are drawn with replacement. Without it the output
        keeps X and Z as they are and rearranges y; with it, any
        ``n_samples`` works (MINE's :math:`n' \\gg n`).
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the indices. Pass an int for reproducible output.

    Attributes
    ----------
    sample_indices_ : tuple of ndarray of shape (n_samples,)
        The indices ``(J, K)`` of the last call to ``fit_resample``: row ``i``
        of the output is ``(X[J[i]], y[K[i]], Z[J[i]])``, with ``K[i]`` among
        the neighbours of ``J[i]`` in Z. Without replacement ``J`` is
        ``arange(n)``.
    n_features_in_ : int
        Number of features of X seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features of X, defined only when X has string column
        names.

    See Also
    --------
    MarginalResampler : The unconditional trick, pairs from
        :math:`P_X \\times P_Y`.

    Notes
    -----
    MINE [2]_ estimates :math:`I(X; Y) = D(P_{XY} \\| P_X P_Y)`; the
    conditional mutual information is the same divergence given Z,
    :math:`I(X; Y \\mid Z) = D(P_{XYZ} \\| P_{X|Z} P_{Y|Z} P_Z)`, and needs
    samples of the second distribution. A triple
    :math:`(X_i, Y_{K_i}, Z_i)` with :math:`K_i \\ne i` has :math:`Y_{K_i}`
    independent of :math:`(X_i, Z_i)` and distributed as
    :math:`P_{Y|Z = Z_{K_i}}`; when :math:`Z_{K_i}` is near :math:`Z_i` that
    is approximately :math:`P_{Y|Z = Z_i}`, so the triple is approximately a
    draw of :math:`P_{X|Z} P_{Y|Z} P_Z`.

    The approximation's error is the distance from :math:`Z_i` to its
    neighbours, which shrinks as :math:`n^{-1/d_Z}`: with many columns of Z
    the neighbours are far, :math:`Y_{K_i}` keeps less of its dependence on
    :math:`Z_i`, and part of :math:`I(Y; Z)` appears as if it were
    :math:`I(X; Y \\mid Z)` (an upward bias of the estimate, or a test that
    rejects too often). A smaller ``n_neighbors`` keeps them nearer, at the
    cost of more repeated indices without replacement.

    Distances are Euclidean between the normal scores of each column's
    ranks, so that no column dominates by its units or its outliers. Runge's
    list of neighbours includes the row itself, which leaves about one row
    in five with its own Y at ``k_perm=5``: harmless for a permutation test,
    whose null those rows still are, but such a row is a draw of the joint
    distribution, and MINE's critic would learn to give it the joint's
    score. Here the row itself is left out. A row whose neighbours' Y are
    all taken takes a random neighbour's anyway, as in tigramite, which
    repeats about 7% of the indices for one column of Gaussian Z.

    References
    ----------
    .. [1] J. Runge, "Conditional independence testing based on a
       nearest-neighbor estimator of conditional mutual information",
       AISTATS 2018.
    .. [2] M. I. Belghazi et al., "Mutual Information Neural Estimation",
       ICML 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import ConditionalResampler
    >>> rng = np.random.RandomState(0)
    >>> z = rng.normal(size=2000)
    >>> x = z + 0.3 * rng.normal(size=2000)
    >>> y = z + 0.3 * rng.normal(size=2000)
    >>> res = ConditionalResampler(random_state=0)
    >>> X_res, y_res, z_res = res.fit_resample(x[:, None], y, z)
    >>> X_res.shape, y_res.shape, z_res.shape
    ((2000, 1), (2000,), (2000,))
    >>> bool(np.isin(y_res, y).all()), len(np.unique(y_res)) > 0.9 * len(y)
    (True, True)
    >>> def partial_corr(a, b, c):
    ...     P = np.linalg.inv(np.corrcoef([a, b, c]))
    ...     return -P[0, 1] / np.sqrt(P[0, 0] * P[1, 1])
    >>> bool(abs(np.corrcoef(y_res, z)[0, 1] - np.corrcoef(y, z)[0, 1]) < 0.02)
    True
    >>> bool(abs(partial_corr(x, y_res, z)) < 0.1)
    True
    """

    _parameter_constraints: dict = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "replace": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, n_neighbors=5, n_samples=None, replace=False, random_state=None
    ):
        self.n_neighbors = n_neighbors
        self.n_samples = n_samples
        self.replace = replace
        self.random_state = random_state

    def _validate(self, X, y, Z):
        X_checked, _ = validate_data(
            self, X, y, multi_output=True, y_numeric=True, ensure_min_samples=1
        )
        if Z is None:
            return X_checked, None
        check_conditioning_form(Z)
        Z_checked = check_array(
            Z, ensure_2d=False, dtype="numeric", input_name="Z", ensure_min_samples=1
        )
        n = X_checked.shape[0]
        if Z_checked.shape[0] != n:
            raise ValueError(
                f"X, y and Z must have the same number of rows; X and y have "
                f"{n}, Z has {Z_checked.shape[0]}."
            )
        return X_checked, Z_checked

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: ArrayLike, y: ArrayLike, Z: ArrayLike = None
    ) -> "ConditionalResampler":
        """Check the data; the resampling itself happens in ``fit_resample``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples of X.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Samples of Y, numeric.
        Z : array-like of shape (n_samples,) or (n_samples, n_conditions), \
default=None
            Samples of the conditioning variables, numeric and finite.
            ``None`` conditions on nothing: every row is a neighbour, and the
            triples are the pairs of :class:`MarginalResampler` with the same
            parameters (without replacement, in the order of X's rows).

        Returns
        -------
        self : ConditionalResampler
            The checked resampler.
        """
        self._validate(X, y, Z)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(
        self, X: ArrayLike, y: ArrayLike, Z: ArrayLike = None
    ) -> tuple[ArrayLike, ArrayLike, ArrayLike]:
        """Return triples ``(X[J], y[K], Z[J])``, ``K[i]`` a neighbour of ``J[i]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples of X.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Samples of Y, numeric.
        Z : array-like of shape (n_samples,) or (n_samples, n_conditions), \
default=None
            Samples of the conditioning variables, numeric and finite.
            ``None`` conditions on nothing: every row is a neighbour, and the
            triples are the pairs of :class:`MarginalResampler` with the same
            parameters (without replacement, in the order of X's rows).

        Returns
        -------
        X_resampled : ndarray or DataFrame of shape (n_samples_new, n_features)
            Rows ``J`` of X, as the same container as X.
        y_resampled : ndarray, Series or DataFrame of shape (n_samples_new,) \
or (n_samples_new, n_targets)
            Rows ``K`` of y, as the same container as y.
        Z_resampled : ndarray, Series or DataFrame of shape (n_samples_new,) \
or (n_samples_new, n_conditions)
            Rows ``J`` of Z, as the same container and shape as Z; None
            when Z is None.
        """
        X_checked, Z_checked = self._validate(X, y, Z)
        n = X_checked.shape[0]
        size = n if self.n_samples is None else self.n_samples
        if not self.replace and size != n:
            raise ValueError(
                f"n_samples={size} differs from the {n} samples: without "
                "replacement every row is kept once; set replace=True to draw "
                "another number of triples."
            )
        X_out = X if hasattr(X, "iloc") else X_checked
        y_out = y if hasattr(y, "iloc") else np.asarray(y)
        if Z_checked is None:
            # Conditioning on nothing, every row is a neighbour: the draw is
            # MarginalResampler's, the same pairs for the same random_state.
            J, K = draw_marginal_indices(n, size, self.replace, self.random_state)
            if not self.replace:
                # Ordered by X's rows, which are then kept as they are.
                order = np.argsort(J)
                J, K = J[order], K[order]
            self.sample_indices_ = (J, K)
            return take_rows(X_out, J), take_rows(y_out, K), None
        check_n_neighbors(self.n_neighbors, n)
        rng = check_random_state(self.random_state)
        table = neighbour_table(Z_checked, self.n_neighbors + 1)
        # Leaving the row itself out keeps joint triples out of the output.
        neighbours = table[:, 1:]
        if self.replace:
            J, K = local_resample(neighbours, size, rng)
        else:
            J, K = np.arange(n), local_permutation(neighbours, rng)
        self.sample_indices_ = (J, K)
        Z_out = Z if hasattr(Z, "iloc") else Z_checked
        return take_rows(X_out, J), take_rows(y_out, K), take_rows(Z_out, J)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        return tags
