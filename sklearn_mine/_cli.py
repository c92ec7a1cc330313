"""Command line: ``sklearn-mine`` and ``python -m sklearn_mine``."""

import argparse
import csv
import importlib.util
import json
import os
import sys
import time
import warnings

__all__ = ["main"]

PROG = "sklearn-mine"

# Longest list of a file's columns printed in an error message.
_MAX_LISTED_COLUMNS = 20


class _InputError(Exception):
    """Bad input data: reported on one line of stderr, with exit status 2."""


def _demo(args):
    from ._estimator import MINEEstimator
    from .datasets import SEED_RHO, make_gaussian

    X, y, true_mi = make_gaussian(
        n_samples=args.n_samples, rho=args.rho, random_state=args.random_state
    )
    print(
        f"Bivariate Gaussian, rho={args.rho}, n={args.n_samples} "
        f"(the seed's case is rho={SEED_RHO}, n=1000)"
    )
    start = time.perf_counter()
    est = MINEEstimator(random_state=args.random_state).fit(X, y)
    seconds = time.perf_counter() - start
    print(f"MINE estimate  {est.mutual_info_:.4f} nats (held-out bound)")
    print(f"true MI        {true_mi:.4f} nats (-1/2 log(1 - rho^2))")
    print(f"error          {est.mutual_info_ - true_mi:+.4f} nats")
    print(f"fit            {est.n_steps_} steps in {seconds:.1f} s")
    return 0


def _check_demo(parser, args):
    if not -1 < args.rho < 1:
        parser.error(f"--rho must lie in (-1, 1); got {args.rho}")
    if args.n_samples < 10:
        parser.error(f"--n-samples must be at least 10; got {args.n_samples}")


def _check_estimate(parser, args):
    if args.max_steps < 1:
        parser.error(f"--max-steps must be at least 1; got {args.max_steps}")


# ---------------------------------------------------------------- reading


def _read_table(path):
    """The file as a DataFrame: Parquet by its suffix, CSV otherwise."""
    # pandas is needed by this command only, not by the library.
    try:
        import pandas as pd
    except ImportError as exc:
        raise _InputError(
            "reading it needs pandas, which is not installed: pip install pandas"
        ) from exc

    if not os.path.exists(path):
        raise _InputError("no such file")
    if os.path.isdir(path):
        raise _InputError("is a directory, not a data file")
    if os.path.splitext(path)[1].lower() in (".parquet", ".pq"):
        if not _parquet_engine_installed():
            raise _InputError(
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
        raise _InputError(f"cannot read it as {kind}: {_first_line(exc)}") from exc
    # Parquet column names need not be strings; the command line's are.
    frame.columns = [str(name) for name in frame.columns]
    return frame


def _parquet_engine_installed():
    # Looked up, not imported: importing pyarrow takes a while.
    return any(
        importlib.util.find_spec(engine) for engine in ("pyarrow", "fastparquet")
    )


def _plural(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _first_line(exc):
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _unique(names):
    return list(dict.fromkeys(names))


def _select_columns(frame, targets, features):
    """The target and feature names, checked against the file's columns."""
    columns = list(frame.columns)
    targets = _unique(targets)
    features = _unique(features) if features else None
    for name in targets + (features or []):
        if name not in columns:
            shown = ", ".join(repr(c) for c in columns[:_MAX_LISTED_COLUMNS])
            if len(columns) > _MAX_LISTED_COLUMNS:
                shown += f", ... ({len(columns) - _MAX_LISTED_COLUMNS} more)"
            raise _InputError(f"no column {name!r}; its columns are {shown}")
    if features is None:
        features = [c for c in columns if c not in targets]
        if not features:
            raise _InputError("no feature columns: every column is a --target column")
    for name in features:
        if name in targets:
            raise _InputError(
                f"column {name!r} is both a --target and a --features column"
            )
    return targets, features


def _column_kind(series):
    """``"continuous"`` or ``"discrete"``; raises if it is neither."""
    import pandas as pd
    from pandas.api import types

    from ._mutual_info import MAX_CATEGORIES

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
        raise _InputError(
            f"column {series.name!r} has type {dtype}, which is neither numeric "
            "nor categorical (leave it out with --features)"
        )
    try:
        n_categories = series.nunique()
    except TypeError as exc:
        # Unhashable values (lists, dicts) from a Parquet file.
        raise _InputError(
            f"column {series.name!r} holds values that are neither numbers nor text"
        ) from exc
    if n_categories > MAX_CATEGORIES:
        # Most often a numeric column with a stray bad value, which pandas then
        # reads as text: point at it.
        numbers = pd.to_numeric(series, errors="coerce")
        bad = series[numbers.isna()]
        example = f" (e.g. {bad.iloc[0]!r} in row {bad.index[0]})" if len(bad) else ""
        raise _InputError(
            f"column {series.name!r} is not numeric{example} and has "
            f"{n_categories} distinct values, more than the {MAX_CATEGORIES} "
            "categories that can be told apart"
        )
    return "discrete"


def _check_columns(frame, targets, features):
    """The kind of each chosen column, after checking its values."""
    import numpy as np

    from ._estimator import MIN_SAMPLES

    if len(frame) < MIN_SAMPLES:
        raise _InputError(f"has {len(frame)} rows; at least {MIN_SAMPLES} are needed")
    kinds = {}
    for name in targets + features:
        series = frame[name]
        n_missing = int(series.isna().sum())
        if n_missing:
            raise _InputError(
                f"column {name!r} has {_plural(n_missing, 'missing value')} (of "
                f"{len(series)}); drop or fill them first"
            )
        kinds[name] = _column_kind(series)
        if kinds[name] == "continuous":
            n_infinite = int(np.isinf(series.to_numpy(dtype=np.float64)).sum())
            if n_infinite:
                raise _InputError(
                    f"column {name!r} has {_plural(n_infinite, 'infinite value')}; "
                    "drop or clip them first"
                )
    for name in targets:
        if frame[name].nunique() < 2:
            # tolist() gives Python scalars, which print plainly.
            value = frame[name].iloc[:1].tolist()[0]
            raise _InputError(
                f"target column {name!r} is constant ({value!r} in every row): "
                "its mutual information with anything is 0"
            )
    return kinds


def _codes(series):
    """Integer codes of a discrete column, in the order of its sorted values."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy()
    # sort=True makes the codes independent of the order of the rows.
    try:
        return pd.factorize(series, sort=True)[0]
    except TypeError:
        # Values of mixed types (numbers and text) that cannot be sorted.
        return pd.factorize(series)[0]


# ---------------------------------------------------------------- estimating


def _per_feature(frame, targets, features, kinds, args):
    """The MI of each feature with the target(s), by ``mutual_info_mine``."""
    import numpy as np

    from ._mutual_info import mutual_info_mine, mutual_info_mine_classif

    discrete = np.array([kinds[name] == "discrete" for name in features])
    X = np.column_stack(
        [
            _codes(frame[name])
            if kinds[name] == "discrete"
            else frame[name].to_numpy(dtype=np.float64)
            for name in features
        ]
    ).astype(np.float64)
    discrete_targets = [name for name in targets if kinds[name] == "discrete"]
    if discrete_targets and len(targets) > 1:
        raise _InputError(
            f"target column {discrete_targets[0]!r} is categorical: with several "
            "targets each must be numeric (or use --joint, or a single target)"
        )
    if discrete_targets:
        estimate, y = mutual_info_mine_classif, _codes(frame[targets[0]])
    else:
        estimate = mutual_info_mine
        y = frame[targets].to_numpy(dtype=np.float64)
        y = y[:, 0] if len(targets) == 1 else y
    if args.progress:
        print(
            f"{PROG}: fitting {len(features)} critics (one per feature, "
            f"at most {args.max_steps} steps)...",
            file=sys.stderr,
            flush=True,
        )
    mi = estimate(
        X,
        y,
        discrete_features=discrete,
        objective=args.bound,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
    )
    # Highest first; a stable sort keeps the file's order among ties.
    order = np.argsort(-mi, kind="stable")
    return [
        {
            "feature": features[j],
            "mutual_info": float(mi[j]),
            "standard_error": None,
            "rank": rank,
        }
        for rank, j in enumerate(order, start=1)
    ]


def _one_hot_frame(frame, names, kinds):
    """Numeric matrix of the columns ``names``, discrete ones one-hot encoded."""
    import numpy as np
    import pandas as pd

    blocks = []
    for name in names:
        if kinds[name] == "discrete":
            # One indicator column per category: the critic must see the
            # categories as such, not their codes as numbers.
            blocks.append(pd.get_dummies(frame[name], prefix=name, dtype=np.float64))
        else:
            blocks.append(frame[[name]].astype(np.float64))
    return pd.concat(blocks, axis=1).to_numpy()


def _joint(frame, targets, features, kinds, args):
    """The MI of all features jointly with the target(s), by ``MINEEstimator``."""
    from ._estimator import MINEEstimator

    est = MINEEstimator(
        objective=args.bound,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
    )
    est.fit(
        _one_hot_frame(frame, features, kinds), _one_hot_frame(frame, targets, kinds)
    )
    low, high = est.confidence_interval_
    return {
        "features": list(features),
        "mutual_info": float(est.mutual_info_),
        "standard_error": float(est.standard_error_),
        "ci_low": float(low),
        "ci_high": float(high),
    }


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


def _write(result, args, n_rows, out):
    if args.format == "json":
        print(json.dumps(result, indent=2), file=out)
        return
    if args.format == "csv":
        if args.joint:
            # One cell for the list of features, whose names may hold commas.
            result = [{**result, "features": ";".join(result["features"])}]
        writer = csv.DictWriter(out, fieldnames=list(result[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(result)
        return
    print(
        f"{args.file}: mutual information with {', '.join(args.target)}, in nats "
        f"(bound {args.bound}, {n_rows} rows)",
        file=out,
    )
    if args.joint:
        rows = [
            ["features", ", ".join(result["features"]) + " (jointly)"],
            ["mutual_info", f"{result['mutual_info']:.4f}"],
            ["standard_error", f"{result['standard_error']:.4f}"],
            ["95% interval", f"{result['ci_low']:.4f} to {result['ci_high']:.4f}"],
        ]
        print(_table(rows, "<<"), file=out)
        return
    rows = [["rank", "feature", "mutual_info", "standard_error"]]
    rows += [
        [str(row["rank"]), row["feature"], f"{row['mutual_info']:.4f}", "-"]
        for row in result
    ]
    print(_table(rows, "><>>"), file=out)


def _estimate(args):
    frame = _read_table(args.file)
    targets, features = _select_columns(frame, args.target, args.features)
    kinds = _check_columns(frame, targets, features)
    args.target = targets
    if args.progress is None:
        args.progress = sys.stderr.isatty()
    compute = _joint if args.joint else _per_feature
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = compute(frame, targets, features, kinds, args)
        # The library rejects data it cannot use (too many categories, too
        # few rows for the split) with a ValueError whose message is meant
        # for the user.
        except ValueError as exc:
            raise _InputError(_first_line(exc)) from exc
    for warning in caught:
        print(f"{PROG}: warning: {_first_line(warning.message)}", file=sys.stderr)
    _write(result, args, len(frame), sys.stdout)
    return 0


# ---------------------------------------------------------------- parsing


def _build_parser():
    from ._bounds import OBJECTIVES
    from .datasets import SEED_RHO

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Mutual information neural estimation (MINE).",
    )
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser(
        "demo",
        help="fit MINE on the seed's bivariate Gaussian and compare with the truth "
        "(the default command)",
    )
    demo.add_argument("--n-samples", type=int, default=1000)
    demo.add_argument("--rho", type=float, default=SEED_RHO)
    demo.add_argument("--random-state", type=int, default=0)
    demo.set_defaults(handler=_demo, check=_check_demo)

    estimate = commands.add_parser(
        "estimate",
        # FILE first: after --target's list it would be read as a column.
        usage="%(prog)s [-h] FILE --target COL [COL ...]\n"
        "       [--features COL [COL ...]] [--joint] [--bound NAME]\n"
        "       [--random-state N] [--format {table,json,csv}] [--max-steps N]\n"
        "       [--progress | --no-progress]",
        help="estimate the mutual information of a CSV or Parquet file's "
        "columns with a target",
        description="Estimate, in nats, the mutual information of each feature "
        "column of FILE with the target column(s), ranked highest first "
        "(mutual_info_mine), or with --joint of all feature columns together "
        "(MINEEstimator, with a standard error and a 95% interval).",
        epilog="Numeric columns are continuous. Boolean, categorical and text "
        "columns are discrete: their values are categories (at most 256), "
        "one-hot encoded for the critics. A single discrete target is estimated "
        "by mutual_info_mine_classif. With --joint, discrete columns are "
        "expanded into indicator columns (pandas.get_dummies) before the fit. "
        "Columns with missing or infinite values are refused. FILE is read as "
        "Parquet when it ends in .parquet or .pq (needs pyarrow), as CSV "
        "otherwise. Bad input is reported on one line of stderr, with exit "
        "status 2.",
    )
    estimate.add_argument("file", metavar="FILE", help="CSV or Parquet file")
    estimate.add_argument(
        "--target",
        metavar="COL",
        nargs="+",
        action="extend",
        required=True,
        help="target column; several are one target vector",
    )
    estimate.add_argument(
        "--features",
        metavar="COL",
        nargs="+",
        action="extend",
        help="feature columns (default: every column but the targets)",
    )
    estimate.add_argument(
        "--joint",
        action="store_true",
        help="one estimate for all features jointly, with its standard error",
    )
    estimate.add_argument(
        "--bound",
        choices=OBJECTIVES,
        default="mine",
        metavar="NAME",
        help=f"the bound trained and reported, one of {', '.join(OBJECTIVES)} "
        "(default: %(default)s)",
    )
    estimate.add_argument(
        "--random-state",
        metavar="N",
        type=int,
        default=0,
        help="seed of the split, the critics and the batches (default: %(default)s)",
    )
    estimate.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output on stdout (default: %(default)s)",
    )
    estimate.add_argument(
        "--max-steps",
        metavar="N",
        type=int,
        default=4000,
        help="most gradient steps of each fit (default: %(default)s)",
    )
    estimate.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    estimate.set_defaults(handler=_estimate, check=_check_estimate)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv or ["demo"])
    args.check(parser, args)
    try:
        return args.handler(args)
    except _InputError as exc:
        print(f"{PROG}: error: {args.file}: {exc}", file=sys.stderr)
        return 2
