"""MutualInfoSelector: feature selection by the joint MI of the selected set."""

import sys
from itertools import combinations
from numbers import Integral, Real

import numpy as np
import torch
from scipy.stats import norm, t
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.model_selection import KFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._engine.batches import PairDataset
from ._engine.grouped import chunk_columns, chunk_groups, train_critics
from ._utils.constants import DEFAULT_MAX_STEPS, MIN_SAMPLES
from ._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
)
from ._utils.validation import (
    GROUPED_CONSTRAINTS,
    RENAMED,
    check_marginal_batch_size,
    check_not_constant,
    draw_seed,
    resolve_device,
    split_indices,
)

__all__ = ["MutualInfoSelector"]

# The training settings, as mutual_info_mine's (which also still takes their
# names before 0.2: a new estimator starts without them).
_TRAINING_CONSTRAINTS = {
    name: constraint
    for name, constraint in GROUPED_CONSTRAINTS.items()
    if name not in RENAMED
}

# The columns of history_, with their dtypes.
_HISTORY = {
    "features": object,
    "n_features": np.intp,
    "mutual_info": np.float64,
    "standard_error": np.float64,
    "gain": np.float64,
    "gain_standard_error": np.float64,
    "null_bound": np.float64,
    "accepted": bool,
}

# A forward selection trains, in every round, this many shadows beside the
# candidates: the selected set plus a permuted copy of a feature (a pair of
# them in a pair round), which carries nothing by construction, as in
# Boruta (Kursa and Rudnicki, 2010). Their gains show how much a candidate
# gains by training luck alone: late in a selection, with I(S; y) large,
# critics that differ by a noise column stop at different points and differ
# on the test rows by more than the gain's standard error, and the best of
# a hundred noise candidates then passes the test of its gain alone. Sixteen
# estimate the spread of that luck to about a fifth, at a sixth more
# critics in a round over a hundred candidates.
_N_SHADOWS = 16

# interactions="auto" tries the pairs of at most this many features: 990
# pairs, four trainings of _GROUPS_PER_FIT critics. With more left, those
# whose critics scored best in the single round: a feature of an interaction
# that tells something alone (x2 of x2 * x3 tells the spread of y) ranks
# near the top, where a noise feature's rank is a draw.
_MAX_PAIR_FEATURES = 45

# Each half of the held-out pairs needs two pairs at least: one pair's
# resampled marginal is the pair itself, and its bound is 0 whatever the
# critic.
_MIN_HALF = 2


def _split(n, validation_fraction, rng):
    """Training rows, rows that choose each round's feature, rows that test it."""
    train, valid = split_indices(n, validation_fraction, rng)
    short = 2 * _MIN_HALF - len(valid)
    if short > 0:
        train, valid = train[:-short], np.concatenate([train[-short:], valid])
    half = len(valid) // 2
    return train, valid[:half], valid[half:]


def _splits(n, cv, validation_fraction, rng):
    """Each fold's training, choosing and testing rows.

    One split without ``cv``; with it, scikit-learn's shuffled ``KFold``:
    each fold's held-out rows, halved, choose and test, so that every row
    tests once.
    """
    if cv is None:
        return [_split(n, validation_fraction, rng)]
    if n // cv < 2 * _MIN_HALF:
        raise ValueError(
            f"cv={cv} leaves {n // cv} held-out samples in a fold of the "
            f"{n}; each fold needs {2 * _MIN_HALF} at least: lower cv."
        )
    splits = []
    for train, valid in KFold(cv, shuffle=True, random_state=rng).split(np.empty(n)):
        half = len(valid) // 2
        splits.append((train, valid[:half], valid[half:]))
    return splits


def _pool(results, weights):
    """One round's results over the folds of a cross-fit, as one.

    ``results`` are each fold's ``(out, base)`` from ``_round_fold``;
    ``weights``, each fold's (choosing, testing) rows. The folds' test rows
    are disjoint, so an estimate is their rows' mean over all folds, and its
    variance the sum of the folds' variances, each weighted by its share of
    the rows squared, as each fold's test is independent of the others'
    (the critics, trained on overlapping rows, are taken as given, as
    cross-fitting does). The choice averages the folds' choosing rows
    alike. Each candidate's critics' weights: one per fold.
    """
    choose, test = (np.asarray(w, dtype=float) / np.sum(w) for w in zip(*weights))
    outs = [out for out, _ in results]

    def mean(values, w=test):
        return np.tensordot(w, np.asarray(values), axes=1)

    def error(values):
        return np.sqrt(np.tensordot(test**2, np.asarray(values) ** 2, axes=1))

    def stacked(key):
        return [out[key] for out in outs]

    pooled = {
        "choice": mean(stacked("choice"), choose),
        "estimates": mean(stacked("estimates")),
        "errors": error(stacked("errors")),
        "gains": mean(stacked("gains")),
        "gain_errors": error(stacked("gain_errors")),
        "states": [list(states) for states in zip(*stacked("states"))],
    }
    estimates, errors = zip(*(base for _, base in results))
    base = (float(mean(estimates)), float(error(errors)))
    return pooled, base


def _fit_chunk(z, groups, starts, y, seeds, sizes, batch_seed, params, baseline):
    """Train one chunk of critics and read them on the rows that test.

    The critics stop early, and are chosen between, on the first of the
    held-out rows (``sizes``: the training and choosing rows); the rest,
    which neither training nor those choices saw, read each critic's bound
    and, with ``baseline``, its difference with the last critic's on the
    same pairs. Returns those arrays and each critic's trained weights.
    """
    n_train, n_choose = sizes
    n_fit = n_train + n_choose
    net, choose_ds = train_critics(
        z[:n_fit], groups, y[:n_fit], seeds, n_train, batch_seed, params, starts
    )
    device = params["device"]
    test_ds = PairDataset(
        torch.as_tensor(z[n_fit:], device=device),
        torch.as_tensor(y[n_fit:], device=device),
    )
    test = net.evaluate(test_ds, baseline=len(groups) - 1 if baseline else None)
    if not baseline:
        test["differences"] = test["estimates"]
        test["difference_standard_errors"] = test["standard_errors"]
    return {
        "choice": net.evaluate(choose_ds)["estimates"],
        "estimates": test["estimates"],
        "errors": test["standard_errors"],
        "gains": test["differences"],
        "gain_errors": test["difference_standard_errors"],
        "states": [net.module_.group_state(g) for g in range(len(groups))],
    }


def _add_shadows(z, columns, n_shadows, rng):
    """Append ``n_shadows`` permuted copies of randomly drawn features to z.

    Each copy takes all the encoded columns of its feature, its rows
    permuted together, so that it keeps the feature's marginal and loses
    any relation to y and to the other features. Returns the wider z, the
    columns of every feature (the copies last) and the copies' indices.
    """
    blocks, shadow_columns = [z], []
    width = z.shape[1]
    for source in rng.randint(len(columns), size=n_shadows):
        block = z[:, columns[source]][rng.permutation(len(z))]
        shadow_columns.append(list(range(width, width + block.shape[1])))
        width += block.shape[1]
        blocks.append(block)
    shadows = list(range(len(columns), len(columns) + n_shadows))
    return np.hstack(blocks), [*columns, *shadow_columns], shadows


def _rows(columns, parent, features):
    """For each column of ``features``, its row in the critic of ``parent``.

    None where ``parent`` lacks the feature: that column's weights start at
    zero (see GroupedCritic.start_from).
    """
    position, rows = {}, []
    for j in parent:
        for c in columns[j]:
            position[c] = len(position)
    for j in features:
        rows.extend(position.get(c) for c in columns[j])
    return rows


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    """Feature selection by the mutual information of the selected set with y.

    Greedy selection, one feature per round: a forward round trains a MINE
    critic of every candidate set :math:`S \\cup \\{j\\}` against y, all in
    one batched training (the grouped critic of :func:`mutual_info_mine`),
    and adds the feature of the best one; a backward round does the same
    for every :math:`S \\setminus \\{j\\}` and removes the feature whose loss
    is least. Unlike ranking features one at a time
    (:class:`~sklearn.feature_selection.SelectKBest` with a univariate
    score), it keeps a pair of features that matter only together
    (:math:`y = x_1 x_2`, XOR) and skips copies of a feature already chosen,
    which add no information.

    The held-out pairs are split in two halves. The first stops each
    critic's training and chooses each round's feature; the second, seen by
    neither, tests the choice: the gain :math:`I(S \\cup \\{j\\}; y) - I(S;
    y)` is read on it, with its standard error, from both critics on the
    same pairs. With ``n_features_to_select="auto"`` selection stops at the
    first feature whose gain is not significantly above zero (or ``tol``),
    or not above what permuted copies of features (shadows, trained in the
    same round) gain by training luck, once it holds
    ``min_features_to_select`` features. With a count, a round whose single
    move fails that test also tries pairs (see ``interactions``).

    Parameters
    ----------
    n_features_to_select : "auto", int or float, default="auto"
        How many features to select. "auto" lets the evidence decide (see
        ``tol``); an int is a count; a float in (0, 1] a fraction of the
        features.
    direction : {"forward", "backward"}, default="forward"
        Add features one by one from none, or remove them one by one from
        all. Forward costs fewer and cheaper rounds when few features carry
        the information; backward sees every interaction from the start.
    min_features_to_select : int, default=1
        With "auto": the fewest features selected, whatever the evidence.
        Forward, a round below this count adds its best move even when its
        gain does not pass (its ``history_`` row still shows the gain);
        backward, removal stops there. As in scikit-learn's ``RFECV``, and
        as ``SequentialFeatureSelector``'s "auto" always keeps one feature:
        a model after the selector in a pipeline needs one at least. 0 lets
        "auto" answer that no feature carries information.
    tol : float or None, default=None
        With "auto": the least information, in nats, that a feature must add
        to be selected (forward), or lose when removed to be kept
        (backward). ``None`` asks instead that the gain's
        ``confidence_level`` interval exclude zero. Either way, a forward
        move must also exceed ``history_["null_bound"]`` (see Notes).
    confidence_level : float, default=0.95
        Level of the gain's two-sided normal interval that "auto" without
        ``tol`` reads.
    discrete_features : "auto", bool or array-like, default="auto"
        Which features are discrete (one-hot encoded for the critics), as in
        :func:`mutual_info_mine`.
    discrete_target : "auto" or bool, default="auto"
        Whether y holds class labels, whose classes are one-hot encoded as
        :func:`mutual_info_mine_classif` does. "auto": when y is not a float
        array and scikit-learn's ``type_of_target`` reads it as binary or
        multiclass (integers, strings, booleans).
    interactions : "auto" or bool, default="auto"
        Whether a forward round in which no single feature passes the test
        (its gain's interval and the shadows' bound, or ``tol``) also tries
        every pair of the remaining features, and adds the best
        pair if it passes. Features that carry information only together
        (y the XOR of two signs) add nothing one at a time, and greedy
        selection by single features never finds them. A pair round over m
        remaining features trains m(m - 1)/2 critics, (m - 1)/2 times a
        single round. "auto" tries the pairs of at most 45 features (990
        pairs): all of them when at most 45 are left, else the 45 whose
        critics scored best in the single round.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the critics and the batches.
    n_jobs : int or None, default=None
        Trainings run side by side in a round, with joblib's conventions.
    objective : {"mine", "dv", "mine-f", "nwj", "js", "smile", "infonce"}, \
default="mine"
        Training bound and reported estimate, as in :func:`mutual_info_mine`.
    tau : float, default=5.0
        Clipping of the "smile" bound.
    hidden_units : int, default=16
        Width of the hidden layers of each candidate set's critic.
    hidden_layers : int, default=2
        Hidden layers of each critic (at least 1).
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity of the critics.
    batch_size : int, default=256
        Joint pairs per gradient step.
    marginal_batch_size : int or None, default=None
        Marginal pairs per step; ``None``: as many as ``batch_size``.
    replace : bool, default=False
        Whether marginal pairs are drawn with replacement.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        Optimiser of the critics.
    lr : float, default=1e-2
        Learning rate.
    denominator_ema_rate : float, default=0.01
        Rate of MINE's moving average of the denominator.
    weight_ema_rate : float or None, default=0.04
        Rate of the moving average of the critics' weights that is scored and
        kept; ``None`` scores the last step's.
    max_steps : int, default=4000
        Most gradient steps of one round.
    steps_per_epoch : int, default=25
        Gradient steps between two held-out evaluations.
    patience : int or None, default=12
        Evaluations without a better bound before a critic is frozen. Twice
        :func:`mutual_info_mine`'s: after the first round a critic starts
        from its parent and must learn what its new column adds from zero
        weights, a small change read on half the held-out pairs. On four
        synthetic families over three seeds, "auto" found exactly the
        informative set in 5 of 12 fits with patience 6, 11 with 12 and 9
        with 20, at 1.9 and 2.6 times the time of 6 (``docs/selection.md``).
    cv : int or None, default=None
        Cross-fitting. None: one split, ``validation_fraction`` of the rows
        held out. An int k: k folds (scikit-learn's shuffled ``KFold``); in
        each round every fold's critics train on the other folds' rows and
        are read on its own, half to choose and half to test, and the
        choice and the gains pool all folds, so that every row tests once.
        A round then costs k trainings, each on (k - 1)/k of the rows.
        With 3 folds a fold's halves each read 1/6 of the rows, as 0.3 held
        out gives 15 %, but pooled they read half the rows each. For a few
        hundred rows, where one split's halves of some 50 pairs hardly
        tell a third feature's gain from a fourth's: ``cv=3`` lifted the
        cross-validated R^2 of RidgeCV after 4 features of scikit-learn's
        diabetes table from 0.433 to 0.446, at two to three times the time
        (``docs/selection.md``). ``validation_fraction`` is then unused.
    validation_fraction : float, default=0.3
        Fraction of the samples held out, half to choose and half to test
        (at least two in each half). On a few hundred rows the halves limit
        the choices: with a count to select, 0.5 chose better features on
        scikit-learn's diabetes table (442 rows), no better on three
        synthetic families of 400 rows, and worse on tables of 1000 rows
        (``docs/selection.md``).
    preprocessing : {"quantile", "standard"}, default="quantile"
        Transform of each continuous column before training.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where the critics train.
    verbose : int, default=0
        1 prints one line per round on stderr; 2 also shows progress bars.

    Attributes
    ----------
    n_features_to_select_ : int
        Number of features selected.
    support_ : ndarray of shape (n_features,)
        Mask of the selected features.
    mutual_info_ : float
        Estimated mutual information of the selected set with y, in nats,
        on the test half of the held-out pairs (with ``cv``, pooled over
        the folds' test halves; 0 for an empty set).
    standard_error_ : float
        Its delta-method standard error.
    history_ : dict of ndarrays
        One entry per round played, in order, ready for ``pandas.DataFrame``:
        ``"features"`` (a tuple: the feature the round chose to add or
        remove, or the pair of a pair round; see ``interactions``),
        ``"n_features"`` (the size of the set it would give,
        :math:`S'`), ``"mutual_info"`` and ``"standard_error"``
        (:math:`I(S'; y)` and its error), ``"gain"`` and
        ``"gain_standard_error"`` (:math:`I(S'; y) - I(S; y)`, negative for
        a removal), ``"null_bound"`` (the gain the move had to exceed: the
        bound, at ``confidence_level``, on the best of as many moves that
        carry nothing, from the shadows' gains; NaN backward) and
        ``"accepted"`` (whether the move was made: False for
        the round at which "auto" stopped, and for a single round overtaken
        by a pair round; True, whatever the gain, for a round that a count
        to reach forced, ``min_features_to_select`` with "auto").
    scores_ : ndarray of shape (n_rounds, n_features)
        Each round's held-out estimate of :math:`I(S'; y)` for the set that
        each candidate would give, as the choice read it (in a pair round,
        the best pair holding the feature); NaN for features that were not
        candidates (in a pair round: not among the features paired).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of those features, when X has string column names.

    See Also
    --------
    mutual_info_mine : The MI of each feature with y, one at a time.
    sklearn.feature_selection.SequentialFeatureSelector : Greedy selection by
        a model's cross-validated score.

    Notes
    -----
    A round over d candidates costs one to four :func:`mutual_info_mine`
    calls over d features (``docs/selection.md``): its critics are as small,
    and the candidate sets' extra columns widen their first layer only, but
    they stop later (see ``patience``), more train beside them, and a round
    that learns an interaction (the second of an XOR) trains until the
    pair's critic has learnt it. The
    baseline set :math:`S` is trained again in each round beside the
    candidates, so that its bound and theirs are read on the same pairs;
    forward, 16 shadows are trained too (below).

    The choice of each round is the largest of many noisy estimates, so its
    estimate on the pairs it was chosen on is biased up; on the test half
    it is not. The gain's interval covers the held-out sampling error of
    the two critics as trained; it does not cover the chance that one
    critic trained better than the other, which grows with :math:`I(S;
    y)`: the best of a hundred critics that each add a noise column to a
    well-informed set gains, on the test rows too, several standard errors.
    A forward selection therefore also trains, in every round, 16 shadows:
    the set plus a feature's column with its rows permuted (two in a pair
    round), which carry nothing by construction, as in Boruta (Kursa and
    Rudnicki, 2010). Their gains give the spread of that luck, and the
    best move must exceed the Bonferroni-corrected Student bound on the
    best of as many moves that carry nothing (``history_["null_bound"]``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import MutualInfoSelector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((1000, 3))
    >>> y = X[:, 0] * X[:, 1] + 0.1 * rng.standard_normal(1000)
    >>> selector = MutualInfoSelector(n_features_to_select=2, random_state=0)
    >>> selector.fit(X, y).get_support(indices=True)
    array([0, 1])
    """

    _parameter_constraints = {
        "n_features_to_select": [
            StrOptions({"auto"}),
            Interval(RealNotInt, 0, 1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "direction": [StrOptions({"forward", "backward"})],
        "min_features_to_select": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "confidence_level": [Interval(Real, 0, 1, closed="neither")],
        "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
        "discrete_target": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
        "interactions": [StrOptions({"auto"}), "boolean"],
        "n_jobs": [Integral, None],
        "cv": [Interval(Integral, 2, None, closed="left"), None],
        **_TRAINING_CONSTRAINTS,
    }

    def __init__(
        self,
        n_features_to_select="auto",
        *,
        direction="forward",
        min_features_to_select=1,
        tol=None,
        confidence_level=0.95,
        discrete_features="auto",
        discrete_target="auto",
        interactions="auto",
        random_state=None,
        n_jobs=None,
        objective="mine",
        tau=5.0,
        hidden_units=16,
        hidden_layers=2,
        activation="elu",
        batch_size=256,
        marginal_batch_size=None,
        replace=False,
        optimizer=torch.optim.Adam,
        lr=1e-2,
        denominator_ema_rate=0.01,
        weight_ema_rate=0.04,
        max_steps=DEFAULT_MAX_STEPS,
        steps_per_epoch=25,
        patience=12,
        cv=None,
        validation_fraction=0.3,
        preprocessing="quantile",
        device="cpu",
        verbose=0,
    ):
        self.n_features_to_select = n_features_to_select
        self.direction = direction
        self.min_features_to_select = min_features_to_select
        self.tol = tol
        self.confidence_level = confidence_level
        self.discrete_features = discrete_features
        self.discrete_target = discrete_target
        self.interactions = interactions
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.objective = objective
        self.tau = tau
        self.hidden_units = hidden_units
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.batch_size = batch_size
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.optimizer = optimizer
        self.lr = lr
        self.denominator_ema_rate = denominator_ema_rate
        self.weight_ema_rate = weight_ema_rate
        self.max_steps = max_steps
        self.steps_per_epoch = steps_per_epoch
        self.patience = patience
        self.cv = cv
        self.validation_fraction = validation_fraction
        self.preprocessing = preprocessing
        self.device = device
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _is_discrete_target(self, y):
        if self.discrete_target != "auto":
            return self.discrete_target
        return y.dtype.kind != "f" and type_of_target(y) in ("binary", "multiclass")

    def _target_count(self, n_features):
        """The number of features to end with, or None for "auto"."""
        count = self.n_features_to_select
        if count == "auto":
            if self.min_features_to_select > n_features:
                raise ValueError(
                    f"min_features_to_select={self.min_features_to_select} "
                    f"exceeds the {n_features} features of X."
                )
            return None
        if isinstance(count, Real) and not isinstance(count, Integral):
            return max(1, int(count * n_features))
        if count > n_features:
            raise ValueError(
                f"n_features_to_select={count} exceeds the {n_features} features of X."
            )
        return count

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Select features by the mutual information of the selected set with y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The features.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target: continuous (several columns are considered jointly)
            or class labels (see ``discrete_target``).

        Returns
        -------
        self : MutualInfoSelector
            The fitted selector.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype="numeric",
            multi_output=True,
            ensure_min_samples=MIN_SAMPLES,
        )
        discrete_target = self._is_discrete_target(y)
        if discrete_target:
            if y.ndim > 1 and y.shape[1] > 1:
                raise ValueError(
                    f"A discrete target must be one column; y has shape {y.shape}."
                )
            y = y.reshape(-1)
        else:
            y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        check_not_constant(y.reshape(len(y), -1), "y")
        target = self._target_count(X.shape[1])

        params = {name: getattr(self, name) for name in _TRAINING_CONSTRAINTS}
        params["device"] = resolve_device(self.device)
        params["verbose"] = self.verbose >= 2
        rng = check_random_state(self.random_state)
        splits = _splits(X.shape[0], self.cv, self.validation_fraction, rng)
        params["marginal_batch_size"] = check_marginal_batch_size(
            self.marginal_batch_size,
            self.batch_size,
            self.replace,
            min(len(train) for train, _, _ in splits),
        )
        # Encoded in the first fold's order: the preprocessing is fitted on
        # every row whatever the order, and the other folds take theirs.
        rows = np.concatenate(splits[0])
        y_enc = encode_target(y, discrete_target, self.preprocessing, rows)
        z, columns = encode_features(
            X,
            discrete_features_mask(self.discrete_features, X),
            self.preprocessing,
            rows,
        )
        # One seed for the first round's critics and one for the batches,
        # as in mutual_info_mine; later rounds start from the critic chosen
        # in the round before (see _round).
        seeds = (draw_seed(rng), draw_seed(rng))
        shadows = []
        if self.direction == "forward":
            # Drawn after the seeds: the candidates train as they would
            # without them. Half for the single rounds, half to pair with
            # them in pair rounds.
            z, columns, shadows = _add_shadows(z, columns, 2 * _N_SHADOWS, rng)
        position = np.empty(len(rows), dtype=np.intp)
        position[rows] = np.arange(len(rows))
        folds = []
        for k, split in enumerate(splits):
            order = position[np.concatenate(split)]
            sizes = (len(split[0]), len(split[1]))
            folds.append(
                (z, y_enc, sizes) if k == 0 else (z[order], y_enc[order], sizes)
            )
        self._run_rounds(folds, columns, target, seeds, params, shadows)
        return self

    def _null_bound(self, gains, n_moves):
        """The gain that the best of ``n_moves`` candidates carrying nothing
        stays below, at ``confidence_level``, by the shadows' ``gains``.

        A one-sided Student prediction bound for one more draw from the
        shadows' distribution, at the level divided among the round's moves
        (Bonferroni): the move chosen is the best of them by training luck
        as much as by information.
        """
        n = len(gains)
        level = 1 - (1 - self.confidence_level) / 2 / n_moves
        spread = np.std(gains, ddof=1) * np.sqrt(1 + 1 / n)
        return float(np.mean(gains) + t.ppf(level, n - 1) * spread)

    def _significant(self, gain, error):
        if self.tol is not None:
            return gain > self.tol
        return gain - norm.ppf(0.5 + self.confidence_level / 2) * error > 0

    def _pair_features(self, single, candidates, room):
        """The features whose pairs a round that found no single one tries.

        ``single`` is the single round's record. Empty when pairs are not
        wanted or there is no room for two more features.
        """
        if room < 2 or len(candidates) < 2 or self.interactions is False:
            return []
        if self.interactions is True or len(candidates) <= _MAX_PAIR_FEATURES:
            return candidates
        # A stable sort, so that ties keep the features' order.
        best = np.argsort(-single["scores"][candidates], kind="stable")
        return sorted(candidates[i] for i in best[:_MAX_PAIR_FEATURES])

    def _run_rounds(self, folds, columns, target, seeds, params, shadows):
        n_features = len(columns) - len(shadows)
        # The shadows of single rounds, and of pair rounds (see _N_SHADOWS).
        half = len(shadows) // 2
        null_moves = (
            [(s,) for s in shadows[:half]],
            list(zip(shadows[:half], shadows[half:])),
        )
        forward = self.direction == "forward"
        selected = [] if forward else list(range(n_features))
        auto = target is None
        if auto:
            # "auto" may end anywhere from every feature down to its least.
            target = n_features if forward else self.min_features_to_select
        played = []
        # The (estimate, error) of the selected set on the test rows, and
        # the weights of its critic.
        current = None if selected else (0.0, 0.0)
        # The critic that chose the current set, one per fold.
        parents = [None] * len(folds)
        while (len(selected) < target) if forward else (len(selected) > target):
            candidates = (
                [j for j in range(n_features) if j not in selected]
                if forward
                else list(selected)
            )
            context = (folds, columns, n_features, parents, seeds, params)
            rounds = [
                self._play(
                    [(j,) for j in candidates],
                    selected,
                    forward,
                    context,
                    null_moves[0],
                )
            ]
            paired = (
                self._pair_features(rounds[0], candidates, target - len(selected))
                if forward and not rounds[0]["ok"]
                else []
            )
            if paired:
                # Features that carry information only together (XOR): no
                # one of them adds any alone, the pair adds all of it.
                pairs = list(combinations(paired, 2))
                rounds.append(
                    self._play(pairs, selected, forward, context, null_moves[1])
                )
            current = rounds[0]["base"]
            chosen = next((r for r in rounds if r["ok"]), None)
            if chosen is None and not (
                auto and len(selected) >= self.min_features_to_select
            ):
                # A count to reach: the best single move, though it did not
                # pass ("auto" gives up here once it has its least).
                chosen = rounds[0]
            for r in rounds:
                r["accepted"] = r is chosen
                played.append(r)
                if self.verbose:
                    self._report(len(played), r, forward)
            if chosen is None:
                break
            selected = chosen["set"]
            current = (chosen["mutual_info"], chosen["standard_error"])
            parents = chosen["state"]
        if current is None:
            # No round ran (backward, asked to keep every feature): the set's
            # MI is read by its own critic.
            context = (folds, columns, n_features, [None] * len(folds), seeds, params)
            whole = self._play([tuple(selected)], [], True, context)
            current = (whole["mutual_info"], whole["standard_error"])
        support = np.zeros(n_features, dtype=bool)
        support[selected] = True
        self.support_ = support
        self.n_features_to_select_ = int(support.sum())
        # As mutual_info_mine does, a negative estimate is reported as 0.
        self.mutual_info_ = float(max(current[0], 0.0))
        self.standard_error_ = float(current[1])
        # np.fromiter makes a 1-D array of tuples, where np.array would make
        # tuples of one length a 2-D array.
        self.history_ = {
            key: np.fromiter((r[key] for r in played), dtype=dtype, count=len(played))
            for key, dtype in _HISTORY.items()
        }
        self.scores_ = np.array([r["scores"] for r in played]).reshape(
            len(played), n_features
        )

    def _play(self, moves, selected, forward, context, null_moves=()):
        """One round: every move from ``selected``, trained together; the best.

        ``moves`` are tuples of features to add (forward) or remove;
        ``null_moves`` add shadows (see _N_SHADOWS), trained beside them and
        never chosen. Returns the best move's record (see ``history_``),
        with its new set, its critic's weights, whether the move passes the
        test (``"ok"``), the round's scores, and the baseline's (estimate,
        error).
        """
        folds, columns, n_features, parents, seeds, params = context
        new_sets = [
            selected + list(move) if forward else [k for k in selected if k not in move]
            for move in [*moves, *null_moves]
        ]
        out, base = self._round(
            folds, columns, new_sets, selected, parents, seeds, params
        )
        n_moves = len(moves)
        null_bound = (
            self._null_bound(out["gains"][n_moves:], n_moves) if null_moves else np.nan
        )
        best = int(np.argmax(out["choice"][:n_moves]))
        scores = np.full(n_features, np.nan)
        for move, choice in zip(moves, out["choice"]):
            for j in move:
                # With pairs: each feature's best pair.
                scores[j] = np.fmax(scores[j], choice)
        gain, gain_error = out["gains"][best], out["gain_errors"][best]
        return {
            "features": moves[best],
            "n_features": len(new_sets[best]),
            "mutual_info": out["estimates"][best],
            "standard_error": out["errors"][best],
            "gain": gain,
            "gain_standard_error": gain_error,
            "null_bound": null_bound,
            # Forward, a move is made when its gain is significant and above
            # what the shadows gain by luck (a comparison that NaN, without
            # shadows, always passes); backward, unless what it takes away
            # is significant.
            "ok": self._significant(gain, gain_error) and not gain <= null_bound
            if forward
            else not self._significant(-gain, gain_error),
            "set": new_sets[best],
            "state": out["states"][best],
            "scores": scores,
            "base": base,
        }

    @staticmethod
    def _report(n_round, record, forward):
        print(
            f"round {n_round}: {'adds' if forward else 'removes'} "
            f"{' and '.join(f'feature {j}' for j in record['features'])}, I = "
            f"{record['mutual_info']:.4f} +/- {record['standard_error']:.4f} nats, "
            f"gain {record['gain']:+.4f} +/- {record['gain_standard_error']:.4f}"
            + (
                ""
                if np.isnan(record["null_bound"])
                else f" (luck bound {record['null_bound']:+.4f})"
            )
            + ("" if record["accepted"] else ": not made"),
            file=sys.stderr,
        )

    def _round(self, folds, columns, new_sets, baseline, parents, seeds, params):
        """``_round_fold`` in each fold (``folds``: its rows of z and y, and
        its training and choosing rows' counts), from that fold's parent;
        pooled (see ``_pool``). Each ``"states"`` entry: one per fold."""
        results = [
            self._round_fold(
                z, y, columns, new_sets, baseline, parent, seeds, sizes, params
            )
            for (z, y, sizes), parent in zip(folds, parents)
        ]
        if len(results) == 1:
            out, base = results[0]
            return {**out, "states": [[state] for state in out["states"]]}, base
        weights = [(sizes[1], len(z) - sum(sizes)) for z, _, sizes in folds]
        return _pool(results, weights)

    def _round_fold(
        self, z, y, columns, new_sets, baseline, parent, seeds, sizes, params
    ):
        """Train the critics of ``new_sets`` and of ``baseline``; compare them.

        Every critic starts from ``parent`` (the critic that chose the
        baseline, as returned by the round before; None in the first round),
        with zero weights on the columns it adds: the baseline and each
        candidate set then train alike, on the same batches, from the same
        function, and differ only in what the candidate's columns add.

        Returns a dict of arrays over the new sets (``"choice"``: the
        estimates on the rows that choose; ``"estimates"``, ``"errors"``,
        ``"gains"`` over the baseline and ``"gain_errors"`` on the rows that
        test; ``"states"``, their critics' weights) and the baseline's
        (estimate, error) on the test rows. An empty set's MI is 0 and needs
        no critic.
        """
        critic_seed, batch_seed = seeds
        sets = [s for s in new_sets if s] + ([baseline] if baseline else [])
        kept = [g for g, s in enumerate(new_sets) if s]
        n_candidates = len(kept)
        groups = [[c for j in s for c in columns[j]] for s in sets]
        starts = [
            None if parent is None else (parent, _rows(columns, baseline, s))
            for s in sets
        ]
        # The baseline is trained in every chunk, beside its candidates.
        chunks = [
            [*chunk, *([len(sets) - 1] if baseline else [])]
            for chunk in (
                chunk_groups(n_candidates, self.n_jobs) if n_candidates else [[]]
            )
        ]
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_chunk)(
                *chunk_columns(z, [groups[g] for g in chunk]),
                [starts[g] for g in chunk],
                y,
                [critic_seed] * len(chunk),
                sizes,
                batch_seed,
                params,
                bool(baseline),
            )
            for chunk in chunks
        )
        out = {key: [None] * len(new_sets) for key in results[0]}
        for chunk, result in zip(chunks, results):
            # The candidates, less the baseline at the end.
            for g, i in enumerate(chunk[: len(chunk) - bool(baseline)]):
                for key, values in result.items():
                    out[key][kept[i]] = values[g]
        base = (
            (results[0]["estimates"][-1], results[0]["errors"][-1])
            if baseline
            else (0.0, 0.0)
        )
        for g, s in enumerate(new_sets):
            if not s:
                # Removing the last feature leaves nothing: its loss is all
                # of I(S).
                out["choice"][g], out["estimates"][g], out["errors"][g] = 0.0, 0.0, 0.0
                out["gains"][g], out["gain_errors"][g] = -base[0], base[1]
        out = {
            key: value if key == "states" else np.array(value)
            for key, value in out.items()
        }
        return out, base

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_
