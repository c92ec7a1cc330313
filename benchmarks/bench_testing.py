"""Testing dependence: size, power and seconds beside distance correlation and HSIC.

Four sections, each printed as markdown tables (``--sections`` picks some):

- ``joint``: ``independence_test`` (``method="permutation"``, the default,
  the same with ``critic="convex"``, ``method="split"`` and its
  cross-fitted form ``n_splits=2``, each also with a convex critic) beside
  distance correlation (``dcor``) and HSIC (``hyppo``), permutation tests
  all, on six families (linear,
  non-monotone, heavy-tailed with a shared scale, multimodal, discrete y,
  and a high-frequency sine that neither closed-form statistic sees), and
  nine whose dependence the closed forms, and kernels of one bandwidth, are
  built to miss (``CRITIC_ONLY``: a sine of 10x, a circle, a checkerboard, a
  spiral, the XOR of two signs, a bimodal y in x's tails only, a skewness
  that flips with x, multiplicative noise, and a sine of one direction of a
  10-D X), at n = 100, 200, 500, 1000 and 2000: the rejection rate at alpha = 0.05
  under independence (size: each family's X and y drawn from two
  independent samples, so with its marginals) and under the family's
  dependence (power), and the median seconds of a test.
- ``combination``: the default test's three statistics (the critics' and
  the two closed forms') combined six ways on the joint section's samples:
  each alone, the min-p of all three over the critics' pairings, the
  shipped Bonferroni of the critics' and the closed forms' p-values, a
  Bonferroni weighted 1/3 to the critic, and Fisher's combination of all
  three over the critics' pairings (Pesarin's non-parametric
  combination); size and power of each, from one call a sample.
- ``per-feature``: tables of 1000 rows with 10 informative features (linear,
  or non-monotone; additive, no interactions) among 100 noise features.
  ``SelectFdr(alpha=0.1)`` with the p-values of
  ``mutual_info_mine(return_pvalues=True)``, of ``f_regression``, and of a
  permutation test of ``mutual_info_regression`` (KSG, with the same shared
  null of permuted normal scores, so as exact): the mean false discovery
  proportion, the informative features found, and the seconds; and the cost
  of the p-values against one plain ``mutual_info_mine`` call on the table.
- ``cost``: the default test (99 permutations, convex critics) at
  n = 1000, the same with ``critic="concat"``, and the cross-fitted split
  (``n_splits=2``, 999 permutations a fold) with a convex critic and with
  MINEEstimator's MLP, against dcor (99
  resamples) and hyppo's HSIC (its default chi-square approximation, and 99
  permutations) on the same data.

Every process is held to one thread (torch's; hyppo's ``workers=1``), so
that sections can run side by side on two cores and the seconds compare like
with like. ``--quick`` runs a few trials at the smallest sizes, 19 permutations,
tables of 10 noise features (a smoke run). ``--families`` picks the families
of the joint and cost sections.
The comparison packages are in the ``compare`` extra
(``pip install -e ".[compare]"``).

``--plot`` draws the power against n (docs/images/testing_power.png) from
the saved markdown of ``joint`` runs.

Usage::

    python benchmarks/bench_testing.py [--quick] [--sections NAME ...]
        [--trials N] [--size-trials N] [--sizes N ...] [--families NAME ...]
        [--tests NAME ...] [--permutations N] [--tables N]
    python benchmarks/bench_testing.py --plot OUTPUT.md ... [--image PATH]
"""

import argparse
import time
import warnings
from functools import partial

import numpy as np
import torch
from common.data import dependent_pair
from common.internals import (
    min_pvalue_combination,
    normal_scores,
    permutation_pvalues,
    score_vector,
)
from common.tables import fdr_outcome, fdr_table
from scipy.stats import rankdata
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import (
    f_regression,
    mutual_info_regression,
)

from sklearn_mine import independence_test, mutual_info_mine

ALPHA = 0.05
FDR = 0.1


# ------------------------------------------------------------------ families


# bench_uncertainty's families, under the names of this page.
_SHARED = {
    "linear": "linear",
    "non-monotone": "non-monotone",
    "heavy-tailed shared scale": "Student-t identity",
    "multimodal": "multimodal",
}


def _dependent(family, n, rng):
    """One sample of the family's dependence: X of shape (n, d), y."""
    if family in _SHARED:
        return dependent_pair(_SHARED[family], n, rng)
    x = rng.standard_normal(n)
    if family == "high-frequency sine":
        # y follows sin(4x): uncorrelated with x and with x^2 (an odd
        # function of a symmetric x), so neither closed-form statistic sees
        # it; the critic must.
        return x[:, None], np.sin(4 * x) + 0.7 * rng.standard_normal(n)
    if family == "discrete y":
        # Three classes; the middle one differs in scale only, so the mean
        # of X is the same in every class. A noise column beside.
        y = rng.integers(0, 3, n)
        scale = np.array([1.0, 1.4, 1.0])[y]
        X = np.column_stack([scale * x, rng.standard_normal(n)])
        return X, y.astype(float)
    if family in CRITIC_ONLY:
        return _critic_only(family, n, rng)
    raise ValueError(family)


def _critic_only(family, n, rng):
    """One sample of a family whose dependence the closed-form statistics
    (linear, and through squares) and a kernel of one fixed bandwidth are
    built to miss, or may: X of shape (n, d), y."""
    x = rng.standard_normal(n)
    e = rng.standard_normal(n)
    if family == "sine 10x":
        # Ten times faster than x's spread: a few pairs a period at n = 200.
        return x[:, None], np.sin(10 * x) + 0.4 * e
    if family == "circle":
        angle = rng.uniform(0, 2 * np.pi, n)
        noise = 0.2 * rng.standard_normal((n, 2))
        return (np.cos(angle) + noise[:, 0])[:, None], np.sin(angle) + noise[:, 1]
    if family == "checkerboard":
        # Uniform on the 8 even cells of a 4 x 4 board: each margin uniform.
        u = rng.uniform(0, 4, n)
        v = 2 * rng.integers(0, 2, n) + np.floor(u) % 2 + rng.uniform(0, 1, n)
        return u[:, None], v
    if family == "spiral":
        t = rng.uniform(0, 1, n)
        angle = 3 * np.pi * t
        noise = 0.04 * rng.standard_normal((n, 2))
        X = (t * np.cos(angle) + noise[:, 0])[:, None]
        return X, t * np.sin(angle) + noise[:, 1]
    if family == "xor of signs, 2-D X":
        # y's mean follows the sign of x0 x1: no dependence on either
        # coordinate alone, and y^2 the same for both signs.
        X = rng.standard_normal((n, 2))
        return X, 0.6 * np.sign(X[:, 0] * X[:, 1]) + e
    if family == "bimodal y in the tails":
        # Where |x| > 1.5 (13 % of pairs) y is +-1 (mean 0, variance 1, as
        # elsewhere): only its shape depends on x.
        tails = np.abs(x) > 1.5
        y = np.where(tails, rng.choice([-1.0, 1.0], n) + 0.1 * e, e)
        return x[:, None], y
    if family == "skewness flips with x":
        # Mean 0 and variance 1 given x; the skewness has x's sign.
        skewed = (rng.chisquare(1, n) - 1) / np.sqrt(2)
        return x[:, None], np.sign(x) * skewed
    if family == "multiplicative noise":
        return x[:, None], x * e
    if family == "sine of a direction, 10-D X":
        # y follows sin(3 u), u = (x0 + x1) / sqrt(2), among eight more
        # independent coordinates.
        X = rng.standard_normal((n, 10))
        u = (X[:, 0] + X[:, 1]) / np.sqrt(2)
        return X, np.sin(3 * u) + 0.5 * e
    raise ValueError(family)


def _independent(family, n, rng):
    """X and y with the family's marginals, from two independent samples."""
    X, _ = _dependent(family, n, rng)
    _, y = _dependent(family, n, rng)
    return X, y


# The six families of 0.4, then those only a learned statistic should see
# (issue 42's). Each family's null twin is _independent's.
CRITIC_ONLY = [
    "sine 10x",
    "circle",
    "checkerboard",
    "spiral",
    "xor of signs, 2-D X",
    "bimodal y in the tails",
    "skewness flips with x",
    "multiplicative noise",
    "sine of a direction, 10-D X",
]
FAMILIES = [
    "linear",
    "non-monotone",
    "heavy-tailed shared scale",
    "multimodal",
    "discrete y",
    "high-frequency sine",
    *CRITIC_ONLY,
]


# --------------------------------------------------------------------- tests


def _mine(method, X, y, seed, permutations, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = independence_test(
            X, y, method=method, n_permutations=permutations, random_state=seed,
            **params,
        )  # fmt: skip
    return result.pvalue


def _dcor(X, y, seed, permutations):
    import dcor

    result = dcor.independence.distance_covariance_test(
        X, y, num_resamples=permutations, random_state=seed
    )
    return result.pvalue


def _hsic(X, y, seed, permutations):
    from hyppo.independence import Hsic

    np.random.seed(seed)
    y = y.reshape(len(y), -1)
    with warnings.catch_warnings():
        # hyppo warns below 1000 permutations.
        warnings.filterwarnings("ignore", "The number of replications is low")
        return Hsic().test(X, y, reps=permutations, workers=1, auto=False)[1]


TESTS = {
    # The MLP critics, named: the permutation test's default critic is
    # "convex" (the row below).
    "MINE permutation": partial(_mine, "permutation", critic="concat"),
    "MINE split": partial(_mine, "split"),
    # Two folds, each tested by a MINEEstimator fitted on the other.
    "MINE cross-fit": partial(_mine, "split", n_splits=2),
    # The same with a convex critic (MINEEstimator(critic="convex")).
    "MINE split convex": partial(_mine, "split", critic="convex"),
    "MINE cross-fit convex": partial(_mine, "split", n_splits=2, critic="convex"),
    "MINE permutation convex": partial(_mine, "permutation", critic="convex"),
    "dcor": _dcor,
    "HSIC": _hsic,
}


def _samples(family, n, size_trials, trials):
    """``(kind, trial, X, y)``: the family's null twins, then its dependent
    samples; a sample depends on its kind and index only, so every test
    and every section reads the same ones."""
    for kind, count, draw in [
        ("size", size_trials, _independent),
        ("power", trials, _dependent),
    ]:
        offset = 10_000 if kind == "size" else 20_000
        for trial in range(count):
            X, y = draw(family, n, np.random.default_rng(offset + trial))
            yield kind, trial, X, y


def joint(trials, size_trials, sizes, families, tests, permutations):
    print(
        f"## Size and power at alpha = {ALPHA}: {size_trials} independent and "
        f"{trials} dependent samples per cell, {permutations} permutations "
        "per test\n"
    )
    header = " | ".join(f"{name} size | {name} power | {name} s" for name in tests)
    print(f"| family | n | {header} |")
    print("| --- | --- |" + " --- | --- | --- |" * len(tests))
    for family in families:
        for n in sizes:
            cells = []
            for name in tests:
                rejected = {"size": [], "power": []}
                seconds = []
                for kind, trial, X, y in _samples(family, n, size_trials, trials):
                    start = time.perf_counter()
                    pvalue = TESTS[name](X, y, trial, permutations)
                    seconds.append(time.perf_counter() - start)
                    rejected[kind].append(pvalue <= ALPHA)
                cells += [
                    _rate(rejected["size"]),
                    _rate(rejected["power"]),
                    f"{np.median(seconds):.2f}",
                ]
            print(f"| {family} | {n} | " + " | ".join(cells) + " |", flush=True)
    print()


# The combinations of the default test's statistics, each an exact p-value.
# "neural" and "closed forms" are the critics' and the closed forms' own
# min-p over the critics' 1 + B pairings; "min-p of all three" combines the
# three statistics over those pairings (Westfall and Young); "shipped" is the
# test's p-value: twice the smaller of the critics' and the closed forms'
# (those over 1999 permutations of their own).
COMBINATIONS = [
    "neural",
    "closed forms",
    "min-p of all three",
    "shipped",
    "weighted, critic 1/3",
    "Fisher of all three",
]


def _fisher_combination(*statistics):
    """Pesarin's non-parametric combination by Fisher's rule: each
    pairing's p-value under each statistic (its rank among the same 1 + B
    pairings), the sum of their logs, and the observed pairing's sum
    ranked among all of them: exact as the min-p is (every pairing is
    exchangeable under independence), but it adds what several statistics
    see where the min-p keeps the strongest. Measured, not shipped."""
    # Entries at least as large as each, within its row: rankdata of the
    # negated values with ties at their largest rank.
    logs = sum(
        np.log(rankdata(-np.asarray(values, dtype=float), method="max", axis=1))
        for values in statistics
    )
    return (logs <= logs[:, :1]).mean(axis=1)


def _combinations(X, y, seed, permutations):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = independence_test(X, y, n_permutations=permutations, random_state=seed)
    rows = [result.statistics[name][None] for name in ("neural", "linear", "quadratic")]
    neural = permutation_pvalues(rows[0])[0]
    closed = min_pvalue_combination(*rows[1:])[0]
    return {
        "neural": neural,
        "closed forms": closed,
        "min-p of all three": min_pvalue_combination(*rows)[0],
        "shipped": result.pvalue,
        # A weighted Bonferroni (the critic's part 1/3, the closed forms'
        # 2/3), the closed forms over the same pairings: the critic alone
        # then rejects only when its pairing ranks first of 100.
        "weighted, critic 1/3": min(1.0, 3 * neural, 1.5 * closed),
        "Fisher of all three": _fisher_combination(*rows)[0],
    }


def combination(trials, size_trials, sizes, families, permutations):
    """The default test's statistics combined six ways, on the same samples."""
    print(
        f"## Combinations of the default test's statistics at alpha = {ALPHA}: "
        f"{size_trials} independent and {trials} dependent samples per cell, "
        f"{permutations} permutations\n"
    )
    header = " | ".join(f"{name} size | {name} power" for name in COMBINATIONS)
    print(f"| family | n | {header} | s |")
    print("| --- | --- |" + " --- | --- |" * len(COMBINATIONS) + " --- |")
    cells_of = {(kind, name): [] for kind in ("size", "power") for name in COMBINATIONS}
    for family in families:
        for n in sizes:
            rejected = {
                (kind, name): [] for kind in ("size", "power") for name in COMBINATIONS
            }
            seconds = []
            for kind, trial, X, y in _samples(family, n, size_trials, trials):
                start = time.perf_counter()
                pvalues = _combinations(X, y, trial, permutations)
                seconds.append(time.perf_counter() - start)
                for name, pvalue in pvalues.items():
                    rejected[kind, name].append(pvalue <= ALPHA)
            cells = [
                _rate(rejected[kind, name])
                for name in COMBINATIONS
                for kind in ("size", "power")
            ]
            for key, values in rejected.items():
                if values:
                    cells_of[key].append(np.mean(values))
            print(
                f"| {family} | {n} | "
                + " | ".join(cells)
                + f" | {np.median(seconds):.2f} |",
                flush=True,
            )
    print(f"\n### Over the {len(cells_of['power', COMBINATIONS[0]])} cells\n")
    print("| combination | mean power | mean size | largest size |")
    print("| --- | --- | --- | --- |")
    for name in COMBINATIONS:
        power, size = cells_of["power", name], cells_of["size", name]
        # With --size-trials 0 there is no size to summarise.
        sizes = f"{np.mean(size):.3f} | {np.max(size):.3f}" if size else "- | -"
        print(f"| {name} | {np.mean(power):.3f} | {sizes} |")
    print()


def _rate(rejected):
    return f"{np.mean(rejected):.3f}" if rejected else "-"


# ---------------------------------------------------------------- per feature


def _mine_pvalues(X, y, seed, critic="auto"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return mutual_info_mine(
            X, y, return_pvalues=True, random_state=seed, critic=critic
        )[1]


def _ksg_pvalues(X, y, seed, permutations=199):
    # The same exact construction as mutual_info_mine's: the features' normal
    # scores beside permuted copies of the score vector, the shared null.
    rng = np.random.RandomState(seed)
    scores = normal_scores(X, rng)
    vector = score_vector(len(X))
    nulls = np.column_stack([rng.permutation(vector) for _ in range(permutations)])
    mi = mutual_info_regression(
        np.hstack([scores, nulls]), y, discrete_features=False, random_state=seed
    )
    observed, null = mi[: X.shape[1]], mi[X.shape[1] :]
    return (1 + (null[None, :] >= observed[:, None]).sum(axis=1)) / (1 + permutations)


SCORE_FUNCTIONS = {
    # The default (critic="auto": with p-values, the tests' convex critics)
    # and the MLP critics.
    "mutual_info_mine": _mine_pvalues,
    "mutual_info_mine, concat": partial(_mine_pvalues, critic="concat"),
    "f_regression": lambda X, y, seed: f_regression(X, y)[1],
    "mutual_info_regression, permutation": _ksg_pvalues,
}


def per_feature(n_tables, n=1000, n_noise=100, scores=None):
    print(
        f"## Per-feature p-values: SelectFdr(alpha={FDR}), {n_tables} tables of "
        f"{n} rows, 10 informative among {10 + n_noise} features\n"
    )
    print(
        "| kind | p-values | mean false discovery proportion | "
        "informative found (mean) | s per table |"
    )
    print("| --- | --- | --- | --- | --- |")
    for kind in ["linear", "non-monotone"]:
        for name, score in SCORE_FUNCTIONS.items():
            if scores and not any(part in name for part in scores):
                continue
            fdp, found, seconds = [], [], []
            for table in range(n_tables):
                rng = np.random.default_rng(30_000 + table)
                X, y = fdr_table(kind, n, rng, n_noise=n_noise)
                start = time.perf_counter()
                pvalues = score(X, y, table)
                seconds.append(time.perf_counter() - start)
                proportion, true = fdr_outcome(X, y, pvalues, FDR)
                fdp.append(proportion)
                found.append(true)
            print(
                f"| {kind} | {name} | {np.mean(fdp):.3f} | {np.mean(found):.2f} | "
                f"{np.median(seconds):.1f} |",
                flush=True,
            )
    print()
    print("### Cost: p-values against one plain call, on the same table\n")
    print("| kind | mutual_info_mine s | with return_pvalues s | ratio |")
    print("| --- | --- | --- | --- |")
    for kind in ["linear", "non-monotone"]:
        X, y = fdr_table(kind, n, np.random.default_rng(30_000), n_noise=n_noise)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            mutual_info_mine(X, y, random_state=0)
            plain = time.perf_counter() - start
            start = time.perf_counter()
            mutual_info_mine(X, y, return_pvalues=True, random_state=0)
            tested = time.perf_counter() - start
        print(f"| {kind} | {plain:.1f} | {tested:.1f} | {tested / plain:.2f} |")
    print()


# ---------------------------------------------------------------------- cost


def cost(families, n=1000, repeats=3):
    from hyppo.independence import Hsic

    print(f"## Cost at n = {n}: the default test against dcor and hyppo's HSIC\n")
    print("| family | test | s (median of 3) |")
    print("| --- | --- | --- |")
    for family in families:
        X, y = _dependent(family, n, np.random.default_rng(40_000))
        runs = {
            'independence_test (default, critic="convex")': lambda: independence_test(
                X, y, random_state=0
            ),
            'independence_test, critic="concat" (the MLP)': lambda: independence_test(
                X, y, random_state=0, critic="concat"
            ),
            'independence_test, n_splits=2, critic="convex"': lambda: independence_test(
                X, y, random_state=0, n_splits=2, critic="convex"
            ),
            "independence_test, n_splits=2 (MINEEstimator's MLP)": lambda: (
                independence_test(X, y, random_state=0, n_splits=2)
            ),
            "dcor, 99 resamples": lambda: _dcor(X, y, 0, 99),
            "HSIC, chi-square approximation (hyppo's default)": lambda: Hsic().test(
                X, y.reshape(n, -1), workers=1
            ),
            "HSIC, 99 permutations": lambda: _hsic(X, y, 0, 99),
        }
        for name, run in runs.items():
            seconds = []
            for _ in range(repeats):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    run()
                    seconds.append(time.perf_counter() - start)
            print(f"| {family} | {name} | {np.median(seconds):.2f} |", flush=True)
    print()


# ---------------------------------------------------------------------- plot


def _read_joint(paths):
    """Powers from saved joint output: {(family, test): {n: power}}."""
    power = {}
    for path in paths:
        header = None
        for line in open(path):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[:2] == ["family", "n"]:
                header = cells
            elif header and len(cells) == len(header) and cells[1].isdigit():
                for name, value in zip(header, cells, strict=True):
                    if name.endswith(" power") and value != "-":
                        test = name[: -len(" power")]
                        power.setdefault((cells[0], test), {})[int(cells[1])] = float(
                            value
                        )
    return power


def plot(paths, image):
    """Power against n, a panel per family, from saved ``joint`` output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    power = _read_joint(paths)
    families = [f for f in FAMILIES if any(key[0] == f for key in power)]
    fig, axes = plt.subplots(
        1, len(families), figsize=(3.2 * len(families), 3.0), sharey=True
    )
    for ax, family in zip(np.atleast_1d(axes), families, strict=True):
        for (name, test), by_n in sorted(power.items()):
            if name != family:
                continue
            sizes = sorted(by_n)
            ax.plot(sizes, [by_n[n] for n in sizes], marker="o", label=test)
        ax.set_xscale("log")
        ax.set_title(family, fontsize=9)
        ax.set_xlabel("n")
        ax.axhline(ALPHA, color="grey", linewidth=0.5)
    np.atleast_1d(axes)[0].set_ylabel(f"power at alpha = {ALPHA}")
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(image, dpi=110)
    print(f"wrote {image}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sections",
        nargs="+",
        default=["joint", "combination", "per-feature", "cost"],
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--size-trials", type=int, default=500)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100, 200, 500, 1000, 2000]
    )
    parser.add_argument("--families", nargs="+", help="substrings of family names")
    parser.add_argument("--tests", nargs="+", choices=list(TESTS), default=list(TESTS))
    parser.add_argument("--permutations", type=int, default=99)
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument(
        "--scores", nargs="+", help="substrings of the per-feature p-values' names"
    )
    parser.add_argument(
        "--plot",
        nargs="+",
        metavar="MD",
        help="draw power against n from saved joint output, instead of running",
    )
    parser.add_argument("--image", default="docs/images/testing_power.png")
    args = parser.parse_args()
    if args.plot:
        plot(args.plot, args.image)
        return
    torch.set_num_threads(1)
    families = [
        f for f in FAMILIES if not args.families or any(s in f for s in args.families)
    ]
    if args.quick:
        args.trials, args.size_trials, args.sizes, args.tables = 2, 2, [100], 1
        args.permutations = 19
    if "joint" in args.sections:
        joint(
            args.trials,
            args.size_trials,
            args.sizes,
            families,
            args.tests,
            args.permutations,
        )
    if "combination" in args.sections:
        combination(
            args.trials, args.size_trials, args.sizes, families, args.permutations
        )
    if "per-feature" in args.sections:
        if args.quick:
            per_feature(args.tables, n=200, n_noise=10, scores=args.scores)
        else:
            per_feature(args.tables, scores=args.scores)
    if "cost" in args.sections:
        cost(families, n=200 if args.quick else 1000, repeats=1 if args.quick else 3)


if __name__ == "__main__":
    main()
