"""This tree's decision calls against a release's: same data, one run.

Run: python benchmarks/bench_release.py [--release PATH] [--tables 10]
         [--quick]

Issue 41 asks for the per-feature p-values and the permutation tests at
least 5 times cheaper than 0.4's "on the same data". Seconds on this
shared 2-core machine drift from run to run (the MLP critics' per-feature
p-values read 5.9 to 11.5 s a table in runs days apart), so a ratio is
worth quoting from one run only: this script runs the same calls of a
release and of this tree back to back, each in a process of its own that
imports one package (``PYTHONPATH``), on the same tables and seeds, with
what each call decided beside its seconds. ``--release``: a checkout of the
release's commit, e.g. 0.4.0's::

    git worktree add /tmp/v0.4.0 2c09aa6
    python benchmarks/bench_release.py --release /tmp/v0.4.0

Without it, this tree's rows alone. Only the public API is called, with
its defaults, so that one worker runs against either package. The calls,
each timed after a warm-up call of the same function on a small table:
- ``mutual_info_mine(return_pvalues=True)`` on ``--tables`` tables of 1000
  rows, 10 informative among 110 features (``bench_testing.py``'s
  per-feature tables, linear and non-monotone): the median seconds a
  table, and ``SelectFdr(alpha=0.1)``'s mean false discovery proportion and
  informative features found;
- the same on scikit-learn's diabetes table (442 x 10): the features whose
  p-value is at most 0.05;
- ``mutual_info_mine_classif`` on its breast cancer table (569 x 30): the
  five features of the largest estimates;
- ``independence_test``, n = 1000, 2-D X, y = sin(2 x0) + noise, and
  ``conditional_independence_test``, n = 500, 1-D Z, X and y two noisy
  copies of Z (a common cause: the null): their p-values.
The calls on one table take the median of three (the same
``random_state``: the same result); the per-feature tables, each timed
once, their median.

``--quick`` (a smoke run): this tree alone, one table of 200 rows and 30
features, the small calls, each timed once.
"""

import argparse
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
from common.options import timed
from common.tables import fdr_outcome, fdr_table
from sklearn.datasets import load_breast_cancer, load_diabetes

FDR = 0.1
# The calls on one table are each timed this many times (the median).
REPEATS = 3
ROOT = Path(__file__).resolve().parents[1]


def _timed(call, *args, repeats=1, **kwargs):
    """The median seconds of ``repeats`` calls (each with the same
    ``random_state``, so the same result), and the result."""
    runs = [timed(call, *args, **kwargs) for _ in range(repeats)]
    return float(np.median([seconds for _, seconds in runs])), runs[-1][0]


def _fdr_rows(mine, n_tables, n, n_noise):
    for kind in ["linear", "non-monotone"]:
        seconds, fdp, found = [], [], []
        for table in range(n_tables):
            X, y = fdr_table(
                kind, n, np.random.default_rng(30_000 + table), n_noise=n_noise
            )
            s, (_, pvalues) = _timed(
                mine, X, y, return_pvalues=True, random_state=table
            )
            proportion, true = fdr_outcome(X, y, pvalues, FDR)
            seconds.append(s)
            fdp.append(proportion)
            found.append(true)
        yield (
            "mutual_info_mine, p-values",
            f"{n_tables} tables {n} x {10 + n_noise}, {kind}",
            float(np.median(seconds)),
            f"FDP {np.mean(fdp):.3f}, found {np.mean(found):.2f}",
        )


def _worker(n_tables, quick):
    """Each call's seconds and decision, one JSON line each."""
    import sklearn_mine
    from sklearn_mine import (
        conditional_independence_test,
        independence_test,
        mutual_info_mine,
        mutual_info_mine_classif,
    )

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    repeats = 1 if quick else REPEATS
    # One warm-up call of every function timed: since critic="auto" the
    # p-values and the estimates take different critics, and a process's
    # first fit of each kind pays its imports (about a second for the
    # MLP's), which is not the engine's cost.
    small = rng.standard_normal((100, 3))
    mutual_info_mine(small, small[:, 0], return_pvalues=True, random_state=0)
    mutual_info_mine_classif(small, small[:, 0] > 0, random_state=0)
    independence_test(small[:, :1], small[:, 1], random_state=0)
    conditional_independence_test(
        small[:, :1], small[:, 1], small[:, 2], random_state=0
    )
    rows = list(
        _fdr_rows(mutual_info_mine, *((1, 200, 20) if quick else (n_tables, 1000, 100)))
    )
    X, y = load_diabetes(return_X_y=True)
    s, (_, p) = _timed(
        mutual_info_mine, X, y, return_pvalues=True, random_state=0, repeats=repeats
    )
    rows.append(
        (
            "mutual_info_mine, p-values",
            "diabetes 442 x 10",
            s,
            f"p <= 0.05: {np.flatnonzero(p <= 0.05).tolist()}",
        )
    )
    X, y = load_breast_cancer(return_X_y=True)
    s, mi = _timed(mutual_info_mine_classif, X, y, random_state=0, repeats=repeats)
    rows.append(
        (
            "mutual_info_mine_classif",
            "breast cancer 569 x 30",
            s,
            f"top five {np.argsort(-mi)[:5].tolist()}",
        )
    )
    n = 200 if quick else 1000
    x = rng.standard_normal((n, 2))
    s, result = _timed(
        independence_test,
        x,
        np.sin(2 * x[:, 0]) + rng.standard_normal(n),
        random_state=0,
        repeats=repeats,
    )
    rows.append(
        ("independence_test", f"n = {n}, 2-D X, sine", s, f"p = {result.pvalue:.3f}")
    )
    n = 200 if quick else 500
    z = rng.standard_normal((n, 1))
    s, result = _timed(
        conditional_independence_test,
        z + rng.standard_normal((n, 1)),
        z[:, 0] + rng.standard_normal(n),
        z,
        random_state=0,
        repeats=repeats,
    )
    rows.append(
        (
            "conditional_independence_test",
            f"n = {n}, 1-D Z, common cause",
            s,
            f"p = {result.pvalue:.3f}",
        )
    )
    for call, data, seconds, decided in rows:
        print(
            json.dumps(
                {
                    "version": sklearn_mine.__version__,
                    "package": str(Path(sklearn_mine.__file__).resolve().parent),
                    "call": call,
                    "data": data,
                    "seconds": seconds,
                    "decided": decided,
                }
            ),
            flush=True,
        )


def _run(path, n_tables, quick):
    """The worker's rows, in a process that imports the package at ``path``."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    command = [sys.executable, __file__, "--worker", "--tables", str(n_tables)]
    out = subprocess.run(
        command + (["--quick"] if quick else []),
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = [
        json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")
    ]
    # A path without the package would import the installed one: the tree
    # against itself, silently.
    expected = (Path(path) / "sklearn_mine").resolve()
    if Path(rows[0]["package"]) != expected:
        raise SystemExit(
            f"{path} did not provide the package: the worker imported "
            f"{rows[0]['package']}, not {expected}."
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path)
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.tables, args.quick)
        return
    if args.release and not (args.release / "sklearn_mine" / "__init__.py").is_file():
        parser.error(f"--release {args.release} holds no sklearn_mine package.")
    release = (
        None
        if args.quick or args.release is None
        else _run(args.release, args.tables, False)
    )
    tree = _run(ROOT, args.tables, args.quick)
    against = "no release" if release is None else release[0]["version"]
    print(f"## This tree ({tree[0]['version']}) against {against}\n")
    print(
        "| call | data | release s | this tree s | release / this tree | "
        "release decided | this tree decided |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for i, row in enumerate(tree):
        old = release[i] if release else None
        print(
            f"| {row['call']} | {row['data']} | "
            + (f"{old['seconds']:.2f} | " if old else "- | ")
            + f"{row['seconds']:.2f} | "
            + (f"{old['seconds'] / row['seconds']:.1f} | " if old else "- | ")
            + (f"{old['decided']} | " if old else "- | ")
            + f"{row['decided']} |"
        )


if __name__ == "__main__":
    main()
