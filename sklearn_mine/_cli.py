"""Command line: ``sklearn-mine`` and ``python -m sklearn_mine``."""

import argparse
import sys
import time

__all__ = ["main"]


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


def _build_parser():
    from .datasets import SEED_RHO

    parser = argparse.ArgumentParser(
        prog="sklearn-mine",
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
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv or ["demo"])
    if not -1 < args.rho < 1:
        parser.error(f"--rho must lie in (-1, 1); got {args.rho}")
    if args.n_samples < 10:
        parser.error(f"--n-samples must be at least 10; got {args.n_samples}")
    return args.handler(args)
