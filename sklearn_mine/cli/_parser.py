"""The command line's argument parser and its checks of the arguments.

The parser is built from the torch-free ``_utils.constants`` only, so that
``--help`` answers at once; the checks import scikit-learn only when an
``estimate`` or ``test`` command is checked.
"""

import argparse
import functools
import re

from .._utils.constants import (
    DEFAULT_MAX_STEPS,
    LECTURE_RHO,
    MAX_CATEGORIES,
    MIN_SAMPLES,
    OBJECTIVES,
)

__all__ = ["PROG", "build_parser"]

PROG = "sklearn-mine"

# numpy's seeds, which every random_state ends up as.
_MAX_SEED = 2**32 - 1

# The tests' methods, as independence_test names them; the first is its default.
_METHODS = ("permutation", "split")


def _example(command):
    """How a command on a table is typed, FILE first."""
    return f"{PROG} {command} data.csv --target COL[,COL...] [options]"


# ---------------------------------------------------------------- checks


def _check_random_state(parser, args):
    if not 0 <= args.random_state <= _MAX_SEED:
        parser.error(
            f"--random-state must lie in [0, {_MAX_SEED}]; got {args.random_state}"
        )


def _check_demo(parser, args):
    if not -1 < args.rho < 1:
        parser.error(f"--rho must lie in (-1, 1); got {args.rho}")
    if args.n_samples < MIN_SAMPLES:
        parser.error(
            f"--n-samples must be at least {MIN_SAMPLES}; got {args.n_samples}"
        )
    _check_random_state(parser, args)


def _check_table_command(parser, args):
    """The checks of ``estimate`` and ``test``, which read a table."""
    from sklearn.utils._param_validation import (
        InvalidParameterError,
        validate_parameter_constraints,
    )

    from .._utils.validation import TRAINING_CONSTRAINTS

    if args.file is None:
        # FILE is optional to argparse only so that its absence is told with
        # an example of the command.
        parser.error(
            "the following arguments are required: FILE (as in: "
            f"{_example(args.command)})"
        )
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
    if args.permutations is not None and args.permutations < 1:
        parser.error(f"--permutations must be at least 1; got {args.permutations}")
    n_splits = getattr(args, "n_splits", None)
    if n_splits is not None:
        if args.method != "split":
            parser.error(f"--n-splits needs --method split; got --method {args.method}")
        if n_splits < 2:
            parser.error(f"--n-splits must be at least 2; got {n_splits}")
    _check_random_state(parser, args)


# ---------------------------------------------------------------- parsing


def _add_demo_parser(commands):
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
    demo.set_defaults(check=functools.partial(_check_demo, demo))


_TABLE_EPILOG = (
    "Numeric columns are continuous. Boolean, categorical and text columns are "
    f"discrete: their values are categories (at most {MAX_CATEGORIES}), one-hot "
    "encoded for the critics. Columns with missing or infinite values are "
    "refused, and so are text columns most of whose cells are numbers (a numeric "
    "column with a few cells like '?'). --target and --features take one column "
    "or several separated by commas, and may be repeated: --target a,b is "
    "--target a --target b. So a column whose name holds a comma cannot be "
    "named (rename it first); without --features it is still read as a "
    "feature. FILE may come before, between or after the options. It is read as "
    "Parquet when it ends in .parquet or .pq (needs pyarrow), as CSV otherwise. "
    "Bad input is reported on one line of stderr, with exit status 2."
)


def _column_names(value):
    """The columns one value of ``--target`` or ``--features`` names.

    Names are split on commas, as git and pip take lists, and kept as typed
    otherwise (spaces included), so a name that holds a comma cannot be
    given.

    >>> _column_names("x0,color")
    ['x0', 'color']
    """
    names = value.split(",")
    if "" in names:
        raise argparse.ArgumentTypeError(
            f"empty column name in {value!r}; name columns as COL or COL,COL "
            "(a column whose name holds a comma cannot be named)"
        )
    return names


def _add_column_arguments(command):
    """FILE and its columns, the first arguments of ``estimate`` and ``test``."""
    command.add_argument("file", metavar="FILE", nargs="?", help="CSV or Parquet file")
    command.add_argument(
        "--target",
        metavar="COL[,COL...]",
        type=_column_names,
        action="extend",
        required=True,
        help="target column; several, comma-separated or with --target again, "
        "are one target vector",
    )
    command.add_argument(
        "--features",
        metavar="COL[,COL...]",
        type=_column_names,
        action="extend",
        help="feature columns, comma-separated or with --features again "
        "(default: every column but the targets)",
    )


def _add_fit_arguments(command, *, fit, seed, permutations):
    """The options of the fits of ``estimate`` and ``test``, and their checks.

    The parts of the help that differ: ``fit`` (what --max-steps bounds),
    ``seed`` (what --random-state seeds) and ``permutations`` (--permutations).
    """
    command.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default="mine",
        metavar="NAME",
        help=f"the bound the critics train on, one of {', '.join(OBJECTIVES)} "
        "(default: %(default)s)",
    )
    command.add_argument(
        "--permutations", metavar="N", type=int, default=None, help=permutations
    )
    command.add_argument(
        "--random-state",
        metavar="N",
        type=int,
        default=0,
        help=f"seed of {seed} (default: %(default)s)",
    )
    command.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output on stdout (default: %(default)s)",
    )
    command.add_argument(
        "--max-steps",
        metavar="N",
        type=int,
        default=DEFAULT_MAX_STEPS,
        help=f"most gradient steps of {fit} (default: %(default)s)",
    )
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    command.set_defaults(check=functools.partial(_check_table_command, command))


def _add_estimate_parser(commands):
    estimate = commands.add_parser(
        "estimate",
        usage="%(prog)s [-h] FILE --target COL[,COL...]\n"
        "       [--features COL[,COL...]] [--joint] [--test] [--objective NAME]\n"
        "       [--permutations N] [--random-state N] [--format {table,json,csv}]\n"
        "       [--max-steps N] [--progress | --no-progress]",
        help="estimate the mutual information of a CSV or Parquet file's "
        "columns with a target",
        description="Estimate, in nats, the mutual information of each feature "
        "column of FILE with the target column(s), ranked highest first "
        "(mutual_info_mine, with each estimate's standard error), or with --joint "
        "of all feature columns together (MINEEstimator, with a standard error "
        "and a 95% interval); --test adds the p-value of a test of independence.",
        epilog=f"{_TABLE_EPILOG} A single discrete target is estimated by "
        "mutual_info_mine_classif.",
    )
    _add_column_arguments(estimate)
    estimate.add_argument(
        "--joint",
        action="store_true",
        help="one estimate for all features jointly, with its standard error",
    )
    estimate.add_argument(
        "--test",
        action="store_true",
        help="also give the p-value of an exact permutation test of independence: "
        "per feature, each feature's critic against critics fitted to permuted "
        "copies of it, all in one batched fit that also gives the estimates "
        "(then of each feature's ranks; the critics are the tests' convex ones, "
        "solved rather than trained, unless --objective or --max-steps is set "
        "to other than its default); with --joint, independence_test's "
        "permutation test of all features jointly, one more batched fit",
    )
    _add_fit_arguments(
        estimate,
        fit="each fit",
        seed="the split, the critics and the batches",
        permutations="with --test, the permuted pairings of each test, each a "
        "critic (default: 99); the p-values are at least 0.001",
    )


def _add_test_parser(commands):
    test = commands.add_parser(
        "test",
        usage="%(prog)s [-h] FILE --target COL[,COL...]\n"
        "       [--features COL[,COL...]] [--method {permutation,split}]\n"
        "       [--n-splits K] [--objective NAME] [--permutations N]\n"
        "       [--random-state N]\n"
        "       [--format {table,json,csv}] [--max-steps N]\n"
        "       [--progress | --no-progress]",
        help="test whether a CSV or Parquet file's feature columns, jointly, "
        "are independent of a target",
        description="Test the independence of all feature columns of FILE, "
        "jointly, and the target column(s) (independence_test), and give the "
        "test's statistic, in nats, and its p-value.",
        epilog=f"{_TABLE_EPILOG} Either method's p-value is exact at any number "
        "of rows: a critic that learns little costs power, not validity.",
    )
    _add_column_arguments(test)
    test.add_argument(
        "--method",
        choices=_METHODS,
        default=_METHODS[0],
        help="permutation: critics trained on the observed pairing and on each "
        "permuted one, scored on every row; split: one critic trained on 70%% "
        "of the rows, the other 30%% scored against their permutations "
        "(default: %(default)s)",
    )
    test.add_argument(
        "--n-splits",
        metavar="K",
        type=int,
        default=None,
        help="with --method split: cross-fit K folds, each tested by a critic "
        "fitted on the others, and merge their p-values into one valid under "
        "any dependence (twice the smaller of two, twice the mean of more)",
    )
    _add_fit_arguments(
        test,
        fit="each critic",
        seed="the permutations, the critics and the batches",
        permutations="permuted pairings (default: 99 with --method "
        "permutation, each a critic, whose p-values are at least 0.001; 999 with "
        "split, whose least p-value is 1/(N+1))",
    )


def build_parser():
    """The parser of ``sklearn-mine``; ``args.check(args)`` completes it.

    ``args.command`` names the command; ``args.check`` refuses bad values
    (and a missing FILE) with exit status 2.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Mutual information neural estimation (MINE).",
    )
    commands = parser.add_subparsers(dest="command")
    _add_demo_parser(commands)
    _add_estimate_parser(commands)
    _add_test_parser(commands)
    return parser
