from functools import partial

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.feature_selection import (
    SelectKBest,
    SelectPercentile,
    mutual_info_classif,
    mutual_info_regression,
)
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_mine import mutual_info_mine, mutual_info_mine_classif
from sklearn_mine.datasets import gaussian_mi

# Enough training for two-input critics on a few thousand rows, in seconds.
FAST = dict(max_steps=500, random_state=0)
# Enough to read a dependence, not to converge (0.49 nats of 0.51 at rho 0.8).
TINY = dict(max_steps=100, random_state=0)
RHOS = [0.0, 0.3, 0.6, 0.8, 0.95]


def _gaussian_features(n, rhos, seed=0):
    # x_k = rho_k y + sqrt(1 - rho_k^2) e_k, so I(x_k; y) = -1/2 log(1 - rho_k^2).
    rng = np.random.RandomState(seed)
    y = rng.standard_normal(n)
    X = np.outer(y, rhos) + rng.standard_normal((n, len(rhos))) * np.sqrt(
        1 - np.square(rhos)
    )
    return X, y, np.array([gaussian_mi(r) for r in rhos])


@pytest.fixture(scope="module")
def gaussian_case():
    return _gaussian_features(4000, RHOS)


@pytest.fixture(scope="module")
def gaussian_fit(gaussian_case):
    X, y, _ = gaussian_case
    return mutual_info_mine(X, y, return_std=True, **FAST)


@pytest.fixture(scope="module")
def tiny_result(gaussian_case):
    # For the tests of what a column's score does not depend on (the columns
    # beside it, the chunks): they compare fits bit for bit, which needs no
    # converged critic, so a fifth of FAST's steps tests them as strongly.
    X, y, _ = gaussian_case
    return mutual_info_mine(X, y, **TINY)


@pytest.fixture(scope="module")
def gaussian_result(gaussian_fit):
    # The estimates alone: the same as without return_std, which
    # test_return_std_leaves_the_estimates_alone checks bit for bit.
    return gaussian_fit[0]


@pytest.mark.slow
def test_estimates_follow_the_closed_form(gaussian_case, gaussian_fit):
    # Truth: 0, 0.047, 0.223, 0.511, 1.164 nats.
    _, _, truth = gaussian_case
    mi, std = gaussian_fit
    assert mi.shape == (5,)
    # Each feature within 3 of its standard errors of the truth (measured:
    # within 1.2), the independent one included: it reads 0.0006 nats with
    # a standard error of 0.0006, so that a bias of 0.002 nats there fails.
    np.testing.assert_array_less(np.abs(mi - truth), 3 * std)
    assert np.abs(mi - truth).mean() < 0.05
    assert spearmanr(mi, truth).statistic == pytest.approx(1.0)


@pytest.mark.slow
def test_return_std_leaves_the_estimates_alone(gaussian_case, gaussian_result):
    # gaussian_result comes from a call with return_std=True. (That any
    # n_jobs gives the same result is test_properties.py's
    # test_mutual_info_mine_same_result_for_any_n_jobs, with loky's worker
    # processes, and test_dask_backend_gives_the_same_result's on this case.)
    X, y, _ = gaussian_case
    np.testing.assert_array_equal(mutual_info_mine(X, y, **FAST), gaussian_result)


@pytest.mark.slow
def test_a_feature_scores_the_same_alone_and_among_others(gaussian_case, tiny_result):
    # Every critic starts from the same seed and stops on its own, so a
    # column's score does not depend on the columns beside it (up to float32
    # rounding in the batched products).
    X, y, _ = gaussian_case
    alone = mutual_info_mine(X[:, [3]], y, **TINY)
    noise = np.random.RandomState(1).standard_normal((len(X), 40))
    among = mutual_info_mine(np.hstack([noise, X[:, [3]]]), y, **TINY)
    # Nor on how wide the other groups are: padded to the widest, a critic
    # still starts from its own group's weights.
    beside_wider = mutual_info_mine(
        np.hstack([noise[:, :3], X[:, [3]]]), y, groups=[0, 0, 0, 1], **TINY
    )
    # The column carries a dependence (truth 0.511), so that equal scores
    # are not two zeros.
    assert tiny_result[3] > 0.4
    np.testing.assert_allclose(alone[0], tiny_result[3], rtol=1e-5)
    np.testing.assert_allclose(among[40], tiny_result[3], rtol=1e-5)
    np.testing.assert_allclose(beside_wider[1], tiny_result[3], rtol=1e-5)


@pytest.mark.slow
def test_return_std_gives_each_estimates_standard_error(gaussian_case, gaussian_result):
    X, y, _ = gaussian_case
    X = np.column_stack([X, np.ones(len(X))])
    mi, std = mutual_info_mine(X, y, return_std=True, **FAST)
    np.testing.assert_array_equal(mi[:5], gaussian_result)
    # Held-out bounds on 1200 pairs. The pointwise MI of a Gaussian pair has
    # variance rho^2, so the joint term alone has standard error
    # rho / sqrt(1200); the marginal term adds a little, more at high rho.
    joint_term = np.array(RHOS[1:]) / np.sqrt(1200)
    assert np.all(std[1:5] > 0.9 * joint_term), std
    assert np.all(std[1:5] < 1.5 * joint_term), std
    assert std[0] < 0.005
    # A constant column's MI is exactly 0, and so is its standard error.
    assert mi[5] == 0 and std[5] == 0


@pytest.mark.slow
def test_weight_ema_rate_one_is_no_averaging():
    # An average of rate 1 is the current weights: the same fit bit for bit.
    X, y, _ = _gaussian_features(1000, [0.0, 0.8])
    quick = dict(max_steps=300, random_state=0)
    plain = mutual_info_mine(X, y, weight_ema_rate=None, **quick)
    np.testing.assert_array_equal(
        mutual_info_mine(X, y, weight_ema_rate=1.0, **quick), plain
    )
    assert not np.array_equal(mutual_info_mine(X, y, **quick), plain)


@pytest.mark.parametrize("old", ["ema_rate", "averaging_rate"])
@pytest.mark.parametrize("function", [mutual_info_mine, mutual_info_mine_classif])
def test_old_parameter_names_are_gone(function, old):
    X, y, _ = _gaussian_features(50, [0.8])
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{old}'"):
        function(X, (y > 0).astype(int), **{old: 0.5})


def test_constant_target_warns_and_scores_zero():
    X, _, _ = _gaussian_features(100, [0.8, 0.0])
    with pytest.warns(UserWarning, match="y is constant") as record:
        mi = mutual_info_mine(X, np.full(100, 2.0), max_steps=20, random_state=0)
    np.testing.assert_array_equal(mi, [0.0, 0.0])
    assert record[0].filename == __file__


@pytest.mark.slow
def test_dask_backend_gives_the_same_result(gaussian_case, gaussian_result):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    X, y, _ = gaussian_case
    # Workers as threads: the backend's dispatch is what is tested here
    # (test_properties.py's n_jobs test already sends the chunks to other
    # processes), and two worker processes cost seconds of imports.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            dashboard_address=None,
            processes=False,
        ) as cluster,
        distributed.Client(cluster),
    ):
        with parallel_backend("dask"):
            mi = mutual_info_mine(X, y, n_jobs=2, **FAST)
    np.testing.assert_array_equal(mi, gaussian_result)


@pytest.mark.slow
def test_pandas_input(gaussian_case, gaussian_result):
    X, y, _ = gaussian_case
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    mi = mutual_info_mine(X_df, pd.Series(y), **FAST)
    np.testing.assert_array_equal(mi, gaussian_result)


@pytest.mark.slow
def test_column_order_is_kept():
    X, y, _ = _gaussian_features(2000, [0.0, 0.0, 0.9])
    mi = mutual_info_mine(X, y, **FAST)
    assert np.argmax(mi) == 2


@pytest.mark.slow
def test_two_dimensional_target():
    # x0 depends on both targets, x1 on neither.
    rng = np.random.RandomState(0)
    Y = rng.standard_normal((3000, 2))
    X = np.column_stack(
        [Y.sum(axis=1) + 0.5 * rng.standard_normal(3000), rng.standard_normal(3000)]
    )
    with pytest.raises(ValueError):
        mutual_info_regression(X, Y)
    mi = mutual_info_mine(X, Y, **FAST)
    # I(x0; Y) = 1/2 log(var(x0) / var(x0 | Y)) = 1/2 log(2.25 / 0.25) = 1.0986.
    assert mi[0] == pytest.approx(0.5 * np.log(9), abs=0.15)
    assert mi[1] < 0.05


@pytest.mark.slow
def test_discrete_features_are_categories_not_numbers():
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 3, 2000)
    y = (codes == 1) + 0.3 * rng.standard_normal(2000)  # not monotone in codes
    X = np.column_stack([codes, rng.randint(0, 3, 2000)])
    # Other numbers, same order: one-hot columns come in sorted order.
    relabelled = np.column_stack([np.array([-5.0, 0.0, 1000.0])[codes], X[:, 1]])
    mi = mutual_info_mine(X, y, discrete_features=True, **FAST)
    # Spacing means nothing to a category: the same one-hot inputs.
    np.testing.assert_array_equal(
        mutual_info_mine(relabelled, y, discrete_features=[0, 1], **FAST), mi
    )
    assert mi[0] > 0.3 and mi[1] < 0.05


@pytest.mark.slow
def test_sparse_input_is_discrete():
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 2, 2000)
    y = codes + 0.3 * rng.standard_normal(2000)
    X = sparse.csr_matrix(np.column_stack([codes, rng.randint(0, 2, 2000)]))
    mi = mutual_info_mine(X, y, **FAST)
    assert mi[0] > 0.3 and mi[1] < 0.05
    with pytest.raises(ValueError, match="can't have continuous features"):
        mutual_info_mine(X, y, discrete_features=False)


@pytest.mark.slow
def test_groups_give_one_estimate_per_group():
    rng = np.random.RandomState(0)
    category = rng.randint(0, 4, 3000)
    one_hot = np.eye(4)[category]
    y = category + 0.5 * rng.standard_normal(3000)
    X = np.column_stack([one_hot, rng.standard_normal(3000)])
    mi = mutual_info_mine(X, y, groups=["c", "c", "c", "c", "noise"], **FAST)
    assert mi.shape == (2,)
    assert mi[0] > 0.5 and mi[1] < 0.05
    with pytest.raises(ValueError, match="one label per feature"):
        mutual_info_mine(X, y, groups=[0, 1])


def test_too_many_categories_is_an_error():
    X = np.arange(1000.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="Feature 0 is discrete with 1000 distinct"):
        mutual_info_mine(X, X[:, 0], discrete_features=True)


@pytest.mark.slow
def test_classif_counterpart():
    rng = np.random.RandomState(0)
    labels = rng.choice(["a", "b", "c"], 3000)
    centre = {"a": -1.0, "b": 0.0, "c": 1.0}
    X = np.column_stack(
        [
            np.vectorize(centre.get)(labels) + 0.5 * rng.standard_normal(3000),
            rng.standard_normal(3000),
        ]
    )
    mi = mutual_info_mine_classif(X, labels, **FAST)
    ksg = mutual_info_classif(X, labels, random_state=0)
    assert mi[0] == pytest.approx(ksg[0], abs=0.1)
    assert mi[1] < 0.05
    with pytest.raises(ValueError, match="Unknown label type"):
        mutual_info_mine_classif(X, rng.standard_normal(3000))


@pytest.mark.slow
def test_feature_selection_pipeline_clone_and_grid_search():
    X, y, _ = _gaussian_features(600, [0.0, 0.9, 0.0, 0.8])
    # 100 steps rank these as 300 do: over seeds 0-4 (data and critic), on
    # all 600 rows and on either half (the folds' size), the informative ones
    # read 0.37-0.88 nats, the others at most 0.009, and rho 0.9 leads 0.8
    # by 0.17 nats or more.
    score = partial(mutual_info_mine, max_steps=100, random_state=0)
    selector = SelectKBest(score, k=2).fit(X, y)
    np.testing.assert_array_equal(selector.get_support(indices=True), [1, 3])
    percentile = SelectPercentile(score, percentile=25).fit(X, y)
    np.testing.assert_array_equal(percentile.get_support(indices=True), [1])

    pipe = make_pipeline(SelectKBest(score, k=1), LinearRegression())
    clone(pipe).fit(X, y)
    search = GridSearchCV(pipe, {"selectkbest__k": [1, 2]}, cv=2).fit(X, y)
    assert search.best_params_["selectkbest__k"] == 2


BAD_INPUTS = [
    (np.full((20, 2), np.nan), np.arange(20.0)),
    (np.ones((20, 2)), np.r_[np.inf, np.arange(19.0)]),
    (np.ones((20, 2)), np.arange(19.0)),
    (np.ones((20, 2, 2)), np.arange(20.0)),
    # Strings in X are left out: their error names the column and how to
    # encode it, which scikit-learn's does not (tests/test_bad_input.py).
]


@pytest.mark.parametrize("X, y", BAD_INPUTS)
def test_same_errors_as_scikit_learn(X, y):
    with pytest.raises(Exception) as expected:
        mutual_info_regression(X, y)
    with pytest.raises(type(expected.value)) as ours:
        mutual_info_mine(X, y)
    assert str(ours.value) == str(expected.value)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"discrete_features": "yes"}, "discrete_features"),
        ({"hidden_units": 0}, "hidden_units"),
        ({"objective": "kl"}, "objective"),
        ({"n_jobs": "two"}, "n_jobs"),
        ({"validation_fraction": 0.0}, "validation_fraction"),
        ({"weight_ema_rate": 0.0}, "weight_ema_rate"),
        ({"denominator_ema_rate": 0.0}, "denominator_ema_rate"),
    ],
)
def test_invalid_parameters_are_named(kwargs, message):
    X, y, _ = _gaussian_features(50, [0.5])
    with pytest.raises(ValueError, match=message):
        mutual_info_mine(X, y, **kwargs)


def test_too_few_samples():
    # Where scikit-learn needs one sample, a critic and a held-out set need ten.
    with pytest.raises(ValueError, match="0 sample"):
        mutual_info_mine(np.empty((0, 2)), np.empty(0))
    with pytest.raises(ValueError, match="minimum of 10 is required"):
        mutual_info_mine(np.ones((5, 1)), np.arange(5.0))


def test_a_restricted_grouped_critic_computes_only_its_groups():
    # Early stopping restricts the grouped critic to the groups still
    # training: theirs are the scores they had beside all others, the rest
    # score 0 and get no gradient.
    from sklearn_mine._engine.grouped_critic import GroupedCritic

    generator = torch.Generator().manual_seed(0)
    x = torch.randn(64, 5, generator=generator)
    y = torch.randn(64, 1, generator=generator)
    critic = GroupedCritic([[0], [1, 2], [3], [4]], 5, 1, hidden_units=8)
    everything = critic(x, y)
    for groups in ([1, 3], [2]):
        critic.restrict(groups)
        scores = critic(x, y)
        others = [g for g in range(4) if g not in groups]
        torch.testing.assert_close(
            scores[groups], everything[groups], rtol=1e-6, atol=0
        )
        assert torch.all(scores[others] == 0)
        critic.zero_grad()
        scores.sum().backward()
        assert torch.all(critic.weight_x.grad[others] == 0)
        assert torch.all(critic.weight_x.grad[groups].abs().sum((1, 2)) > 0)
    critic.restrict(None)
    torch.testing.assert_close(critic(x, y), everything, rtol=0, atol=0)


def test_a_grouped_critic_scores_many_rows_in_chunks_as_in_one_piece():
    # Without gradients, rows beyond _SCORING_ROWS are scored chunk by chunk;
    # every row keeps its own score, in its place, restricted or not.
    from sklearn_mine._engine.grouped_critic import _SCORING_ROWS, GroupedCritic

    generator = torch.Generator().manual_seed(0)
    n = 2 * _SCORING_ROWS + 7
    x = torch.randn(n, 3, generator=generator)
    y = torch.randn(n, 1, generator=generator)
    critic = GroupedCritic([[0], [1, 2], [2]], 3, 1, hidden_units=8)
    for groups in (None, [0, 2]):
        critic.restrict(groups)
        whole = critic(x, y)  # gradients enabled: one piece
        with torch.no_grad():
            chunked = critic(x, y)
        assert chunked.shape == (3, n)
        torch.testing.assert_close(chunked, whole, rtol=1e-6, atol=1e-7)


@pytest.mark.slow
def test_chunks_of_a_wide_table_give_the_same_result(
    gaussian_case, tiny_result, monkeypatch
):
    # Wide tables are trained a few hundred critics at a time; here two.
    import sklearn_mine._engine.grouped as module

    monkeypatch.setattr(module, "_GROUPS_PER_FIT", 2)
    X, y, _ = gaussian_case
    # Up to float32 rounding: batched products of another number of critics
    # may round differently.
    np.testing.assert_allclose(
        mutual_info_mine(X, y, **TINY), tiny_result, rtol=1e-5, atol=1e-6
    )


def test_estimate_scores_every_marginal_pair_whatever_chose_the_epoch():
    # mutual_info_mine chooses each critic's epoch on as many held-out
    # marginal pairs as held-out pairs (iterator_valid__n_marginal), and
    # reports the estimate on the ten times as many of the readout's
    # evaluate.
    from sklearn_mine._engine.batches import PairDataset, marginal_eval_size
    from sklearn_mine._engine.critics import ConcatCritic
    from sklearn_mine._engine.net import build_net
    from sklearn_mine._engine.readout import evaluate

    X, y, _ = _gaussian_features(300, [0.8])
    pairs = PairDataset(
        torch.as_tensor(X, dtype=torch.float32),
        torch.as_tensor(y.reshape(-1, 1), dtype=torch.float32),
    )
    settings = dict(
        objective="mine",
        tau=5.0,
        denominator_ema_rate=0.01,
        weight_ema_rate=None,
        batch_size=64,
        marginal_batch_size=64,
        replace=False,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_steps=20,
        steps_per_epoch=20,
    )

    def net(**params):
        # One epoch: whatever its held-out bound read, its critic is kept.
        module_params = dict(n_features_x=1, n_features_y=1, random_state=0)
        net = build_net(ConcatCritic, module_params, pairs, None, settings)
        return net.set_params(**params).fit(pairs, None)

    full, lean = net(), net(iterator_valid__n_marginal=30)
    assert len(full.evaluation_batch(pairs).J) == marginal_eval_size(300)
    assert len(lean.evaluation_batch(pairs).J) == 30
    # The same critic (same seeds), so the same estimate on the same pairs.
    assert evaluate(lean, pairs)["estimate"] == evaluate(full, pairs)["estimate"]
    assert lean.history[-1, "valid_loss"] != full.history[-1, "valid_loss"]
