"""Uncertainty: calibration of the standard errors, and the independence test.

Four sections, each printed as markdown tables (``--sections`` picks some):

- ``calibration``: ``MINEEstimator``'s defaults on five families of known
  MI, 20 independent draws each (fresh data and ``random_state``): the
  reported standard error against the observed spread of the estimates, the
  coverage of the 95 % interval, and the mean error beside them.
- ``per-feature``: ``mutual_info_mine(return_std=True)`` on scikit-learn's
  diabetes table with ``random_state`` 0-9: each feature's reported standard
  error against the spread over seeds, and a column scored alone against the
  same column among all ten.
- ``size``: ``independence_test`` under independence, three families (one
  heavy-tailed), n = 200 and 2000, 200 trials each: the rejection rate at
  alpha = 0.05.
- ``power``: the rejection rate at alpha = 0.05 of ``independence_test``
  beside distance correlation (``dcor``) and HSIC (``hyppo``), permutation
  tests all, on four dependence families at n = 200, 500 and 1000, with the
  seconds each test takes.

``--quick`` runs a few trials of each at the smallest sizes (a smoke run).
The comparison packages are in the ``compare`` extra
(``pip install -e ".[compare]"``).

Usage::

    python benchmarks/bench_uncertainty.py [--quick] [--sections NAME ...]
"""

import argparse
import time
import warnings

import numpy as np
from bench_hard import CASES
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from sklearn_mine import MINEEstimator, independence_test, mutual_info_mine

ALPHA = 0.05

CALIBRATION_CASES = {
    "Gaussian": "gaussian 1x1 lecture (rho=0.879)",
    "Student-t": "student-t 3x3 df=3",
    "mixture": "mixture waves 1x1",
    "transform": "transform cube/asinh 1x1",
    "sparse": "gaussian 25x25 sparse, 2 pairs",
}


def calibration(n_draws, n):
    print(f"## Calibration: {n_draws} draws of n = {n}, defaults\n")
    print(
        "| family | case | truth | mean estimate | mean error | observed spread "
        "| reported standard error (RMS) | ratio | 95 % coverage | fit s (median) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for family, name in CALIBRATION_CASES.items():
        estimates, errors, covered, seconds = [], [], [], []
        for draw in range(n_draws):
            X, y, truth = CASES[name][1](n, 2000 + draw)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est = MINEEstimator(random_state=draw).fit(X, y)
            seconds.append(time.perf_counter() - start)
            estimates.append(est.mutual_info_)
            errors.append(est.standard_error_)
            low, high = est.confidence_interval_
            covered.append(low <= truth <= high)
        estimates, errors = np.array(estimates), np.array(errors)
        spread = estimates.std(ddof=1)
        reported = np.sqrt(np.mean(errors**2))
        print(
            f"| {family} | {name} | {truth:.3f} | {estimates.mean():.3f} | "
            f"{estimates.mean() - truth:+.3f} | {spread:.4f} | {reported:.4f} | "
            f"{reported / spread:.2f} | {np.mean(covered):.0%} | "
            f"{np.median(seconds):.1f} |",
            flush=True,
        )
    print()


def per_feature(n_seeds):
    X, y = load_diabetes(return_X_y=True)
    names = load_diabetes().feature_names
    print(f"## Per feature: diabetes ({len(X)} rows), random_state 0-{n_seeds - 1}\n")
    mi, std = [], []
    start = time.perf_counter()
    for seed in range(n_seeds):
        m, s = mutual_info_mine(X, y, random_state=seed, return_std=True)
        mi.append(m)
        std.append(s)
    seconds = (time.perf_counter() - start) / n_seeds
    mi, std = np.array(mi), np.array(std)
    alone = [mutual_info_mine(X[:, [j]], y, random_state=0)[0] for j in range(10)]
    print(
        "| feature | mean MI | spread over seeds | reported std (RMS) | ratio "
        "| alone, seed 0 | among all ten, seed 0 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for j, name in enumerate(names):
        spread = mi[:, j].std(ddof=1)
        reported = np.sqrt(np.mean(std[:, j] ** 2))
        ratio = f"{reported / spread:.2f}" if spread > 0 else "- (always 0)"
        print(
            f"| {name} | {mi[:, j].mean():.3f} | {spread:.4f} | {reported:.4f} | "
            f"{ratio} | {alone[j]:.6f} | {mi[0, j]:.6f} |"
        )
    print(f"\nseconds per call (10 features): {seconds:.1f}\n")


# ------------------------------------------------------------ test families


def _independent(family, n, rng):
    if family == "Gaussian":
        return rng.standard_normal((n, 1)), rng.standard_normal(n)
    if family == "Student-t df=1 (Cauchy)":
        return rng.standard_cauchy((n, 2)), rng.standard_cauchy(n)
    if family == "uniform, discrete y":
        return rng.uniform(size=(n, 3)), rng.integers(0, 3, n).astype(float)
    raise ValueError(family)


def _dependent(family, n, rng):
    x = rng.standard_normal(n)
    if family == "linear":
        return x[:, None], 0.25 * x + rng.standard_normal(n)
    if family == "non-monotone":
        return x[:, None], 0.6 * x**2 + rng.standard_normal(n)
    if family == "Student-t identity":
        # Uncorrelated, dependent through a shared scale: 2x2, df = 3.
        z = rng.standard_normal((n, 4)) / np.sqrt(rng.chisquare(3, (n, 1)) / 3)
        return z[:, :2], z[:, 2:]
    if family == "multimodal":
        # Four clusters on a ring; y picks the cluster's angle, x its position.
        k = rng.integers(0, 4, n)
        angle = k * np.pi / 2
        X = np.column_stack([np.cos(angle), np.sin(angle)]) + 0.9 * rng.standard_normal(
            (n, 2)
        )
        return X, np.sin(angle + np.pi / 4) + 0.9 * rng.standard_normal(n)
    raise ValueError(family)


def _mine_pvalue(X, y, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return independence_test(X, y, random_state=seed).pvalue


def _dcor_pvalue(X, y, seed):
    import dcor

    result = dcor.independence.distance_covariance_test(
        X, y, num_resamples=999, random_state=seed
    )
    return result.pvalue


def _hsic_pvalue(X, y, seed):
    from hyppo.independence import Hsic

    np.random.seed(seed)
    return Hsic().test(X, y.reshape(len(y), -1), reps=999, workers=1, auto=False)[1]


TESTS = {"MINE": _mine_pvalue, "dcor": _dcor_pvalue, "HSIC": _hsic_pvalue}


def size(n_trials, sizes):
    families = ["Gaussian", "Student-t df=1 (Cauchy)", "uniform, discrete y"]
    print(f"## Size: independence_test under independence, {n_trials} trials\n")
    print("| family | n | rejection rate at 0.05 | fit and test s (median) |")
    print("| --- | --- | --- | --- |")
    for family in families:
        for n in sizes:
            pvalues, seconds = [], []
            for trial in range(n_trials):
                X, y = _independent(family, n, np.random.default_rng(10_000 + trial))
                start = time.perf_counter()
                pvalues.append(_mine_pvalue(X, y, trial))
                seconds.append(time.perf_counter() - start)
            rate = np.mean(np.array(pvalues) <= ALPHA)
            print(
                f"| {family} | {n} | {rate:.3f} | {np.median(seconds):.2f} |",
                flush=True,
            )
    print()


def power(n_trials, sizes):
    families = ["linear", "non-monotone", "Student-t identity", "multimodal"]
    print(f"## Power at alpha = {ALPHA}, {n_trials} trials, 999 permutations each\n")
    print(
        "| family | n | "
        + " | ".join(f"{name} power | {name} s" for name in TESTS)
        + " |"
    )
    print("| --- | --- |" + " --- | --- |" * len(TESTS))
    for family in families:
        for n in sizes:
            cells = []
            for test in TESTS.values():
                rejected, seconds = [], []
                for trial in range(n_trials):
                    X, y = _dependent(family, n, np.random.default_rng(20_000 + trial))
                    start = time.perf_counter()
                    rejected.append(test(X, y, trial) <= ALPHA)
                    seconds.append(time.perf_counter() - start)
                cells += [f"{np.mean(rejected):.2f}", f"{np.median(seconds):.2f}"]
            print(f"| {family} | {n} | " + " | ".join(cells) + " |", flush=True)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--sections",
        nargs="+",
        default=["calibration", "per-feature", "size", "power"],
        choices=["calibration", "per-feature", "size", "power"],
    )
    args = parser.parse_args()
    quick = args.quick
    for section in args.sections:
        if section == "calibration":
            calibration(n_draws=3 if quick else 20, n=1000 if quick else 5000)
        elif section == "per-feature":
            per_feature(n_seeds=2 if quick else 10)
        elif section == "size":
            size(n_trials=4 if quick else 200, sizes=[200] if quick else [200, 2000])
        elif section == "power":
            power(
                n_trials=2 if quick else 50, sizes=[200] if quick else [200, 500, 1000]
            )


if __name__ == "__main__":
    main()
