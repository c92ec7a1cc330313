"""independence_test: permutation tests of independence with trained critics."""

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.model_selection import KFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import check_X_y

from ._engine.batches import PairDataset
from ._engine.inputs import critic_inputs, critic_pointwise_mutual_info
from ._estimator import MINEEstimator
from ._retraining import retraining_test
from ._test_result import IndependenceTestResult
from ._utils import parameters
from ._utils.constants import MIN_SAMPLES
from ._utils.docstrings import with_pairs_doc
from ._utils.validation import GROUPED_CRITICS, draw_seed

__all__ = ["IndependenceTestResult", "independence_test"]

# The permutations of each method when n_permutations is None: the split
# test's cost only one pass of the critic each, the permutation test's one
# critic each: 99 resolve the critics' part down to 0.02, enough for a test
# at the 5 % level, at half the cost of 199 (docs/testing.md).
_DEFAULT_PERMUTATIONS = {"split": 999, "permutation": 99}

# The split's share of the pairs for the test when test_fraction is None.
_SPLIT_TEST_FRACTION = 0.3

# Most critic evaluations per batch of permutations: bounds their memory
# (pairs times the width of x and y, as float32).
_PAIRS_PER_CALL = 2**18


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "n_permutations": [Interval(Integral, 1, None, closed="left"), None],
        "test_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "n_splits": [Interval(Integral, 2, None, closed="left"), None],
        "method": [StrOptions({"auto", "split", "permutation"})],
        "random_state": ["random_state"],
    },
    # **params build the split's MINEEstimator, whose fit must validate
    # them (skipped, critic="bogus" reached the engine as a KeyError).
    prefer_skip_nested_validation=False,
)
@with_pairs_doc
def independence_test(
    X,
    y,
    *,
    n_permutations=None,
    test_fraction=None,
    n_splits=None,
    method="auto",
    random_state=None,
    **params,
):
    """Test whether X and y are independent, with critics trained on the pairs.

    Two exact constructions (``method``); each gives a p-value valid at any
    sample size, whatever the critics learn (a poor critic costs power, never
    validity).

    ``"permutation"`` uses every pair: the whole procedure is run on the
    observed pairing and on permuted ones (the rows of X permuted), and the
    observed statistic is ranked among them, ``(1 + k) / (1 + B)`` (Ojala &
    Garriga, JMLR 2010, "Test 1", as
    :func:`sklearn.model_selection.permutation_test_score`). Each column of X
    becomes the normal scores of its ranks. A critic is fitted to the
    observed pairing and to each of ``n_permutations`` permuted ones, on a
    held-out split, and its bound read over every pair: one p-value. By
    default it is a convex critic, a linear readout of random Fourier
    features solved by Newton's method (``docs/convex.md``); with
    ``critic="concat"``, or any of the MLP's training parameters set to
    other than its default, it is :func:`mutual_info_mine`'s MLP, trained
    by gradient steps with early stopping. Two closed-form statistics,
    the Gaussian-copula MI of the scores (linear dependence) and of the
    scores with their squares (dependence through magnitudes), cost no
    training and are ranked among 1999 permutations of their own, combined
    by min-p: another p-value. The
    test's p-value is twice the smaller (Bonferroni): the closed-form terms
    carry it at a few hundred pairs, the critic where the dependence is
    neither. The test costs ``1 + n_permutations`` small critics, about
    linear in n: a fraction of a second at n = 1000 for the convex ones,
    several seconds for the MLPs (trained at once as one grouped network).

    ``"split"`` spends ``test_fraction`` of the pairs on the test: a
    :class:`MINEEstimator` (with ``params``) is fitted on the rest and
    frozen, and its mean pointwise MI on the test pairs is compared with
    the same mean with their y permuted. Each permutation costs one pass of
    the critic, the test one fit: cheaper at large n, weaker at small n.
    With ``n_splits``, it is cross-fitted: the pairs fall in ``n_splits``
    folds, each tested by an estimator fitted on the others, and the folds'
    p-values merge into one valid under any dependence between them: twice
    the smaller of two, twice the mean of more (Vovk & Wang, Biometrika
    2020). Every pair is tested, at ``n_splits`` fits.

    Parameters
    ----------
    {pairs}
    n_permutations : int, default=None
        Permuted pairings: 99 for ``"permutation"`` (each trains a critic),
        999 for ``"split"`` (each costs one pass of the critic).
    test_fraction : float, default=None
        With ``method="split"``: the fraction of the pairs kept for the test
        (``None``: 0.3); the estimator fits on the rest.
    n_splits : int, default=None
        With ``method="split"``: cross-fit over this many folds (at least
        2) instead of one split; not with ``test_fraction``.
    method : {{"auto", "permutation", "split"}}, default="auto"
        The construction, above. ``"auto"`` is ``"permutation"``, unless the
        call gives ``test_fraction``, ``n_splits`` or a parameter that only
        :class:`MINEEstimator` takes (such as ``reference``): those ask for
        the split, as they did before the permutation test existed.
        ``docs/testing.md`` compares them with distance correlation and
        HSIC, in size, power and seconds, and says where each wins: the
        permutation test on most of its families, at the lowest cost;
        the cross-fitted split (``n_splits=2``) where the dependence sits
        in a shape, as y bimodal only in x's tails, or in one direction of
        many features.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the critics and the permutations.
    **params
        With ``"permutation"``, :func:`mutual_info_mine`'s ``critic`` and
        training parameters. ``critic`` is ``"convex"`` unless the call sets
        a parameter that only the MLP reads (such as ``max_steps`` or
        ``lr``) to other than its default: then ``"concat"``, as before the
        convex critics existed;
        ``critic="convex"`` with such a parameter is refused. With
        ``"split"``, parameters of :class:`MINEEstimator` (a ``critic``
        other than ``"concat"`` or ``"convex"``, such as ``"separable"``,
        asks for the split).

    Returns
    -------
    result : IndependenceTestResult
        ``statistic``, ``pvalue``, ``null_distribution``, and the fitted
        ``estimator`` (split) or the linear statistic (permutation).

    See Also
    --------
    scipy.stats.permutation_test : The conventions followed here.
    mutual_info_mine : ``return_pvalues=True`` tests each feature the same way.

    Notes
    -----
    Cross-fitting is valid only fold by fold. Pooling the folds' statistics
    into one, with y permuted within folds, is not: each critic depends on
    the other folds' pairings, which the permutations leave as observed, so
    the null distribution is too narrow (it rejected 8 % of 200 independent
    Gaussian samples of 2000 pairs at the 5 % level). Each fold's own test
    is exact, and ``n_splits`` merges their p-values, not their statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import independence_test
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((300, 2))
    >>> y = np.sin(3 * X[:, 0]) + 0.5 * rng.standard_normal(300)
    >>> result = independence_test(X, y, n_permutations=99, random_state=0)
    >>> bool(result.pvalue < 0.05)
    True
    """
    if method == "auto":
        # The split's own options ask for it: calls written for 0.3 keep
        # their meaning.
        # critic is both's: the permutation test's critics are
        # mutual_info_mine's ("concat" or "convex"), the split's
        # MINEEstimator's ("concat" or "separable").
        split_only = set(params) - set(parameters.names("mutual_info_mine"))
        if params.get("critic", "concat") in GROUPED_CRITICS:
            split_only.discard("critic")
        asked = test_fraction is not None or n_splits is not None or split_only
        method = "split" if asked else "permutation"
    if n_permutations is None:
        n_permutations = _DEFAULT_PERMUTATIONS[method]
    if method == "permutation":
        for name, value in (("test_fraction", test_fraction), ("n_splits", n_splits)):
            if value is not None:
                raise ValueError(
                    f"{name}={value} is an option of method='split'; "
                    "method='permutation' tests every pair."
                )
        return retraining_test(X, y, n_permutations, random_state, params)
    if n_splits is not None and test_fraction is not None:
        raise ValueError(
            f"test_fraction={test_fraction} and n_splits={n_splits} are two "
            "ways to split the pairs; give one."
        )
    if n_splits is None and test_fraction is None:
        test_fraction = _SPLIT_TEST_FRACTION
    return _split_test(
        X, y, n_permutations, test_fraction, n_splits, random_state, params
    )


def _split_test(X, y, n_permutations, test_fraction, n_splits, random_state, params):
    """The pairs split: a critic trained on one part, tested on the other.

    With ``n_splits``, every pair is tested once: fold k by a critic fitted
    on the other folds, one p-value a fold, merged.
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
    rng = check_random_state(random_state)
    if n_splits is None:
        n_test = math.ceil(test_fraction * n)
        if n_test < 2 or n - n_test < MIN_SAMPLES:
            raise ValueError(
                f"test_fraction={test_fraction} of {n} samples leaves {n_test} "
                f"for the test and {n - n_test} to fit the estimator on; at least "
                f"2 and {MIN_SAMPLES} are needed."
            )
        order = rng.permutation(n)
        folds = [(order[:-n_test], order[-n_test:])]
    else:
        # The smallest fold is n // n_splits pairs and must be at least 2;
        # the largest is ceil(n / n_splits), so the smallest training part
        # n - ceil(n / n_splits), which must be at least MIN_SAMPLES.
        if n // n_splits < 2 or n - math.ceil(n / n_splits) < MIN_SAMPLES:
            raise ValueError(
                f"n_splits={n_splits} folds of {n} samples leave folds of "
                f"{n // n_splits} pairs to test and {n - math.ceil(n / n_splits)} "
                f"to fit on; at least 2 and {MIN_SAMPLES} are needed."
            )
        folds = list(
            KFold(n_splits, shuffle=True, random_state=draw_seed(rng)).split(X)
        )
    tests = [
        _held_out_test(X, y, fit_rows, test_rows, n_permutations, rng, params)
        for fit_rows, test_rows in folds
    ]
    if n_splits is None:
        statistic, pvalue, null, estimator = tests[0]
        return IndependenceTestResult(
            statistic=statistic,
            pvalue=pvalue,
            null_distribution=null,
            estimator=estimator,
        )
    statistics, pvalues, nulls, _ = zip(*tests, strict=True)
    pvalues = np.array(pvalues)
    return IndependenceTestResult(
        statistic=float(np.mean(statistics)),
        pvalue=_merge_pvalues(pvalues),
        null_distribution=np.stack(nulls),
        method="crossfit",
        fold_pvalues=pvalues,
    )


def _merge_pvalues(pvalues):
    """One valid p-value from the folds', whatever their dependence.

    The folds' p-values are not independent (each fold's critic was fitted
    on the others' pairs), so Fisher's product is not valid; two merges
    are, under any dependence: the smallest times their count (Bonferroni),
    and twice their mean (Vovk & Wang, Biometrika 2020). With two folds the
    first is never the larger; with more, twice the mean gains when the
    folds agree, as cross-fitted critics of one distribution do.
    """
    if len(pvalues) == 2:
        return float(min(1.0, 2 * pvalues.min()))
    return float(min(1.0, 2 * pvalues.mean()))


def _held_out_test(X, y, fit_rows, test_rows, n_permutations, rng, params):
    """A MINEEstimator fitted on ``fit_rows``, its permutation test on ``test_rows``.

    Returns the statistic (the mean pointwise MI of the test pairs), the
    p-value, the null distribution and the estimator.
    """
    n_test = len(test_rows)
    estimator = MINEEstimator(random_state=draw_seed(rng), **params)
    estimator.fit(X[fit_rows], y[fit_rows])
    pairs = critic_inputs(estimator, X[test_rows], y[test_rows])

    statistic = _pmi_sums(estimator, pairs, np.arange(n_test)[None])[0] / n_test
    permutations = np.random.default_rng(draw_seed(rng))
    null = np.empty(n_permutations)
    per_call = max(1, _PAIRS_PER_CALL // n_test)
    for start in range(0, n_permutations, per_call):
        count = min(per_call, n_permutations - start)
        orders = permutations.permuted(np.tile(np.arange(n_test), (count, 1)), axis=1)
        null[start : start + count] = _pmi_sums(estimator, pairs, orders) / n_test
    # Ties count against the observed pairing, as in scipy; the critic scores
    # in float32, so a re-pairing equal to the observed one (repeated y
    # values) may differ from it by rounding in the last digits.
    tolerance = 1e-6 * max(abs(statistic), 1.0)
    pvalue = (1 + np.sum(null >= statistic - tolerance)) / (1 + n_permutations)
    return float(statistic), float(pvalue), null, estimator


def _pmi_sums(estimator, pairs, orders):
    """Sums of the pointwise MI of ``pairs``, y reordered by each row of ``orders``."""
    index = torch.as_tensor(orders.reshape(-1), device=pairs.y.device)
    batch = PairDataset(pairs.x.repeat(len(orders), 1), pairs.y[index])
    pmi = critic_pointwise_mutual_info(estimator, batch)
    return pmi.reshape(len(orders), -1).double().sum(dim=-1).cpu().numpy()
