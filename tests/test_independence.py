"""independence_test: validity of its p-value, its conventions, bad input."""

import numpy as np
import pytest
import torch
from scipy.stats import binom
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_mine import MINEEstimator, independence_test
from sklearn_mine._engine.batches import PairDataset
from sklearn_mine._engine.inputs import critic_inputs, critic_pointwise_mutual_info

# The cheap critic's budget runs out by design.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# A small critic and budget: the p-value is exact whatever the critic learnt,
# so validity can be checked cheaply.
CHEAP = dict(max_steps=100, steps_per_epoch=50, batch_size=64, lr=3e-3)


def _student_t_independent(n, rng):
    # Heavy-tailed and independent: separate scales for X and y.
    X = rng.standard_t(2, size=(n, 2))
    y = rng.standard_t(2, size=n)
    return X, y


# The smallest critic and budget for the size check: the p-value is exact
# whatever the critic learnt, and hundreds of fits are needed.
TINY = dict(
    max_steps=20,
    steps_per_epoch=10,
    batch_size=32,
    lr=3e-3,
    hidden_units=16,
    hidden_layers=1,
    reference="resample",
)


def _null_results(n_trials, test):
    """``test(X, y, seed)`` on independent heavy-tailed data sets, seeds 0 on."""
    results = []
    for seed in range(n_trials):
        X, y = _student_t_independent(80, np.random.default_rng(seed))
        results.append(test(X, y, seed))
    return results


def _assert_rejections_in_band(pvalues, alpha, band):
    """The rejections at ``alpha`` within ``band``, which must be the
    [0.0005, 0.9995] quantiles of Binomial(len(pvalues), alpha)."""
    low, high = binom.ppf([0.0005, 0.9995], len(pvalues), alpha)
    assert (low, high) == band
    rejections = int(np.sum(np.array(pvalues) <= alpha))
    assert low <= rejections <= high, rejections


@pytest.mark.slow
def test_pvalue_is_valid_under_independence():
    # 120 independent data sets and seeds, each tested by two folds
    # (n_splits=2): each fold's p-value is a split test's, a critic fitted
    # on the other fold tested on pairs it never saw. Under independence it
    # is uniform, so the first fold's rejections at 0.25 are
    # Binomial(120, 0.25), and the band [binom.ppf(0.0005),
    # binom.ppf(0.9995)] = [15, 46] holds them with probability 0.9993. A
    # test twice too liberal (rejections Binomial(120, 0.5), mean 60) falls
    # in it with probability 0.007; one whose critic had seen the test pairs
    # would reject far more often still. The level 0.25 rather than 0.05 or
    # 0.1 gets that power from a third of the data sets (at 0.1 it takes
    # 400), which keeps the test to seconds.
    n_trials, alpha = 120, 0.25
    results = _null_results(
        n_trials, lambda X, y, seed: independence_test(
            X, y, n_permutations=199, n_splits=2, random_state=seed, **TINY
        ),
    )  # fmt: skip
    pvalues = [result.fold_pvalues[0] for result in results]
    _assert_rejections_in_band(pvalues, alpha, (15, 46))
    # And not stuck at one end: about half of them above 0.5.
    assert binom.ppf(0.0005, n_trials, 0.5) <= np.sum(np.array(pvalues) > 0.5)
    # The merged p-value, twice the smaller fold's, rejects at most as often
    # as a uniform one (it is conservative: the band's upper end only); a
    # merge twice too liberal passes this with probability 0.007.
    merged = np.array([result.pvalue for result in results])
    assert np.sum(merged <= alpha) <= binom.ppf(0.9995, n_trials, alpha) == 46


@pytest.mark.slow
def test_the_default_critics_statistic_is_exact_under_independence():
    # The default permutation test's critics are convex (docs/convex.md):
    # whatever they learn, the observed pairing's statistic ranked among
    # its 19 permuted ones, p = (1 + k) / 20, is uniform on {1/20, ..., 1}
    # under independence, so it is at most 0.4 with probability 0.4
    # exactly. Over 60 data sets the rejections are Binomial(60, 0.4), in
    # [12, 37] with probability 0.9995; a statistic twice too liberal
    # (Binomial(60, 0.8)) falls in that band with probability 0.0008, and
    # one whose critics shared anything but their own pairing would not be
    # uniform.
    results = _null_results(
        60, lambda X, y, seed: independence_test(
            X, y, n_permutations=19, random_state=seed
        ),
    )  # fmt: skip
    neural = [result.statistics["neural"] for result in results]
    pvalues = [(1 + np.sum(t[1:] >= t[0])) / 20 for t in neural]
    _assert_rejections_in_band(pvalues, 0.4, (12, 37))


def test_result_prints_in_one_short_line():
    rng = np.random.default_rng(2)
    X, y = _student_t_independent(60, rng)
    result = independence_test(X, y, n_permutations=99, random_state=0, **TINY)
    text = repr(result)
    assert text == (
        f"IndependenceTestResult(method='split', statistic={result.statistic:.6g}, "
        f"pvalue={result.pvalue:.6g}, n_permutations=99)"
    )
    # Neither the null distribution nor the estimator's parameters.
    assert str(result) == text
    assert "array" not in text and "MINEEstimator" not in text


@pytest.mark.slow
def test_dependence_is_detected_and_the_conventions_are_scipys():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 2))
    y = np.sin(3 * X[:, 0]) + 0.3 * rng.standard_normal(400)
    result = independence_test(X, y, n_permutations=99, method="split", random_state=0)
    null = result.null_distribution
    assert null.shape == (99,)
    # scipy's p-value for random permutations, counting the observed pairing.
    assert result.pvalue == pytest.approx((1 + np.sum(null >= result.statistic)) / 100)
    assert result.pvalue == pytest.approx(1 / 100)
    # The statistic estimates the MI from unseen pairs: well above the null.
    assert result.statistic > null.max() + 0.1
    # The estimator fitted on the other 70 % of the pairs.
    assert isinstance(result.estimator, MINEEstimator)
    assert result.estimator.n_features_in_ == 2
    assert len(result.estimator.history_["epoch"]) > 0


def test_same_seed_same_result():
    rng = np.random.default_rng(1)
    X, y = _student_t_independent(100, rng)
    a = independence_test(X, y, n_permutations=49, random_state=3, **CHEAP)
    b = independence_test(X, y, n_permutations=49, random_state=3, **CHEAP)
    assert a.pvalue == b.pvalue
    np.testing.assert_array_equal(a.null_distribution, b.null_distribution)


def test_bad_input_is_refused_by_name():
    X, y = _student_t_independent(30, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="'test_fraction' parameter"):
        independence_test(X, y, test_fraction=1.5)
    with pytest.raises(InvalidParameterError, match="'n_permutations' parameter"):
        independence_test(X, y, n_permutations=0)
    with pytest.raises(ValueError, match=r"test_fraction=0\.9 of 30 samples leaves 27"):
        independence_test(X, y, test_fraction=0.9)
    with pytest.raises(InvalidParameterError, match="'n_splits' parameter"):
        independence_test(X, y, n_splits=1)
    with pytest.raises(
        ValueError, match=r"n_splits=20 folds of 30 samples leave folds of 1 "
    ):
        independence_test(X, y, n_splits=20)
    with pytest.raises(ValueError, match=r"test_fraction=0\.5 and n_splits=2 are two"):
        independence_test(X, y, test_fraction=0.5, n_splits=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'steps'"):
        independence_test(X, y, steps=10)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        independence_test(X, y[:-1])


def test_critic_inputs_re_paired_score_as_the_re_paired_data():
    # independence_test transforms the test pairs once and re-pairs the
    # tensors: each permutation must read as the permuted data would.
    X, y = _student_t_independent(60, np.random.default_rng(4))
    est = MINEEstimator(random_state=0, **TINY).fit(X, y)
    pairs = critic_inputs(est, X, y)
    order = np.random.default_rng(5).permutation(60)
    re_paired = PairDataset(pairs.x, pairs.y[torch.as_tensor(order)])
    np.testing.assert_array_equal(
        critic_pointwise_mutual_info(est, re_paired).numpy(),
        est.pointwise_mutual_info(X, y[order]).astype(np.float32),
    )


@pytest.mark.parametrize("n_splits", [2, 3])
def test_cross_fitting_merges_the_folds_pvalues(n_splits):
    X, y = _student_t_independent(90, np.random.default_rng(6))
    result = independence_test(
        X, y, n_splits=n_splits, n_permutations=19, random_state=0, **TINY
    )
    assert result.method == "crossfit" and result.estimator is None
    assert result.null_distribution.shape == (n_splits, 19)
    folds = result.fold_pvalues
    assert folds.shape == (n_splits,)
    # Each fold's p-value is its own permutation test's, (1 + k) / 20.
    assert np.all(np.isclose(folds * 20, np.round(folds * 20)))
    # Two folds: twice the smaller; more: twice the mean (both valid under
    # any dependence between the folds, docs/testing.md).
    merged = 2 * folds.min() if n_splits == 2 else 2 * folds.mean()
    assert result.pvalue == pytest.approx(min(1.0, merged))
    assert repr(result).endswith("n_permutations=19)")


def test_cross_fitting_finds_dependence_in_every_fold():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((300, 1))
    y = np.sin(3 * X[:, 0]) + 0.3 * rng.standard_normal(300)
    # A convex critic (solved, not trained: a fraction of a second) follows
    # the same folds as the MLP.
    result = independence_test(
        X, y, n_splits=2, n_permutations=99, random_state=0, critic="convex"
    )
    # Each fold's critic, fitted on the other fold, sees the sine in pairs
    # it never saw: no permutation of either fold scores as high.
    np.testing.assert_array_equal(result.fold_pvalues, [0.01, 0.01])
    assert result.pvalue == 0.02
    assert np.all(result.statistic > result.null_distribution.max(axis=1) + 0.1)
