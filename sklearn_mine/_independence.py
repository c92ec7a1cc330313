"""independence_test: a permutation test of independence with a trained critic."""

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import torch
from scipy.stats import permutation_test
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_X_y

from ._batches import PairDataset
from ._constants import MIN_SAMPLES
from ._estimator import MINEEstimator
from ._validation import draw_seed

__all__ = ["IndependenceTestResult", "independence_test"]

# Most critic evaluations per call of the statistic: bounds the memory of a
# batch of permutations (pairs times the width of x and y, as float32).
_PAIRS_PER_CALL = 2**18


@dataclass
class IndependenceTestResult:
    """The result of :func:`independence_test`.

    Attributes
    ----------
    statistic : float
        Mean pointwise mutual information of the test pairs under the
        critic, in nats: an estimate of I(X; Y) from pairs the critic never
        saw (not a bound).
    pvalue : float
        The permutation p-value of independence against dependence.
    null_distribution : ndarray of shape (n_permutations,)
        The statistic with the test pairs' y permuted.
    estimator : MINEEstimator
        The estimator fitted on the other pairs, whose critic is tested.
    """

    statistic: float
    pvalue: float
    null_distribution: np.ndarray
    estimator: MINEEstimator


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "n_permutations": [Interval(Integral, 1, None, closed="left")],
        "test_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def independence_test(
    X, y, *, n_permutations=999, test_fraction=0.3, random_state=None, **params
):
    """Test whether X and y are independent, with a critic trained on other pairs.

    The pairs are split in two. A :class:`MINEEstimator` (with ``params``) is
    fitted on the first part, its own held-out split included; the critic is
    then frozen. The statistic is the mean of its pointwise mutual
    information over the test pairs, and the null distribution the same mean
    with the test pairs' y permuted. The critic never saw the test pairs, so
    under independence the observed pairing is one of the permutations,
    exchangeable with the others, and the p-value is exact at any sample size,
    whatever the critic learnt (a poor critic costs power, never validity).
    Nothing is retrained per permutation: each one costs a pass of the critic
    over the test pairs.

    The conventions are those of :func:`scipy.stats.permutation_test`, which
    computes the p-value (one-sided: dependence raises the statistic):
    ``(1 + k) / (1 + n_permutations)``, where ``k`` permutations score at
    least the observed statistic; when every permutation of the test pairs
    fits within ``n_permutations``, all of them are used instead.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Samples of the first variable.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Samples of the second variable, paired row by row with X.
    n_permutations : int, default=999
        Random permutations of the test pairs' y.
    test_fraction : float, default=0.3
        Fraction of the pairs kept for the test; the estimator trains (and
        early-stops) on the rest.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the estimator and the permutations.
    **params
        Parameters of :class:`MINEEstimator`.

    Returns
    -------
    result : IndependenceTestResult
        ``statistic``, ``pvalue``, ``null_distribution`` and the fitted
        ``estimator``.

    See Also
    --------
    scipy.stats.permutation_test : The permutation machinery used here.
    MINEEstimator : The estimator whose critic is tested.

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
    n_test = math.ceil(test_fraction * n)
    if n_test < 2 or n - n_test < MIN_SAMPLES:
        raise ValueError(
            f"test_fraction={test_fraction} of {n} samples leaves {n_test} "
            f"for the test and {n - n_test} for the estimator; at least 2 and "
            f"{MIN_SAMPLES} are needed."
        )
    rng = check_random_state(random_state)
    order = rng.permutation(n)
    fit_rows, test_rows = order[:-n_test], order[-n_test:]
    estimator = MINEEstimator(random_state=draw_seed(rng), **params)
    estimator.fit(X[fit_rows], y[fit_rows])
    pairs = estimator._pairs(X[test_rows], y[test_rows])

    def mean_pmi(permutations, axis=-1):
        # Each row of ``permutations`` reorders the test pairs' y.
        rows = np.atleast_2d(permutations)
        # scipy's arrays of permutations are read-only; torch wants its own.
        index = torch.tensor(rows.reshape(-1), device=pairs.y.device)
        batch = PairDataset(pairs.x.repeat(len(rows), 1), pairs.y[index])
        pmi = estimator.net_.pointwise(
            batch, estimator.log_normalizer_, estimator.y_reference_
        )
        means = pmi.reshape(len(rows), -1).double().mean(dim=-1).cpu().numpy()
        return means if np.ndim(permutations) > 1 else means[0]

    result = permutation_test(
        (np.arange(n_test),),
        mean_pmi,
        permutation_type="pairings",
        n_resamples=n_permutations,
        vectorized=True,
        batch=max(1, _PAIRS_PER_CALL // n_test),
        alternative="greater",
        rng=np.random.default_rng(draw_seed(rng)),
    )
    return IndependenceTestResult(
        statistic=float(result.statistic),
        pvalue=float(result.pvalue),
        null_distribution=np.asarray(result.null_distribution, dtype=np.float64),
        estimator=estimator,
    )
