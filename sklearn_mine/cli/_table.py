"""CLI tables: read a CSV or Parquet file, check and encode columns, write results.

pandas is imported inside the functions that need it: it is needed by the
``estimate`` and ``test`` commands only, not by the library, and may be missing.
"""

import csv
import importlib.util
import json
import os

import numpy as np

from .._utils.constants import MAX_CATEGORIES, MIN_SAMPLES

__all__ = [
    "InputError",
    "check_columns",
    "codes_matrix",
    "discrete_codes",
    "first_line",
    "read_table",
    "select_columns",
    "target_values",
    "to_matrix",
    "write",
]

# Longest list of a file's columns printed in an error message.
_MAX_LISTED_COLUMNS = 20

# Most offending cells of a column quoted in an error message.
_MAX_LISTED_CELLS = 3


class InputError(Exception):
    """Bad input data: reported on one line of stderr, with exit status 2."""


def first_line(exc):
    """The first line of an exception's (or a warning's) message."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _unique(names):
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- reading


def read_table(path):
    """The file as a DataFrame: Parquet by its suffix, CSV otherwise."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise InputError(
            "reading it needs pandas, which is not installed: pip install pandas"
        ) from exc

    if not os.path.exists(path):
        raise InputError("no such file")
    if os.path.isdir(path):
        raise InputError("is a directory, not a data file")
    if os.path.splitext(path)[1].lower() in (".parquet", ".pq"):
        if not _parquet_engine_installed():
            raise InputError(
                "reading Parquet needs pyarrow (or fastparquet), which is not "
                "installed: pip install pyarrow"
            )
        kind, reader = "Parquet", pd.read_parquet
    else:
        kind, reader = "CSV", pd.read_csv
    try:
        frame = reader(path)
    # Parsers raise what they like (OSError, ValueError, UnicodeDecodeError,
    # csv.Error, pyarrow's errors) on a file that is not what it claims to be;
    # each means the same to the user.
    except Exception as exc:
        raise InputError(f"cannot read it as {kind}: {first_line(exc)}") from exc
    # Parquet column names need not be strings; the command line's are.
    frame.columns = [str(name) for name in frame.columns]
    # Rows are named by their position in error messages, whatever the index.
    return frame.reset_index(drop=True)


def _parquet_engine_installed():
    # Looked up, not imported: importing pyarrow takes a while.
    return any(
        importlib.util.find_spec(engine) for engine in ("pyarrow", "fastparquet")
    )


# ---------------------------------------------------------------- checking


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
            raise InputError(f"no column {name!r}; its columns are {shown}")
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


# ---------------------------------------------------------------- encoding


def discrete_codes(series):
    """Integer codes of a discrete column, in the order of its sorted values."""
    from .._utils.encoding import ordinal_codes

    try:
        return ordinal_codes(series.to_numpy(), f"column {series.name!r}")
    except ValueError as exc:
        raise InputError(first_line(exc)) from exc


def codes_matrix(frame, names, kinds):
    """The columns ``names`` as floats, discrete ones as codes; and which are.

    For ``mutual_info_mine``, which one-hot encodes the discrete ones itself.
    """
    discrete = np.array([kinds[name] == "discrete" for name in names])
    X = np.column_stack(
        [
            discrete_codes(frame[name])
            if kinds[name] == "discrete"
            else frame[name].to_numpy(dtype=np.float64)
            for name in names
        ]
    ).astype(np.float64)
    return X, discrete


def target_values(frame, targets, kinds):
    """The target(s) as floats, or one discrete column's codes; and which."""
    discrete = [name for name in targets if kinds[name] == "discrete"]
    if discrete and len(targets) > 1:
        raise InputError(
            f"target column {discrete[0]!r} is categorical: with several "
            "targets each must be numeric (or use --joint, or a single target)"
        )
    if discrete:
        return discrete_codes(frame[targets[0]]), True
    y = frame[targets].to_numpy(dtype=np.float64)
    return (y[:, 0] if len(targets) == 1 else y), False


def to_matrix(frame, names, kinds):
    """Numeric matrix of the columns ``names``, discrete ones one-hot encoded."""
    from .._utils.encoding import one_hot

    blocks = []
    for name in names:
        if kinds[name] == "discrete":
            # One indicator column per category: the critic must see the
            # categories as such, not their codes as numbers.
            try:
                blocks.append(one_hot(frame[name].to_numpy(), f"column {name!r}"))
            except ValueError as exc:
                raise InputError(first_line(exc)) from exc
        else:
            blocks.append(frame[[name]].to_numpy(dtype=np.float64))
    return np.hstack(blocks).astype(np.float64)


# ---------------------------------------------------------------- writing


def _table(rows, align):
    """Rows of strings as aligned text; ``align`` holds "<" or ">" per column."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    return "\n".join(
        "  ".join(
            f"{cell:{side}{width}}" for cell, side, width in zip(row, align, widths)
        ).rstrip()
        for row in rows
    )


def write(result, args, n_rows, out):
    """The result in ``args.format`` on ``out``.

    A joint result (``estimate --joint``, ``test``) is one dict, which carries
    the target column(s), the objective and the row count besides the
    estimate or the test; a per-feature result is a list of dicts, one per
    feature, highest first.
    """
    if args.format == "json":
        print(json.dumps(result, indent=2), file=out)
        return
    if args.format == "csv":
        records = [result] if isinstance(result, dict) else result
        # One cell for each list of columns, whose names may hold commas.
        records = [
            {
                key: ";".join(value) if isinstance(value, list) else value
                for key, value in record.items()
            }
            for record in records
        ]
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return
    if args.command == "test":
        _write_test(result, args, n_rows, out)
        return
    print(
        f"{args.file}: mutual information with {', '.join(args.target)}, in nats "
        f"(objective {args.objective}, {n_rows} rows)",
        file=out,
    )
    if args.joint:
        rows = [
            ["features", ", ".join(result["features"]) + " (jointly)"],
            ["mutual_info", f"{result['mutual_info']:.4f}"],
            ["standard_error", f"{result['standard_error']:.4f}"],
            ["95% interval", f"{result['ci_low']:.4f} to {result['ci_high']:.4f}"],
        ]
        if "pvalue" in result:
            rows.append(["pvalue", f"{result['pvalue']:.4f}"])
        print(_table(rows, "<<"), file=out)
        return
    test = "pvalue" in result[0]
    rows = [["rank", "feature", "mutual_info", "standard_error"] + ["pvalue"] * test]
    rows += [
        [
            str(row["rank"]),
            row["feature"],
            f"{row['mutual_info']:.4f}",
            f"{row['standard_error']:.4f}",
        ]
        + ([f"{row['pvalue']:.4f}"] if test else [])
        for row in result
    ]
    print(_table(rows, "><>>" + ">" * test), file=out)


def _write_test(result, args, n_rows, out):
    """The ``test`` command's result as a table."""
    print(
        f"{args.file}: test of independence from {', '.join(args.target)} "
        f"(objective {args.objective}, {n_rows} rows)",
        file=out,
    )
    rows = [
        ["features", ", ".join(result["features"]) + " (jointly)"],
        ["method", result["method"]],
        ["n_permutations", str(result["n_permutations"])],
        ["statistic", f"{result['statistic']:.4f} nats"],
        ["pvalue", f"{result['pvalue']:.4f}"],
    ]
    print(_table(rows, "<<"), file=out)
