"""conditional_independence_test: is X independent of y given Z?"""

from numbers import Integral

from sklearn.utils._param_validation import Interval, validate_params

from ._retraining import retraining_test
from ._utils.docstrings import with_pairs_doc

__all__ = ["conditional_independence_test"]


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "Z": ["array-like"],
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
@with_pairs_doc
def conditional_independence_test(
    X,
    y,
    Z,
    *,
    n_permutations=99,
    n_neighbors=5,
    random_state=None,
    **params,
):
    """Test whether X and y are independent given Z, with trained critics.

    The statistic is the conditional mutual information by the chain rule,
    :math:`I(X; Y \\mid Z) = I([X, Z]; Y) - I(Z; Y)`, each term the bound of
    a critic of :func:`mutual_info_mine` read over every pair. Its null
    distribution comes from copies of X permuted *locally*: each row takes
    the X of one of the ``n_neighbors`` rows nearest to it in Z, without
    replacement as far as the neighbourhoods allow (Runge's restricted
    permutation, :class:`ConditionalResampler`). A copy keeps X's
    dependence on Z and loses any dependence on y beyond it, so under
    :math:`X \\perp Y \\mid Z` the copies and X are exchangeable as far as
    the neighbours are near: the test is valid even where X and y both
    depend strongly on Z, where a test of X and y alone, or of a global
    permutation, rejects. A critic is fitted to the observed ``[X, Z]``
    and to each of ``n_permutations`` copies (by default convex critics
    solved by Newton's method, ``docs/convex.md``; MLPs trained as one
    grouped network with ``critic="concat"``), and the observed bound is
    ranked among them: one p-value. The
    Gaussian-copula MI of X's normal scores with y's, the same with the
    scores' squares, and the same with X's scores weighted by functions of
    X and of Z (the interaction, which sees a slope of y on X that changes
    along X and Z) cost no training: read on residuals on Z (each row less
    the least-squares line through its nearest other rows in Z, and Z's
    scores partialled out), ranked among 1999 local permutations of their
    own and combined by min-p, they give another. Each pairing the critics
    trained on (the observed and its copies) takes the smaller of its
    two p-values, its critic's rank among the pairings and its closed
    forms' against the 1999 copies, and the observed pairing's is ranked
    among them (Westfall and Young's min-p, exact; it pays for two p-values
    only as far as they disagree under the null, where
    :func:`independence_test`'s Bonferroni pays twice the smaller). Where
    the observed ranks first, the p-value is the smaller of
    ``1 / (1 + n_permutations)`` and twice its closed forms' p-value, which
    resolves to 0.001.

    Parameters
    ----------
    {pairs}
    Z : array-like of shape (n_samples,) or (n_samples, n_conditioning)
        The conditioning variables, row by row with X and y.
    n_permutations : int, default=99
        Locally permuted copies of X, each a critic to train: 99 resolve the
        critics' p-value down to 0.01.
    n_neighbors : int, default=5
        The neighbourhood in Z (the row itself included) within which X is
        permuted: Runge's default. Fewer keep the copies closer to
        :math:`P_{{X|Z}}`; more leave fewer rows with their own X.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the critics and the permutations.
    **params
        :func:`mutual_info_mine`'s ``critic`` and training parameters, as
        for :func:`independence_test`: ``"convex"`` unless the call sets a
        parameter that only the MLP reads to other than its default (then
        ``"concat"``).

    Returns
    -------
    result : IndependenceTestResult
        ``statistic``, the critics' estimate of :math:`I(X; Y \\mid Z)` in
        nats; ``pvalue``; ``null_distribution``, the same estimate on the
        copies; ``statistics``, each statistic the p-value combines on the
        observed then the permuted copies; ``method="local_permutation"``.

    See Also
    --------
    independence_test : The unconditional test, :math:`Z` empty.
    MINEEstimator : ``fit(X, y, Z=Z)`` estimates :math:`I(X; Y \\mid Z)`.
    ConditionalResampler : The local permutation as a resampler.

    Notes
    -----
    The local permutation is exact only when rows of equal Z are permuted
    among themselves; with continuous Z it approximates :math:`P_{{X|Z}}`
    by the neighbours' X, and the test's size depends on how near they are:
    with Z of many dimensions and few pairs, the copies smear X's
    dependence on Z, and the test rejects too often: with X and y
    non-linear functions of a 3-D Z plus independent noise, at 500 triples,
    it rejected all of 300 such data sets at the 5 % level (as KCI did).
    ``docs/conditional.md`` measures its size and power beside KCI and
    CMIknn.

    References
    ----------
    .. [1] J. Runge, "Conditional independence testing based on a
       nearest-neighbor estimator of conditional mutual information",
       AISTATS 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import conditional_independence_test
    >>> rng = np.random.RandomState(0)
    >>> Z = rng.standard_normal((300, 1))
    >>> X = Z + 0.5 * rng.standard_normal((300, 1))
    >>> y = Z[:, 0] + 0.5 * rng.standard_normal(300)  # X and y: a common cause
    >>> result = conditional_independence_test(
    ...     X, y, Z, n_permutations=19, random_state=0)
    >>> result.null_distribution.shape
    (19,)
    """
    return retraining_test(
        X, y, n_permutations, random_state, params, Z=Z, n_neighbors=n_neighbors
    )
