"""mutual_info_mine: the MI of each feature (or group of features) with y."""

import warnings
from numbers import Integral

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions, validate_params
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_X_y

from ._engine.batches import marginal_eval_size
from ._engine.grouped import chunk_columns, chunk_groups, train_critics
from ._engine.readout import evaluate
from ._utils.constants import DEFAULT_MAX_STEPS, MIN_SAMPLES
from ._utils.docstrings import with_parameters_doc
from ._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
    group_columns,
)
from ._utils.validation import (
    GROUPED_CONSTRAINTS,
    check_marginal_batch_size,
    check_numeric_columns,
    constant_columns,
    draw_seed,
    resolve_device,
    resolve_renamed,
    split_indices,
)

__all__ = ["mutual_info_mine", "mutual_info_mine_classif"]

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

# Warnings name the user's line: above _estimate_mi are the public function
# and scikit-learn's validate_params wrapper.
_STACKLEVEL = 4


def _fit_chunk(z, groups, y, seeds, n_train, batch_seed, params):
    """Held-out bound of the kept critic of each group, in one training."""
    # Each critic's epoch is chosen on as many marginal pairs as held-out
    # pairs, not the ten times as many of the reported estimate (evaluated
    # below): the epochs are compared on the same pairs, and the larger set
    # costs a third or more of a wide fit. Never fewer than 3000 (or the ten
    # times as many, if that is fewer): a small table's held-out set costs
    # next to nothing to score ten times over, and choosing on fewer moved
    # results (docs/performance.md). The selector keeps the larger set
    # (sklearn_mine._selection._rounds.train_and_test_chunk).
    n_valid = len(z) - n_train
    selection_pairs = max(n_valid, min(marginal_eval_size(n_valid), 3000))
    net, valid_ds = train_critics(
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
    result = evaluate(net, valid_ds)
    return result["estimates"], result["standard_errors"]


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
    check_numeric_columns(X, discrete_features=True)
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
    groups = group_columns(feature_columns, groups, X.shape[1])

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
    spans about one such check (``weight_ema_rate=0.04``). They were chosen
    on Gaussian, non-linear and real tables of 442 to 10,000 rows, over five
    data seeds, for accuracy first and time second (see
    ``docs/mutual_info.md``).

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
