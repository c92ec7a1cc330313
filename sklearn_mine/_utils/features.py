"""A table as critic inputs: discrete features one-hot, continuous ones transformed.

Shared by the per-feature function and the selector: which features are
discrete (scikit-learn's ``discrete_features`` convention), each feature's
encoded columns, the target's encoding, and groups of features as groups of
columns.
"""

from itertools import groupby

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array

from .encoding import one_hot
from .preprocessing import fit_marginal_transform, transform_rows

__all__ = [
    "discrete_features_mask",
    "encode_columns",
    "encode_features",
    "encode_target",
    "group_columns",
]


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


def encode_columns(columns, preprocessing, what, discrete, rows):
    """One variable's critic inputs, rows ``rows``, as float32.

    A discrete variable is one-hot encoded (its codes are categories, never
    numbers); a continuous one transformed by ``preprocessing``, chunk by
    chunk, so that no float64 copy of more than a chunk is made. Continuous
    ``columns`` may be several variables: each column is transformed alone.
    """
    columns = columns.toarray() if issparse(columns) else columns
    if discrete:
        return one_hot(columns[rows, 0], what)
    transform = fit_marginal_transform(columns, preprocessing)
    return transform_rows(transform, columns, rows)


# Continuous features are transformed in blocks, one call a block: its fit
# reads them all at once (a transform's fit and scores are per column, so
# the inputs are the same as one call a feature's). At 102 columns of 500
# rows, as a conditional test's copies, one call a feature took 17 ms and
# blocks 8 ms. A block holds at most 64 columns and 2**22 values, which
# bounds the copy of its columns, as one column a call did.
_CONTINUOUS_BLOCK = 64
_BLOCK_VALUES = 2**22


def encode_features(X, discrete_mask, preprocessing, rows):
    """Critic inputs of all features, rows ``rows``, and each feature's columns."""
    size = max(1, min(_CONTINUOUS_BLOCK, _BLOCK_VALUES // max(1, X.shape[0])))
    blocks, widths = [], []
    # Runs of discrete features, one call a feature; runs of continuous
    # ones, one call a block of them.
    for discrete, run in groupby(range(X.shape[1]), key=discrete_mask.__getitem__):
        run = list(run)
        if discrete:
            for j in run:
                blocks.append(
                    encode_columns(X[:, [j]], preprocessing, f"Feature {j}", True, rows)
                )
                widths.append(blocks[-1].shape[1])
            continue
        for start in range(0, len(run), size):
            block = run[start : start + size]
            blocks.append(encode_columns(X[:, block], preprocessing, None, False, rows))
            widths.extend([1] * len(block))
    ends = np.cumsum([0] + widths)
    columns = [list(range(a, b)) for a, b in zip(ends[:-1], ends[1:])]
    return np.hstack(blocks), columns


def group_columns(feature_columns, groups, n_features):
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


def encode_target(y, discrete_target, preprocessing, rows):
    """The critics' encoding of the target, rows ``rows``, as float32."""
    if discrete_target:
        check_classification_targets(y)
        return one_hot(y[rows], "The target")
    return encode_columns(y.reshape(len(y), -1), preprocessing, "y", False, rows)
