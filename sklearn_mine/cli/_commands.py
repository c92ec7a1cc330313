"""The command line's commands, ``demo``, ``estimate`` and ``test``, and ``main``.

The parser (``_parser``) needs no torch, so that ``--help`` answers at once;
torch, scikit-learn and pandas are imported by the command that needs them,
through the public face of the package only. A data file is read by
``_table``, its columns chosen and checked by ``_columns``, turned into arrays
by ``_matrices``; ``_output`` writes the result.
"""

import sys
import time
import warnings

from .._utils.constants import LECTURE_RHO
from ._parser import PROG, build_parser

__all__ = ["main"]

# The lecture's sample size, beside its correlation LECTURE_RHO.
_LECTURE_N = 1000


# ---------------------------------------------------------------- demo


def _demo(args):
    from .. import MINEEstimator
    from ..datasets import make_gaussian

    X, y, true_mi = make_gaussian(
        n_samples=args.n_samples, rho=args.rho, random_state=args.random_state
    )
    lecture = (
        "the lecture's"
        if (args.rho, args.n_samples) == (LECTURE_RHO, _LECTURE_N)
        else f"the lecture's has rho={LECTURE_RHO}, n={_LECTURE_N}"
    )
    print(f"Bivariate Gaussian, rho={args.rho}, n={args.n_samples} ({lecture})")
    start = time.perf_counter()
    est = MINEEstimator(random_state=args.random_state).fit(X, y)
    seconds = time.perf_counter() - start
    low, high = est.confidence_interval_
    if true_mi > high:
        # The held-out draw, or a critic short of the density ratio.
        where = "above the interval (a lower bound can read low)"
    elif true_mi < low:
        where = "below the interval"
    else:
        where = "inside the interval"
    print(f"MINE estimate   {est.mutual_info_:.4f} nats (held-out bound)")
    print(f"standard error  {est.standard_error_:.4f} nats")
    print(f"95% interval    {low:.4f} to {high:.4f} nats")
    print(f"true MI         {true_mi:.4f} nats (-1/2 log(1 - rho^2)), {where}")
    print(f"error           {est.mutual_info_ - true_mi:+.4f} nats")
    print(f"fit             {est.n_steps_} steps in {seconds:.1f} s")
    return 0


# ---------------------------------------------------------------- estimating


def _per_feature(frame, targets, features, kinds, args):
    """The MI of each feature with the target(s), by ``mutual_info_mine``.

    With ``--test``, the same call also tests each feature: its critic
    against critics trained on permuted copies, shared by every feature.
    """
    import numpy as np

    from .. import mutual_info_mine, mutual_info_mine_classif
    from .._utils.validation import class_critic, per_feature_critic
    from ._matrices import codes_matrix, target_values

    X, discrete = codes_matrix(frame, features, kinds)
    y, y_discrete = target_values(frame, targets, kinds)
    estimate = mutual_info_mine_classif if y_discrete else mutual_info_mine
    test = {}
    if args.test:
        test = {"return_pvalues": True, **_permutations(args)}
    if args.progress:
        nulls = " and the critics of their permuted copies" if args.test else ""
        training = {"objective": args.objective, "max_steps": args.max_steps}
        critic = per_feature_critic(
            "auto", args.test, training, PROG, classes=y_discrete
        )
        convex = class_critic(critic, y) == "convex"
        work = (
            "each solved by a few Newton steps"
            if convex
            else f"at most {args.max_steps} steps each"
        )
        print(
            f"{PROG}: fitting {len(features)} critics (one per feature){nulls}, "
            f"{work}...",
            file=sys.stderr,
            flush=True,
        )
    mi, std, *pvalues = estimate(
        X,
        y,
        discrete_features=discrete,
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
        return_std=True,
        **test,
    )
    # Highest first; a stable sort keeps the file's order among ties.
    order = np.argsort(-mi, kind="stable")
    return [
        # In the columns' order of the table.
        {
            "rank": rank,
            "feature": features[j],
            "mutual_info": float(mi[j]),
            "standard_error": float(std[j]),
            **({"pvalue": float(pvalues[0][j])} if pvalues else {}),
        }
        for rank, j in enumerate(order, start=1)
    ]


def _permutations(args):
    """``n_permutations`` and ``n_splits``, where given: else the library's
    defaults."""
    given = {"n_permutations": args.permutations}
    given["n_splits"] = getattr(args, "n_splits", None)
    return {name: value for name, value in given.items() if value is not None}


def _independence(frame, features, targets, kinds, args, method="permutation"):
    """``independence_test`` of these features, jointly, with the target(s)."""
    from .. import independence_test
    from ._matrices import to_matrix

    return independence_test(
        to_matrix(frame, features, kinds),
        to_matrix(frame, targets, kinds),
        method=method,
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
        **_permutations(args),
    )


def _joint(frame, targets, features, kinds, args):
    """The MI of all features jointly with the target(s), by ``MINEEstimator``."""
    from .. import MINEEstimator
    from ._matrices import to_matrix

    est = MINEEstimator(
        objective=args.objective,
        max_steps=args.max_steps,
        random_state=args.random_state,
        verbose=int(args.progress),
    )
    est.fit(to_matrix(frame, features, kinds), to_matrix(frame, targets, kinds))
    low, high = est.confidence_interval_
    result = {
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
    }
    if args.test:
        test = _independence(frame, features, targets, kinds, args)
        result["pvalue"] = float(test.pvalue)
    return result


def _joint_test(frame, targets, features, kinds, args):
    """The test of independence of all features, jointly, and the target(s)."""
    if args.progress:
        print(
            f"{PROG}: testing {len(features)} features jointly ({args.method} "
            f"method, at most {args.max_steps} steps per critic)...",
            file=sys.stderr,
            flush=True,
        )
    test = _independence(frame, features, targets, kinds, args, args.method)
    return {
        # As _joint's: complete without the command line that made it.
        "target": list(targets),
        "objective": args.objective,
        "n_rows": len(frame),
        "features": list(features),
        "method": test.method,
        # Cross-fitted, the null is one row of permutations a fold.
        **({"n_splits": len(test.fold_pvalues)} if test.method == "crossfit" else {}),
        "n_permutations": test.null_distribution.shape[-1],
        "statistic": float(test.statistic),
        "pvalue": float(test.pvalue),
    }


def _on_table(args, compute):
    """Run ``compute`` on FILE's columns and write its result; the exit status."""
    from ._columns import check_columns, select_columns
    from ._errors import InputError, first_line
    from ._output import write
    from ._table import read_table

    try:
        frame = read_table(args.file)
        targets, features = select_columns(frame, args.target, args.features)
        kinds = check_columns(frame, targets, features)
        args.target = targets
        if args.progress is None:
            args.progress = sys.stderr.isatty()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = compute(frame, targets, features, kinds, args)
            # The library rejects data it cannot use (too many categories,
            # too few rows for the split) with a ValueError whose message is
            # meant for the user.
            except ValueError as exc:
                raise InputError(first_line(exc)) from exc
    except InputError as exc:
        print(f"{PROG}: error: {args.file}: {exc}", file=sys.stderr)
        return 2
    for warning in caught:
        print(f"{PROG}: warning: {first_line(warning.message)}", file=sys.stderr)
    write(result, args, len(frame), sys.stdout)
    return 0


def _estimate(args):
    return _on_table(args, _joint if args.joint else _per_feature)


def _test(args):
    return _on_table(args, _joint_test)


_COMMANDS = {"demo": _demo, "estimate": _estimate, "test": _test}


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else [str(token) for token in argv]
    argv = argv or ["demo"]
    args = parser.parse_args(argv)
    args.check(args)
    return _COMMANDS[args.command](args)
