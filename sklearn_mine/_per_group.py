"""The per-group estimates and permutation tests of the grouped critics.

``estimate_per_group`` validates and encodes a table, trains one small critic
per group of features as one grouped network, and reads each group's
held-out estimate; with ``n_permutations`` it also trains the groups'
permuted copies and returns each group's exact permutation p-value; with
``Z``, each critic also reads Z's columns, and one more reads Z's alone, so
that the chain rule gives the conditional estimates and tests. It is the
body of :func:`mutual_info_mine`, :func:`mutual_info_mine_classif`,
``independence_test(method="permutation")`` and
:func:`conditional_independence_test`.

Each of the four modes (with or without permutations, with or without Z)
has its design step, which returns a :class:`Design`: what the critics
train on. Training and the readout are then the same for all.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack, issparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils.validation import check_X_y

from ._engine.convex_groups import fit_convex_groups
from ._engine.grouped import fit_groups
from ._permutation.designs import (
    local_permuter,
    locally_permuted_design,
    permuted_design,
)
from ._permutation.local import neighbour_table
from ._permutation.pvalues import group_pvalues
from ._permutation.scores import target_scores
from ._permutation.statistics import NEURAL_STATISTIC, closed_form_names
from ._utils import parameters
from ._utils.constants import MIN_SAMPLES
from ._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
    group_columns,
)
from ._utils.stack import warn
from ._utils.validation import (
    check_conditioning,
    check_marginal_batch_size,
    check_n_neighbors,
    check_numeric_columns,
    class_critic,
    constant_columns,
    draw_seed,
    resolve_device,
    split_indices,
)

# The design steps, one per mode, and their Table and Design, serve
# estimate_per_group alone.
__all__ = ["PerGroupResult", "estimate_per_group", "grouped_training_parameters"]

# fit_groups' key of each critic's bound over every pair: the critics'
# statistic of a permutation test.
_ALL_PAIRS = "all_pairs"


@dataclass(frozen=True)
class Table:
    """A checked table and its split: what every mode's design starts from.

    ``Z`` is None without conditioning; ``rows``: the training rows, then
    the held-out ones (``n_train`` of the first); ``y_encoded``: y as the
    critics read it, in that order of rows; ``rng``: the one source of
    randomness of the call, already drawn from for the split.
    """

    X: object
    y: np.ndarray
    Z: np.ndarray | None
    discrete_mask: np.ndarray
    rows: np.ndarray
    n_train: int
    y_encoded: np.ndarray
    rng: np.random.RandomState


@dataclass(frozen=True)
class Design:
    """What the grouped critics train on, and how their readings are read.

    ``z``: the encoded columns; ``fitted_groups``: the columns each critic
    reads, the given groups' critics first; ``constant``: for each given
    group, whether all its columns are constant; ``conditioned``: whether
    the last critic reads Z's columns alone (the chain rule's
    :math:`I(Z; Y)`, subtracted from the others). A permutation test's
    design also has ``wide``, the scored columns and their copies,
    ``null_of``, each given group's copies among ``fitted_groups``, and
    ``permute(g, count)`` where the closed-form statistics' null is not a
    uniform permutation (see ``group_pvalues``).
    """

    z: np.ndarray
    fitted_groups: list
    constant: np.ndarray
    conditioned: bool
    wide: np.ndarray | None = None
    null_of: list | None = None
    permute: Callable | None = None


@dataclass
class PerGroupResult:
    """Each given group's estimate and its error, and with a test its p-value.

    ``statistics``: with a test, each statistic by name, observed then
    permuted, of shape (n_groups, 1 + n_permutations).
    """

    mi: np.ndarray
    std: np.ndarray
    pvalues: np.ndarray | None = None
    statistics: dict | None = None


def estimate_per_group(
    X,
    y,
    *,
    discrete_features,
    discrete_target,
    groups,
    random_state,
    n_jobs,
    n_permutations=None,
    Z=None,
    n_neighbors=5,
    critic="concat",
    **params,
):
    """Each group's estimate, and with ``n_permutations`` its test.

    ``critic``: ``"concat"`` trains an MLP critic per group,
    ``"convex"`` solves a random-feature critic per group (the same
    designs and readout either way); ``"auto"``, for a discrete target's
    estimates, either by its classes (:func:`class_critic`). X is
    read, never written. Returns a :class:`PerGroupResult`.
    """
    table = _read_table(
        X, y, Z, discrete_features, discrete_target, random_state, params
    )
    preprocessing = params["preprocessing"]
    if n_permutations is None and table.Z is None:
        design = estimates_design(table, groups, preprocessing)
    elif n_permutations is None:
        design = conditional_estimates_design(table, groups, preprocessing)
    elif table.Z is None:
        design = permutation_design(table, groups, n_permutations, preprocessing)
    else:
        design = local_permutation_design(
            table, groups, n_permutations, n_neighbors, preprocessing
        )
    n_groups = len(design.constant)

    # Constant data carry no information: their MI is exactly 0, as in
    # scikit-learn, rather than a critic's estimate of 0.
    if constant_columns(table.y_encoded).all():
        warn("y is constant: the mutual information of every feature with it is 0.")
        result = PerGroupResult(mi=np.zeros(n_groups), std=np.zeros(n_groups))
        if n_permutations is not None:
            result.pvalues = np.ones(n_groups)
            names = (NEURAL_STATISTIC, *closed_form_names(design.conditioned))
            result.statistics = {
                name: np.zeros((n_groups, 1 + n_permutations)) for name in names
            }
        return result

    # A discrete target's estimates may come as "auto" (per_feature_critic).
    fitted = _fit(design, table, n_jobs, params, class_critic(critic, table.y))
    result = _read_estimates(design, fitted, n_groups)
    if design.null_of is not None:
        result.pvalues, result.statistics = _read_tests(
            design, fitted, table, discrete_target
        )
    return result


def _read_table(X, y, Z, discrete_features, discrete_target, random_state, params):
    """X, y and Z checked, the rows split, and y encoded: a :class:`Table`."""
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
    Z = check_conditioning(Z, X.shape[0])
    discrete_mask = discrete_features_mask(discrete_features, X)
    if np.any(~discrete_mask) and issparse(X):
        raise ValueError("Sparse matrix `X` can't have continuous features.")

    rng = check_random_state(random_state)
    train, valid = split_indices(X.shape[0], params["validation_fraction"], rng)
    # Rows in split order, so that the training and held-out sets are views;
    # X is read, never written, whatever `copy` says.
    rows = np.concatenate([train, valid])
    y_encoded = encode_target(y, discrete_target, params["preprocessing"], rows)
    return Table(X, y, Z, discrete_mask, rows, len(train), y_encoded, rng)


def estimates_design(table, groups, preprocessing):
    """Without Z or permutations: a critic per group of X's encoded columns."""
    n_features = table.X.shape[1]
    z, feature_columns = encode_features(
        table.X, table.discrete_mask, preprocessing, table.rows
    )
    groups = group_columns(feature_columns, groups, n_features)
    return Design(z, groups, _constant_groups(z, groups), conditioned=False)


def conditional_estimates_design(table, groups, preprocessing):
    """With Z: each group's critic reads Z's columns beside its own, then Z's alone.

    The last critic's estimate of :math:`I(Z; Y)` comes off the others'
    by the chain rule.
    """
    X, Z = table.X, table.Z
    n_features = X.shape[1]
    # Z's columns are read as continuous, whatever X's are.
    X = hstack([X, Z], format="csc") if issparse(X) else np.hstack([X, Z])
    discrete_mask = np.concatenate([table.discrete_mask, np.zeros(Z.shape[1], bool)])
    z, feature_columns = encode_features(X, discrete_mask, preprocessing, table.rows)
    groups = group_columns(feature_columns[:n_features], groups, n_features)
    z_columns = [c for columns in feature_columns[n_features:] for c in columns]
    fitted_groups = [list(group) + z_columns for group in groups] + [z_columns]
    return Design(z, fitted_groups, _constant_groups(z, groups), conditioned=True)


def permutation_design(table, groups, n_permutations, preprocessing):
    """A test without Z: each feature's scores, then permuted copies, its null.

    Each feature becomes the normal scores of its ranks, with permuted
    copies as their null; every column is then continuous
    (``docs/testing.md``).
    """
    X, groups = _scored_groups(table, groups)
    wide, fitted_groups, null_of = permuted_design(X, groups, n_permutations, table.rng)
    return Design(
        _encode_scores(wide, table, preprocessing),
        fitted_groups,
        _constant_groups(X, groups),
        conditioned=False,
        wide=wide,
        null_of=null_of,
    )


def local_permutation_design(table, groups, n_permutations, n_neighbors, preprocessing):
    """A test given Z: the copies are permuted within neighbourhoods of Z.

    Each critic reads Z's scores beside its group's, and the last Z's
    alone, as in :func:`conditional_estimates_design`.
    """
    check_n_neighbors(n_neighbors, len(table.Z))
    X, groups = _scored_groups(table, groups)
    neighbours = neighbour_table(table.Z, n_neighbors)
    wide, fitted_groups, null_of = locally_permuted_design(
        X, table.Z, groups, n_permutations, neighbours, table.rng
    )
    return Design(
        _encode_scores(wide, table, preprocessing),
        fitted_groups,
        _constant_groups(X, groups),
        conditioned=True,
        wide=wide,
        null_of=null_of,
        permute=local_permuter(wide, fitted_groups, neighbours, table.rng),
    )


def _scored_groups(table, groups):
    """X dense, and the groups of its columns (a test scores every column)."""
    X = table.X.toarray() if issparse(table.X) else table.X
    n_features = X.shape[1]
    return X, group_columns([[j] for j in range(n_features)], groups, n_features)


def _encode_scores(wide, table, preprocessing):
    """The scores and their copies as the critics read them: all continuous."""
    z, _ = encode_features(
        wide, np.zeros(wide.shape[1], dtype=bool), preprocessing, table.rows
    )
    return z


def _constant_groups(data, groups):
    """For each group of ``data``'s columns, whether all of them are constant."""
    constant = constant_columns(data)
    return np.array([constant[group].all() for group in groups])


def _fit(design, table, n_jobs, params, critic):
    """The critics of ``design`` trained: fit_groups' readings."""
    params["device"] = resolve_device(params["device"])
    params["marginal_batch_size"] = check_marginal_batch_size(
        params["marginal_batch_size"],
        params["batch_size"],
        params["replace"],
        table.n_train,
    )
    # Every critic starts from the same seed, and the batches have their own:
    # neither depends on how many groups there are, nor on the chunks of
    # n_jobs, so a group's result is the same whichever other columns are
    # passed (critics share no parameters, and each group stops on its own).
    # That is also what makes a feature and its permuted copies
    # exchangeable under independence.
    seeds = (draw_seed(table.rng), draw_seed(table.rng))
    args = (design.z, design.fitted_groups, table.y_encoded, table.n_train, seeds)
    tested = design.null_of is not None
    if critic == "convex":
        # A copy's held-out estimate is never read: only the given groups'
        # (and Z's critic's) are, which spares the convex critics reading
        # the others (fit_groups reads all as it trains).
        # A group and its copies share their marginal pairs (a locally
        # permuted copy's values differ from the group's, so they are
        # linked as one family explicitly).
        linked = [[g, *null] for g, null in enumerate(design.null_of or [])]
        copies = {g for link in linked for g in link[1:]}
        read = [g for g in range(len(design.fitted_groups)) if g not in copies]
        # Given Z, its columns end every critic's (the last critic's alone).
        n_shared = len(design.fitted_groups[-1]) if design.conditioned else 0
        return fit_convex_groups(
            *args,
            n_jobs,
            params,
            all_pairs=tested,
            read=read,
            linked=linked,
            n_shared=n_shared,
        )
    return fit_groups(*args, n_jobs, params, all_pairs=tested)


def _read_estimates(design, fitted, n_groups):
    """Each given group's held-out estimate and error; 0 for constant groups."""
    # As scikit-learn does, a negative estimate of a non-negative quantity
    # is reported as 0.
    estimates = fitted["estimates"][:n_groups]
    errors = fitted["standard_errors"][:n_groups]
    if design.conditioned:
        # The chain rule; the errors are added as if independent, though the
        # two fits share their held-out pairs (see MINEEstimator.fit).
        estimates = estimates - fitted["estimates"][-1]
        errors = np.hypot(errors, fitted["standard_errors"][-1])
    result = PerGroupResult(mi=np.maximum(estimates, 0.0), std=errors)
    result.mi[design.constant] = 0.0
    result.std[design.constant] = 0.0
    return result


def _read_tests(design, fitted, table, discrete_target):
    """Each given group's p-value and statistics, by name."""
    pvalues, statistics = group_pvalues(
        design.wide,
        design.fitted_groups,
        design.null_of,
        fitted[_ALL_PAIRS],
        target_scores(table.y, discrete_target),
        table.rng,
        design.permute,
        # A conditional test's blocks all end with Z's scores (the last
        # group is Z alone), which its local permutations leave in place.
        design.fitted_groups[-1] if design.permute is not None else (),
    )
    if design.conditioned:
        # Each pairing's conditional estimate: the same I(Z; y) comes off
        # every bound, so the ranks are unchanged.
        statistics[NEURAL_STATISTIC] = (
            statistics[NEURAL_STATISTIC] - fitted[_ALL_PAIRS][-1]
        )
    pvalues[design.constant] = 1.0
    return pvalues, statistics


def grouped_training_parameters(params, caller):
    """``params`` completed with mutual_info_mine's defaults, and validated.

    For the tests whose critics are mutual_info_mine's; ``caller`` names the
    test in the errors.
    """
    unknown = sorted(set(params) - set(parameters.names("mutual_info_mine")))
    if unknown:
        raise TypeError(
            f"{caller} got unexpected parameters {unknown}: it takes "
            "mutual_info_mine's training parameters."
        )
    params = {
        name: params.get(name, parameters.default(name, "mutual_info_mine"))
        for name in parameters.names("mutual_info_mine")
    }
    validate_parameter_constraints(
        parameters.constraints("mutual_info_mine"), params, caller_name=caller
    )
    return params
