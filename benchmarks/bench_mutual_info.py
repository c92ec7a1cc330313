"""mutual_info_mine against mutual_info_regression (KSG), side by side.

Run: python benchmarks/bench_mutual_info.py
         [--parts accuracy nonlinear batch scale defaults steps classes
                  class-cost]
         [--steps-seeds 3] [--schedules ...] [--estimators ...]
         [--scale-rows 1000000] [--earlier] [--critic convex] [--quick]

Parts:
- accuracy: 20 Gaussian features whose correlations with y span 0 to 0.95,
  n = 10,000: mean absolute error against the closed form, Spearman rank
  correlation with the truth, seconds.
- nonlinear: y a sine, absolute value and square of three features plus noise,
  among 7 independent features: do the dependent features rank above every
  independent one?
- batch: the cost of d = 50 features against d = 1 at the same settings (a
  fixed budget of steps, no early stopping), and with early stopping.
- scale: n = 1,000,000 rows and 10 features, both estimators timed.
- defaults: the training schedule against the earlier one (lr 3e-3,
  100-step epochs, patience 10, weight average rate 0.01), on five data seeds
  each of 10 Gaussian features (correlations 0 to 0.95) at n = 442 and 2000,
  a non-linear table (sin, abs and square of three of 10 features, n = 1000)
  and scikit-learn's diabetes table: mean seconds, mean error against the
  closed form, the non-linear signal's mean MI and the largest MI of a noise
  feature, and the diabetes features' mean and spread over the seeds.
- steps (not run by default): fewer steps for the MLP critics (a shorter
  patience, larger steps, full batches on small tables, a lower budget),
  over three data seeds: ``mutual_info_mine_classif``'s seconds on breast
  cancer and their ratio to ``mutual_info_classif``'s, the defaults part's
  Gaussian MAE, Spearman and non-linear margin (the least signal less the
  largest noise), and the error on five curves of one feature (y = x + 0.1
  noise, sin(3x) + 0.3 noise, x + noise, |x| + 0.3 noise, x^2 + 0.3 noise;
  n = 1000). Its rows also hold the convex critics with and without x's
  own Fourier features (``docs/convex.md``).
- classes (not run by default): ``mutual_info_mine_classif``, MLP and
  convex critics, beside ``mutual_info_classif``, over ``--steps-seeds``
  data seeds: the error on eight one-feature cases of a discrete target of
  known MI (class boundaries, logistic curves, class means apart) at
  n = 569 and 2000, the MAE and Spearman correlation on two ten-feature
  tables of a binary target (class means apart; class scales apart; over
  ``--ranking-seeds``, with standard errors and the difference from the
  first estimator's on the same data), breast cancer's seconds, and the
  seconds of each at 2 to 20 classes (1000 x 20). ``default`` is the
  function's default (the convex critics for at most 5 classes).
- class-cost (not run by default): the classes part's seconds by classes
  (2, 3, 5) at 1000, 5000 and 20,000 rows.

``--earlier`` runs the accuracy, nonlinear and scale parts with the earlier
schedule; ``--critic convex`` runs them with ``critic="convex"``
(``docs/convex.md``). ``--quick`` (a smoke run) runs the accuracy part at n = 1000,
the steps part with one seed and two schedules, and the classes part with
one seed, n = 569 and two estimators.
"""

import argparse
from functools import partial

import numpy as np
from common.data import gaussian_features
from common.internals import CONVEX_SETTINGS
from common.options import timed
from scipy.stats import norm, spearmanr
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

from sklearn_mine import mutual_info_mine, mutual_info_mine_classif

EARLIER = dict(lr=3e-3, steps_per_epoch=100, patience=10, weight_ema_rate=0.01)
# mutual_info_mine as the accuracy, nonlinear and scale parts call it
# (--earlier: with the earlier schedule; --critic: with that critic).
MINE = mutual_info_mine


def accuracy(seed, n=10_000):
    rng = np.random.RandomState(seed)
    X, y, truth = gaussian_features(n, np.linspace(0, 0.95, 20), rng)
    print(f"## Accuracy: 20 Gaussian features, rho 0 to 0.95, n = {n:,}\n")
    print("| estimator | MAE (nats) | Spearman | seconds |")
    print("| --- | --- | --- | --- |")
    for name, func in [
        ("mutual_info_mine", MINE),
        ("mutual_info_regression", mutual_info_regression),
    ]:
        mi, seconds = timed(func, X, y, random_state=seed)
        mae = np.abs(mi - truth).mean()
        rank = spearmanr(mi, truth).statistic
        print(f"| {name} | {mae:.4f} | {rank:.3f} | {seconds:.1f} |")
    print()


def nonlinear(seed):
    rng = np.random.RandomState(seed)
    n = 5000
    X = rng.standard_normal((n, 10))
    noise = 0.3 * rng.standard_normal((n, 3))
    # Three targets, each a non-linear function of one feature.
    cases = {
        "sin(3 x0)": np.sin(3 * X[:, 0]) + noise[:, 0],
        "abs(x0)": np.abs(X[:, 0]) + noise[:, 1],
        "x0^2": X[:, 0] ** 2 + noise[:, 2],
    }
    print("## Non-linear dependence: y = f(x0) + noise among 9 independent")
    print("## features, n = 5000\n")
    print("| y | estimator | MI of x0 | largest independent | x0 ranked first |")
    print("| --- | --- | --- | --- | --- |")
    for label, y in cases.items():
        for name, func in [
            ("mutual_info_mine", MINE),
            ("mutual_info_regression", mutual_info_regression),
        ]:
            mi = func(X, y, random_state=seed)
            ok = mi[0] > mi[1:].max()
            print(f"| {label} | {name} | {mi[0]:.3f} | {mi[1:].max():.3f} | {ok} |")
    print()


def batch(seed):
    rng = np.random.RandomState(seed)
    n = 5000
    print("## Cost of the batch: d = 50 against d = 1, n = 5000\n")
    print("| settings | d = 1 (s) | d = 50 (s) | ratio |")
    print("| --- | --- | --- | --- |")
    X, y, _ = gaussian_features(n, np.linspace(0, 0.9, 50), rng)
    for label, params in [
        ("1000 steps, no early stopping", dict(max_steps=1000, patience=None)),
        ("defaults (early stopping)", {}),
    ]:
        # Warm up torch once so that neither side pays for it.
        mutual_info_mine(X[:, -1:], y, random_state=seed, max_steps=100)
        _, one = timed(mutual_info_mine, X[:, -1:], y, random_state=seed, **params)
        _, fifty = timed(mutual_info_mine, X, y, random_state=seed, **params)
        print(f"| {label} | {one:.2f} | {fifty:.2f} | {fifty / one:.1f}x |")
    print()


def scale(seed, n_rows):
    rng = np.random.RandomState(seed)
    X, y, truth = gaussian_features(n_rows, np.linspace(0, 0.9, 10), rng)
    print(f"## Scale: n = {n_rows:,} rows, 10 features\n")
    print("| estimator | seconds | MAE (nats) |")
    print("| --- | --- | --- |")
    for name, func in [
        ("mutual_info_mine", MINE),
        ("mutual_info_regression", mutual_info_regression),
    ]:
        mi, seconds = timed(func, X, y, random_state=seed)
        print(f"| {name} | {seconds:.1f} | {np.abs(mi - truth).mean():.4f} |")
    print()


def _defaults_cases(seed):
    rng = np.random.RandomState(100 + seed)
    rhos = np.linspace(0, 0.95, 10)
    for n in (442, 2000):
        X, y, truth = gaussian_features(n, rhos, rng)
        yield f"10 Gaussian features, n = {n}", X, y, truth
    X = rng.standard_normal((1000, 10))
    y = (
        np.sin(2 * X[:, 0])
        + np.abs(X[:, 1])
        + X[:, 2] ** 2 / 2
        + 0.3 * rng.standard_normal(1000)
    )
    yield "non-linear in 3 of 10 features, n = 1000", X, y, None
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes, 442 x 10", X, y, None


def defaults(seed, n_seeds=5):
    print("## Training schedule: the defaults against the earlier one, 5 seeds\n")
    print("| case | settings | mean s | result |")
    print("| --- | --- | --- | --- |")
    # Warm up torch once so that neither side pays for it.
    X, y, _ = gaussian_features(500, [0.5], np.random.RandomState(0))
    mutual_info_mine(X, y, random_state=0, max_steps=100)
    results = {}
    for label, params in [("earlier", EARLIER), ("defaults", {})]:
        for s in range(seed, seed + n_seeds):
            for case, X, y, truth in _defaults_cases(s):
                mi, seconds = timed(mutual_info_mine, X, y, random_state=s, **params)
                results.setdefault((case, label), []).append((mi, seconds, truth))
    for (case, label), runs in results.items():
        mi = np.array([m for m, _, _ in runs])
        seconds = np.mean([t for _, t, _ in runs])
        if runs[0][2] is not None:
            error = np.mean([m - t for m, _, t in runs])
            result = f"mean error {error:+.4f} nats"
        elif case.startswith("non-linear"):
            result = (
                f"signal mean {mi[:, :3].mean():.3f}, "
                f"largest noise {mi[:, 3:].max():.3f}"
            )
        else:
            result = "mean " + " ".join(f"{v:.3f}" for v in mi.mean(0))
            result += ", spread " + " ".join(f"{v:.3f}" for v in mi.std(0, ddof=1))
        print(f"| {case} | {label} | {seconds:.2f} | {result} |")
    print()


# The steps part's schedules: fewer steps where SGD stays (issue 41).
SCHEDULES = {
    "defaults": {},
    "patience 3 (75 steps)": dict(patience=3),
    "lr 2e-2": dict(lr=2e-2),
    "lr 3e-2": dict(lr=3e-2),
    "batch 512": dict(batch_size=512),
    "max_steps 1000": dict(max_steps=1000),
    "patience 3, lr 2e-2": dict(patience=3, lr=2e-2),
    # Convex critics (docs/convex.md): "convex" holds CONVEX_SETTINGS'
    # overrides, set for the row's calls only.
    "convex, no x features": dict(critic="convex", convex=dict(x_features=0)),
    "convex (x features 16)": dict(critic="convex", convex=dict(x_features=16)),
    "convex, x features 32": dict(critic="convex", convex=dict(x_features=32)),
    "convex, x features 32, ridges from 0.1": dict(
        critic="convex", convex=dict(x_features=32, ridges=(0.1, 1.0, 10.0, 100.0))
    ),
}
# One feature's y = f(x0) + noise among four independent features (n =
# 1000) and its MI: x + 0.1 noise in closed form, 0.5 log 101; sin(3 x) +
# 0.3 noise by quadrature (bench_convex.py's curves part).
STEPS_CURVES = {
    "x + 0.1 noise": (lambda x: x, 0.1, 0.5 * np.log(101.0)),
    "sin(3x) + 0.3 noise": (lambda x: np.sin(3 * x), 0.3, 0.862),
    # Added with the convex rows (the quadratures of bench_convex.py).
    "x + 1.0 noise": (lambda x: x, 1.0, 0.5 * np.log(2.0)),
    "|x| + 0.3 noise": (np.abs, 0.3, 0.760),
    "x^2 + 0.3 noise": (np.square, 0.3, 1.141),
}


def _steps_row(seed, params):
    """One seed's readings of a schedule: breast cancer's seconds, and the
    errors, margins and rankings the defaults part reads."""
    params = dict(params)
    default = dict(CONVEX_SETTINGS)
    CONVEX_SETTINGS.update(params.pop("convex", {}))
    try:
        return _steps_readings(seed, params)
    finally:
        CONVEX_SETTINGS.update(default)


def _steps_readings(seed, params):
    out = {}
    X, y = load_breast_cancer(return_X_y=True)
    _, out["breast cancer s"] = timed(
        mutual_info_mine_classif, X, y, random_state=seed, **params
    )
    for case, X, y, truth in _defaults_cases(seed):
        if case.startswith("diabetes"):
            continue
        mi, _ = timed(mutual_info_mine, X, y, random_state=seed, **params)
        if truth is None:
            out["non-linear margin"] = mi[:3].min() - mi[3:].max()
        else:
            out[f"{case}: MAE"] = np.abs(mi - truth).mean()
            out[f"{case}: Spearman"] = spearmanr(mi, truth).statistic
    rng = np.random.RandomState(3000 + seed)
    for case, (f, scale, truth) in STEPS_CURVES.items():
        X = rng.standard_normal((1000, 5))
        y = f(X[:, 0]) + scale * rng.standard_normal(1000)
        mi = mutual_info_mine(X, y, random_state=seed, **params)
        out[f"{case}: error"] = mi[0] - truth
    return out


def steps(seed, n_seeds=3, schedules=None):
    """The per-feature MLP critics with fewer steps: time against accuracy
    (``schedules``: the names of SCHEDULES to run; all by default)."""
    print(f"## Fewer steps for the MLP critics: {n_seeds} data seeds, means\n")
    X, y = load_breast_cancer(return_X_y=True)
    mutual_info_classif(X, y, random_state=0)  # warm-up
    peer = np.mean([timed(mutual_info_classif, X, y, random_state=s)[1]
                    for s in range(seed, seed + n_seeds)])  # fmt: skip
    mutual_info_mine_classif(X, y, random_state=0, max_steps=100)  # warm-up
    rows = {
        name: [_steps_row(s, params) for s in range(seed, seed + n_seeds)]
        for name, params in SCHEDULES.items()
        if schedules is None or name in schedules
    }
    columns = list(rows["defaults"][0])
    print("| schedule | " + " | ".join(columns) + " | ratio to scikit-learn |")
    print("| --- | " + " | ".join("---" for _ in columns) + " | --- |")
    for name, runs in rows.items():
        means = [np.mean([run[c] for run in runs]) for c in columns]
        print(
            f"| {name} | "
            + " | ".join(f"{m:.3f}" for m in means)
            + f" | {means[0] / peer:.1f} |"
        )
    print(f"\n`mutual_info_classif` on breast cancer: {peer:.3f} s.\n")


# A discrete target's one-feature cases (y a class, x0 standard normal,
# among four independent features): P(y = 1 | x) for the two-class ones,
# the class means of x for the others (equally likely classes, x | y
# normal of variance 1). Their MI by quadrature (_class_truth).
CLASS_CASES = {
    "x > 0": lambda x: (x > 0).astype(float),
    "x > 1": lambda x: (x > 1).astype(float),
    "sin(3x) > 0": lambda x: (np.sin(3 * x) > 0).astype(float),
    "|x| > 0.67": lambda x: (np.abs(x) > 0.6745).astype(float),
    "logistic(2x)": lambda x: 1 / (1 + np.exp(-2 * x)),
    "logistic(4 sin 2x)": lambda x: 1 / (1 + np.exp(-4 * np.sin(2 * x))),
    "3 classes, means -1, 0, 1": (-1.0, 0.0, 1.0),
    "5 classes, means -2 to 2": (-2.0, -1.0, 0.0, 1.0, 2.0),
}
# The estimators of the classes part: None is scikit-learn's k-NN
# estimate; "convex" holds CONVEX_SETTINGS' overrides, as in SCHEDULES.
CLASS_ESTIMATORS = {
    "concat": dict(critic="concat"),
    "default": dict(),
    "convex, no x features": dict(critic="convex", convex=dict(x_features=0)),
    "convex (x features 16)": dict(critic="convex", convex=dict(x_features=16)),
    "convex, x features 32": dict(critic="convex", convex=dict(x_features=32)),
    "convex, product pairs' ridges from 1": dict(
        critic="convex", convex=dict(product_ridges=(1.0, 10.0, 100.0))
    ),
    "scikit-learn (KSG)": None,
}


def _entropy_of(density, grid):
    p = np.clip(density, 1e-300, None)
    return -np.sum(density * np.log(p)) * (grid[1] - grid[0])


def _class_truth(case):
    """I(x0; y) by quadrature on a fine grid of x."""
    x = np.linspace(-9, 9, 36001)
    spec = CLASS_CASES[case]
    if callable(spec):
        p = np.clip(spec(x), 1e-15, 1 - 1e-15)
        weights = norm.pdf(x) * (x[1] - x[0])

        def h(q):
            return -(q * np.log(q) + (1 - q) * np.log(1 - q))

        return h(np.sum(weights * p)) - np.sum(weights * h(p))
    mixture = np.mean([norm.pdf(x - m) for m in spec], axis=0)
    return _entropy_of(mixture, x) - 0.5 * np.log(2 * np.pi * np.e)


def _class_sample(case, n, rng):
    X = rng.standard_normal((n, 5))
    spec = CLASS_CASES[case]
    if callable(spec):
        y = (rng.random(n) < spec(X[:, 0])).astype(int)
    else:
        y = rng.integers(len(spec), size=n)
        X[:, 0] += np.asarray(spec)[y]
    return X, y


def _class_call(params, X, y, seed):
    if params is None:
        return timed(mutual_info_classif, X, y, random_state=seed)
    params = dict(params)
    default = dict(CONVEX_SETTINGS)
    CONVEX_SETTINGS.update(params.pop("convex", {}))
    try:
        return timed(mutual_info_mine_classif, X, y, random_state=seed, **params)
    finally:
        CONVEX_SETTINGS.update(default)


def classes(
    seed,
    n_seeds=5,
    sizes=(569, 2000),
    estimators=None,
    ranking_seeds=None,
    class_counts=(2, 3, 5, 10, 20),
):
    """``mutual_info_mine_classif`` on a discrete target: each critic's
    error on one-feature cases of known MI, two ten-feature tables' ranking
    (over ``ranking_seeds``, ``n_seeds`` by default), breast cancer's
    seconds, and the seconds by the number of classes (``estimators``:
    names of CLASS_ESTIMATORS; all by default)."""
    names = [n for n in CLASS_ESTIMATORS if estimators is None or n in estimators]
    print(f"## A discrete target: {n_seeds} data seeds\n")
    print(
        "Each cell: the mean error of the dependent feature's estimate "
        "against its MI, and the largest estimate of an independent "
        "feature over the seeds.\n"
    )
    print("| n | case | MI | " + " | ".join(names) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in names) + " |")
    errors = {name: [] for name in names}
    for n in sizes:
        for case in CLASS_CASES:
            truth, cells = _class_truth(case), []
            for name in names:
                dependent, noise = [], []
                for s in range(seed, seed + n_seeds):
                    X, y = _class_sample(case, n, np.random.default_rng(5000 + s))
                    mi, _ = _class_call(CLASS_ESTIMATORS[name], X, y, s)
                    dependent.append(mi[0])
                    noise.append(mi[1:].max())
                error = np.mean(dependent) - truth
                errors[name].append(abs(error))
                cells.append(f"{error:+.3f}, {max(noise):.3f}")
            print(f"| {n} | {case} | {truth:.3f} | " + " | ".join(cells) + " |")
    print("| | mean absolute error | | " + " | ".join(
        f"{np.mean(errors[name]):.3f}" for name in names) + " |\n")  # fmt: skip
    _class_ranking(names, seed, ranking_seeds or n_seeds)
    _class_cost(names, counts=class_counts)


def class_cost(estimators=None, sizes=(1000, 5000, 20000), counts=(2, 3, 5)):
    """The classes part's seconds alone, over more rows (``estimators``:
    names of CLASS_ESTIMATORS; all by default)."""
    names = [n for n in CLASS_ESTIMATORS if estimators is None or n in estimators]
    _class_cost(names, sizes, counts)


def _class_ranking(names, seed, n_seeds):
    """Ten features of a binary y whose MI spans 0 to about 0.3 nats,
    n = 569 (breast cancer's rows): x_j | y ~ N(+-s_j / 2, 1), s_j from 0
    to 2, and x_j | y ~ N(0, 1) or N(0, (1 + s_j)^2), a scale that only a
    non-linear statistic sees; their MI by quadrature. Each estimator's
    MAE and Spearman correlation over ``n_seeds`` data seeds (with its
    standard error), the Spearman's difference from the first estimator's
    on the same data, and breast cancer's seconds."""
    X_bc, y_bc = load_breast_cancer(return_X_y=True)
    for name in names:  # warm-ups
        _class_call(CLASS_ESTIMATORS[name], X_bc, y_bc, 0)
    tables = {kind: _ranking_truths(kind) for kind in ("means", "scales")}
    print(f"Ranking, {n_seeds} data seeds (mean +- standard error):\n")
    header = " | ".join(
        f"{kind}: MAE | {kind}: Spearman | {kind}: against {names[0]}"
        for kind in tables
    )
    print(f"| estimator | {header} | breast cancer s |")
    print("| --- " * (2 + 3 * len(tables)) + "|")
    first = {}
    for name in names:
        cells = []
        for kind, truths in tables.items():
            mae, rho = [], []
            for s in range(seed, seed + n_seeds):
                X, y = _ranking_sample(kind, np.random.default_rng(6000 + s))
                mi, _ = _class_call(CLASS_ESTIMATORS[name], X, y, s)
                mae.append(np.abs(mi - truths).mean())
                rho.append(spearmanr(mi, truths).statistic)
            rho = np.array(rho)
            difference = rho - first.setdefault(kind, rho)
            cells += [
                f"{np.mean(mae):.4f}",
                _mean_and_error(rho, ".3f"),
                _mean_and_error(difference, "+.4f"),
            ]
        seconds = [
            _class_call(CLASS_ESTIMATORS[name], X_bc, y_bc, s)[1]
            for s in range(seed, seed + 5)
        ]
        print(f"| {name} | " + " | ".join(cells) + f" | {np.median(seconds):.3f} |")
    print()


def _mean_and_error(values, spec):
    error = np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0
    return f"{np.mean(values):{spec}} +- {error:.4f}"


def _class_cost(names, sizes=(1000,), counts=(2, 3, 5, 10, 20)):
    """Seconds by the number of rows and classes: 20 features of which 5
    depend on the class (median of three calls after a warm-up)."""
    print("Seconds by rows and classes, 20 features:\n")
    print("| rows | classes | " + " | ".join(names) + " |")
    print("| --- " * (2 + len(names)) + "|")
    rng = np.random.default_rng(0)
    for n in sizes:
        for k in counts:
            y = rng.integers(k, size=n)
            X = rng.standard_normal((n, 20))
            X[:, :5] += 0.5 * np.sin(y)[:, None] * np.arange(1, 6)
            cells = []
            for name in names:
                _class_call(CLASS_ESTIMATORS[name], X, y, 0)
                seconds = [
                    _class_call(CLASS_ESTIMATORS[name], X, y, s)[1] for s in range(3)
                ]
                cells.append(f"{np.median(seconds):.3f}")
            print(f"| {n} | {k} | " + " | ".join(cells) + " |")
    print()


_RANKING_STEPS = np.linspace(0, 2, 10)


def _ranking_truths(kind):
    x = np.linspace(-30, 30, 60001)
    truths = []
    for step in _RANKING_STEPS:
        if kind == "means":
            a, b = norm.pdf(x + step / 2), norm.pdf(x - step / 2)
        else:
            a, b = norm.pdf(x), norm.pdf(x, scale=1 + step)
        parts = (_entropy_of(a, x) + _entropy_of(b, x)) / 2
        truths.append(_entropy_of((a + b) / 2, x) - parts)
    return np.array(truths)


def _ranking_sample(kind, rng, n=569):
    y = rng.integers(2, size=n)
    X = rng.standard_normal((n, len(_RANKING_STEPS)))
    if kind == "means":
        return X + np.outer(2 * y - 1, _RANKING_STEPS / 2), y
    return X * (1 + np.outer(y, _RANKING_STEPS)), y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["accuracy", "nonlinear", "batch", "scale", "defaults"],
        choices=[
            "accuracy",
            "nonlinear",
            "batch",
            "scale",
            "defaults",
            "steps",
            "classes",
            "class-cost",
        ],
    )
    parser.add_argument("--scale-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--steps-seeds",
        type=int,
        default=3,
        help="the steps and classes parts' data seeds",
    )
    parser.add_argument(
        "--ranking-seeds",
        type=int,
        default=None,
        help="the classes part's ranking seeds (--steps-seeds by default)",
    )
    parser.add_argument(
        "--schedules",
        nargs="+",
        default=None,
        help="the steps part's schedules (all by default)",
    )
    parser.add_argument(
        "--estimators",
        nargs="+",
        default=None,
        help="the classes part's estimators (all by default)",
    )
    parser.add_argument(
        "--earlier",
        action="store_true",
        help="the accuracy, nonlinear and scale parts with the earlier schedule",
    )
    parser.add_argument("--critic", choices=["concat", "convex"], default="concat")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    global MINE
    MINE = partial(mutual_info_mine, critic=args.critic)
    if args.quick:
        accuracy(args.seed, n=1000)
        steps(args.seed, n_seeds=1, schedules=["defaults", "patience 3 (75 steps)"])
        classes(
            args.seed,
            n_seeds=1,
            sizes=(569,),
            estimators=["default", "scikit-learn (KSG)"],
            class_counts=(2, 11),
        )
        return
    if args.earlier:
        MINE = partial(mutual_info_mine, critic=args.critic, **EARLIER)
    for part in args.parts:
        if part == "scale":
            scale(args.seed, args.scale_rows)
        elif part == "steps":
            steps(args.seed, args.steps_seeds, args.schedules)
        elif part == "class-cost":
            class_cost(args.estimators)
        elif part == "classes":
            classes(
                args.seed,
                args.steps_seeds,
                estimators=args.estimators,
                ranking_seeds=args.ranking_seeds,
            )
        else:
            globals()[part](args.seed)


if __name__ == "__main__":
    main()
