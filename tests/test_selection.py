import dataclasses
import logging

import numpy as np
import pandas as pd
import pytest
import torch
from joblib import parallel_config
from sklearn.feature_selection import mutual_info_regression
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, KFold, PredefinedSplit
from sklearn.pipeline import make_pipeline

from sklearn_mine import MutualInfoSelector
from sklearn_mine._engine.grouped_critic import GroupedCritic
from sklearn_mine._selection import _rounds, _screen
from sklearn_mine._selection._crossfit import Fold, make_splits
from sklearn_mine._selection._fold import critic_rows
from sklearn_mine._selection._rounds import MAX_PAIR_FEATURES, Training, pair_features
from sklearn_mine._selection._screen import convex_scores
from sklearn_mine._selection._shadows import N_SHADOWS, add_shadows, null_bound


def _interaction(n=1000, d=6, seed=0):
    # y = x0 x1 + noise: neither factor alone says much about y (each only
    # through |y|), the pair says nearly everything.
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    return X, X[:, 0] * X[:, 1] + 0.1 * rng.standard_normal(n)


# Per critic, the least gain of the second factor and the least MI of the
# pair that a fit must read: the convex critics read 0.66-0.78 and 0.88-1.02
# over data seeds 0-3 (the MLP critics, above 0.8 and 1.0); a selector that
# missed the pair reads a gain near 0.
LEAST_PAIR_READINGS = {"concat": (0.8, 1.0), "convex": (0.55, 0.8)}


@pytest.fixture(scope="module", params=["convex", "concat"])
def interaction_fit(request):
    X, y = _interaction()
    return MutualInfoSelector(critic=request.param, random_state=0).fit(X, y)


@pytest.mark.slow
def test_auto_finds_an_interacting_pair_and_stops(interaction_fit):
    selector = interaction_fit
    np.testing.assert_array_equal(selector.get_support(indices=True), [0, 1])
    history = selector.history_
    least_gain, least_mi = LEAST_PAIR_READINGS[selector.critic]
    # Two rounds accepted, then neither a third feature nor a pair of the
    # other four passes: their gains' intervals hold zero, while the second
    # factor's gain is most of I.
    np.testing.assert_array_equal(history["accepted"], [True, True, False, False])
    np.testing.assert_array_equal(history["n_features"], [1, 2, 3, 4])
    assert history["gain"][1] > least_gain
    assert history["gain"][1] > 10 * history["gain_standard_error"][1]
    assert abs(history["gain"][2]) < 3 * history["gain_standard_error"][2] + 0.02
    # The selected set's MI is that of the round which refused to grow it:
    # the third round's estimate less its gain over the set (to float32
    # rounding). The pair's true MI is about 2.1 nats (h(y) - h(0.1 N(0, 1)),
    # numerically); critics this small read a lower bound well below it.
    np.testing.assert_allclose(
        selector.mutual_info_,
        history["mutual_info"][2] - history["gain"][2],
        rtol=1e-6,
    )
    assert selector.mutual_info_ > least_mi
    assert selector.standard_error_ > 0
    assert selector.n_features_to_select_ == 2
    # scores_: one row per round, NaN where a feature was already chosen.
    assert selector.scores_.shape == (4, 6)
    assert np.isnan(selector.scores_[2:, [0, 1]]).all()
    assert not np.isnan(selector.scores_[2:, 2:]).any()
    assert pd.DataFrame(selector.history_).shape == (4, 8)
    # Each move made exceeds what the shadows gain by luck, which is far
    # below the pair's gain.
    bounds = history["null_bound"]
    assert np.isfinite(bounds).all()
    assert np.all(history["gain"][:2] > bounds[:2])
    assert bounds[1] < 0.2 * history["gain"][1]


@pytest.mark.slow
@pytest.mark.parametrize("critic", ["convex", "concat"])
def test_shadows_leave_the_candidates_training_alone(critic, monkeypatch):
    # Equalities of the plumbing, which hold whatever the budget: a short one
    # for the MLP critics (the convex ones take no steps).
    X, y = _interaction(n=600)
    settings = dict(critic=critic, random_state=0)
    if critic == "concat":
        settings["max_steps"] = 200
    auto = MutualInfoSelector(**settings).fit(X, y).history_
    # Precondition: "auto" made two moves, so that two rounds are compared.
    np.testing.assert_array_equal(auto["accepted"][:2], [True, True])
    # A count plays the rounds of "auto", with the same shadows.
    counted = MutualInfoSelector(n_features_to_select=2, **settings).fit(X, y)
    assert counted.history_["features"].tolist() == auto["features"][:2].tolist()
    np.testing.assert_allclose(
        counted.history_["null_bound"], auto["null_bound"][:2], rtol=1e-4, atol=1e-5
    )
    # The shadows are drawn after the seeds and train beside the candidates:
    # without them the candidates' gains are the same, up to float32 rounding
    # carried through 200 steps (measured 3e-4 of the gain; random_state 1
    # and 2 read gains 0.13-0.28 nats away, with standard errors 0.05-0.08).
    monkeypatch.setattr("sklearn_mine._selection._shadows.N_SHADOWS", 0)
    bare = MutualInfoSelector(n_features_to_select=2, **settings).fit(X, y)
    assert np.isnan(bare.history_["null_bound"]).all()
    assert bare.history_["features"].tolist() == auto["features"][:2].tolist()
    np.testing.assert_allclose(
        bare.history_["gain"], auto["gain"][:2], rtol=1e-3, atol=1e-5
    )


@pytest.mark.slow
def test_a_round_of_many_candidates_trains_the_screens_best_alone(monkeypatch):
    # 24 features, two informative: each round of MLP critics trains the 16
    # candidates that cheap convex critics rank best, beside its shadows,
    # the same 16 in both folds; the candidates it trains read what they
    # read when every candidate trains (the critics train independently).
    rng = np.random.RandomState(0)
    X = rng.standard_normal((600, 24))
    y = X[:, 5] + np.sin(2 * X[:, 17]) + 0.3 * rng.standard_normal(600)
    settings = dict(
        n_features_to_select=2, critic="concat", max_steps=300, cv=2, random_state=0
    )
    trained = []
    fit_in_fold = _rounds.fit_in_fold

    def recording(fold, new_sets, *args):
        trained.append([tuple(s) for s in new_sets])
        return fit_in_fold(fold, new_sets, *args)

    monkeypatch.setattr(_rounds, "fit_in_fold", recording)
    screened = MutualInfoSelector(**settings).fit(X, y)
    assert [len(sets) for sets in trained] == [_screen.KEEP + N_SHADOWS] * 4
    assert trained[0] == trained[1] and trained[2] == trained[3]
    assert sorted(screened.get_support(indices=True)) == [5, 17]
    # The screen ranked every candidate: no score is missing.
    assert np.isfinite(screened.scores_[0]).all()
    assert np.isnan(screened.scores_[1][screened.history_["features"][0]])

    trained.clear()
    monkeypatch.setattr(_screen, "KEEP", 100)
    whole = MutualInfoSelector(**settings).fit(X, y)
    assert [len(sets) for sets in trained] == [40, 40, 39, 39]
    assert whole.history_["features"].tolist() == (
        screened.history_["features"].tolist()
    )
    np.testing.assert_allclose(
        whole.history_["gain"], screened.history_["gain"], rtol=1e-4, atol=1e-6
    )
    # Without the screen the scores are the MLP critics' choice, which
    # differs from the cheap critics'.
    assert not np.allclose(whole.scores_[0], screened.scores_[0])


def test_shadows_are_permuted_copies_of_features():
    rng = np.random.RandomState(0)
    n = 500
    # Feature 0 one column, feature 1 a one-hot block of three.
    z = np.column_stack([rng.standard_normal(n), np.eye(3)[rng.randint(3, size=n)]])
    columns = [[0], [1, 2, 3]]
    wide, wide_columns, shadows = add_shadows(z, columns, 6, rng)
    assert shadows == list(range(2, 8))
    assert wide_columns[:2] == columns
    np.testing.assert_array_equal(wide[:, :4], z)
    widths = [len(wide_columns[s]) for s in shadows]
    # Precondition: copies of both features were drawn.
    assert set(widths) == {1, 3}
    for s, width in zip(shadows, widths):
        block = wide[:, wide_columns[s]]
        source = z[:, columns[0] if width == 1 else columns[1]]
        # The feature's values, each row's block moved whole: the same
        # marginal, and one-hot rows stay one-hot ...
        np.testing.assert_array_equal(np.sort(block, axis=0), np.sort(source, axis=0))
        if width == 3:
            np.testing.assert_array_equal(block.sum(axis=1), np.ones(n))
        # ... in other rows: no relation left to the source.
        assert abs(np.corrcoef(block[:, 0], source[:, 0])[0, 1]) < 0.15


def test_null_bound_holds_the_best_of_many_null_moves_at_its_level():
    # Gains of moves that carry nothing and of the shadows: draws of one
    # distribution. The best of 96 moves should exceed the bound in at most
    # 2.5 % of rounds (Bonferroni over the 96, one-sided at 0.95): about
    # 2 %, as the bound is shared; without the division by the moves, the
    # best of 96 would exceed it in most rounds.
    rng = np.random.RandomState(0)
    rounds = 4000
    exceeded = 0
    for _ in range(rounds):
        gains = 0.03 * rng.standard_normal(16 + 96) + 0.01
        bound = null_bound(gains[:16], 96, confidence_level=0.95)
        exceeded += gains[16:].max() > bound
    assert 0.01 < exceeded / rounds < 0.03


@pytest.mark.slow
def test_picks_no_duplicate_before_the_other_informative_feature():
    rng = np.random.RandomState(0)
    n = 1000
    x = rng.standard_normal((n, 2))
    copy = x[:, 0] + 0.1 * rng.standard_normal(n)
    X = np.column_stack([x, copy, rng.standard_normal(n)])
    y = 2 * x[:, 0] + x[:, 1] + 0.5 * rng.standard_normal(n)
    # Precondition: one feature at a time, the copy outranks feature 1.
    univariate = mutual_info_regression(X, y, random_state=0)
    assert set(np.argsort(univariate)[-2:]) == {0, 2}
    selector = MutualInfoSelector(n_features_to_select=2, random_state=0).fit(X, y)
    support = set(selector.get_support(indices=True))
    assert 1 in support and len(support & {0, 2}) == 1


@pytest.mark.slow
def test_a_pair_that_informs_only_together_is_found_by_a_pair_round():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 5))
    y = (X[:, 0] > 0) ^ (X[:, 1] > 0)
    selector = MutualInfoSelector(random_state=0).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(indices=True), [0, 1])
    history = selector.history_
    # No feature alone passes; the pair does; then neither a third feature
    # nor a pair of the other three adds anything.
    np.testing.assert_array_equal(history["n_features"], [1, 2, 3, 4])
    np.testing.assert_array_equal(history["accepted"], [False, True, False, False])
    assert history["features"][1] == (0, 1)
    assert history["gain"][1] > 10 * history["gain_standard_error"][1]
    # One feature at a time, nothing is found (a plumbing budget: nothing
    # is there to find).
    single = MutualInfoSelector(
        interactions=False,
        min_features_to_select=0,
        patience=6,
        max_steps=300,
        random_state=0,
    )
    single.fit(X, y)
    assert single.n_features_to_select_ == 0


@pytest.mark.slow
def test_convex_critics_find_a_pair_that_informs_only_together():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 5))
    y = (X[:, 0] > 0) ^ (X[:, 1] > 0)
    selector = MutualInfoSelector(critic="convex", random_state=0).fit(X, y)
    history = selector.history_
    # A pair round adds the two together, well above the shadows' bound
    # (9.7 to 19 standard errors over data seeds 0-3). Its first round made
    # a move on a noise feature, 4, that passed the bound: the chance the
    # bound allows.
    pair = history["features"].tolist().index((0, 1))
    assert history["accepted"][pair]
    assert history["gain"][pair] > 5 * history["gain_standard_error"][pair]
    assert history["gain"][pair] > 5 * history["null_bound"][pair]
    assert {0, 1} <= set(selector.get_support(indices=True))


@pytest.mark.slow
def test_auto_keeps_its_least_count_whatever_the_evidence():
    # y independent of X: no gain passes.
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((400, 3)), rng.standard_normal(400)
    settings = dict(interactions=False, max_steps=300, random_state=0)
    free = MutualInfoSelector(min_features_to_select=0, **settings).fit(X, y)
    assert free.n_features_to_select_ == 0
    history = free.history_
    np.testing.assert_array_equal(history["accepted"], [False])
    # The default keeps the first round's best feature, the one that
    # round did not accept, and stops at the next round.
    kept = MutualInfoSelector(**settings).fit(X, y)
    assert kept.n_features_to_select_ == 1
    np.testing.assert_array_equal(kept.history_["accepted"], [True, False])
    assert kept.history_["features"][0] == history["features"][0]
    assert kept.history_["gain"][0] == history["gain"][0]
    # Backward, removal stops at two features, though the third removal
    # would also lose nothing significant.
    backward = MutualInfoSelector(
        direction="backward", min_features_to_select=2, **settings
    ).fit(X, y)
    assert backward.n_features_to_select_ == 2
    np.testing.assert_array_equal(backward.history_["accepted"], [True])


def test_pairs_of_many_features_are_those_of_the_best_single_scores():
    candidates = list(range(3, 103))
    scores = np.full(103, np.nan)
    scores[candidates] = np.random.RandomState(0).permutation(100)
    paired = pair_features(scores, candidates, room=5, interactions="auto")
    # The 45 best-scoring of 100 candidates (scores 55 to 99), in order.
    assert paired == sorted(j for j in candidates if scores[j] >= 55)
    assert len(paired) == 45
    # Every candidate when asked for pairs, or when few are left; none
    # without room for two features or without interactions.
    assert pair_features(scores, candidates, 5, interactions=True) == candidates
    assert pair_features(scores, candidates[:45], 5, "auto") == candidates[:45]
    assert pair_features(scores, candidates, 1, "auto") == []
    assert pair_features(scores, candidates, 5, interactions=False) == []


def test_a_pair_round_of_many_features_pairs_those_full_convex_critics_rank():
    # Where more than MAX_PAIR_FEATURES are left, a round of MLP critics
    # pairs the features that full convex critics, each added to one of the
    # current set, rank best, read on both folds' choosing rows.
    rng = np.random.RandomState(0)
    X = rng.standard_normal((600, 50)).astype(np.float32)
    y = X[:, 0] + np.sin(2 * X[:, 7]) + 0.3 * rng.standard_normal(600)
    y = ((y - y.mean()) / y.std()).astype(np.float32)[:, None]
    folds = [Fold(X, y, 400, 100), Fold(X[::-1].copy(), y[::-1].copy(), 400, 100)]
    training = Training(folds, [[j] for j in range(50)], 50, (0, 1), {"device": "cpu"})
    candidates = list(range(1, 50))
    scores = convex_scores(candidates, [0], training)
    assert np.isnan(scores[0]) and np.isfinite(scores[1:]).all()
    # The feature that adds to x0 ranks first, clear of the noise features:
    # by 0.15-0.26 over data seeds 0-3, the noise spread over 0.02-0.03.
    assert np.argmax(np.nan_to_num(scores, nan=-np.inf)) == 7
    assert scores[7] > np.delete(scores, [0, 7]).max() + 0.05
    # The single round ranked it last: without the full critics it is not
    # paired; with them it is, and they are asked for only where more than
    # MAX_PAIR_FEATURES are left.
    single = np.arange(50.0)
    single[7] = -1.0
    asked = []

    def rescore(features):
        asked.append(list(features))
        return scores

    assert 7 not in pair_features(single, candidates, 5, "auto")
    paired = pair_features(single, candidates, 5, "auto", rescore)
    assert 7 in paired and len(paired) == MAX_PAIR_FEATURES
    assert asked == [candidates]
    assert (
        pair_features(single, candidates[:40], 5, "auto", rescore) == (candidates[:40])
    )
    assert len(asked) == 1


def test_a_backward_rounds_screen_drops_the_removals_that_take_most():
    # Backward, each set lacks one feature of the current set: the cheap
    # critics are solved afresh (a critic of the current set would already
    # hold what a removal takes away), and the removals of the two
    # informative features read least (the two least in data seeds 0-3),
    # so the MLP critics train the 16 removals of noise features.
    rng = np.random.RandomState(0)
    X = rng.standard_normal((600, 20)).astype(np.float32)
    y = X[:, 3] + np.sin(2 * X[:, 11]) + 0.3 * rng.standard_normal(600)
    y = ((y - y.mean()) / y.std()).astype(np.float32)[:, None]
    training = Training(
        [Fold(X, y, 400, 100)], [[j] for j in range(20)], 20, (0, 1), {"device": "cpu"}
    )
    current = list(range(20))
    sets = [[k for k in current if k != j] for j in current]
    kept, ranking = _screen.screen_candidates(sets, [True] * 20, training, current)
    assert len(kept) == _screen.KEEP and 3 not in kept and 11 not in kept
    assert set(np.argsort(ranking)[:2]) == {3, 11}
    # Shadows (not screenable) are always trained, and convex critics
    # screen themselves.
    kept, _ = _screen.screen_candidates(
        [*sets, [0, 1]], [True] * 20 + [False], training, current
    )
    assert 20 in kept and len(kept) == _screen.KEEP + 1
    convex = dataclasses.replace(training, critic="convex")
    assert _screen.screen_candidates(sets, [True] * 20, convex, current) == (
        None,
        None,
    )


@pytest.mark.slow
def test_auto_takes_the_convex_critics_for_a_few_classes_only():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 3))
    signal = X[:, 0] + 0.5 * rng.standard_normal(300)
    labels = (signal > 0).astype(int)
    select = dict(n_features_to_select=1, random_state=0)
    default = MutualInfoSelector(**select).fit(X, labels)
    convex = MutualInfoSelector(critic="convex", **select).fit(X, labels)
    assert default.critic_ == "convex"
    np.testing.assert_array_equal(default.scores_, convex.scores_)
    # An MLP setting changed, six classes, or a continuous target: the MLP
    # critics.
    for target, settings in [
        (labels, dict(max_steps=300)),
        (np.digitize(signal, [-1.5, -0.5, 0, 0.5, 1.5]), {}),
        (signal, {}),
    ]:
        selector = MutualInfoSelector(**select, **settings).fit(X, target)
        assert selector.critic_ == "concat"
        np.testing.assert_array_equal(selector.get_support(indices=True), [0])


@pytest.mark.slow
def test_class_labels_and_backward_elimination():
    # XOR of two signs, labels as strings: a discrete target, by "auto".
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 4))
    y = np.where((X[:, 0] > 0) ^ (X[:, 1] > 0), "odd", "even")
    selector = MutualInfoSelector(
        n_features_to_select=2, direction="backward", patience=6, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(indices=True), [0, 1])
    # Two removals, each losing about nothing.
    assert list(selector.history_["features"]) in ([(2,), (3,)], [(3,), (2,)])
    assert np.all(np.abs(selector.history_["gain"]) < 0.05)
    # XOR carries log 2 nats about the class.
    assert abs(selector.mutual_info_ - np.log(2)) < 0.15


@pytest.mark.slow
def test_pipeline_grid_search_and_pandas_output():
    # y linear in a and b: a linear model after two features explains
    # nearly all of y, after one about half.
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.standard_normal((400, 4)), columns=["a", "b", "c", "d"])
    y = X["a"] + X["b"] + 0.1 * rng.standard_normal(400)
    settings = dict(max_steps=200, random_state=0)
    selector = MutualInfoSelector(n_features_to_select=2, **settings)
    selector.set_output(transform="pandas")
    out = selector.fit_transform(X, y)
    assert list(out.columns) == ["a", "b"]
    assert list(selector.get_feature_names_out()) == ["a", "b"]
    assert list(selector.feature_names_in_) == ["a", "b", "c", "d"]

    pipe = make_pipeline(MutualInfoSelector(**settings), LinearRegression())
    search = GridSearchCV(
        pipe, {"mutualinfoselector__n_features_to_select": [1, 0.5]}, cv=2
    ).fit(X, y)
    # Half of the four features: two, which the search prefers, and they
    # are a and b.
    assert search.best_params_ == {"mutualinfoselector__n_features_to_select": 0.5}
    best = search.best_estimator_[0]
    assert best.n_features_to_select_ == 2
    assert list(best.get_feature_names_out()) == ["a", "b"]
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > 0.95 and scores[0] < 0.7


def test_float_count_and_keeping_every_feature():
    X, y = _interaction(n=300, d=4)
    settings = dict(max_steps=100, random_state=0)
    half = MutualInfoSelector(n_features_to_select=0.5, **settings).fit(X, y)
    assert half.n_features_to_select_ == 2 and len(half.history_["features"]) == 2
    # Backward to all the features: no round, but the set's MI is still read.
    every = MutualInfoSelector(
        n_features_to_select=4, direction="backward", **settings
    ).fit(X, y)
    assert every.get_support().all() and len(every.history_["features"]) == 0
    assert every.mutual_info_ > 0.3 and every.scores_.shape == (0, 4)


@pytest.mark.slow
def test_tol_is_the_least_gain_accepted():
    X, y = _interaction()
    # With 300 steps, one factor of the product reads 0.18 nats (standard
    # error 0.035), the pair's gain 1.09: with tol between, one factor alone
    # is refused. One feature at a time, nothing is selected; a pair round
    # adds both. (A plumbing budget: these fits test what tol does, not the
    # defaults.)
    tol = 0.6
    quick = dict(
        tol=tol, min_features_to_select=0, patience=6, max_steps=300, random_state=0
    )
    single = MutualInfoSelector(interactions=False, **quick).fit(X, y)
    assert single.n_features_to_select_ == 0
    np.testing.assert_array_equal(single.history_["accepted"], [False])
    # Refused for tol, where the interval alone would have accepted it.
    gain, error = single.history_["gain"][0], single.history_["gain_standard_error"][0]
    assert 1.96 * error < gain < tol
    assert single.mutual_info_ == 0.0
    paired = MutualInfoSelector(**quick).fit(X, y)
    assert paired.history_["features"][1] == (0, 1)
    assert paired.history_["gain"][1] > tol
    np.testing.assert_array_equal(paired.history_["accepted"][:2], [False, True])
    np.testing.assert_array_equal(paired.get_support(indices=True), [0, 1])


@pytest.mark.slow
def test_same_seed_same_selection_for_any_n_jobs():
    # Each round's candidates split into two trainings, each with its own
    # copy of the baseline: the same results up to float32 rounding.
    X, y = _interaction(n=400, d=5)
    settings = dict(n_features_to_select=2, max_steps=200, random_state=0)
    alone = MutualInfoSelector(**settings).fit(X, y)
    # Threads: the chunks are what is tested, not joblib's process pool.
    with parallel_config(backend="threading"):
        parallel = MutualInfoSelector(n_jobs=2, **settings).fit(X, y)
    np.testing.assert_array_equal(parallel.get_support(), alone.get_support())
    np.testing.assert_allclose(
        parallel.history_["gain"], alone.history_["gain"], rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(parallel.scores_, alone.scores_, rtol=1e-4, atol=1e-5)


def test_cross_fitting_holds_out_every_row_once():
    X = np.empty((101, 1))
    splits = make_splits(X, None, 3, 0.3, np.random.RandomState(0))
    assert len(splits) == 3
    held = [np.concatenate([choose, test]) for _, choose, test in splits]
    np.testing.assert_array_equal(np.sort(np.concatenate(held)), np.arange(101))
    for (train, choose, test), out in zip(splits, held):
        np.testing.assert_array_equal(
            np.sort(np.concatenate([train, out])), np.arange(101)
        )
        assert len(test) - len(choose) in (0, 1)
    # Without cv, one split: 0.3 held out, halved.
    ((train, choose, test),) = make_splits(
        X[:100], None, None, 0.3, np.random.RandomState(0)
    )
    assert (len(train), len(choose), len(test)) == (70, 15, 15)


def test_a_splitter_gives_its_own_folds_halved():
    X = np.empty((101, 1))
    kfold = KFold(3, shuffle=True, random_state=0)
    rng = np.random.RandomState(0)
    state = rng.get_state()[1].copy()
    splits = make_splits(X, None, kfold, 0.3, rng)
    for (train, choose, test), (kf_train, kf_test) in zip(splits, kfold.split(X)):
        np.testing.assert_array_equal(train, kf_train)
        np.testing.assert_array_equal(np.concatenate([choose, test]), kf_test)
        assert len(choose) == len(kf_test) // 2
    assert len(splits) == 3
    # The splitter's own seed shuffles: the selector's is left for the
    # critics.
    np.testing.assert_array_equal(rng.get_state()[1], state)


@pytest.mark.slow
def test_the_folds_of_cv_are_the_rows_trained_and_read():
    # y follows x0 in the first 400 rows (I = log(1 + 1 / 0.09) / 2 = 1.25
    # nats) and is independent of X in the last 200.
    rng = np.random.RandomState(0)
    X = rng.standard_normal((600, 2))
    y = np.concatenate(
        [X[:400, 0] + 0.3 * rng.standard_normal(400), rng.standard_normal(200)]
    )
    settings = dict(n_features_to_select=1, max_steps=300, random_state=0)
    # Trained and read on related rows: x0, and most of its MI.
    related = MutualInfoSelector(
        cv=[(np.arange(300), np.arange(300, 400))], **settings
    ).fit(X, y)
    assert related.get_support(indices=True).tolist() == [0]
    assert related.mutual_info_ > 0.8
    # A splitter whose one fold trains on the related rows and reads the
    # others: what the critic learnt does not hold there. (Any split that
    # mixed the rows would read about two thirds of the MI.)
    unrelated = MutualInfoSelector(
        cv=PredefinedSplit(np.r_[np.full(400, -1), np.zeros(200)]), **settings
    ).fit(X, y)
    assert unrelated.mutual_info_ < 0.1
    assert unrelated.history_["gain"][0] < 0.1


def test_verbose_logs_one_line_per_round(caplog, capsys):
    X, y = _interaction(n=300, d=3)
    selector = MutualInfoSelector(
        n_features_to_select=1, max_steps=100, verbose=1, random_state=0
    )
    with caplog.at_level(logging.INFO, logger="sklearn_mine"):
        selector.fit(X, y)
    history = selector.history_
    (feature,) = history["features"][0]
    assert [r.getMessage() for r in caplog.records] == [
        f"round 1: adds feature {feature}, I = {history['mutual_info'][0]:.4f} "
        f"+/- {history['standard_error'][0]:.4f} nats, gain "
        f"{history['gain'][0]:+.4f} +/- {history['gain_standard_error'][0]:.4f} "
        f"(luck bound {history['null_bound'][0]:+.4f})"
        + ("" if history["accepted"][0] else ": not made")
    ]
    # Nothing on stderr: no print, and verbose=1 shows no progress bars.
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_cross_fitting_reads_the_gains_on_every_row():
    X, y = _interaction(n=600, d=3)
    # Backward, one round of three removals: no shadows to train. 600 steps
    # read the errors as the default budget does at a fifth of its time
    # (below), as the pooling, not the critics, shrinks them.
    settings = dict(
        n_features_to_select=2, direction="backward", max_steps=600, random_state=0
    )
    one = MutualInfoSelector(**settings).fit(X, y)
    three = MutualInfoSelector(cv=3, **settings).fit(X, y)
    np.testing.assert_array_equal(three.get_support(indices=True), [0, 1])
    np.testing.assert_array_equal(one.get_support(indices=True), [0, 1])
    # Pooled, the three folds test 300 pairs where one split tests 90: the
    # errors shrink by about sqrt(90 / 300) = 0.55, by sqrt(90 / 100) = 0.95
    # had the folds' errors been averaged rather than pooled. (Over seeds
    # 0-4, the data's and random_state alike, the removal's gain's error
    # shrank by 0.41-0.75 with 600 steps, 0.34-0.83 with the defaults; the
    # estimate's, which also depends on the critics, by 0.44-0.89 and
    # 0.49-0.84. Here: 0.41 and 0.47.)
    gain_errors = [s.history_["gain_standard_error"][0] for s in (three, one)]
    assert gain_errors[0] < 0.75 * gain_errors[1]
    assert three.standard_error_ < 0.85 * one.standard_error_
    both = np.hypot(one.standard_error_, three.standard_error_)
    assert abs(three.mutual_info_ - one.mutual_info_) < 3 * both


def test_a_wider_critic_starts_as_the_one_it_extends():
    # start_from with a new column at zero: the same function of the old
    # columns, whatever the new column holds.
    torch.manual_seed(0)
    x, y = torch.randn(50, 3), torch.randn(50, 1)
    critic = GroupedCritic([[0, 1], [0, 1, 2]], 3, 1, hidden_units=8, seeds=[1, 2])
    rows = critic_rows([[0], [1], [2]], [0, 1], [0, 1, 2])
    assert rows == [0, 1, None]
    critic.start_from(1, critic.group_state(0), rows)
    scores = critic(x, y)
    torch.testing.assert_close(scores[1], scores[0])
    # Dropping a column: the remaining rows are the parent's.
    assert critic_rows([[0], [1, 2], [3]], [0, 1, 2], [2, 0]) == [3, 0]


@pytest.mark.parametrize(
    "params, X, y, message",
    [
        (
            dict(n_features_to_select=5),
            np.ones((20, 3)),
            np.arange(20.0),
            "n_features_to_select=5 exceeds the 3 features",
        ),
        (
            dict(discrete_target=True),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.zeros((20, 2), dtype=int) + np.arange(20)[:, None] % 2,
            r"A discrete target must be one column; y has shape \(20, 2\)",
        ),
        (
            dict(),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.full(20, 3.0),
            "y is constant: it holds 3.0 in every row",
        ),
        (
            dict(min_features_to_select=4),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.arange(20.0),
            "min_features_to_select=4 exceeds the 3 features of X",
        ),
        (
            dict(cv=6),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.arange(20.0),
            r"cv=6 leaves 3 held-out samples in a fold of the 20; each fold "
            r"needs 4 at least",
        ),
        (
            dict(cv=[(np.arange(17), np.arange(17, 20))]),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.arange(20.0),
            "Fold 0 of cv holds out 3 samples; each fold needs 4 at least",
        ),
        (
            dict(direction="sideways"),
            np.ones((20, 3)),
            np.arange(20.0),
            "The 'direction' parameter of MutualInfoSelector must be a str among",
        ),
        (
            dict(critic="convex", max_steps=500, lr=0.1),
            np.random.RandomState(0).standard_normal((20, 3)),
            np.arange(20.0),
            r"MutualInfoSelector got critic='convex' with \['lr', 'max_steps'\]: "
            "those train the MLP critics of critic='concat'",
        ),
    ],
)
def test_bad_settings_and_targets_name_the_problem(params, X, y, message):
    with pytest.raises(ValueError, match=message):
        MutualInfoSelector(**params).fit(X, y)
