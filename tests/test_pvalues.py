"""Exact permutation tests that use every pair: per feature and joint."""

from functools import partial

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.feature_selection import SelectFdr
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_mine import independence_test, mutual_info_mine, mutual_info_mine_classif
from sklearn_mine._permutation.pvalues import (
    _against_reference,
    min_pvalue_combination,
    pairings_min_pvalue,
    permutation_pvalues,
)
from sklearn_mine._permutation.scores import normal_scores, score_vector
from sklearn_mine._permutation.statistics import (
    CLOSED_FORM_PERMUTATIONS,
    closed_form_statistics,
    linear_gaussian_mi,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The least p-value: twice the closed-form statistics' least, 1 / 2000.
LEAST = 2 / (1 + CLOSED_FORM_PERMUTATIONS)

# A small budget: the p-values are exact whatever the critics learn.
CHEAP = dict(max_steps=100, steps_per_epoch=25, patience=2)


# ------------------------------------------------------------- the arithmetic


def test_normal_scores_share_one_multiset_and_keep_the_order():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.standard_normal(50), rng.randint(0, 3, 50)])
    scores = normal_scores(X, rng)
    for j in range(2):
        np.testing.assert_array_equal(np.sort(scores[:, j]), score_vector(50))
        # Strictly increasing values keep strictly increasing scores.
        a, b = np.meshgrid(X[:, j], X[:, j])
        sa, sb = np.meshgrid(scores[:, j], scores[:, j])
        assert np.all(sa[a < b] < sb[a < b])


def test_linear_gaussian_mi_is_the_gaussian_formula():
    rng = np.random.RandomState(1)
    X = rng.standard_normal((300, 2))
    y = np.column_stack([X[:, 0] + rng.standard_normal(300), rng.standard_normal(300)])
    # One column: -0.5 log(1 - r^2).
    r = np.corrcoef(X[:, 0], y[:, 0])[0, 1]
    got = linear_gaussian_mi(X[None, :, :1], y[:, :1])
    np.testing.assert_allclose(got, [-0.5 * np.log(1 - r**2)], rtol=1e-10)
    # Blocks: the MI of a Gaussian with the sample correlations.
    c = np.corrcoef(np.hstack([X, y]), rowvar=False)
    expected = -0.5 * np.log(
        np.linalg.det(c) / (np.linalg.det(c[:2, :2]) * np.linalg.det(c[2:, 2:]))
    )
    np.testing.assert_allclose(linear_gaussian_mi(X[None], y), [expected], rtol=1e-10)


@pytest.mark.parametrize("width", [1, 2])
def test_shared_columns_give_the_mi_of_the_whole_block(width):
    # A conditional test's copies share Z's columns: read once, the MI of
    # [block, Z] with y is the same as from the whole block's QR.
    rng = np.random.RandomState(2)
    Z = rng.standard_normal((200, 2))
    blocks = rng.standard_normal((4, 200, width)) + Z[:, :1]
    y = np.column_stack([blocks[0, :, 0] + Z[:, 1] + rng.standard_normal(200)])
    whole = np.concatenate([blocks, np.broadcast_to(Z, (4, 200, 2))], axis=-1)
    expected = linear_gaussian_mi(whole, y)
    np.testing.assert_allclose(linear_gaussian_mi(blocks, y, Z), expected, rtol=1e-9)
    # The MI of [block, Z] is more than Z's alone by the block's share.
    assert np.all(expected > linear_gaussian_mi(Z[None], y))
    assert expected[0] > expected[1:].max() + 0.1
    squares = closed_form_statistics(whole, [y, y])
    np.testing.assert_allclose(
        closed_form_statistics(blocks, [y, y], Z), squares, rtol=1e-9
    )


def test_a_column_in_the_shared_span_adds_no_direction():
    rng = np.random.RandomState(3)
    Z = rng.standard_normal((200, 2))
    y = Z[:, :1] + rng.standard_normal((200, 1))
    alone = linear_gaussian_mi(Z[None], y)
    # In Z's span to rounding: [block, Z] reads Z's MI, not Z's plus the
    # correlation of whatever direction rounding left.
    in_span = (2.0 * Z[:, :1] - Z[:, 1:] + 1.0)[None]
    np.testing.assert_allclose(linear_gaussian_mi(in_span, y, Z), alone, rtol=1e-12)
    # A two-valued column's square is a function of it: the quadratic
    # statistic reads the column, and its square adds nothing.
    binary = np.where(rng.uniform(size=(1, 200, 1)) < 0.3, -0.7, 1.6)
    with_square = np.concatenate([binary, binary**2], axis=-1)
    np.testing.assert_allclose(
        linear_gaussian_mi(with_square, y, Z),
        linear_gaussian_mi(binary, y, Z),
        rtol=1e-12,
    )


@pytest.mark.parametrize("shared", [False, True])
def test_a_column_without_a_direction_takes_none_from_later_columns(shared):
    # A constant column (a binary column's square) or one in Z's span,
    # before a column that carries information: the block reads as if the
    # first were absent, to rounding, with Z or without.
    rng = np.random.RandomState(4)
    Z = rng.standard_normal((200, 2))
    x = rng.standard_normal((200, 1))
    y = np.column_stack(
        [x[:, 0] ** 2 + Z[:, 0] + rng.standard_normal(200), rng.standard_normal(200)]
    )
    empty = (2.0 * Z[:, :1] + 1.0) if shared else np.full((200, 1), 0.49)
    Z = Z if shared else None
    with_empty = np.concatenate([empty, x, x**2 - 1.0], axis=-1)[None]
    without = np.concatenate([x, x**2 - 1.0], axis=-1)[None]
    expected = linear_gaussian_mi(without, y, Z)
    np.testing.assert_allclose(
        linear_gaussian_mi(with_empty, y, Z), expected, rtol=1e-10
    )
    assert expected > 0.2  # x's square carries y: a lost direction would show.


def test_permutation_pvalues_count_ties_against_the_observed():
    statistics = np.array([[2.0, 1.0, 2.0, 3.0, 0.0], [9.0, 1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_array_equal(permutation_pvalues(statistics), [3 / 5, 1 / 5])


def test_min_p_combination():
    rng = np.random.RandomState(2)
    a = rng.standard_normal((4, 20))
    # One statistic twice is that statistic.
    np.testing.assert_array_equal(min_pvalue_combination(a, a), permutation_pvalues(a))
    # The observed first under one statistic and last under the other: its
    # smallest p-value, 1/20, is shared with the pairing first under the
    # other statistic, which is second under the first (counts 2 and 1
    # against the observed's 1 and 20): the product ranks that one ahead.
    first = np.concatenate([[100.0], np.arange(19.0)])[None]
    second = np.concatenate([[0.0], np.arange(1.0, 20.0)])[None]
    assert min_pvalue_combination(first, second)[0] == 2 / 20
    # First under both, the observed is alone at the top.
    second[0, 0] = 19.5
    assert min_pvalue_combination(first, second)[0] == 1 / 20


def test_pairings_min_p_is_exact_under_exchangeable_pairings():
    # Pairings and the closed forms' own copies drawn alike (the null
    # hypothesis), the critic's statistic correlated with one closed form as
    # a trained critic's is. At 5 % the test rejects 5 of 101 ranks: 4.95 %.
    # 3000 draws give a standard error of 0.40 points: a rule nearly twice
    # too liberal (the smaller p-value uncorrected reads 8.7 % on these
    # draws) or half as conservative as it should be fails the band.
    rng = np.random.RandomState(0)
    pvalues = []
    for _ in range(3000):
        closed = rng.standard_normal((3, 101))
        neural = 0.7 * closed[0] + 0.7 * rng.standard_normal(101)
        pvalues.append(
            pairings_min_pvalue(neural, closed, rng.standard_normal((3, 199)))
        )
    pvalues = np.array(pvalues)
    assert 0.040 <= np.mean(pvalues <= 0.05) <= 0.060
    # (Below 1 / 101 only twice the closed forms' min-p rejects; its factor
    # of two is pinned in the next test, 2 / 2000. Here, with 199 copies,
    # no p-value can fall below 2 / 200, so a rate there would prove nothing.)


def test_pairings_closed_forms_are_ranked_as_the_min_p_ranks_them():
    # Each pairing's closed-form p-value is min_pvalue_combination's of the
    # row [pairing, reference]: computed at once, with ties as it counts
    # them (values rounded to one decimal tie often).
    rng = np.random.RandomState(3)
    values = np.round(rng.standard_normal((3, 30)), 1)
    reference = np.round(rng.standard_normal((3, 199)), 1)
    values[:, 0] = 9.0  # one column first under all three
    rows = (
        np.column_stack([v, np.tile(r, (30, 1))])
        for v, r in zip(values, reference, strict=True)
    )
    np.testing.assert_array_equal(
        _against_reference(values, reference), min_pvalue_combination(*rows)
    )


def test_pairings_min_p_resolves_what_the_closed_forms_or_the_critic_see():
    rng = np.random.RandomState(1)
    closed = rng.standard_normal((3, 100))
    closed_null = rng.standard_normal((3, 1999))
    neural = rng.standard_normal(100)
    # The closed forms' observed statistics above all copies': the observed
    # pairing ranks first, and twice their least p-value, 2 / 2000, is
    # finer than 1 / 100.
    seen = closed.copy()
    seen[:, 0] = 10.0
    assert pairings_min_pvalue(neural, seen, closed_null) == 2 / 2000
    # The critic's alone above all pairings (the closed forms typical): the
    # observed ranks first by the critic, 1 / 100 where Bonferroni gives
    # 2 / 100, unless another pairing's closed forms read below 1 / 100.
    seen = neural.copy()
    seen[0] = 10.0
    others = min_pvalue_combination(
        *(
            np.column_stack([c, np.tile(n, (100, 1))])
            for c, n in zip(closed, closed_null)
        )
    )[1:]
    assert others.min() > 1 / 100  # the precondition, on this draw
    assert pairings_min_pvalue(seen, closed, closed_null) == 1 / 100
    # A pairing whose closed forms read below the observed's critic p-value
    # ranks ahead of it: the rank counts it.
    lifted = closed.copy()
    lifted[2, 5] = 10.0
    assert pairings_min_pvalue(seen, lifted, closed_null) == 2 / 100


# -------------------------------------------------------------- per feature


def _table(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, 4))
    y = X[:, 0] + (X[:, 1] ** 2 - 1) + 0.5 * rng.standard_normal(n)
    return X, y


def test_pvalues_per_feature_find_linear_and_non_monotone_dependence():
    X, y = _table()
    mi, std, pvalues = mutual_info_mine(
        X,
        y,
        return_std=True,
        return_pvalues=True,
        n_permutations=49,
        random_state=0,
        **CHEAP,
    )
    assert mi.shape == std.shape == pvalues.shape == (4,)
    # Both informative features first among the closed-form statistics'
    # permutations (or tied with one): p-values of 2/2000 or 4/2000.
    assert np.all(pvalues[:2] <= 2 * LEAST)
    assert np.all((pvalues >= LEAST) & (pvalues <= 1))
    assert np.all(pvalues[2:] > 0.05)
    assert mi[0] > 0.1 and mi[1] > 0.1


def test_pvalues_of_a_discrete_target_and_a_constant_feature():
    rng = np.random.RandomState(3)
    y = rng.randint(0, 3, 200)
    X = np.column_stack([y + rng.standard_normal(200), np.ones(200)])
    mi, pvalues = mutual_info_mine_classif(
        X, y, return_pvalues=True, n_permutations=19, random_state=0, **CHEAP
    )
    assert pvalues[0] == LEAST
    assert (mi[1], pvalues[1]) == (0.0, 1.0)


@pytest.mark.slow
def test_select_fdr_in_a_pipeline_under_cross_validation():
    X, y = _table(seed=4)
    score = partial(
        mutual_info_mine,
        return_pvalues=True,
        n_permutations=49,
        random_state=0,
        **CHEAP,
    )
    selector = SelectFdr(score, alpha=0.1).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(), [True, True, False, False])
    pipeline = make_pipeline(SelectFdr(score, alpha=0.1), LinearRegression())
    fitted = cross_validate(pipeline, X, y, cv=2, return_estimator=True)
    # Each fold keeps both informative features (a noise feature may pass
    # now and then: a false discovery rate of 0.1 allows it).
    for each in fitted["estimator"]:
        assert each[0].get_support()[:2].all()


@pytest.mark.slow
def test_pvalues_per_feature_are_exact_under_independence():
    # 120 independent tables, each one feature against its own permuted
    # copies. Under independence the critics' and the closed-form p-values
    # are each exact, and twice the smaller is at most 0.25 with probability
    # at most 0.25 (about 0.23 were they independent). The rejections are
    # then about Binomial(120, 0.25): the band [15, 46] holds them with
    # probability 0.9993, while a test twice too liberal (Binomial(120, 0.5))
    # falls in it with probability 0.007. Half the features have ties
    # (three values), which the random tie-breaking must keep exact.
    n_trials, alpha = 120, 0.25
    pvalues = []
    for seed in range(n_trials):
        rng = np.random.RandomState(seed)
        x = rng.standard_t(2, 60) if seed % 2 else rng.randint(0, 3, 60)
        _, p = mutual_info_mine(
            x[:, None].astype(float),
            rng.standard_t(2, 60),
            return_pvalues=True,
            n_permutations=19,
            random_state=seed,
            max_steps=20,
            steps_per_epoch=10,
            patience=1,
        )
        pvalues.append(p[0])
    rejections = int(np.sum(np.array(pvalues) <= alpha))
    low, high = binom.ppf([0.0005, 0.9995], n_trials, alpha)
    assert (low, high) == (15, 46)
    # The band can fail: a test twice too liberal lands in it this rarely.
    assert binom.cdf(high, n_trials, 2 * alpha) < 0.01
    assert low <= rejections <= high, rejections


# -------------------------------------------------------------------- joint


@pytest.mark.slow
def test_permutation_method_detects_dependence_and_reports_its_statistics():
    X, y = _table()
    result = independence_test(X, y, n_permutations=49, random_state=0, **CHEAP)
    assert result.method == "permutation" and result.estimator is None
    assert result.pvalue <= 2 * LEAST
    assert set(result.statistics) == {"neural", "linear", "quadratic"}
    for values in result.statistics.values():
        assert values.shape == (50,)
    assert result.statistic == result.statistics["neural"][0]
    np.testing.assert_array_equal(
        result.null_distribution, result.statistics["neural"][1:]
    )
    again = independence_test(X, y, n_permutations=49, random_state=0, **CHEAP)
    np.testing.assert_array_equal(again.null_distribution, result.null_distribution)


def test_auto_takes_the_split_where_the_call_asks_for_its_options():
    X, y = _table(n=100)
    split = independence_test(
        X, y, n_permutations=9, random_state=0, test_fraction=0.3, max_steps=50
    )
    assert split.method == "split" and split.estimator is not None
    split = independence_test(
        X, y, n_permutations=9, random_state=0, reference="resample", max_steps=50
    )
    assert split.method == "split"
    crossfit = independence_test(
        X, y, n_permutations=9, random_state=0, n_splits=2, max_steps=50
    )
    assert crossfit.method == "crossfit"


def test_permutation_method_refuses_the_splits_options_by_name():
    X, y = _table(n=100)
    with pytest.raises(ValueError, match=r"test_fraction=0\.3 is an option of"):
        independence_test(X, y, method="permutation", test_fraction=0.3)
    with pytest.raises(ValueError, match=r"n_splits=2 is an option of"):
        independence_test(X, y, method="permutation", n_splits=2)
    with pytest.raises(TypeError, match=r"unexpected parameters \['reference'\]"):
        independence_test(X, y, method="permutation", reference="resample")
    with pytest.raises(ValueError, match="'lr' parameter of independence_test"):
        independence_test(X, y, method="permutation", lr=-1.0)
