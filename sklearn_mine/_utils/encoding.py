"""Discrete variables as critic inputs: category codes and one-hot columns.

The one place where categories are counted, capped and encoded, for the
per-feature function and the command line alike. A critic must see the
categories of a discrete variable as such, never their codes as numbers, so
every discrete variable reaches it one-hot encoded.
"""

import numpy as np
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

from .constants import MAX_CATEGORIES

__all__ = ["MAX_CATEGORIES", "check_n_categories", "one_hot", "ordinal_codes"]


def check_n_categories(n_categories, what):
    """Refuse a discrete variable with more categories than a critic can use."""
    if n_categories > MAX_CATEGORIES:
        raise ValueError(
            f"{what} is discrete with {n_categories} distinct values; at most "
            f"{MAX_CATEGORIES} categories are supported. Treat it as continuous."
        )


def _as_column(values):
    values = np.asarray(values)
    if values.dtype == object:
        # Encoders sort the categories, which fails on mixed types (numbers
        # and text from one Parquet column): compare them as text instead.
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            values = values.astype(str)
    return values.reshape(-1, 1)


def one_hot(values, what):
    """One float32 indicator column per category of ``values``.

    Parameters
    ----------
    values : array-like of shape (n_samples,)
        The values of one discrete variable.
    what : str
        How to name the variable in an error message.

    Returns
    -------
    indicators : ndarray of shape (n_samples, n_categories), dtype float32
        Column k is 1 where ``values`` is the k-th category in sorted order.
    """
    encoder = OneHotEncoder(sparse_output=False, dtype=np.float32)
    column = _as_column(values)
    # Counted before transforming: a continuous column passed as discrete
    # would otherwise allocate n columns first.
    encoder.fit(column)
    check_n_categories(len(encoder.categories_[0]), what)
    return encoder.transform(column)


def ordinal_codes(values, what):
    """Integer codes 0..k-1 of the categories of ``values``, in sorted order."""
    encoder = OrdinalEncoder(dtype=np.int64)
    codes = encoder.fit_transform(_as_column(values))[:, 0]
    check_n_categories(len(encoder.categories_[0]), what)
    return codes
