"""The MutualInfoSelector estimator: its parameters, its fit, its rounds' loop."""

from functools import partial
from itertools import combinations
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils.constants import DEFAULT_MAX_STEPS, MIN_SAMPLES
from .._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
)
from .._utils.parameters import constraints
from .._utils.validation import (
    GROUPED_CRITICS,
    check_marginal_batch_size,
    class_critic,
    draw_seed,
    per_feature_critic,
    resolve_device,
)
from ._crossfit import encoding_order, make_folds, make_splits
from ._report import history_table, log_move, round_scores
from ._rounds import MoveTest, Training, best_move, pair_features, read_set
from ._screen import convex_scores
from ._shadows import NullMoves, draw_shadows
from ._target import check_target, target_count

__all__ = ["MutualInfoSelector"]

# The training settings, from the one table of them: mutual_info_mine's less
# the old names of renamed parameters, which a new estimator never took.
_TRAINING_CONSTRAINTS = constraints("MutualInfoSelector")


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    """Feature selection by the mutual information of the selected set with y.

    Greedy selection, one feature per round: a forward round fits a MINE
    critic of every candidate set :math:`S \\cup \\{j\\}` against y, all in
    one batch (by default MLPs trained together, the grouped critic of
    :func:`mutual_info_mine`; see ``critic``), and adds the feature of the
    best one; a backward round does the same for every
    :math:`S \\setminus \\{j\\}` and removes the feature whose loss is least.
    Unlike ranking features one at a time
    (:class:`~sklearn.feature_selection.SelectKBest` with a univariate
    score), it keeps a pair of features that matter only together
    (:math:`y = x_1 x_2`, XOR) and skips copies of a feature already chosen,
    which add no information.

    The held-out pairs are split in two halves. The first stops each
    critic's training and chooses each round's feature; the second, seen by
    neither, tests the choice: the gain :math:`I(S \\cup \\{j\\}; y) - I(S;
    y)` is read on it, with its standard error, from both critics on the
    same pairs. With ``n_features_to_select="auto"``, forward selection
    stops at the first move whose gain is not above what the best of as many
    permuted copies of features (shadows, trained in the same round) would
    gain by luck, ``history_["null_bound"]``, once it holds
    ``min_features_to_select`` features: in a round where no feature
    carries anything, a move is made with probability at most
    (1 - ``confidence_level``)/2. It promises no more: on a few
    hundred rows a feature that a downstream model would use often adds too
    little to be told from luck, and "auto" keeps fewer features than such
    a model wants (``docs/selection.md``); read ``history_`` (or
    :func:`~sklearn_mine.plotting.plot_selection`) and ask for a count
    there. With a count, a round whose single move fails that test also
    tries pairs (see ``interactions``).

    Parameters
    ----------
    n_features_to_select : "auto", int or float, default="auto"
        How many features to select. "auto" adds features while each gains
        more than luck would (see above, and ``tol``); an int is a count; a
        float in (0, 1] a fraction of the features.
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
        (backward). Either way, a forward move must also exceed
        ``history_["null_bound"]`` (see Notes); ``None`` asks no more of it.
        Backward without ``tol``, a feature is kept when the loss's
        two-sided ``confidence_level`` interval excludes zero.
    confidence_level : float, default=0.95
        Level of the shadows' bound on a forward move's gain, and of the
        backward loss's interval.
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
        (the shadows' bound, and ``tol``) also tries
        every pair of the remaining features, and adds the best
        pair if it passes. Features that carry information only together
        (y the XOR of two signs) add nothing one at a time, and greedy
        selection by single features never finds them. A pair round over m
        remaining features trains m(m - 1)/2 critics, (m - 1)/2 times a
        single round. "auto" tries the pairs of at most 45 features (990
        pairs): all of them when at most 45 are left, else the 45 whose
        critics scored best in the single round (with the MLP critics,
        the 45 that full convex critics rank best). A pair round's convex
        critics are first solved cheaply, and the 16 best solved in full;
        its MLP critics train for the 16 that cheap convex critics rank
        best (see Notes), screened by successive halving: half of those
        still training, the least promising, are frozen at its 8th, 16th,
        32nd, ... evaluation. Either way it costs a few single rounds.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the critics and the batches.
    n_jobs : int or None, default=None
        Trainings run side by side in a round, with joblib's conventions.
    critic : {"auto", "concat", "convex"}, default="auto"
        ``"auto"``: ``"convex"`` for a discrete target of at most 5 classes
        and 15,000 rows times classes, with every MLP training setting
        below at its default (as :func:`mutual_info_mine_classif`'s
        estimates: on breast cancer the same held-out accuracy within its
        error at a twentieth of the time or less, ``docs/convex.md``, "The
        selector"), ``"concat"`` otherwise. ``"concat"``: each candidate
        set's critic is an MLP on its columns and y, trained by gradient
        steps from the critic that chose the current set (the settings
        below). ``"convex"``: the critic that
        chose the current set plus a readout of random features of the
        set's columns and y, solved by a few Newton steps on the
        Donsker-Varadhan bound (``docs/convex.md``), a tenth of the time or
        less, as accurate on most cases measured but readier to add a near
        copy of a chosen feature (``docs/convex.md``, "The selector"); the
        MLP's training settings, from ``objective`` to ``patience``, do not
        apply to it, and setting one of them with it is refused.
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
        weights, a small change read on half the held-out pairs. 12 found
        the informative set more often than 6 or 20, at a cost between
        theirs (``docs/selection.md``).
    cv : int, cross-validation generator, iterable or None, default=None
        Cross-fitting. None: one split, ``validation_fraction`` of the rows
        held out. Otherwise, in each round every fold's critics train on
        its training rows and are read on its test rows, half to choose and
        half to test, and the choice and the gains pool all folds. An int
        k: k folds of a shuffled ``KFold`` seeded by ``random_state``, so
        that every row tests once; a splitter (``KFold``, ``ShuffleSplit``,
        ``StratifiedKFold``, ...) or an iterable of (train, test) index
        arrays: its folds, as :func:`~sklearn.model_selection.check_cv`
        reads them. The pooled errors take the folds' tests as independent,
        as they are when the test rows are disjoint. A round costs a
        training per fold; the pooled halves read more rows than one
        split's, which helps on a few hundred rows, where one split's
        halves hardly tell a third feature's gain from a fourth's
        (``docs/selection.md``). ``validation_fraction`` is then unused.
    validation_fraction : float, default=0.3
        Fraction of the samples held out, half to choose and half to test
        (at least two in each half); unused with ``cv``. On a few hundred
        rows the halves limit the choices, and a larger fraction can choose
        better (``docs/selection.md``).
    preprocessing : {"quantile", "standard"}, default="quantile"
        Transform of each continuous column before training.
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where the critics train.
    verbose : int, default=0
        1 logs one line per round at the INFO level, with :mod:`logging`
        (the logger ``"sklearn_mine._selection"``, under ``"sklearn_mine"``;
        ``logging.basicConfig(level=logging.INFO)`` shows it); 2 also shows
        progress bars on stderr.

    Attributes
    ----------
    n_features_to_select_ : int
        Number of features selected.
    critic_ : str
        The critics that selected them: ``critic``, ``"auto"`` resolved.
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
        candidates (in a pair round: not among the features paired). In a
        round of MLP critics with more than 16 candidates, the estimates of
        the cheap convex critics that chose the 16 the MLP critics trained
        (see Notes).
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
    With the MLP critics, a round over d candidates costs a few
    :func:`mutual_info_mine` calls over d features (``docs/selection.md``;
    the convex critics cost a tenth of that or less): its critics are as
    small, and the candidate sets' extra columns widen their first layer
    only, but they stop later (see ``patience``), more train beside them,
    and a round that learns an interaction (the second of an XOR) trains
    until the pair's critic has learnt it. A round of more than 16
    candidates (a single round over more than 16 features, a pair round
    over more than 6) first ranks them all by cheap convex critics
    (forward, each added to a convex critic of :math:`S`), and trains MLP
    critics for the best 16 only: its cost then stays near that of 16
    candidates, whatever d (noise-100, 100 features: a third to a quarter
    of the time; ``docs/selection.md``). The baseline set :math:`S` is
    trained again in each round beside the candidates, so that its bound
    and theirs are read on the same pairs; forward, shadows are trained too
    (below).

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
    The shadows' gains are read on the same test pairs as the moves', so
    the bound covers the pairs' sampling too, and "auto" asks no interval
    of the gain besides.

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
        "cv": ["cv_object"],
        "critic": [StrOptions({"auto", *GROUPED_CRITICS})],
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
        critic="auto",
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
        self.critic = critic
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
        y, discrete_target = check_target(y, self.discrete_target)
        target = target_count(
            self.n_features_to_select, self.min_features_to_select, X.shape[1]
        )
        self.critic_ = self._resolve_critic(y, discrete_target)
        training, null_moves = self._prepare(X, y, discrete_target)
        selected, current, played = self._select(training, null_moves, target)
        self._store(selected, current, played, X.shape[1])
        return self

    def _resolve_critic(self, y, discrete_target):
        """``critic``, ``"auto"`` resolved by the per-feature functions'
        rule; a convex critic with an MLP training setting other than its
        default refused, as Newton's method reads none of them."""
        settings = {name: getattr(self, name) for name in _TRAINING_CONSTRAINTS}
        critic = per_feature_critic(
            self.critic,
            False,
            settings,
            type(self).__name__,
            classes=discrete_target,
            entry_point="MutualInfoSelector",
        )
        return class_critic(critic, y)

    def _prepare(self, X, y, discrete_target):
        """The folds' encoded rows, the seeds and settings, and the shadows."""
        params = {name: getattr(self, name) for name in _TRAINING_CONSTRAINTS}
        params["device"] = resolve_device(self.device)
        params["verbose"] = self.verbose >= 2
        rng = check_random_state(self.random_state)
        splits = make_splits(X, y, self.cv, self.validation_fraction, rng)
        params["marginal_batch_size"] = check_marginal_batch_size(
            self.marginal_batch_size,
            self.batch_size,
            self.replace,
            min(len(train) for train, _, _ in splits),
        )
        # Encoded in the first fold's order: the preprocessing is fitted on
        # every row whatever the order, and the other folds take theirs.
        order = encoding_order(splits, len(X))
        y_enc = encode_target(y, discrete_target, self.preprocessing, order)
        z, columns = encode_features(
            X,
            discrete_features_mask(self.discrete_features, X),
            self.preprocessing,
            order,
        )
        # One seed for the first round's critics and one for the batches,
        # as in mutual_info_mine; later rounds start from the critic chosen
        # in the round before.
        seeds = (draw_seed(rng), draw_seed(rng))
        null_moves = NullMoves()
        if self.direction == "forward":
            # Drawn after the seeds: the candidates train as they would
            # without them.
            z, columns, null_moves = draw_shadows(z, columns, rng)
        training = Training(
            folds=make_folds(z, y_enc, splits, order),
            columns=columns,
            n_features=X.shape[1],
            seeds=seeds,
            params=params,
            n_jobs=self.n_jobs,
            critic=self.critic_,
        )
        return training, null_moves

    def _select(self, training, null_moves, target):
        """Play the rounds: the selected features, the (estimate, error) of
        their set on the test rows, and every round's best Move, in order.
        """
        forward = self.direction == "forward"
        test = MoveTest(forward, self.tol, self.confidence_level)
        n_features = training.n_features
        selected = [] if forward else list(range(n_features))
        auto = target is None
        if auto:
            # "auto" may end anywhere from every feature down to its least.
            target = n_features if forward else self.min_features_to_select
        played = []
        current = None if selected else (0.0, 0.0)
        # The critic that chose the current set, one per fold.
        parents = [None] * len(training.folds)
        while (len(selected) < target) if forward else (len(selected) > target):
            candidates = (
                [j for j in range(n_features) if j not in selected]
                if forward
                else list(selected)
            )
            single = best_move(
                [(j,) for j in candidates],
                selected,
                parents,
                training,
                test,
                null_moves.single,
            )
            moves = [single]
            paired = (
                pair_features(
                    single.scores,
                    candidates,
                    target - len(selected),
                    self.interactions,
                    None
                    if training.critic == "convex"
                    else partial(convex_scores, selected=selected, training=training),
                )
                if forward and not single.passes
                else []
            )
            if paired:
                # Features that carry information only together (XOR): no
                # one of them adds any alone, the pair adds all of it.
                pairs = list(combinations(paired, 2))
                moves.append(
                    best_move(
                        pairs, selected, parents, training, test, null_moves.pairs
                    )
                )
            current = single.baseline
            chosen = next((move for move in moves if move.passes), None)
            if chosen is None and not (
                auto and len(selected) >= self.min_features_to_select
            ):
                # A count to reach: the best single move, though it did not
                # pass ("auto" gives up here once it has its least).
                chosen = single
            for move in moves:
                move.accepted = move is chosen
                played.append(move)
                if self.verbose:
                    log_move(len(played), move, forward)
            if chosen is None:
                break
            selected = chosen.new_set
            current = (chosen.mutual_info, chosen.standard_error)
            parents = chosen.critics
        if current is None:
            # No round ran (backward, asked to keep every feature): the set's
            # MI is read by its own critic.
            current = read_set(selected, training)
        return selected, current, played

    def _store(self, selected, current, played, n_features):
        support = np.zeros(n_features, dtype=bool)
        support[selected] = True
        self.support_ = support
        self.n_features_to_select_ = int(support.sum())
        # As mutual_info_mine does, a negative estimate is reported as 0.
        self.mutual_info_ = float(max(current[0], 0.0))
        self.standard_error_ = float(current[1])
        self.history_ = history_table(played)
        self.scores_ = round_scores(played, n_features)

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_
