"""Command line (``sklearn-mine``, ``python -m sklearn_mine``): parser, demo, estimate.

The parser is built from the torch-free ``_constants`` only, so that ``--help``
answers at once; torch, scikit-learn and pandas are imported by the command
that needs them. Reading, checking, encoding and writing a data file's columns
live in ``_cli_table``.
"""

import argparse
import functools
import re
import sys
import time
import warnings

from .._utils.constants import (
    DEFAULT_MAX_STEPS,
    LECTURE_RHO,
    MAX_CATEGORIES,
    MIN_SAMPLES,
    OBJECTIVES,
)

__all__ = ["main"]

PROG = "sklearn-mine"

# numpy's seeds, which every random_state ends up as.
_MAX_SEED = 2**32 - 1


# ---------------------------------------------------------------- demo


def _demo(args):
    from .._estimator import MINEEstimator
    from ..datasets._datasets import make_gaussian

    X, y, true_mi = make_gaussian(
        n_samples=args.n_samples, rho=args.rho, random_state=args.random_state
    )
    print(
        f"Bivariate Gaussian, rho={args.rho}, n={args.n_samples} (the lecture's "
        f"bivariate Gaussian has rho={LECTURE_RHO}, n=1000)"
    )
    start = time.perf_counter()
    est = MINEEstimator(random_state=args.random_state).fit(X, y)
    seconds = time.perf_counter() - start
    print(f"MINE estimate  {est.mutual_info_:.4f} nats (held-out bound)")
    print(f"true MI        {true_mi:.4f} nats (-1/2 log(1 - rho^2))")
    print(f"error          {est.mutual_info_ - true_mi:+.4f} nats")
    print(f"fit            {est.n_steps_} steps in {seconds:.1f} s")
    return 0


# ---------------------------------------------------------------- checks


def _check_random_state(parser, args):
    if not 0 <= args.random_state <= _MAX_SEED:
        parser.error(
            f"--random-state must lie in [0, {_MAX_SEED}]; got {args.random_state}"
        )


def _check_demo(parser, args, argv):
    if not -1 < args.rho < 1:
        parser.error(f"--rho must lie in (-1, 1); got {args.rho}")
    if args.n_samples < MIN_SAMPLES:
        parser.error(
            f"--n-samples must be at least {MIN_SAMPLES}; got {args.n_samples}"
        )
    _check_random_state(parser, args)


def _file_after_list(args, argv):
    """FILE given last, after ``--target`` or ``--features``, or None.

    Those options take one or more columns, so argparse gives them FILE too.
    When the last option on the command line is one of them and holds at
    least two values, its last value is FILE.
    """
    last = max(
        (i for i, token in enumerate(argv) if token.startswith("--")), default=None
    )
    if last is None or "=" in argv[last]:
        return None
    option, values = argv[last], argv[last + 1 :]
    # argparse accepts unambiguous abbreviations; "--f" is ambiguous
    # (--features, --format) and refused before this point.
    for dest in ("target", "features"):
        if len(option) > 2 and f"--{dest}".startswith(option):
            listed = getattr(args, dest)
            if len(values) >= 2 and listed and listed[-1] == values[-1]:
                return listed.pop()
    return None


def _check_estimate(parser, args, argv):
    from sklearn.utils._param_validation import (
        InvalidParameterError,
        validate_parameter_constraints,
    )

    from .._utils.validation import TRAINING_CONSTRAINTS

    if args.file is None:
        args.file = _file_after_list(args, argv)
        if args.file is None:
            parser.error("the following arguments are required: FILE")
    try:
        validate_parameter_constraints(
            {"max_steps": TRAINING_CONSTRAINTS["max_steps"]},
            {"max_steps": args.max_steps},
            caller_name=PROG,
        )
    except InvalidParameterError as exc:
        # "The 'max_steps' parameter of ... must be X. Got V instead."
        match = re.search(r"must be (.*?)\. Got", str(exc))
        need = match.group(1) if match else "a positive int"
        parser.error(f"--max-steps must be {need}; got {args.max_steps}")
    _check_random_state(parser, args)


# ---------------------------------------------------------------- estimating


def _per_feature(frame, targets, features, kinds, args):
    """The MI of each feature with the target(s), by ``mutual_info_mine``."""
    import numpy as np

    from .._mutual_info import mutual_info_mine, mutual_info_mine_classif
    from ._table import codes_matrix, target_values

    X, discrete = codes_matrix(frame, features, kinds)
    y, y_discrete = target_values(frame, targets, kinds)
    estimate = mutual_info_mine_classif if y_discrete else mutual_info_mine
    if args.progress:
        print(
            f"{PROG}: fitting {len(features)} critics (one per feature, "
            f"at most {args.max_steps} steps)...",
            file=sys.stderr,
            flush=True,
        )
    mi, std = estimate(
        X,
        y,
        discrete_features=discrete,
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
        return_std=True,
    )
    pvalues = None
    if args.test:
        # One test per feature, of that feature alone: a critic each.
        pvalues = [_pvalue(frame, [name], targets, kinds, args) for name in features]
    # Highest first; a stable sort keeps the file's order among ties.
    order = np.argsort(-mi, kind="stable")
    return [
        {
            "feature": features[j],
            "mutual_info": float(mi[j]),
            "standard_error": float(std[j]),
            "rank": rank,
            **({} if pvalues is None else {"pvalue": pvalues[j]}),
        }
        for rank, j in enumerate(order, start=1)
    ]


def _pvalue(frame, features, targets, kinds, args):
    """The p-value of ``independence_test`` of these features with the target."""
    from .._independence import independence_test
    from ._table import to_matrix

    result = independence_test(
        to_matrix(frame, features, kinds),
        to_matrix(frame, targets, kinds),
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
    )
    return result.pvalue


def _joint(frame, targets, features, kinds, args):
    """The MI of all features jointly with the target(s), by ``MINEEstimator``."""
    from .._estimator import MINEEstimator
    from ._table import to_matrix

    est = MINEEstimator(
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
    )
    est.fit(to_matrix(frame, features, kinds), to_matrix(frame, targets, kinds))
    low, high = est.confidence_interval_
    return {
        # What the table's header says, so that a json or csv file is
        # complete without the command line that made it.
        "target": list(targets),
        "objective": args.objective,
        "n_rows": len(frame),
        "features": list(features),
        "mutual_info": float(est.mutual_info_),
        "standard_error": float(est.standard_error_),
        "ci_low": float(low),
        "ci_high": float(high),
        **(
            {"pvalue": _pvalue(frame, features, targets, kinds, args)}
            if args.test
            else {}
        ),
    }


def _estimate(args):
    from .. import _cli_table as table

    try:
        frame = table.read_table(args.file)
        targets, features = table.select_columns(frame, args.target, args.features)
        kinds = table.check_columns(frame, targets, features)
        args.target = targets
        if args.progress is None:
            args.progress = sys.stderr.isatty()
        compute = _joint if args.joint else _per_feature
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = compute(frame, targets, features, kinds, args)
            # The library rejects data it cannot use (too many categories,
            # too few rows for the split) with a ValueError whose message is
            # meant for the user.
            except ValueError as exc:
                raise table.InputError(table.first_line(exc)) from exc
    except table.InputError as exc:
        print(f"{PROG}: error: {args.file}: {exc}", file=sys.stderr)
        return 2
    for warning in caught:
        print(f"{PROG}: warning: {table.first_line(warning.message)}", file=sys.stderr)
    table.write(result, args, len(frame), sys.stdout)
    return 0


# ---------------------------------------------------------------- parsing


class _DeprecatedAlias(argparse.Action):
    """An option's old name: stores as the new one does, with a warning."""

    def __init__(self, *args, new_name, **kwargs):
        self.new_name = new_name
        super().__init__(*args, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(
            f"{PROG}: warning: {option_string} is deprecated; use {self.new_name}",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)


def _add_estimate_parser(commands):
    estimate = commands.add_parser(
        "estimate",
        usage="%(prog)s [-h] FILE --target COL [COL ...]\n"
        "       [--features COL [COL ...]] [--joint] [--test] [--objective NAME]\n"
        "       [--random-state N] [--format {table,json,csv}] [--max-steps N]\n"
        "       [--progress | --no-progress]\n"
        "   or: %(prog)s [-h] --target COL [COL ...] [options] FILE",
        help="estimate the mutual information of a CSV or Parquet file's "
        "columns with a target",
        description="Estimate, in nats, the mutual information of each feature "
        "column of FILE with the target column(s), ranked highest first "
        "(mutual_info_mine, with each estimate's standard error), or with --joint "
        "of all feature columns together (MINEEstimator, with a standard error "
        "and a 95% interval); --test adds the p-value of a test of independence.",
        epilog="Numeric columns are continuous. Boolean, categorical and text "
        f"columns are discrete: their values are categories (at most "
        f"{MAX_CATEGORIES}), one-hot encoded for the critics. A single discrete "
        "target is estimated by mutual_info_mine_classif. Columns with missing "
        "or infinite values are refused, and so are text columns most of whose "
        "cells are numbers (a numeric column with a few cells like '?'). FILE "
        "may come first, or last after the columns of --target or --features. "
        "It is read as Parquet when it ends in .parquet or .pq (needs pyarrow), "
        "as CSV otherwise. Bad input is reported on one line of stderr, with "
        "exit status 2.",
    )
    estimate.add_argument("file", metavar="FILE", nargs="?", help="CSV or Parquet file")
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
        "--test",
        action="store_true",
        help="also give the p-value of a test of independence "
        "(independence_test: a critic fitted on 70%% of the rows scores the "
        "other 30%% against their permutations), per feature or, with --joint, "
        "for all features jointly; one more fit per p-value",
    )
    estimate.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default="mine",
        metavar="NAME",
        help=f"the bound trained and reported, one of {', '.join(OBJECTIVES)} "
        "(default: %(default)s)",
    )
    estimate.add_argument(
        "--bound",
        dest="objective",
        choices=OBJECTIVES,
        default=argparse.SUPPRESS,
        metavar="NAME",
        action=_DeprecatedAlias,
        new_name="--objective",
        help=argparse.SUPPRESS,
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
        default=DEFAULT_MAX_STEPS,
        help="most gradient steps of each fit (default: %(default)s)",
    )
    estimate.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    estimate.set_defaults(
        handler=_estimate, check=functools.partial(_check_estimate, estimate)
    )


def _build_parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Mutual information neural estimation (MINE).",
    )
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser(
        "demo",
        help=f"fit MINE on the lecture's bivariate Gaussian (rho = {LECTURE_RHO}) "
        "and compare with the truth (the default command)",
    )
    demo.add_argument(
        "--n-samples",
        metavar="N",
        type=int,
        default=1000,
        help=f"pairs drawn, at least {MIN_SAMPLES} (default: %(default)s)",
    )
    demo.add_argument(
        "--rho",
        type=float,
        default=LECTURE_RHO,
        help="correlation, in (-1, 1) (default: %(default)s)",
    )
    demo.add_argument(
        "--random-state",
        metavar="N",
        type=int,
        default=0,
        help="seed of the sample and the fit (default: %(default)s)",
    )
    demo.set_defaults(handler=_demo, check=functools.partial(_check_demo, demo))
    _add_estimate_parser(commands)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    argv = sys.argv[1:] if argv is None else [str(token) for token in argv]
    argv = argv or ["demo"]
    args = parser.parse_args(argv)
    args.check(args, argv)
    return args.handler(args)
