"""mutual_info_mine: the MI of each feature (or group of features) with y."""

import warnings
from numbers import Integral

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_X_y

from ._engine.grouped import fit_groups
from ._utils.constants import DEFAULT_MAX_STEPS, MIN_SAMPLES
from ._utils.docstrings import with_parameters_doc
from ._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
    group_columns,
)
from ._utils.permutation import group_pvalues, permuted_design, target_scores
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
    "return_pvalues": ["boolean"],
    "n_permutations": [Interval(Integral, 1, None, closed="left")],
    **GROUPED_CONSTRAINTS,
}

# The critic's statistic of a permutation test: its bound over every pair.
_NEURAL_STATISTIC = "all_pairs"

# Warnings name the user's line: above _estimate_mi are the public function
# and scikit-learn's validate_params wrapper.
_STACKLEVEL = 4


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
    n_permutations=None,
    **params,
):
    """The estimates, and with ``n_permutations`` each group's test, as a dict.

    ``"mi"`` and ``"std"``; with ``n_permutations``, also ``"pvalues"``, and
    ``"statistics"``: each group's statistics by name, observed then
    permuted, of shape (n_groups, 1 + n_permutations).
    """
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
    y_encoded = encode_target(y, discrete_target, params["preprocessing"], rows)
    if n_permutations is None:
        z, feature_columns = encode_features(
            X, discrete_mask, params["preprocessing"], rows
        )
        groups = group_columns(feature_columns, groups, X.shape[1])
        constant = constant_columns(z)
    else:
        # Each feature's ranks, as normal scores, with permuted copies as
        # their null; every column is then continuous (docs/testing.md).
        X = X.toarray() if issparse(X) else X
        groups = group_columns([[j] for j in range(X.shape[1])], groups, X.shape[1])
        constant = constant_columns(X)
        wide, wide_groups, null_of = permuted_design(X, groups, n_permutations, rng)
        z, _ = encode_features(
            wide, np.zeros(wide.shape[1], dtype=bool), params["preprocessing"], rows
        )
    constant = np.array([constant[group].all() for group in groups])
    n_groups = len(groups)

    # Constant data carry no information: their MI is exactly 0, as in
    # scikit-learn, rather than a critic's estimate of 0.
    if constant_columns(y_encoded).all():
        warnings.warn(
            "y is constant: the mutual information of every feature with it is 0.",
            UserWarning,
            stacklevel=_STACKLEVEL,
        )
        result = {"mi": np.zeros(n_groups), "std": np.zeros(n_groups)}
        if n_permutations is None:
            return result
        statistics = {
            name: np.zeros((n_groups, 1 + n_permutations))
            for name in ("neural", "linear", "quadratic")
        }
        return result | {"pvalues": np.ones(n_groups), "statistics": statistics}

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
    # That is also what makes a feature and its permuted copies
    # exchangeable under independence.
    seeds = (draw_seed(rng), draw_seed(rng))
    fitted = fit_groups(
        z,
        groups if n_permutations is None else wide_groups,
        y_encoded,
        len(train),
        seeds,
        n_jobs,
        params,
        all_pairs=n_permutations is not None,
    )
    # As scikit-learn does, a negative estimate of a non-negative quantity
    # is reported as 0.
    result = {
        "mi": np.maximum(fitted["estimates"][:n_groups], 0.0),
        "std": fitted["standard_errors"][:n_groups],
    }
    result["mi"][constant] = 0.0
    result["std"][constant] = 0.0
    if n_permutations is not None:
        pvalues, statistics = group_pvalues(
            wide,
            wide_groups,
            null_of,
            fitted[_NEURAL_STATISTIC],
            target_scores(y, discrete_target),
        )
        pvalues[constant] = 1.0
        result |= {"pvalues": pvalues, "statistics": statistics}
    return result


def _returned(result, return_std, return_pvalues):
    """The public functions' return: mi, then std and pvalues when asked."""
    asked = {"std": return_std, "pvalues": return_pvalues}
    extra = [result[key] for key in asked if asked[key]]
    return (result["mi"], *extra) if extra else result["mi"]


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
    return_pvalues=False,
    n_permutations=199,
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
    result = _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=False,
        groups=groups,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
        n_permutations=n_permutations if return_pvalues else None,
        **{
            name: value
            for name, value in locals().items()
            if name in GROUPED_CONSTRAINTS
        },
    )
    return _returned(result, return_std, return_pvalues)


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
    return_pvalues=False,
    n_permutations=199,
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
    result = _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=True,
        groups=groups,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
        n_permutations=n_permutations if return_pvalues else None,
        **{
            name: value
            for name, value in locals().items()
            if name in GROUPED_CONSTRAINTS
        },
    )
    return _returned(result, return_std, return_pvalues)
