"""mutual_info_mine: the MI of each feature (or group of features) with y."""

import math
import warnings
from numbers import Integral

import numpy as np
import torch
from joblib import effective_n_jobs
from scipy.sparse import issparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_array, check_X_y

from ._batches import PairDataset, marginal_eval_size
from ._callbacks import GroupEarlyStopping, ProgressBar
from ._constants import DEFAULT_MAX_STEPS, MIN_SAMPLES
from ._critics import GroupedCritic
from ._docstrings import with_parameters_doc
from ._encoding import one_hot
from ._net import build_net
from ._preprocessing import fit_marginal_transform, transform_rows
from ._validation import (
    TRAINING_CONSTRAINTS,
    check_marginal_batch_size,
    constant_columns,
    draw_seed,
    resolve_device,
    resolve_renamed,
    split_indices,
)

__all__ = ["mutual_info_mine", "mutual_info_mine_classif"]

# The grouped critic needs a hidden layer, where MINEEstimator's may be linear.
# Shared with MutualInfoSelector, which trains the same critics.
GROUPED_CONSTRAINTS = {
    **TRAINING_CONSTRAINTS,
    "hidden_layers": [Interval(Integral, 1, 64, closed="both")],
    "verbose": ["verbose"],
}

_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
    "copy": ["boolean"],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
    "groups": ["array-like", None],
    "return_std": ["boolean"],
    **GROUPED_CONSTRAINTS,
}

# Most critics trained in one grouped network (see _estimate_mi).
_GROUPS_PER_FIT = 256

# Warnings name the user's line: above _estimate_mi are the public function
# and scikit-learn's validate_params wrapper.
_STACKLEVEL = 4


def discrete_features_mask(discrete_features, X):
    """Which features are discrete, by scikit-learn's convention.

    As ``discrete_features`` of scikit-learn's ``mutual_info_regression``:
    "auto" (discrete when X is sparse), a bool for all, a mask or indices.
    """
    n_features = X.shape[1]
    if isinstance(discrete_features, (str, bool)):
        if isinstance(discrete_features, str):
            discrete_features = issparse(X)
        return np.full(n_features, discrete_features, dtype=bool)
    discrete_features = check_array(discrete_features, ensure_2d=False)
    if discrete_features.dtype == bool:
        if discrete_features.shape != (n_features,):
            raise ValueError(
                f"discrete_features has {discrete_features.size} entries; X has "
                f"{n_features} features."
            )
        return discrete_features
    mask = np.zeros(n_features, dtype=bool)
    mask[discrete_features] = True
    return mask


def _encode(columns, preprocessing, what, discrete, rows):
    """One variable's critic inputs, rows ``rows``, as float32.

    A discrete variable is one-hot encoded (its codes are categories, never
    numbers); a continuous one transformed by ``preprocessing``, chunk by
    chunk, so that no float64 copy of more than a chunk is made.
    """
    columns = columns.toarray() if issparse(columns) else columns
    if discrete:
        return one_hot(columns[rows, 0], what)
    transform = fit_marginal_transform(columns, preprocessing)
    return transform_rows(transform, columns, rows)


def encode_features(X, discrete_mask, preprocessing, rows):
    """Critic inputs of all features, rows ``rows``, and each feature's columns."""
    blocks = [
        _encode(X[:, [j]], preprocessing, f"Feature {j}", discrete_mask[j], rows)
        for j in range(X.shape[1])
    ]
    widths = np.cumsum([0] + [block.shape[1] for block in blocks])
    columns = [list(range(a, b)) for a, b in zip(widths[:-1], widths[1:])]
    return np.hstack(blocks), columns


def _group_columns(feature_columns, groups, n_features):
    if groups is None:
        return feature_columns
    groups = check_array(groups, ensure_2d=False, dtype=None)
    if groups.shape != (n_features,):
        raise ValueError(
            f"groups must give one label per feature: X has {n_features} "
            f"features, groups has shape {groups.shape}."
        )
    labels = np.unique(groups)
    return [
        [c for j in np.flatnonzero(groups == label) for c in feature_columns[j]]
        for label in labels
    ]


def chunk_columns(z, groups):
    """The columns of z that ``groups`` use, and the groups re-indexed to them."""
    used = sorted({c for group in groups for c in group})
    position = {c: i for i, c in enumerate(used)}
    return z[:, used], [[position[c] for c in group] for group in groups]


def _train_critics(
    z,
    groups,
    y,
    seeds,
    n_train,
    batch_seed,
    params,
    starts=None,
    selection_pairs=None,
):
    """One grouped critic per group, trained with per-group early stopping.

    ``z`` holds the columns of these groups only, rows in split order: the
    first ``n_train`` train, the rest are the held-out pairs that select
    each group's kept critic. ``groups`` index into z's columns; they may
    overlap. ``starts``, one per group, either None (a fresh critic from its
    seed) or the arguments of :meth:`GroupedCritic.start_from`.
    ``selection_pairs``: the marginal pairs of the held-out bounds that
    choose each critic's epoch; ``None``, as many as ``net.evaluate`` scores
    after training. Returns the trained net and the held-out pairs.
    """
    device = params["device"]
    z = torch.as_tensor(z, device=device)
    y = torch.as_tensor(y, device=device)
    train_ds = PairDataset(z[:n_train], y[:n_train])
    valid_ds = PairDataset(z[n_train:], y[n_train:])
    critic_params = dict(
        groups=groups,
        n_features_x=z.shape[1],
        n_features_y=y.shape[1],
        hidden_units=params["hidden_units"],
        hidden_layers=params["hidden_layers"],
        activation=params["activation"],
        seeds=seeds,
    )
    callbacks = [("group_early_stopping", GroupEarlyStopping(params["patience"]))]
    if params["verbose"]:
        callbacks.append(("progress", ProgressBar(desc=f"{len(groups)} critics")))
    net = build_net(
        GroupedCritic,
        critic_params,
        valid_ds,
        callbacks,
        params,
        device=device,
        random_state=batch_seed,
    )
    if selection_pairs is not None:
        net.set_params(iterator_valid__n_marginal=selection_pairs)
    # skorch's fit is initialize then partial_fit: critics that start from
    # others' weights get them in between.
    net.initialize()
    for g, start in enumerate(starts or []):
        if start is not None:
            net.module_.start_from(g, *start)
    net.partial_fit(train_ds, None)
    return net, valid_ds


def _fit_chunk(z, groups, y, seeds, n_train, batch_seed, params):
    """Held-out bound of the kept critic of each group, in one training."""
    # Each critic's epoch is chosen on as many marginal pairs as held-out
    # pairs, not the ten times as many of the reported estimate
    # (net.evaluate, below): the epochs are compared on the same pairs, and
    # the larger set cost a third or more of a fit of 20 features x 10,000
    # rows (docs/performance.md). Never fewer than 3000 (or the ten times as
    # many, if that is fewer): a small table's held-out set costs next to
    # nothing to score ten times over, and choosing on fewer moved results
    # (the non-linear table of benchmarks/bench_mutual_info.py --parts
    # defaults, 300 held-out pairs: its informative features read 0.188
    # with epochs chosen on 1000 marginal pairs, 0.193 on 3000).
    # MutualInfoSelector keeps the larger set: its rounds were not
    # re-measured with the smaller one (on its tests' interaction case, a
    # pair's gain read 1.16 +/- 0.13 with it, against 1.20 +/- 0.09).
    n_valid = len(z) - n_train
    selection_pairs = max(n_valid, min(marginal_eval_size(n_valid), 3000))
    net, valid_ds = _train_critics(
        z,
        groups,
        y,
        seeds,
        n_train,
        batch_seed,
        params,
        selection_pairs=selection_pairs,
    )
    # The kept critics on the held-out pairs they were chosen on, with all
    # the marginal pairs (for tables of up to 1000 rows, the bounds recorded
    # at their best epochs), and their standard errors.
    result = net.evaluate(valid_ds)
    return result["estimates"], result["standard_errors"]


def chunk_groups(n_groups, n_jobs):
    """The groups of each training, as arrays of indices.

    Wide tables train in chunks of at most ``_GROUPS_PER_FIT`` critics, one
    after the other (or side by side with n_jobs): a step over thousands of
    critics costs more per critic than one over a few hundred, whose
    activations stay in cache (benchmarks/bench_wide.py: a 1000 x 2000 table
    in 71-83 s in chunks of 256 to 1024, 94 s in one network). Results
    depend on the chunks only through float32 rounding in the batched
    products.
    """
    n_chunks = min(
        max(effective_n_jobs(n_jobs), math.ceil(n_groups / _GROUPS_PER_FIT)),
        n_groups,
    )
    return np.array_split(np.arange(n_groups), n_chunks)


def encode_target(y, discrete_target, preprocessing, rows):
    """The critics' encoding of the target, rows ``rows``, as float32."""
    if discrete_target:
        check_classification_targets(y)
        return one_hot(y[rows], "The target")
    return _encode(y.reshape(len(y), -1), preprocessing, "y", False, rows)


def _estimate_mi(
    X,
    y,
    *,
    discrete_features,
    discrete_target,
    groups,
    copy,
    random_state,
    n_jobs,
    return_std,
    **params,
):
    X, y = check_X_y(
        X,
        y,
        accept_sparse="csc",
        # "numeric" keeps float and integer input as it is (no copy) and
        # refuses text with scikit-learn's own message.
        dtype="numeric",
        y_numeric=not discrete_target,
        multi_output=not discrete_target,
        ensure_min_samples=MIN_SAMPLES,
    )
    discrete_mask = discrete_features_mask(discrete_features, X)
    if np.any(~discrete_mask) and issparse(X):
        raise ValueError("Sparse matrix `X` can't have continuous features.")
    params = resolve_renamed(params, "mutual_info_mine", stacklevel=_STACKLEVEL)

    rng = check_random_state(random_state)
    train, valid = split_indices(X.shape[0], params["validation_fraction"], rng)
    # Rows in split order, so that the training and held-out sets are views;
    # X is read, never written, whatever `copy` says.
    rows = np.concatenate([train, valid])
    y = encode_target(y, discrete_target, params["preprocessing"], rows)
    z, feature_columns = encode_features(
        X, discrete_mask, params["preprocessing"], rows
    )
    groups = _group_columns(feature_columns, groups, X.shape[1])

    # Constant data carry no information: their MI is exactly 0, as in
    # scikit-learn, rather than a critic's estimate of 0.
    if constant_columns(y).all():
        warnings.warn(
            "y is constant: the mutual information of every feature with it is 0.",
            UserWarning,
            stacklevel=_STACKLEVEL,
        )
        zeros = np.zeros(len(groups))
        return (zeros, zeros.copy()) if return_std else zeros
    constant = constant_columns(z)
    constant = np.array([constant[group].all() for group in groups])

    params["device"] = resolve_device(params["device"])
    params["marginal_batch_size"] = check_marginal_batch_size(
        params["marginal_batch_size"],
        params["batch_size"],
        params["replace"],
        len(train),
    )
    # Every critic starts from the same seed, and the batches have their own:
    # neither depends on how many groups there are, nor on the chunks of
    # n_jobs, so a group's result is the same whichever other columns are
    # passed (critics share no parameters, and each group stops on its own).
    critic_seed = draw_seed(rng)
    batch_seed = draw_seed(rng)
    seeds = [critic_seed] * len(groups)
    chunks = chunk_groups(len(groups), n_jobs)
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_chunk)(
            *chunk_columns(z, [groups[g] for g in chunk]),
            y,
            [seeds[g] for g in chunk],
            len(train),
            batch_seed,
            params,
        )
        for chunk in chunks
    )
    # As scikit-learn does, a negative estimate of a non-negative quantity
    # is reported as 0.
    mi = np.maximum(np.concatenate([estimates for estimates, _ in results]), 0.0)
    std = np.concatenate([errors for _, errors in results])
    mi[constant] = 0.0
    std[constant] = 0.0
    return (mi, std) if return_std else mi


@validate_params(_CONSTRAINTS, prefer_skip_nested_validation=True)
@with_parameters_doc(
    " or (n_samples, n_targets)",
    "Target vector, or several targets considered jointly.",
)
def mutual_info_mine(
    X,
    y,
    *,
    discrete_features="auto",
    copy=True,
    random_state=None,
    n_jobs=None,
    groups=None,
    return_std=False,
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
    patience=6,
    validation_fraction=0.3,
    preprocessing="quantile",
    device="cpu",
    verbose=0,
    ema_rate="deprecated",
    averaging_rate="deprecated",
):
    """Mutual information of each feature with a continuous target, by MINE.

    The call and return of
    :func:`sklearn.feature_selection.mutual_info_regression`, so it serves as a
    ``score_func`` of :class:`~sklearn.feature_selection.SelectKBest`. Each
    feature gets a small critic :math:`t_j(x_j, y)`; all critics train at once,
    as one grouped network, with the held-out estimate and early stopping of
    :class:`MINEEstimator` applied to each feature.

    {parameters}

    See Also
    --------
    mutual_info_mine_classif : The same for a discrete target.
    MINEEstimator : The MI between all of X and y jointly.

    Notes
    -----
    Unlike scikit-learn's function, ``y`` may be 2-D (the MI of each feature
    with all targets jointly) and features may be grouped.

    The training defaults differ from :class:`MINEEstimator`'s: a critic of
    one feature learns its pair in a few hundred steps, so steps are larger
    (``lr=1e-2``), the held-out bounds are checked every 25 steps, a critic
    stops after 150 steps without a better bound, and the weight average
    spans about one such check (``weight_ema_rate=0.04``). Chosen on
    Gaussian, non-linear and real tables of 442 to 10,000 rows, over five
    data seeds: as accurate as 100-step checks at ``lr=3e-3``, and several
    times faster (``benchmarks/bench_mutual_info.py --parts defaults``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import mutual_info_mine
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((2000, 3))
    >>> y = X[:, 0] + 0.5 * rng.standard_normal(2000)
    >>> mi = mutual_info_mine(X, y, random_state=0)
    >>> mi.shape, int(np.argmax(mi))
    ((3,), 0)
    """
    return _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=False,
        groups=groups,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
        return_std=return_std,
        **{
            name: value
            for name, value in locals().items()
            if name in GROUPED_CONSTRAINTS
        },
    )


@validate_params(_CONSTRAINTS, prefer_skip_nested_validation=True)
@with_parameters_doc("", "Target vector of class labels.")
def mutual_info_mine_classif(
    X,
    y,
    *,
    discrete_features="auto",
    copy=True,
    random_state=None,
    n_jobs=None,
    groups=None,
    return_std=False,
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
    patience=6,
    validation_fraction=0.3,
    preprocessing="quantile",
    device="cpu",
    verbose=0,
    ema_rate="deprecated",
    averaging_rate="deprecated",
):
    """Mutual information of each feature with a discrete target, by MINE.

    The call and return of
    :func:`sklearn.feature_selection.mutual_info_classif`. The classes of y
    are one-hot encoded for the critics; otherwise as
    :func:`mutual_info_mine`.

    {parameters}

    See Also
    --------
    mutual_info_mine : The same for a continuous target.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import mutual_info_mine_classif
    >>> rng = np.random.RandomState(0)
    >>> y = rng.randint(0, 2, 2000)
    >>> X = np.column_stack([y + 0.5 * rng.standard_normal(2000),
    ...                      rng.standard_normal(2000)])
    >>> mi = mutual_info_mine_classif(X, y, random_state=0)
    >>> bool(mi[0] > mi[1])
    True
    """
    return _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=True,
        groups=groups,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
        return_std=return_std,
        **{
            name: value
            for name, value in locals().items()
            if name in GROUPED_CONSTRAINTS
        },
    )
