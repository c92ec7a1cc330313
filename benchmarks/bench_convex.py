"""Convex critics against MLP critics in the per-feature functions and the tests.

Run: python benchmarks/bench_convex.py
         [--parts accuracy curves cost pvalues tests permutations settings]
         [--seeds 5] [--settings GROUP ...] [--marginal-rounds N] [--quick]

Parts (one job at a time; each timing after a warm-up call):
- accuracy: ``mutual_info_mine`` with ``critic="concat"`` (the default MLP
  critics) and ``critic="convex"``, and scikit-learn's
  ``mutual_info_regression``, at n = 500 and 2000 over ``--seeds`` data seeds:
  20 Gaussian features whose correlations with y span 0 to 0.95 (mean
  absolute error against the closed form, Spearman rank correlation with
  the truth), and a non-linear table (y = sin(3 x0) + |x1| + x2^2 / 2 +
  noise, seven noise features: the signal's smallest MI less the noise's
  largest, the margin a ranking needs). Mean seconds per call.
- curves: one dependent feature beside four independent ones, with a
  known MI (by quadrature): y = f(x) + noise for a line (weak and sharp),
  |x|, x^2, sin(3x) and sin(6x), and a class label with x normal within
  each class, at n = 500 and 2000 over ``--seeds`` data seeds. Each
  estimator's mean estimate, its error, and the largest estimate of an
  independent feature: the MLP critics, the convex ones with random
  Fourier features alone, with kernels centred on 128 training pairs
  (``CONVEX_SETTINGS["n_centres"]``), and with each critic choosing between
  the two maps by its held-out bound (``"choose_map"``), and scikit-learn's
  k-NN estimators.
- cost: ``mutual_info_mine_classif`` on scikit-learn's breast cancer table
  (569 x 30) and ``mutual_info_mine`` on its diabetes table (442 x 10), each
  critic, against ``mutual_info_classif`` / ``mutual_info_regression``: the
  median of three calls, and the ratio.
- pvalues: ``return_pvalues=True`` (99 permutations) on the diabetes and
  breast cancer tables: seconds for each critic; and the convex critics'
  size over 200 features independent of y (n = 200, one call a seed): the
  share of p-values at most 0.05 (the MLP critics' size is
  ``bench_testing.py``'s); the same with a two- and a three-class target,
  with the power on four features whose second class has 1.5 times the
  others' scale, and the seconds a call.
- tests: ``independence_test`` (n = 1000, 2-D X, a sine) and
  ``conditional_independence_test`` (n = 500, 1-D Z, a common cause), 99
  permutations, with each critic, beside distance correlation (``dcor``, 99
  resamples) and causal-learn's KCI on the same samples: the median of three
  calls and the p-value. Needs the ``compare`` and ``conditional`` extras.
- permutations: the conditional test's restricted permutations
  (``local_permutations``) alone, the fastest of five calls: 1999 draws
  (the closed-form statistics' null) and 99 (the critics' copies) at
  n = 500 and 5000, with 5 and 10 neighbours in a 1-D Z.
- settings: the convex critics with one setting changed at a time, at
  n = 500 and 2000 over ``--seeds`` data seeds: their marginal pairs (10 or
  30 independent draws a training pair, or 5, 10 or 20 rounds that each
  pair every training x with a different training y) and the products of
  the coordinates (unsquashed, or squashed at 2 or 3 standard scores), the
  most Newton steps (4, 8 or 16):
  Gaussian MAE and worst error, non-linear margin, mean seconds.

``--marginal-rounds N`` sets the convex critics' rounds of marginal pairs
for the other parts (10 by default).

``--quick`` (a smoke run) runs the accuracy part at n = 500 with one seed,
the curves part's first two cases at n = 500 with one seed, and the
permutations part with one call a case.
"""

import argparse
import warnings

import numpy as np
from common.data import gaussian_features
from common.internals import CONVEX_SETTINGS, local_permutations, neighbour_table
from common.options import timed
from scipy.stats import norm, spearmanr
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

from sklearn_mine import (
    conditional_independence_test,
    independence_test,
    mutual_info_mine,
    mutual_info_mine_classif,
)

CRITICS = ("concat", "convex")


def _nonlinear(n, rng):
    X = rng.standard_normal((n, 10))
    y = np.sin(3 * X[:, 0]) + np.abs(X[:, 1]) + X[:, 2] ** 2 / 2
    return X, y + 0.5 * rng.standard_normal(n)


def _estimators():
    """Name -> function of (X, y, seed), the per-feature estimators compared."""
    out = {
        f"mutual_info_mine, {critic}": (
            lambda X, y, s, critic=critic: mutual_info_mine(
                X, y, random_state=s, critic=critic
            )
        )
        for critic in CRITICS
    }
    out["mutual_info_regression"] = lambda X, y, s: mutual_info_regression(
        X, y, random_state=s
    )
    return out


def _suite(func, n, seeds):
    """``func(X, y, seed)`` on the Gaussian and non-linear tables of each seed:
    the Gaussian MAE, Spearman and worst error, the non-linear margin, and
    the mean seconds of a call, one value a seed each."""
    out = {key: [] for key in ("mae", "rank", "worst", "margin", "seconds")}
    for s in seeds:
        X, y, truth = gaussian_features(
            n, np.linspace(0, 0.95, 20), np.random.RandomState(s)
        )
        mi, t = timed(func, X, y, s)
        out["mae"].append(np.abs(mi - truth).mean())
        out["rank"].append(spearmanr(mi, truth).statistic)
        out["worst"].append((mi - truth).min())
        X, y = _nonlinear(n, np.random.RandomState(1000 + s))
        mi, t2 = timed(func, X, y, s)
        out["margin"].append(mi[:3].min() - mi[3:].max())
        out["seconds"].append((t + t2) / 2)
    return out


def accuracy(seeds, sizes=(500, 2000)):
    print(f"## Accuracy: {len(seeds)} data seeds\n")
    print("| n | estimator | Gaussian MAE | Spearman | non-linear margin (min) | s |")
    print("| --- | --- | --- | --- | --- | --- |")
    estimators = _estimators()
    for func in estimators.values():  # warm-up
        func(*gaussian_features(300, [0.5], np.random.RandomState(0))[:2], 0)
    for n in sizes:
        for name, func in estimators.items():
            r = _suite(func, n, seeds)
            print(
                f"| {n} | {name} | {np.mean(r['mae']):.4f} | "
                f"{np.mean(r['rank']):.3f} | {np.mean(r['margin']):.3f} "
                f"({np.min(r['margin']):.3f}) | {np.mean(r['seconds']):.2f} |"
            )
    print()


# The curves part's cases: name -> (f, noise scale) of y = f(x) + noise, or
# (None, class means) of a class label with x | class normal.
CURVES = {
    "x + 1.0 noise": (lambda x: x, 1.0),
    "x + 0.1 noise": (lambda x: x, 0.1),
    "abs(x) + 0.3 noise": (np.abs, 0.3),
    "x^2 + 0.3 noise": (np.square, 0.3),
    "sin(3x) + 0.3 noise": (lambda x: np.sin(3 * x), 0.3),
    "sin(6x) + 0.3 noise": (lambda x: np.sin(6 * x), 0.3),
    "2 classes, means -1, 1": (None, (-1.0, 1.0)),
    "3 classes, means -2, 0, 2": (None, (-2.0, 0.0, 2.0)),
}


def _entropy(density, grid):
    """Differential entropy of a density tabulated on an even grid."""
    p = density[density > 0]
    return float(-np.sum(p * np.log(p)) * (grid[1] - grid[0]))


def _curve_truth(f, scale):
    """I(x; y) by quadrature: y = f(x) + N(0, scale^2), x standard normal,
    or (f None) a uniform class label whose x is N(mean, 1), ``scale`` the
    class means."""
    x = np.linspace(-8, 8, 4001)
    if f is None:
        mixture = np.mean([norm.pdf(x - m) for m in scale], axis=0)
        return _entropy(mixture, x) - 0.5 * np.log(2 * np.pi * np.e)
    weights = norm.pdf(x) * (x[1] - x[0])
    fx = f(x)
    y = np.linspace(fx.min() - 8 * scale, fx.max() + 8 * scale, 4001)
    density = np.array([np.sum(weights * norm.pdf(v - fx, scale=scale)) for v in y])
    return _entropy(density, y) - 0.5 * np.log(2 * np.pi * np.e * scale**2)


def _curve_sample(f, scale, n, rng):
    """X (the dependent column and four independent ones), y, classes?"""
    X = rng.standard_normal((n, 5))
    if f is None:
        y = rng.integers(len(scale), size=n)
        X[:, 0] += np.asarray(scale)[y]
        return X, y, True
    return X, f(X[:, 0]) + scale * rng.standard_normal(n), False


def curves(seeds, sizes=(500, 2000), cases=None):
    """Per-feature estimates of one-dimensional dependence with a known MI
    (``cases``: the first this many of CURVES; all by default)."""
    print(f"## Curves of one feature, known MI: {len(seeds)} data seeds\n")
    print(
        "Each cell: the mean estimate of the dependent feature's MI "
        "(its error against the truth), the largest estimate of four "
        "independent features over the seeds.\n"
    )
    convex = dict(CONVEX_SETTINGS)
    estimators = {
        "concat": dict(critic="concat"),
        "convex, no x features": dict(critic="convex", x_features=0),
        "convex (x features 16)": dict(critic="convex"),
        "convex, and kernels on 128 pairs, or not": dict(
            critic="convex", n_centres=128, choose_map=True
        ),
        "convex, and kernels on 128 pairs": dict(critic="convex", n_centres=128),
        "scikit-learn (KSG)": None,
    }
    names = list(estimators)
    print("| n | case | truth | " + " | ".join(names) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in names) + " |")
    seconds = {name: [] for name in names}
    for n in sizes:
        for case, (f, scale) in list(CURVES.items())[:cases]:
            truth = _curve_truth(f, scale)
            cells = []
            for name, params in estimators.items():
                params = dict(params or {})
                critic = params.pop("critic", None)
                CONVEX_SETTINGS.update(convex, **params)
                dependent, noise = [], []
                for s in seeds:
                    X, y, classes = _curve_sample(
                        f, scale, n, np.random.default_rng(2000 + s)
                    )
                    if critic is None:
                        peer = (mutual_info_classif, mutual_info_regression)
                        mi, t = timed(peer[not classes], X, y, random_state=s)
                    else:
                        ours = (mutual_info_mine_classif, mutual_info_mine)
                        mi, t = timed(
                            ours[not classes], X, y, random_state=s, critic=critic
                        )
                    dependent.append(mi[0])
                    noise.append(mi[1:].max())
                    seconds[name].append(t)
                cells.append(
                    f"{np.mean(dependent):.3f} ({np.mean(dependent) - truth:+.3f}), "
                    f"{max(noise):.3f}"
                )
            CONVEX_SETTINGS.update(convex)
            print(f"| {n} | {case} | {truth:.3f} | " + " | ".join(cells) + " |")
    print(
        "| | mean s a call | | "
        + " | ".join(f"{np.mean(seconds[name]):.2f}" for name in names)
        + " |\n"
    )


def _median_time(func, X, y):
    func(X, y)  # warm-up
    return float(np.median([timed(func, X, y)[1] for _ in range(3)]))


def cost():
    print("## Cost on scikit-learn's tables: median of 3 calls\n")
    print("| table | estimator | s | ratio to scikit-learn |")
    print("| --- | --- | --- | --- |")
    tables = [
        ("breast cancer", load_breast_cancer, mutual_info_mine_classif),
        ("diabetes", load_diabetes, mutual_info_mine),
    ]
    peers = [mutual_info_classif, mutual_info_regression]
    for (table, load, ours), peer in zip(tables, peers):
        X, y = load(return_X_y=True)
        base = _median_time(lambda X, y: peer(X, y, random_state=0), X, y)
        print(f"| {table} | {peer.__name__} | {base:.3f} | 1 |")
        for critic in CRITICS:
            seconds = _median_time(
                lambda X, y: ours(X, y, random_state=0, critic=critic), X, y
            )
            print(
                f"| {table} | {ours.__name__}, {critic} | {seconds:.3f} | "
                f"{seconds / base:.1f} |"
            )
    print()


def tests():
    """The two tests with each critic, beside their peers, on one sample."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1000, 2))
    y = np.sin(3 * X[:, 0]) + 0.5 * rng.standard_normal(1000)
    Z = rng.standard_normal((500, 1))
    # A common cause: X and y both depend on Z, and not on each other.
    Xz = np.tanh(Z) + 0.5 * rng.standard_normal((500, 1))
    yz = Z[:, 0] ** 2 + 0.5 * rng.standard_normal(500)
    runs = [
        ("independence, n = 1000, 2-D X", f"independence_test, {c}",
         lambda X, y, c=c: independence_test(X, y, random_state=0, critic=c), X, y)
        for c in CRITICS
    ]  # fmt: skip
    runs.append(("independence, n = 1000, 2-D X", "dcor, 99 resamples", _dcor, X, y))
    for c in CRITICS:
        runs.append((
            "conditional, n = 500, 1-D Z", f"conditional_independence_test, {c}",
            lambda X, y, c=c: conditional_independence_test(
                X, y, Z, random_state=0, critic=c
            ).pvalue,
            Xz, yz,
        ))  # fmt: skip
    runs.append(("conditional, n = 500, 1-D Z", "KCI (causal-learn)",
                 lambda X, y: _kci(X, y, Z), Xz, yz))  # fmt: skip
    print("## The tests' cost: median of 3 calls (99 permutations)\n")
    print("| test | call | s | p-value |")
    print("| --- | --- | --- | --- |")
    for test, name, func, a, b in runs:
        seconds = _median_time(func, a, b)
        result = func(a, b)
        pvalue = result if np.isscalar(result) else result.pvalue
        print(f"| {test} | {name} | {seconds:.3f} | {pvalue:.3f} |", flush=True)
    print()


def _dcor(X, y):
    import dcor

    return dcor.independence.distance_covariance_test(
        X, y, num_resamples=99, random_state=0
    ).pvalue


def _kci(X, y, Z):
    from causallearn.utils.cit import CIT

    data = np.column_stack([X, y, Z])
    return float(CIT(data, "kci")(0, 1, [2]))


def permutations(repeat=5):
    """The restricted permutations alone: the fastest of ``repeat`` calls."""
    print(f"## Restricted permutations: the fastest of {repeat} calls\n")
    print("| n | neighbours | draws | s |")
    print("| --- | --- | --- | --- |")
    for n, k, draws in [
        (500, 5, 1999),
        (500, 5, 99),
        (5000, 5, 99),
        (500, 10, 1999),
    ]:
        Z = np.random.default_rng(0).standard_normal((n, 1))
        table = neighbour_table(Z, k)
        seconds = min(
            timed(local_permutations, table, draws, seed)[1] for seed in range(repeat)
        )
        print(f"| {n} | {k} | {draws} | {seconds:.4f} |", flush=True)
    print()


def pvalues(seeds):
    print("## p-values: 99 permutations\n")
    print("| critic | diabetes s | breast cancer s |")
    print("| --- | --- | --- |")
    X, y = load_diabetes(return_X_y=True)
    X_bc, y_bc = load_breast_cancer(return_X_y=True)
    for critic in CRITICS:
        _, seconds = timed(
            mutual_info_mine, X, y, random_state=0, critic=critic, return_pvalues=True
        )
        _, classes = timed(
            mutual_info_mine_classif,
            X_bc,
            y_bc,
            random_state=0,
            critic=critic,
            return_pvalues=True,
        )
        print(f"| {critic} | {seconds:.1f} | {classes:.1f} |")
    rejected = []
    for s in seeds:
        rng = np.random.RandomState(s)
        _, p = mutual_info_mine(
            rng.standard_normal((200, 200)),
            rng.standard_normal(200),
            random_state=s,
            critic="convex",
            return_pvalues=True,
        )
        rejected.append(np.mean(p <= 0.05))
    print(
        f"\nConvex critics' size at 0.05, {len(seeds)} x 200 null features: "
        f"{np.mean(rejected):.3f} (per seed: {np.round(rejected, 3).tolist()})\n"
    )
    # The same with a two- and a three-class target (the critics read its
    # one-hot columns less the first), and the power on four features
    # whose second class has 1.5 times the others' scale (the same mean:
    # the critics must see it); the seconds a call.
    for n_classes in (2, 3):
        rejected, found, seconds = [], [], []
        for s in seeds:
            rng = np.random.RandomState(s)
            X = rng.standard_normal((200, 204))
            y = rng.randint(n_classes, size=200)
            X[:, :4] *= np.where(y == 1, 1.5, 1.0)[:, None]
            (_, p), t = timed(
                mutual_info_mine_classif,
                X,
                y,
                random_state=s,
                critic="convex",
                return_pvalues=True,
            )
            rejected.append(np.mean(p[4:] <= 0.05))
            found.append(np.mean(p[:4] <= 0.05))
            seconds.append(t)
        print(
            f"A {n_classes}-class target: size {np.mean(rejected):.3f} over "
            f"{len(seeds)} x 200 null features (per seed: "
            f"{np.round(rejected, 3).tolist()}), power {np.mean(found):.2f} "
            f"over {len(seeds)} x 4 features whose second class has 1.5 "
            f"times the scale, {np.median(seconds):.2f} s a call\n"
        )


# The settings compared by the settings part: (what, label, overrides).
SETTINGS = [
    (
        "marginal pairs",
        "10 a pair, independent",
        dict(rounds=False, marginal_rounds=10),
    ),
    (
        "marginal pairs",
        "30 a pair, independent",
        dict(rounds=False, marginal_rounds=30),
    ),
    ("marginal pairs", "5 rounds", dict(marginal_rounds=5)),
    ("marginal pairs", "10 rounds (the setting)", dict(marginal_rounds=10)),
    ("marginal pairs", "20 rounds", dict(marginal_rounds=20)),
    ("products", "unsquashed", dict(squash=None)),
    ("products", "squashed at 2 (the setting)", dict(squash=2.0)),
    ("products", "squashed at 3", dict(squash=3.0)),
    ("Newton steps", "4", dict(max_iter=4)),
    ("Newton steps", "8 (the setting)", dict(max_iter=8)),
    ("Newton steps", "16", dict(max_iter=16)),
    ("x features", "none", dict(x_features=0)),
    ("x features", "16 (the setting)", dict(x_features=16)),
    ("x features", "32", dict(x_features=32)),
    ("feature map", "128 random Fourier features", dict(n_centres=0)),
    ("feature map", "and kernels on 64 training pairs", dict(n_centres=64)),
    ("feature map", "and kernels on 128 training pairs", dict(n_centres=128)),
    (
        "feature map",
        "and kernels on 128 pairs, or not: held-out choice",
        dict(n_centres=128, choose_map=True),
    ),
]


def settings(seeds, sizes=(500, 2000), which=None):
    print("## Convex critics' settings, one at a time\n")
    print("| n | setting | Gaussian MAE | worst error | non-linear margin (min) | s |")
    print("| --- | --- | --- | --- | --- | --- |")
    default = dict(CONVEX_SETTINGS)
    for n in sizes:
        for what, label, overrides in SETTINGS:
            if which and what not in which:
                continue
            # No cap on the marginal pairs: each setting as written.
            CONVEX_SETTINGS.update(default, max_marginal=10**9, **overrides)
            r = _suite(_estimators()["mutual_info_mine, convex"], n, seeds)
            print(
                f"| {n} | {what}: {label} | {np.mean(r['mae']):.4f} | "
                f"{np.min(r['worst']):.3f} | {np.mean(r['margin']):.3f} "
                f"({np.min(r['margin']):.3f}) | {np.mean(r['seconds']):.2f} |",
                flush=True,
            )
    CONVEX_SETTINGS.update(default)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parts = [
        "accuracy",
        "curves",
        "cost",
        "pvalues",
        "tests",
        "permutations",
        "settings",
    ]
    parser.add_argument("--parts", nargs="+", default=parts, choices=parts)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--marginal-rounds", type=int, default=None)
    parser.add_argument(
        "--settings",
        nargs="+",
        default=None,
        choices=sorted({what for what, _, _ in SETTINGS}),
        help="the settings part's groups (all by default)",
    )
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.marginal_rounds is not None:
        CONVEX_SETTINGS["marginal_rounds"] = args.marginal_rounds
    # Short MLP trainings that stop at their budget warn; the tables say so.
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.quick:
        accuracy([0], sizes=(500,))
        curves([0], sizes=(500,), cases=2)
        permutations(repeat=1)
        return
    seeds = list(range(args.seeds))
    for part in args.parts:
        if part == "accuracy":
            accuracy(seeds)
        elif part == "curves":
            curves(seeds)
        elif part == "cost":
            cost()
        elif part == "pvalues":
            pvalues(seeds)
        elif part == "tests":
            tests()
        elif part == "permutations":
            permutations()
        else:
            settings(seeds, which=args.settings)


if __name__ == "__main__":
    main()
