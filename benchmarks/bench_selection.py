"""Feature selection by joint MI against univariate ranking, mRMR and SFS.

Run: python benchmarks/bench_selection.py [--quick] [--seeds 10] [--cv-seeds 3]
     [--tables recovery cost cv patience speed null pair-ranking] [--rounds]
     [--set NAME=VALUE ...]
     [--convex NAME=VALUE ...]
     [--n 1000]
     [--cases friedman-copies sign-copy product xor noise-100 diabetes
              breast-cancer]

Needs the ``compare`` extra (``mrmr-selection``).

Cases (n = 1000 rows for the synthetic ones, or ``--n``):
- ``friedman-copies``: ``make_friedman1`` (5 informative, 5 noise features)
  plus a noisy copy of each informative feature (x_i + 0.1 N(0, 1) x_i's
  spread); k = 5. A copy is a "duplicate" when its original (or it, of the
  original) was picked already.
- ``sign-copy``: the gallery's "Selecting features by the MI of the set":
  y = x0 sign(x1) + x2 + 0.2 N(0, 1), x3 = x2 + 0.1 N(0, 1) a near copy of
  x2, 7 Gaussian features; k = 3, x3 standing for x2.
- ``product``: y = x0 x1 + 0.1 N(0, 1), 10 Gaussian features; k = 2.
- ``xor``: class (x0 > 0) XOR (x1 > 0), 5 % of labels flipped, 10 Gaussian
  features; k = 2.
- ``noise-100``: y = x0 + sin(2 x1) + x2 x3 + 0.3 N(0, 1), 100 Gaussian
  features; k = 4.
- ``diabetes`` (442 x 10, regression; k = 4) and ``breast-cancer`` (569 x 30,
  classification; k = 5), bundled with scikit-learn.

Selectors, each choosing k features (``MutualInfoSelector`` also with
``"auto"``): ``MutualInfoSelector``; ``SelectKBest`` with
``mutual_info_regression``/``_classif`` (KSG) and with ``mutual_info_mine``/
``_classif``; ``mrmr-selection``'s ``mrmr_regression``/``_classif``;
``SequentialFeatureSelector`` around the downstream model (3-fold, forward).

First table (``recovery``), on the synthetic cases over ``--seeds`` data
seeds, each selector fitted once on the whole table: in how many seeds it
chose exactly the informative features (a copy standing for its original);
for ``MutualInfoSelector("auto")``, whose first k picks are those of a
selector asked for k, also the mean count it chose, in how many seeds that
was the informative count +/- 1 or exactly the informative set, and in how
many it picked a feature and its copy before all informative features. SFS
runs here on the cases of at most 20 features, without ``--quick``. With
``--rounds``, every round of ``MutualInfoSelector("auto")`` is printed
before the table: its move, whether it was made, its gain in standard
errors, the bound that the shadows put on a gain of training luck, and the
rank of each informative feature among that round's candidates by the
scores that chose.

Second table (``cv``), every case over ``--cv-seeds`` data seeds (the real
tables: seeds of the folds): the downstream model's 3-fold cross-validated
score with each selector inside the pipeline (R^2 for regression, accuracy
for classification), the model alone on all features, and the mean seconds
of a fold's fit (selection and model). Downstream models: histogram gradient
boosting on the synthetic cases (it can use an interaction), ``RidgeCV`` and
a standardised ``LogisticRegression`` on the real tables. For each
``MutualInfoSelector``, "paired difference (SE)": the mean fold-by-fold
difference of its score with the best of the univariate selectors and mRMR
(on the same folds), and its standard error corrected for the folds'
overlapping training rows (Nadeau and Bengio, 2003).

Third table (``cost``): the seconds of a forward round of
``MutualInfoSelector`` over d candidates (asked for k features without pair
rounds: k single rounds) against one ``mutual_info_mine`` call over the same d
features, per case and seed; and of a round of ``"auto"`` (without pair
rounds, at least k features), which also trains the shadows. Each in seconds
and in gradient steps: a step costs about the same in both, and the steps,
unlike the seconds, do not move with the machine's load.

``--tables speed`` times what a user waits for: one ``MutualInfoSelector()``
fit on the whole breast-cancer table (after a first fit on 100 of its rows,
which loads torch's lazily imported modules: its time is given apart), a
5-fold ``cross_val_score`` of the pipeline (selector and logistic
regression), and a fit on a 3-fold training fold of ``noise-100``, each with
its gradient steps.

``--tables pair-ranking`` fits ``"auto"`` on ``noise-100`` over ``--seeds``
data seeds and, at every pair round over more than 45 remaining features,
gives the rank of each interaction feature not yet chosen (x2, x3 of
x2 * x3) among the candidates by the single round's scores (with MLP
critics, the cheap convex critics' that screened it) and by the full
convex critics that choose the features the pair round pairs; a pair
round can find (x2, x3) only where both rank within 45.

``--tables patience`` compares the selector's recovery at several values of
``patience`` (``--patience 6 12 20``).

``--tables null`` fits ``"auto"`` with ``min_features_to_select=0`` on
``--seeds`` tables where nothing carries information (10 independent
Gaussian features, y Gaussian or two classes) and counts the tables where it
made a move, which the shadows' bound allows in 2.5 % of rounds.

``--quick`` runs 3 seeds, 1 cross-validation seed, and skips SFS in the
first table and on ``noise-100`` (about 400 candidate fits per fold).
"""

import argparse
import time
import warnings
from unittest import mock

import numpy as np
from common.internals import (
    CONVEX_SETTINGS,
    MAX_PAIR_FEATURES,
    pair_features,
    selector_module,
)
from common.options import parse_overrides
from common.selection import (
    SELECTOR_PARAMS,
    StepCounter,
    markdown,
    mine_order,
    model_for,
    paired_difference,
    selectors,
    timed_fit,
)
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, make_friedman1
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline

from sklearn_mine import MutualInfoSelector, mutual_info_mine, mutual_info_mine_classif

# Rows of the synthetic cases (--n).
N = 1000

# The columns of --rounds (see rounds_rows).
ROUND_COLUMNS = [
    "case",
    "seed",
    "round",
    "move",
    "made",
    "gain",
    "shadows' bound",
    "informative ranks",
]


def friedman_copies(seed):
    X, y = make_friedman1(n_samples=N, n_features=10, noise=1.0, random_state=seed)
    rng = np.random.RandomState(seed + 1000)
    copies = X[:, :5] + 0.1 * X[:, :5].std(axis=0) * rng.standard_normal((N, 5))
    # Feature 10 + i is a copy of feature i.
    return np.hstack([X, copies]), y


def sign_copy(seed):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N, 7))
    # Feature 3 is a copy of feature 2.
    X[:, 3] = X[:, 2] + 0.1 * rng.standard_normal(N)
    return X, X[:, 0] * np.sign(X[:, 1]) + X[:, 2] + 0.2 * rng.standard_normal(N)


def product(seed):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N, 10))
    return X, X[:, 0] * X[:, 1] + 0.1 * rng.standard_normal(N)


def xor(seed):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N, 10))
    y = (X[:, 0] > 0) ^ (X[:, 1] > 0)
    flip = rng.uniform(size=N) < 0.05
    return X, np.where(y ^ flip, 1, 0)


def noise_100(seed):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((N, 100))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + X[:, 2] * X[:, 3]
    return X, y + 0.3 * rng.standard_normal(N)


def diabetes(seed):
    return load_diabetes(return_X_y=True)


def breast_cancer(seed):
    return load_breast_cancer(return_X_y=True)


# name: (sampler, classification, k, informative features or None, real table)
CASES = {
    "friedman-copies": (friedman_copies, False, 5, {0, 1, 2, 3, 4}, False),
    "sign-copy": (sign_copy, False, 3, {0, 1, 2}, False),
    "product": (product, False, 2, {0, 1}, False),
    "xor": (xor, True, 2, {0, 1}, False),
    "noise-100": (noise_100, False, 4, {0, 1, 2, 3}, False),
    "diabetes": (diabetes, False, 4, None, True),
    "breast-cancer": (breast_cancer, True, 5, None, True),
}


# Each case's copies: copy -> the feature it copies, and stands for.
COPIES = {
    "friedman-copies": {10 + i: i for i in range(5)},
    "sign-copy": {3: 2},
}


def originals(name, features):
    """The features, each copy replaced by its original (``COPIES``)."""
    copies = COPIES.get(name, {})
    return [copies.get(int(j), int(j)) for j in features]


def recovered(name, features, informative):
    """Whether ``features`` are the informative ones, one of each (a copy
    standing for its original)."""
    features = originals(name, features)
    return len(features) == len(set(features)) and set(features) == informative


def duplicate_first(name, order, informative):
    """Whether a feature and its copy were both picked before every
    informative feature (or its copy) was."""
    seen = set()
    for j in originals(name, order):
        if seen >= informative:
            return False
        if j in seen:
            return True
        seen.add(j)
    return False


def mine_recovery(name, seeds, **params):
    """MutualInfoSelector("auto") on ``seeds`` tables of a synthetic case:
    per seed, its picks, the seconds, its rounds and one mutual_info_mine
    call's seconds on the same table."""
    sample, classification, k, informative, _ = CASES[name]
    mine = mutual_info_mine_classif if classification else mutual_info_mine
    runs = []
    for seed in seeds:
        X, y = sample(seed)
        settings = {**SELECTOR_PARAMS, **params}
        selector = MutualInfoSelector(random_state=seed, **settings)
        fitted, took = timed_fit(selector, X, y)
        start = time.perf_counter()
        mine(X, y, random_state=seed)
        runs.append(
            {
                "seed": seed,
                "order": mine_order(fitted.history_),
                "count": fitted.n_features_to_select_,
                "seconds": took,
                "rounds": len(fitted.history_["features"]),
                "one call": time.perf_counter() - start,
                "history": fitted.history_,
                "scores": fitted.scores_,
            }
        )
    return runs


def mine_rows(name, runs, label="MutualInfoSelector"):
    """Recovery rows of MutualInfoSelector's runs (see mine_recovery)."""
    _, _, k, informative, _ = CASES[name]
    seeds = len(runs)
    # The first k rounds of "auto" are those of a selector asked for k.
    first_k = sum(recovered(name, run["order"][:k], informative) for run in runs)
    counts = [run["count"] for run in runs]
    close = sum(abs(c - len(informative)) <= 1 for c in counts)
    exact = sum(recovered(name, run["order"], informative) for run in runs)
    note = f"mean count {np.mean(counts):.1f} (truth {len(informative)})"
    note += f", within 1 in {close}/{seeds}, exactly right in {exact}/{seeds}"
    if name in COPIES:
        duplicates = sum(
            duplicate_first(name, run["order"], informative) for run in runs
        )
        note += f"; a duplicate before all informative in {duplicates}/{seeds}"
    seconds = np.mean([run["seconds"] for run in runs])
    return [
        {
            "case": name,
            "selector": f"{label} (first k picks)",
            "exactly the informative": f"{first_k}/{seeds}",
            "mean s": f"{seconds:.2f}",
        },
        {
            "case": name,
            "selector": f"{label} auto",
            "exactly the informative": note,
            "mean s": f"{seconds:.2f}",
        },
    ]


def rounds_rows(name, runs):
    """The rounds of each of MutualInfoSelector's runs (see mine_recovery):
    the move, whether it was made, its gain in standard errors, the bound
    that the shadows put on the gain of luck (history_["null_bound"]), and
    the rank
    of each informative feature among the round's candidates by the scores
    that chose (0: the best; "-": already chosen, or not paired)."""
    _, _, _, informative, _ = CASES[name]
    rows = []
    for run in runs:
        seed, history = run["seed"], run["history"]
        for r, scores in enumerate(run["scores"]):
            # Ranks by descending score; NaN (not a candidate) ranks last.
            order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            gain, error = history["gain"][r], history["gain_standard_error"][r]
            rows.append(
                {
                    "case": name,
                    "seed": seed,
                    "round": r + 1,
                    "move": " ".join(map(str, history["features"][r])),
                    "made": "yes" if history["accepted"][r] else "no",
                    "gain": f"{gain:+.3f} ({gain / error:+.1f} SE)",
                    "shadows' bound": f"{history['null_bound'][r]:+.3f}",
                    "informative ranks": " ".join(
                        f"x{j}:{'-' if np.isnan(scores[j]) else rank[j]}"
                        for j in sorted(informative)
                    ),
                }
            )
    return rows


def recovery_table(names, seeds, quick, rounds=False):
    rows = []
    for name in names:
        sample, classification, k, informative, real = CASES[name]
        if real:
            continue
        runs = mine_recovery(name, seeds)
        rows.extend(mine_rows(name, runs))
        if rounds:
            print(f"## MutualInfoSelector's rounds on {name}\n")
            print(markdown(rounds_rows(name, runs), ROUND_COLUMNS) + "\n", flush=True)
        found, seconds = {}, {}
        for seed in seeds:
            X, y = sample(seed)
            for label, selector in selectors(classification, k, real, seed).items():
                if label.startswith("MutualInfoSelector") or (
                    label == "SFS" and (quick or X.shape[1] > 20)
                ):
                    continue
                fitted, took = timed_fit(selector, X, y)
                support = fitted.get_support(indices=True)
                found[label] = found.get(label, 0) + recovered(
                    name, support, informative
                )
                seconds.setdefault(label, []).append(took)
        for label in found:
            rows.append(
                {
                    "case": name,
                    "selector": label,
                    "exactly the informative": f"{found[label]}/{len(seeds)}",
                    "mean s": f"{np.mean(seconds[label]):.2f}",
                }
            )
    return rows


def cost_table(names, seeds):
    """Seconds and gradient steps of a forward round of MutualInfoSelector
    over d candidates against one mutual_info_mine call over the same d
    features: MutualInfoSelector asked for k features with no pair rounds
    plays k single rounds; "auto" with no pair rounds and at least k
    features plays k single rounds or more, each also training the
    shadows."""
    rows = []
    for name in names:
        sample, classification, k, _, _ = CASES[name]
        mine = mutual_info_mine_classif if classification else mutual_info_mine
        for seed in seeds:
            X, y = sample(seed)
            seconds, steps = [], []
            for count in (k, "auto"):
                selector = MutualInfoSelector(
                    count,
                    interactions=False,
                    min_features_to_select=k,
                    random_state=seed,
                )
                with StepCounter() as counter:
                    fitted, took = timed_fit(selector, X, y)
                n_rounds = len(fitted.history_["features"])
                seconds.append(took / n_rounds)
                steps.append(counter.steps / n_rounds)
                if count == k:
                    # One training a round here: no pair rounds, and fewer
                    # than 256 critics.
                    assert len(counter.trainings) == n_rounds, counter.trainings
                    by_round = " + ".join(map(str, counter.trainings))
            with StepCounter() as counter:
                start = time.perf_counter()
                mine(X, y, random_state=seed)
                one_call = time.perf_counter() - start
            rows.append(
                {
                    "case": name,
                    "d": X.shape[1],
                    "seed": seed,
                    "seconds per round": f"{seconds[0]:.2f}",
                    "mutual_info_mine s": f"{one_call:.2f}",
                    "ratio": f"{seconds[0] / one_call:.2f}",
                    "steps ratio": f"{steps[0] / counter.steps:.2f}",
                    "steps by round": by_round,
                    "mutual_info_mine steps": counter.steps,
                    '"auto" s per round': f"{seconds[1]:.2f}",
                    '"auto" ratio': f"{seconds[1] / one_call:.2f}",
                    '"auto" steps ratio': f"{steps[1] / counter.steps:.2f}",
                }
            )
    return rows


def pair_ranking_table(seeds):
    """noise-100's interaction features' ranks at each pair round over more
    than MAX_PAIR_FEATURES, by the single round's scores and by the full
    convex critics (see the module's docstring)."""
    rows = []
    for seed in seeds:
        X, y = noise_100(seed)
        calls = []

        def recording(scores, candidates, room, interactions, rescore=None):
            record = {"single": np.array(scores)}

            def rescoring(features):
                record["full"] = rescore(features)
                record["selected"] = rescore.keywords["selected"]
                return record["full"]

            out = pair_features(
                scores,
                candidates,
                room,
                interactions,
                None if rescore is None else rescoring,
            )
            if "full" in record:
                record["candidates"] = list(candidates)
                calls.append(record)
            return out

        with mock.patch.object(selector_module, "pair_features", recording):
            MutualInfoSelector(random_state=seed, **SELECTOR_PARAMS).fit(X, y)
        for record in calls:
            candidates = record["candidates"]
            ranks = {}
            for name in ("single", "full"):
                values = np.nan_to_num(record[name][candidates], nan=-np.inf)
                order = np.argsort(-values, kind="stable")
                ranks[name] = {candidates[i]: r for r, i in enumerate(order)}
            left = [j for j in (2, 3) if j in candidates]
            rows.append(
                {
                    "seed": seed,
                    "chosen": str(sorted(record["selected"])),
                    "candidates": len(candidates),
                    "single round's scores": " ".join(
                        f"x{j}:{ranks['single'][j]}" for j in left
                    ),
                    "full convex critics": " ".join(
                        f"x{j}:{ranks['full'][j]}" for j in left
                    ),
                    "within 45 (single / full)": " / ".join(
                        "yes"
                        if all(ranks[name][j] < MAX_PAIR_FEATURES for j in left)
                        else "no"
                        for name in ("single", "full")
                    ),
                }
            )
    return rows


def null_table(seeds):
    """MutualInfoSelector("auto", min_features_to_select=0) where nothing
    carries information: 1000 rows of 10 independent Gaussian features, y
    Gaussian or two classes drawn apart from them; in how many tables
    "auto" made a move (the shadows' bound allows 2.5 % a round)."""
    rows = []
    for kind in ("continuous", "binary"):
        made, seconds = 0, []
        for seed in seeds:
            rng = np.random.RandomState(1000 + seed)
            X = rng.standard_normal((N, 10))
            y = (
                rng.standard_normal(N)
                if kind == "continuous"
                else rng.randint(2, size=N)
            )
            selector = MutualInfoSelector(
                min_features_to_select=0, random_state=seed, **SELECTOR_PARAMS
            )
            fitted, took = timed_fit(selector, X, y)
            made += fitted.n_features_to_select_ > 0
            seconds.append(took)
        rows.append(
            {
                "y": kind,
                "tables where auto made a move": f"{made}/{len(seeds)}",
                "mean s": f"{np.mean(seconds):.2f}",
            }
        )
    return rows


def patience_table(names, seeds, values):
    """MutualInfoSelector's recovery by its patience (evaluations of 25
    steps without a better held-out bound before a critic stops)."""
    rows = []
    for patience in values:
        for name in names:
            if CASES[name][4]:
                continue
            runs = mine_recovery(name, seeds, patience=patience)
            rows.extend(mine_rows(name, runs, label=f"patience={patience}"))
    return rows


# The selectors a MutualInfoSelector's score is compared with, fold by fold.
BASELINES = ("SelectKBest KSG", "SelectKBest MINE", "mRMR")


def cv_table(names, cv_seeds, quick, n_folds=3):
    rows = []
    for name in names:
        sample, classification, k, informative, real = CASES[name]
        fold_scores, seconds, counts = {}, {}, []
        for seed in range(cv_seeds):
            X, y = sample(seed)
            folds = (StratifiedKFold if classification else KFold)(
                n_folds, shuffle=True, random_state=seed
            )
            model = model_for(classification, real)
            candidates = {
                "all features": None,
                **selectors(classification, k, real, seed),
            }
            for label, selector in candidates.items():
                if label == "SFS" and quick and X.shape[1] > 50:
                    continue
                pipe = (
                    clone(model)
                    if selector is None
                    else make_pipeline(selector, clone(model))
                )
                result = cross_validate(
                    pipe, X, y, cv=folds, return_estimator=label.endswith("auto")
                )
                fold_scores.setdefault(label, []).extend(result["test_score"])
                seconds.setdefault(label, []).append(result["fit_time"].mean())
                if label.endswith("auto"):
                    counts += [e[0].n_features_to_select_ for e in result["estimator"]]
        best = max(BASELINES, key=lambda label: np.mean(fold_scores[label]))
        for label, by_fold in fold_scores.items():
            # Each seed's mean over its folds.
            by_seed = np.reshape(by_fold, (-1, n_folds)).mean(axis=1)
            versus = ""
            if label.startswith("MutualInfoSelector"):
                mean, error = paired_difference(by_fold, fold_scores[best], n_folds)
                versus = f"{mean:+.3f} ({error:.3f}) vs {best}"
            rows.append(
                {
                    "case": name,
                    "selector": label,
                    "CV score": f"{np.mean(by_seed):.3f}",
                    "spread over seeds": f"{np.std(by_seed):.3f}",
                    "fit s per fold": f"{np.mean(seconds[label]):.2f}",
                    "paired difference (SE)": versus,
                    "count": (
                        f"{np.mean(counts):.1f}"
                        if label.endswith("auto")
                        else (k if label != "all features" else "all")
                    ),
                }
            )
    return rows


def speed():
    """One "auto" fit on breast cancer, its 5-fold pipeline, a noise-100 fold."""
    X, y = load_breast_cancer(return_X_y=True)
    selector = MutualInfoSelector(random_state=0, **SELECTOR_PARAMS)
    start = time.perf_counter()
    clone(selector).fit(X[:100], y[:100])
    print(f"first fit in this process (100 rows): {time.perf_counter() - start:.2f} s")
    with StepCounter() as counter:
        start = time.perf_counter()
        fitted = clone(selector).fit(X, y)
        took = time.perf_counter() - start
    print(
        f"breast cancer, one fit: {took:.2f} s, {counter.steps} steps "
        f"({' + '.join(map(str, counter.trainings))}), "
        f"{fitted.n_features_to_select_} features"
    )
    pipe = make_pipeline(selector, model_for(True, True))
    start = time.perf_counter()
    cv_scores = cross_val_score(pipe, X, y, cv=5)
    print(
        f"breast cancer, 5-fold cross_val_score: {time.perf_counter() - start:.2f} s, "
        f"accuracy {cv_scores.mean():.3f}"
    )
    X, y = noise_100(0)
    train, _ = next(KFold(3, shuffle=True, random_state=0).split(X))
    with StepCounter() as counter:
        start = time.perf_counter()
        fitted = clone(selector).fit(X[train], y[train])
        took = time.perf_counter() - start
    print(
        f"noise-100, one fold's fit: {took:.2f} s, {counter.steps} steps, "
        f"features {fitted.get_support(indices=True).tolist()}"
    )


def main():
    global N
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="the recovery, cost and patience tables run the data seeds "
        "first-seed, first-seed + 1, ... (0), to extend an earlier run",
    )
    parser.add_argument("--cv-seeds", type=int, default=None)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument(
        "--n", type=int, default=N, help="rows of the synthetic cases (1000)"
    )
    parser.add_argument(
        "--tables",
        nargs="+",
        default=["recovery", "cost", "cv"],
        choices=[
            "recovery",
            "cost",
            "cv",
            "patience",
            "speed",
            "null",
            "pair-ranking",
        ],
    )
    parser.add_argument("--patience", type=int, nargs="+", default=[6, 12, 20])
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="MutualInfoSelector settings for the recovery, cv and patience "
        "tables, values as Python literals (validation_fraction=0.5)",
    )
    parser.add_argument(
        "--convex",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="convex critics' settings (CONVEX_SETTINGS, n_features=256), "
        "for runs with --set critic=convex",
    )
    parser.add_argument(
        "--rounds",
        action="store_true",
        help="with the recovery table, also print every round of the selector",
    )
    args = parser.parse_args()
    N = args.n
    SELECTOR_PARAMS.update(parse_overrides(args.set))
    CONVEX_SETTINGS.update(parse_overrides(args.convex))
    seeds = range(
        args.first_seed, args.first_seed + (args.seeds or (3 if args.quick else 10))
    )
    cv_seeds = args.cv_seeds or (1 if args.quick else 3)
    warnings.filterwarnings("ignore", category=UserWarning)
    if "recovery" in args.tables:
        rows = recovery_table(args.cases, seeds, args.quick, args.rounds)
        print(f"## Recovery over {len(seeds)} data seeds (whole table)\n")
        print(markdown(rows, ["case", "selector", "exactly the informative", "mean s"]))
    if "cost" in args.tables:
        rows = cost_table(args.cases, seeds)
        print("\n## A round of MutualInfoSelector against one mutual_info_mine call\n")
        print(markdown(rows, list(rows[0])))
    if "patience" in args.tables:
        rows = patience_table(args.cases, seeds, args.patience)
        print(f"## MutualInfoSelector by patience, {len(seeds)} data seeds\n")
        print(markdown(rows, ["case", "selector", "exactly the informative", "mean s"]))
    if "null" in args.tables:
        rows = null_table(seeds)
        print(f"## Where nothing carries information, {len(seeds)} tables each\n")
        print(markdown(rows, list(rows[0])))
    if "speed" in args.tables:
        speed()
    if "pair-ranking" in args.tables:
        rows = pair_ranking_table(seeds)
        print(f"## noise-100's interaction at its pair rounds, {len(seeds)} seeds\n")
        print(markdown(rows, list(rows[0]) if rows else ["seed"]))
    if "cv" in args.tables:
        print(f"\n## Downstream 3-fold CV score, mean over {cv_seeds} seeds\n")
        columns = [
            "case",
            "selector",
            "count",
            "CV score",
            "spread over seeds",
            "fit s per fold",
            "paired difference (SE)",
        ]
        print("\n".join(markdown([], columns).splitlines()[:2]), flush=True)
        # Case by case, so that a long run shows its rows as they come.
        for name in args.cases:
            rows = cv_table([name], cv_seeds, args.quick)
            print("\n".join(markdown(rows, columns).splitlines()[2:]), flush=True)


if __name__ == "__main__":
    main()
