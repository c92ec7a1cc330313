"""IndependenceTestResult: what independence_test and its conditional twin return."""

from dataclasses import dataclass

import numpy as np

from ._estimator import MINEEstimator

__all__ = ["IndependenceTestResult"]


@dataclass(repr=False)
class IndependenceTestResult:
    """The result of an independence test, conditional or not.

    Parameters
    ----------
    statistic : float
        The critic's statistic on the observed pairs, in nats. With
        ``method="split"``, the mean pointwise mutual information of the test
        pairs under the critic (an estimate of I(X; Y) from pairs the critic
        never saw; cross-fitted, its mean over the folds); with
        ``method="permutation"``, the bound of the critic trained on the
        observed pairs, over all of them.
    pvalue : float
        The permutation p-value of independence against dependence.
    null_distribution : ndarray of shape (n_permutations,) or (n_splits, n_permutations)
        The statistic on the permuted pairings; cross-fitted, each fold's.
    estimator : MINEEstimator or None, default=None
        With ``method="split"``, the estimator fitted on the other pairs,
        whose critic is tested.
    method : {"split", "crossfit", "permutation", "local_permutation"}, \
            default="split"
        The construction of the test (see :func:`independence_test`:
        ``"crossfit"`` is ``method="split"`` with ``n_splits``;
        ``"local_permutation"``: :func:`conditional_independence_test`).
    statistics : dict of ndarray or None, default=None
        With ``method="permutation"`` or ``"local_permutation"``, each
        statistic the p-value combines, on the observed pairing then the
        pairings the critics trained on, of shape ``(1 + n_permutations,)``:
        ``"neural"`` (the critic's, as ``statistic``), ``"linear"`` (the
        Gaussian-copula MI of the normal scores, ``-0.5 * sum(log(1 -
        rho**2))`` over their canonical correlations) and ``"quadratic"``
        (the same with the scores' squares beside them), in nats. Given Z
        they read residuals on Z, and ``"interaction"`` joins them: the same
        of X's residuals weighted by functions of X and of Z
        (``docs/conditional.md``).
    fold_pvalues : ndarray of shape (n_splits,) or None, default=None
        Cross-fitted, each fold's p-value; ``pvalue`` merges them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import independence_test
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.standard_normal((200, 1)), rng.standard_normal(200)
    >>> result = independence_test(X, y, n_permutations=99, random_state=0)
    >>> result.null_distribution.shape
    (99,)
    """

    statistic: float
    pvalue: float
    null_distribution: np.ndarray
    estimator: MINEEstimator | None = None
    method: str = "split"
    statistics: dict | None = None
    fold_pvalues: np.ndarray | None = None

    def __repr__(self):
        # The null distribution (999 values by default) and the estimator's
        # parameters are there to be read, not printed.
        return (
            f"{type(self).__name__}(method={self.method!r}, "
            f"statistic={self.statistic:.6g}, pvalue={self.pvalue:.6g}, "
            f"n_permutations={np.shape(self.null_distribution)[-1]})"
        )
