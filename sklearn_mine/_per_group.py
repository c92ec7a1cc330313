"""The per-group estimates and permutation tests of the grouped critics.

``estimate_per_group`` validates and encodes a table, trains one small critic
per group of features as one grouped network, and reads each group's
held-out estimate; with ``n_permutations`` it also trains the groups'
permuted copies and returns each group's exact permutation p-value. It is
the body of :func:`mutual_info_mine`, :func:`mutual_info_mine_classif` and of
``independence_test(method="permutation")``.
"""

import numpy as np
from scipy.sparse import hstack, issparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils.validation import check_X_y

from ._engine.grouped import fit_groups
from ._utils import parameters
from ._utils.conditional_permutation import (
    conditional_design,
    local_permuter,
    locally_permuted_design,
)
from ._utils.constants import MIN_SAMPLES
from ._utils.features import (
    discrete_features_mask,
    encode_features,
    encode_target,
    group_columns,
)
from ._utils.local_permutation import neighbour_table
from ._utils.permutation import group_pvalues, permuted_design, target_scores
from ._utils.stack import warn
from ._utils.validation import (
    check_conditioning,
    check_marginal_batch_size,
    check_numeric_columns,
    constant_columns,
    draw_seed,
    resolve_device,
    split_indices,
)

__all__ = ["estimate_per_group", "grouped_training_parameters"]

# The critic's statistic of a permutation test: its bound over every pair.
_NEURAL_STATISTIC = "all_pairs"


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
    **params,
):
    """The estimates, and with ``n_permutations`` each group's test, as a dict.

    X is read, never written.

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
    n_features = X.shape[1]
    if n_permutations is None:
        if Z is not None:
            # Z's columns are read as continuous, whatever X's are.
            X = hstack([X, Z], format="csc") if issparse(X) else np.hstack([X, Z])
            discrete_mask = np.concatenate([discrete_mask, np.zeros(Z.shape[1], bool)])
        z, feature_columns = encode_features(
            X, discrete_mask, params["preprocessing"], rows
        )
        constant = constant_columns(z)
        groups = group_columns(feature_columns[:n_features], groups, n_features)
        fitted_groups = groups
        if Z is not None:
            fitted_groups = conditional_design(feature_columns, groups, n_features)
    else:
        # Each feature's ranks, as normal scores, with permuted copies as
        # their null; every column is then continuous (docs/testing.md).
        X = X.toarray() if issparse(X) else X
        groups = group_columns([[j] for j in range(n_features)], groups, n_features)
        constant = constant_columns(X)
        if Z is None:
            wide, fitted_groups, null_of = permuted_design(
                X, groups, n_permutations, rng
            )
        else:
            # The copies are permuted within neighbourhoods of Z.
            neighbours = neighbour_table(Z, n_neighbors)
            wide, fitted_groups, null_of = locally_permuted_design(
                X, Z, groups, n_permutations, neighbours, rng
            )
        z, _ = encode_features(
            wide, np.zeros(wide.shape[1], dtype=bool), params["preprocessing"], rows
        )
    constant = np.array([constant[group].all() for group in groups])
    n_groups = len(groups)

    # Constant data carry no information: their MI is exactly 0, as in
    # scikit-learn, rather than a critic's estimate of 0.
    if constant_columns(y_encoded).all():
        warn("y is constant: the mutual information of every feature with it is 0.")
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
        fitted_groups,
        y_encoded,
        len(train),
        seeds,
        n_jobs,
        params,
        all_pairs=n_permutations is not None,
    )
    # As scikit-learn does, a negative estimate of a non-negative quantity
    # is reported as 0.
    estimates = fitted["estimates"][:n_groups]
    errors = fitted["standard_errors"][:n_groups]
    if Z is not None:
        # The chain rule; the errors are added as if independent, though the
        # two fits share their held-out pairs (see MINEEstimator.fit).
        estimates = estimates - fitted["estimates"][-1]
        errors = np.hypot(errors, fitted["standard_errors"][-1])
    result = {"mi": np.maximum(estimates, 0.0), "std": errors}
    result["mi"][constant] = 0.0
    result["std"][constant] = 0.0
    if n_permutations is not None:
        permute = None
        if Z is not None:
            permute = local_permuter(wide, fitted_groups, neighbours, rng)
        pvalues, statistics = group_pvalues(
            wide,
            fitted_groups,
            null_of,
            fitted[_NEURAL_STATISTIC],
            target_scores(y, discrete_target),
            rng,
            permute,
        )
        if Z is not None:
            # Each pairing's conditional estimate: the same I(Z; y) comes off
            # every bound, so the ranks are unchanged.
            statistics["neural"] = statistics["neural"] - fitted[_NEURAL_STATISTIC][-1]
        pvalues[constant] = 1.0
        result |= {"pvalues": pvalues, "statistics": statistics}
    return result


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
