"""Uncertainty: calibration of the standard errors, and the independence test.

Five sections, each printed as markdown tables (``--sections`` picks some):

- ``calibration``: ``MINEEstimator``'s defaults on five families of known
  MI, 20 independent draws each (fresh data and ``random_state``; ``--draws``
  for more, read pooled and in blocks of 20): the reported standard error
  against the observed spread of the estimates, the coverage of the 95 %
  interval, and the mean error beside them.
- ``per-feature``: ``mutual_info_mine(return_std=True)`` on scikit-learn's
  diabetes table with ``random_state`` 0-9: each feature's reported standard
  error against the spread over seeds, and a column scored alone against the
  same column among all ten.
- ``size``: ``independence_test(method="split")`` under independence,
  three families (one heavy-tailed), n = 200 and 2000, 200 trials each:
  the rejection rate at alpha = 0.05.
- ``power``: the rejection rate at alpha = 0.05 of ``independence_test``
  (``method="split"``; ``bench_testing.py`` compares it with the default)
  beside distance correlation (``dcor``) and HSIC (``hyppo``), permutation
  tests all (199 permutations each), on four dependence families at n = 200,
  500 and 1000, 50 trials each, with the seconds each test takes; and,
  beside them, the power of the ideal statistic (the true log density
  ratio, known for these families) tested on 30 % of the pairs, the ceiling
  of ``independence_test``'s construction whatever its critic, and on all of
  them (400 trials; ``--tests`` narrows the tests beside it).
- ``lower-bound``: ``MINEEstimator``'s defaults on eight cases of known MI
  (Gaussian of 1 and 5 dimensions at low, moderate and high MI, Student-t,
  a Gaussian mixture, a sparse 25x25 Gaussian), 40 draws of n = 2000 each
  (``--draws``): the one-sided 95 % ``lower_confidence_bound_``'s coverage
  (the fraction of fits where it is at most the truth), the gap from the
  truth down to it, and on which side the two-sided interval missed.

Every process is held to one thread (torch's; hyppo's ``workers=1``), so
that sections can run side by side on two cores and the seconds compare like
with like.

``--quick`` runs a few trials of each at the smallest sizes (a smoke run).
The comparison packages are in the ``compare`` extra
(``pip install -e ".[compare]"``).

``--trials``, ``--sizes`` and ``--families`` (substrings) narrow the size
and power sections, for reruns of part of them.

Usage::

    python benchmarks/bench_uncertainty.py [--quick] [--sections NAME ...] [--draws N]
        [--trials N] [--sizes N ...] [--families NAME ...]
"""

import argparse
import math
import time
import warnings

import numpy as np
import torch
from common.data import dependent_pair
from common.hard_cases import CASES
from scipy.special import logsumexp
from scipy.stats import norm
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from sklearn_mine import MINEEstimator, independence_test, mutual_info_mine
from sklearn_mine.datasets import make_gaussian

ALPHA = 0.05
PERMUTATIONS = 199

CALIBRATION_CASES = {
    "Gaussian": "gaussian 1x1 lecture (rho=0.879)",
    "Student-t": "student-t 3x3 df=3",
    "mixture": "mixture waves 1x1",
    "transform": "transform cube/asinh 1x1",
    "sparse": "gaussian 25x25 sparse, 2 pairs",
}


# The spread of 20 estimates is itself uncertain (by about a sixth for normal
# estimates, more for heavy-tailed ones): more draws are read in blocks of
# 20 as well as pooled, so that a block's ratio shows how far it can move.
BLOCK = 20


def _ratio(estimates, errors):
    return np.sqrt(np.mean(errors**2)) / estimates.std(ddof=1)


def calibration(n_draws, n):
    print(f"## Calibration: {n_draws} draws of n = {n}, defaults\n")
    print(
        "| family | case | truth | mean estimate | mean error | observed spread "
        "| reported standard error (RMS) | ratio | ratio by blocks of "
        f"{BLOCK} draws | 95 % coverage | fit s (median) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
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
        blocks = ", ".join(
            f"{_ratio(estimates[i : i + BLOCK], errors[i : i + BLOCK]):.2f}"
            for i in range(0, n_draws - BLOCK + 1, BLOCK)
        )
        print(
            f"| {family} | {name} | {truth:.3f} | {estimates.mean():.3f} | "
            f"{estimates.mean() - truth:+.3f} | {spread:.4f} | {reported:.4f} | "
            f"{reported / spread:.2f} | {blocks or '-'} | {np.mean(covered):.0%} | "
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


def _mine_pvalue(X, y, seed, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # The split construction, whose record these sections are;
        # bench_testing.py compares the two.
        result = independence_test(
            X,
            y,
            n_permutations=PERMUTATIONS,
            method="split",
            random_state=seed,
            **params,
        )
    return result.pvalue


def _dcor_pvalue(X, y, seed):
    import dcor

    result = dcor.independence.distance_covariance_test(
        X, y, num_resamples=PERMUTATIONS, random_state=seed
    )
    return result.pvalue


def _hsic_pvalue(X, y, seed):
    from hyppo.independence import Hsic

    np.random.seed(seed)
    y = y.reshape(len(y), -1)
    with warnings.catch_warnings():
        # hyppo warns below 1000 permutations; every test here has 199.
        warnings.filterwarnings("ignore", "The number of replications is low")
        return Hsic().test(X, y, reps=PERMUTATIONS, workers=1, auto=False)[1]


TESTS = {"MINE": _mine_pvalue, "dcor": _dcor_pvalue, "HSIC": _hsic_pvalue}


# ------------------------------------------------------- the ideal statistic


def _log_joint(family, X, y):
    """log p(x, y) of a power family's pairs, less terms of x or y alone.

    Over re-pairings of the same x and y, the sums of log p(x) and log p(y)
    do not change, so this ranks the observed pairing among its
    permutations as the log density ratio does, for less arithmetic.
    """
    x = X[:, 0]
    if family == "linear":
        return norm.logpdf(y, 0.15 * x)
    if family == "non-monotone":
        return norm.logpdf(y, 0.3 * x**2)
    if family == "Student-t identity":
        # The multivariate t of 2 + 2 dimensions and df = 5.
        return -4.5 * np.log1p(((X**2).sum(axis=1) + (y**2).sum(axis=1)) / 5)
    if family == "multimodal":
        angles = np.arange(4) * np.pi / 2
        centres = np.column_stack([np.cos(angles), np.sin(angles)])
        log_x = norm.logpdf(X[:, None, :], centres, 1.2).sum(axis=2)  # (n, 4)
        log_y = norm.logpdf(y[:, None], np.sin(angles + np.pi / 4), 1.2)
        return logsumexp(log_x + log_y, axis=1)
    raise ValueError(family)


def _ideal_pvalue(family, X, y, seed, test_fraction):
    """The permutation test of the true log density ratio on a test fraction.

    No critic could do better at telling these pairs from re-pairings: with
    ``test_fraction=0.3`` it is the ceiling of ``independence_test``'s
    construction (the same split size and permutations), with 1 that of a
    test that scores every pair.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    n_test = math.ceil(test_fraction * n)
    rows = rng.permutation(n)[:n_test]
    X, y = X[rows], y[rows]
    statistic = _log_joint(family, X, y).mean()
    null = np.array(
        [
            _log_joint(family, X, y[rng.permutation(n_test)]).mean()
            for _ in range(PERMUTATIONS)
        ]
    )
    return (1 + np.sum(null >= statistic)) / (1 + PERMUTATIONS)


SIZE_FAMILIES = ["Gaussian", "Student-t df=1 (Cauchy)", "uniform, discrete y"]
POWER_FAMILIES = ["linear", "non-monotone", "Student-t identity", "multimodal"]


def _chosen(families, substrings):
    return [f for f in families if not substrings or any(s in f for s in substrings)]


def size(n_trials, sizes, families):
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


# The ideal statistic costs no fit: its power is read on more trials (the
# first ``n_trials`` of them the same samples as the tests').
IDEAL_TRIALS = 400
IDEAL_FRACTIONS = {"ideal, 30 % of pairs": 0.3, "ideal, all pairs": 1.0}


def power(n_trials, sizes, families, tests, ideal_trials=IDEAL_TRIALS):
    print(
        f"## Power at alpha = {ALPHA}, {n_trials} trials ({ideal_trials} for the "
        f"ideal statistic), {PERMUTATIONS} permutations each\n"
    )
    print(
        "| family | n | "
        + " | ".join(f"{name} power | {name} s" for name in tests)
        + (" | " if tests else "")
        + " | ".join(f"{name} power" for name in IDEAL_FRACTIONS)
        + " |"
    )
    print(
        "| --- | --- |" + " --- | --- |" * len(tests) + " --- |" * len(IDEAL_FRACTIONS)
    )
    for family in families:
        for n in sizes:
            cells = []
            for name in tests:
                rejected, seconds = [], []
                for trial in range(n_trials):
                    X, y = dependent_pair(
                        family, n, np.random.default_rng(20_000 + trial)
                    )
                    start = time.perf_counter()
                    rejected.append(TESTS[name](X, y, trial) <= ALPHA)
                    seconds.append(time.perf_counter() - start)
                cells += [f"{np.mean(rejected):.2f}", f"{np.median(seconds):.2f}"]
            for fraction in IDEAL_FRACTIONS.values():
                rejected = [
                    _ideal_pvalue(
                        family,
                        *dependent_pair(
                            family, n, np.random.default_rng(20_000 + trial)
                        ),
                        trial,
                        fraction,
                    )
                    <= ALPHA
                    for trial in range(ideal_trials)
                ]
                cells.append(f"{np.mean(rejected):.2f}")
            print(f"| {family} | {n} | " + " | ".join(cells) + " |", flush=True)
    print()


# ------------------------------------------------------ lower confidence bound


def _weak_gaussian(n, seed):
    return make_gaussian(n, rho=0.3, random_state=seed)


# Closed-form truths (Gaussian, Student-t) at low, moderate and high MI, and
# two cases where the critic falls short of the density ratio (the mixture,
# the sparse 25x25 Gaussian: bench_hard's worst), where the bound is low.
LOWER_BOUND_CASES = {
    "gaussian 1x1 rho=0.3": _weak_gaussian,
    **{
        name: CASES[name][1]
        for name in [
            "gaussian 1x1 lecture (rho=0.879)",
            "gaussian 5x5 dense mi=0.6",
            "gaussian 5x5 dense mi=5",
            "student-t 1x1 df=1",
            "student-t 3x3 df=3",
            "mixture waves 1x1",
            "gaussian 25x25 sparse, 2 pairs",
        ]
    },
}


# 40 draws put a coverage of 0.95 within about +/- 0.035 (one standard error).
LOWER_BOUND_DRAWS = 40


def lower_bound(n_draws, n):
    print(
        f"## Lower confidence bound: {n_draws} draws of n = {n}, defaults\n\n"
        "`lower_confidence_bound_` = `mutual_info_ - 1.645 standard_error_` "
        "(one-sided 95 %); coverage is the fraction of fits with the bound at "
        "most the truth (target: 0.95 or more). The gap is truth minus bound: "
        "the critic's shortfall (truth minus estimate) plus 1.645 standard "
        "errors.\n"
    )
    print(
        "| case | truth | mean estimate | mean standard error | one-sided "
        "coverage | mean gap | gap / truth | gap in standard errors | 95 % "
        "interval missed below / above | reference_ resample | fit s (median) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, sampler in LOWER_BOUND_CASES.items():
        estimates, errors, bounds, below, above, resample, seconds = (
            [] for _ in range(7)
        )
        for draw in range(n_draws):
            X, y, truth = sampler(n, 3000 + draw)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est = MINEEstimator(random_state=draw).fit(X, y)
            seconds.append(time.perf_counter() - start)
            estimates.append(est.mutual_info_)
            errors.append(est.standard_error_)
            bounds.append(est.lower_confidence_bound_)
            low, high = est.confidence_interval_
            below.append(high < truth)
            above.append(low > truth)
            resample.append(est.reference_ == "resample")
        estimates, errors, bounds = map(np.array, (estimates, errors, bounds))
        gaps = truth - bounds
        print(
            f"| {name} | {truth:.3f} | {estimates.mean():.3f} | "
            f"{errors.mean():.4f} | {np.mean(bounds <= truth):.2f} | "
            f"{gaps.mean():.3f} | {gaps.mean() / truth:.0%} | "
            f"{np.mean(gaps / errors):.1f} | {sum(below)} / {sum(above)} | "
            f"{np.mean(resample):.0%} | {np.median(seconds):.1f} |",
            flush=True,
        )
    print()


SECTIONS = ["calibration", "per-feature", "size", "power", "lower-bound"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--sections",
        nargs="+",
        default=SECTIONS,
        choices=SECTIONS,
    )
    parser.add_argument(
        "--draws",
        type=int,
        help=f"draws of calibration (default {BLOCK}) and lower-bound "
        f"(default {LOWER_BOUND_DRAWS})",
    )
    parser.add_argument("--trials", type=int, help="trials of size and power")
    parser.add_argument("--sizes", type=int, nargs="+", help="n of size and power")
    parser.add_argument("--families", nargs="+", help="substrings (size and power)")
    parser.add_argument(
        "--tests",
        nargs="*",
        choices=list(TESTS),
        default=list(TESTS),
        help="tests of the power section beside the ideal statistic",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    quick = args.quick
    for section in args.sections:
        if section == "calibration":
            calibration(
                n_draws=args.draws or (3 if quick else BLOCK),
                n=1000 if quick else 5000,
            )
        elif section == "per-feature":
            per_feature(n_seeds=2 if quick else 10)
        elif section == "size":
            size(
                n_trials=args.trials or (4 if quick else 200),
                sizes=args.sizes or ([200] if quick else [200, 2000]),
                families=_chosen(SIZE_FAMILIES, args.families),
            )
        elif section == "lower-bound":
            lower_bound(
                n_draws=args.draws or (3 if quick else LOWER_BOUND_DRAWS),
                n=1000 if quick else 2000,
            )
        elif section == "power":
            power(
                n_trials=args.trials or (2 if quick else 50),
                sizes=args.sizes or ([200] if quick else [200, 500, 1000]),
                families=_chosen(POWER_FAMILIES, args.families),
                tests=args.tests,
                ideal_trials=10 if quick else IDEAL_TRIALS,
            )


if __name__ == "__main__":
    main()
