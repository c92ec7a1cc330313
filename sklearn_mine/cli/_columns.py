"""A table's columns: the ones chosen on the command line, checked and typed.

Each column is continuous (numeric) or discrete (boolean, categorical or
text); a column that is neither, or that holds missing or infinite values,
or text that is mostly numbers, is refused with an ``InputError``.
"""

import numpy as np

from .._utils.constants import MAX_CATEGORIES, MIN_SAMPLES
from ._errors import InputError, first_line

__all__ = ["check_columns", "select_columns"]

# Longest list of a file's columns printed in an error message.
_MAX_LISTED_COLUMNS = 20

# Most offending cells of a column quoted in an error message.
_MAX_LISTED_CELLS = 3


def _plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _unique(names):
    return list(dict.fromkeys(names))


def _comma_note(columns):
    """Why a column whose name holds a comma was not found, if there is one."""
    # --target and --features split their values on commas (_parser).
    named = [name for name in columns if "," in name]
    if not named:
        return ""
    return (
        f" (a column whose name holds a comma, as {named[0]!r}, cannot be named: "
        "--target and --features split on commas; rename it first)"
    )


def select_columns(frame, targets, features):
    """The target and feature names, checked against the file's columns."""
    columns = list(frame.columns)
    targets = _unique(targets)
    features = _unique(features) if features else None
    for name in targets + (features or []):
        if name not in columns:
            shown = ", ".join(repr(c) for c in columns[:_MAX_LISTED_COLUMNS])
            if len(columns) > _MAX_LISTED_COLUMNS:
                shown += f", ... ({len(columns) - _MAX_LISTED_COLUMNS} more)"
            raise InputError(
                f"no column {name!r}; its columns are {shown}{_comma_note(columns)}"
            )
    if features is None:
        features = [c for c in columns if c not in targets]
        if not features:
            raise InputError("no feature columns: every column is a --target column")
    for name in features:
        if name in targets:
            raise InputError(
                f"column {name!r} is both a --target and a --features column"
            )
    return targets, features


def _check_mostly_numeric(series):
    """Refuse a text column most of whose cells are numbers.

    Such a column is nearly always a numeric one with a few placeholders
    ("?", "missing", "1.2.3"); read as categories, each distinct number would
    become a category of its own.
    """
    import pandas as pd

    numbers = pd.to_numeric(series, errors="coerce")
    is_number = numbers.notna().to_numpy()
    n_bad = int((~is_number).sum())
    if n_bad == 0 or n_bad > len(series) / 2:
        return
    bad = series[~is_number]
    shown = ", ".join(
        f"{value!r} in row {row + 1}"
        for row, value in zip(
            bad.index[:_MAX_LISTED_CELLS], bad.iloc[:_MAX_LISTED_CELLS]
        )
    )
    if n_bad > _MAX_LISTED_CELLS:
        shown += ", ..."
    raise InputError(
        f"column {series.name!r} holds numbers but for {_plural(n_bad, 'cell')} "
        f"that {'is' if n_bad == 1 else 'are'} not a number ({shown}; rows "
        "counted from 1 after the header): fix those cells or drop their rows "
        "first, or leave the column out with --features (a column that is mostly "
        "numbers is not read as categories)"
    )


def _column_kind(series):
    """``"continuous"`` or ``"discrete"``; raises if it is neither."""
    import pandas as pd
    from pandas.api import types

    dtype = series.dtype
    if types.is_bool_dtype(dtype):
        return "discrete"
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        return "continuous"
    if not (
        isinstance(dtype, pd.CategoricalDtype)
        or types.is_object_dtype(dtype)
        or types.is_string_dtype(dtype)
    ):
        raise InputError(
            f"column {series.name!r} has type {dtype}, which is neither numeric "
            "nor categorical (leave it out with --features)"
        )
    try:
        n_categories = series.nunique()
    except TypeError as exc:
        # Unhashable values (lists, dicts) from a Parquet file.
        value = next(v for v in series if not isinstance(v, (str, int, float)))
        raise InputError(
            f"column {series.name!r} holds values that are neither numbers nor "
            f"text, such as {value!r} (leave it out with --features)"
        ) from exc
    if not isinstance(dtype, pd.CategoricalDtype):
        _check_mostly_numeric(series)
    if n_categories > MAX_CATEGORIES:
        bad = series[pd.to_numeric(series, errors="coerce").isna()]
        example = (
            f" (e.g. {bad.iloc[0]!r} in row {bad.index[0] + 1})" if len(bad) else ""
        )
        raise InputError(
            f"column {series.name!r} is not numeric{example} and has "
            f"{n_categories} distinct values, more than the {MAX_CATEGORIES} "
            "categories that can be told apart (leave it out with --features)"
        )
    return "discrete"


def check_columns(frame, targets, features):
    """The kind of each chosen column, after checking its values."""
    from .._utils.validation import check_not_constant

    if len(frame) < MIN_SAMPLES:
        raise InputError(f"has {len(frame)} rows; at least {MIN_SAMPLES} are needed")
    kinds = {}
    for name in targets + features:
        series = frame[name]
        n_missing = int(series.isna().sum())
        if n_missing:
            row = int(np.flatnonzero(series.isna().to_numpy())[0]) + 1
            raise InputError(
                f"column {name!r} has {_plural(n_missing, 'missing value')} (of "
                f"{len(series)}, the first in row {row}); drop or fill them first"
            )
        kinds[name] = _column_kind(series)
        if kinds[name] == "continuous":
            infinite = np.isinf(series.to_numpy(dtype=np.float64))
            if infinite.any():
                raise InputError(
                    f"column {name!r} has "
                    f"{_plural(int(infinite.sum()), 'infinite value')} (the first, "
                    f"{series.iloc[np.flatnonzero(infinite)[0]]!r}, in row "
                    f"{np.flatnonzero(infinite)[0] + 1}); drop or clip them first"
                )
    for name in targets:
        try:
            check_not_constant(frame[[name]].to_numpy(), name=f"target column {name!r}")
        except ValueError as exc:
            raise InputError(first_line(exc)) from exc
    return kinds
