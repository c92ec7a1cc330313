"""independence_test: a permutation test of independence with a trained critic."""

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import torch
from sklearn.model_selection import KFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_X_y

from ._batches import PairDataset
from ._constants import MIN_SAMPLES
from ._estimator import MINEEstimator
from ._validation import draw_seed

__all__ = ["IndependenceTestResult", "independence_test"]

# Most critic evaluations per batch of permutations: bounds their memory
# (pairs times the width of x and y, as float32).
_PAIRS_PER_CALL = 2**18


@dataclass
class IndependenceTestResult:
    """The result of :func:`independence_test`.

    Attributes
    ----------
    statistic : float
        Mean pointwise mutual information of every pair under the critic that
        never saw it, in nats: a cross-fitted estimate of I(X; Y) (not a
        bound).
    pvalue : float
        The permutation p-value of independence against dependence.
    null_distribution : ndarray of shape (n_permutations,)
        The statistic with y permuted within each fold.
    estimators : list of MINEEstimator
        The estimator fitted for each fold, on the other folds.
    """

    statistic: float
    pvalue: float
    null_distribution: np.ndarray
    estimators: list


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "n_splits": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def independence_test(
    X, y, *, n_permutations=999, n_splits=2, random_state=None, **params
):
    """Test whether X and y are independent, with critics that never saw the pairs.

    The pairs are split into ``n_splits`` folds (cross-fitting). For each
    fold a :class:`MINEEstimator` (with ``params``) is fitted on the other
    folds, its own held-out split included, and its critic frozen. The
    statistic is the mean pointwise mutual information of every pair under
    the critic of its fold; the null distribution is the same mean with y
    permuted within each fold. A fold's critic never saw the fold's pairs, so
    under independence their observed pairing is one of the permutations,
    exchangeable with the others, and the p-value is exact at any sample size,
    whatever the critics learnt (a poor critic costs power, never validity).
    Nothing is retrained per permutation: each one costs a pass of the
    critics over the pairs. Every pair is tested, and each critic trains on
    ``1 - 1 / n_splits`` of them; the cost is ``n_splits`` fits.

    The result and the p-value follow :func:`scipy.stats.permutation_test`
    (one-sided, as dependence raises the statistic):
    ``(1 + k) / (1 + n_permutations)``, where ``k`` permutations score at
    least the observed statistic.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples of the first variable.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Samples of the second variable, paired row by row with X.
    n_permutations : int, default=999
        Random permutations of y within the folds.
    n_splits : int, default=2
        Folds of the cross-fitting (at least 2), as in
        :class:`sklearn.model_selection.KFold`. Two is the cheapest that
        tests every pair; more folds train each critic on more pairs, for one
        fit more each.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds, the estimators and the permutations.
    **params
        Parameters of :class:`MINEEstimator`.

    Returns
    -------
    result : IndependenceTestResult
        ``statistic``, ``pvalue``, ``null_distribution`` and the fitted
        ``estimators``.

    See Also
    --------
    scipy.stats.permutation_test : The conventions followed here.
    MINEEstimator : The estimator whose critics are tested.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import independence_test
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((500, 2))
    >>> y = np.sin(3 * X[:, 0]) + 0.5 * rng.standard_normal(500)
    >>> result = independence_test(X, y, random_state=0)
    >>> bool(result.pvalue < 0.01)
    True
    """
    X, y = check_X_y(
        X,
        y,
        dtype="numeric",
        y_numeric=True,
        multi_output=True,
        ensure_min_samples=MIN_SAMPLES,
    )
    y = y.reshape(len(y), -1)
    n = len(X)
    smallest_fit = n - math.ceil(n / n_splits)
    if smallest_fit < MIN_SAMPLES:
        raise ValueError(
            f"n_splits={n_splits} of {n} samples leaves {smallest_fit} to fit a "
            f"fold's estimator on; at least {MIN_SAMPLES} are needed."
        )
    rng = check_random_state(random_state)
    folds = KFold(n_splits, shuffle=True, random_state=draw_seed(rng)).split(X)
    critics = []
    for fit_rows, test_rows in folds:
        estimator = MINEEstimator(random_state=draw_seed(rng), **params)
        estimator.fit(X[fit_rows], y[fit_rows])
        critics.append((estimator, estimator._pairs(X[test_rows], y[test_rows])))

    # Permutations within each fold, so not scipy.stats.permutation_test's,
    # which permute all pairs together.
    permutations = np.random.default_rng(draw_seed(rng))
    statistic = (
        sum(
            _pmi_sums(estimator, pairs, np.arange(len(pairs))[None])[0]
            for estimator, pairs in critics
        )
        / n
    )
    null = np.zeros(n_permutations)
    for estimator, pairs in critics:
        m = len(pairs)
        per_call = max(1, _PAIRS_PER_CALL // m)
        for start in range(0, n_permutations, per_call):
            count = min(per_call, n_permutations - start)
            orders = permutations.permuted(np.tile(np.arange(m), (count, 1)), axis=1)
            null[start : start + count] += _pmi_sums(estimator, pairs, orders)
    null /= n
    # Ties count against the observed pairing, as in scipy; the critics score
    # in float32, so a re-pairing equal to the observed one (repeated y
    # values) may differ from it by rounding in the last digits.
    tolerance = 1e-6 * max(abs(statistic), 1.0)
    pvalue = (1 + np.sum(null >= statistic - tolerance)) / (1 + n_permutations)
    return IndependenceTestResult(
        statistic=float(statistic),
        pvalue=float(pvalue),
        null_distribution=null,
        estimators=[estimator for estimator, _ in critics],
    )


def _pmi_sums(estimator, pairs, orders):
    """Sums of the pointwise MI of ``pairs``, y reordered by each row of ``orders``."""
    index = torch.as_tensor(orders.reshape(-1), device=pairs.y.device)
    batch = PairDataset(pairs.x.repeat(len(orders), 1), pairs.y[index])
    pmi = estimator.net_.pointwise(
        batch, estimator.log_normalizer_, estimator.y_reference_
    )
    return pmi.reshape(len(orders), -1).double().sum(dim=-1).cpu().numpy()
