"""The selector's checks: y as the critics read it, how many features to keep."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array

from .._utils.validation import check_not_constant

__all__ = ["check_target", "target_count"]


def check_target(y, discrete_target):
    """y as the critics read it, and whether it holds class labels.

    ``discrete_target``: the selector's parameter. "auto" reads class labels
    where y is not a float array and scikit-learn's ``type_of_target`` reads
    it as binary or multiclass. Class labels must be one column; continuous
    y is a float array of one or more columns. A constant y is refused.
    """
    discrete = discrete_target
    if discrete_target == "auto":
        discrete = y.dtype.kind != "f" and type_of_target(y) in ("binary", "multiclass")
    if discrete:
        if y.ndim > 1 and y.shape[1] > 1:
            raise ValueError(
                f"A discrete target must be one column; y has shape {y.shape}."
            )
        y = y.reshape(-1)
    else:
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    check_not_constant(y.reshape(len(y), -1), "y")
    return y, discrete


def target_count(n_features_to_select, min_features_to_select, n_features):
    """The number of features to end with, or None for "auto"."""
    count = n_features_to_select
    if count == "auto":
        if min_features_to_select > n_features:
            raise ValueError(
                f"min_features_to_select={min_features_to_select} "
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
