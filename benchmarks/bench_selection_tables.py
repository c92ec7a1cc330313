"""MutualInfoSelector on six small real tables: downstream score and time.

Run::

    python benchmarks/bench_selection_tables.py --sections score
        [--tables diabetes breast-cancer ...] [--repeats 2] [--shard I/K]
        [--records DIR] [--set NAME=VALUE ...]
    python benchmarks/bench_selection_tables.py --report [FILE ...] [--records DIR]
    python benchmarks/bench_selection_tables.py --quick

The raw records go to ``DIR/selection_tables.jsonl`` (``--records DIR``, else
``$SKLEARN_MINE_BENCH_RECORDS``, else ``benchmarks/records/``, which git
ignores); ``--report`` reads that file, or the files given. The report the
docs cite is ``benchmarks/results/selection_tables.md``. ``--quick`` is a
smoke run (seconds): the scores of diabetes' first two folds, then their
report, records in a temporary directory.

Needs the ``compare`` extra (``mrmr-selection``, and ``statsmodels`` for three
of the tables).

The tables (all offline: bundled with scikit-learn or statsmodels):

- ``diabetes``: scikit-learn's, 442 x 10, regression; k = 4.
- ``breast-cancer``: scikit-learn's, 569 x 30, two classes; k = 5.
- ``wine``: scikit-learn's, 178 x 13, three classes; k = 4.
- ``star98``: statsmodels' California schools of 1998, 303 x 20 (12
  measurements and 8 of their products), regression of the share of pupils
  above the national median in maths; k = 5.
- ``fair``: statsmodels' affairs survey (Fair, 1978), 1000 of its 6366 rows
  (drawn once, seed 0) x 8, whether the respondent had an affair; k = 4.
- ``anes96``: statsmodels' 1996 American National Election Study, 944 x 9,
  the vote (Clinton or Dole); k = 4.

``score`` (one JSON line per fold and selector in the records, so that runs
can be split with ``--shard``, resumed and reported together): a shuffled
5-fold cross-validation repeated ``--repeats`` times (stratified for the
classes), the downstream model's test score with each selector fitted on the
training rows (``RidgeCV``'s R^2 for regression, a standardised
``LogisticRegression``'s accuracy for classes), and the seconds of the
selector's fit:

- ``auto``: ``MutualInfoSelector()``, its defaults;
- ``k``: ``MutualInfoSelector(k)``;
- ``path``: ``MutualInfoSelector(2 k)``, whose first j features give the
  score of every count j <= 2 k in one fit (``history_`` is recorded, so that
  other stopping rules can be read from it);
- ``SelectKBest`` with ``mutual_info_regression``/``_classif`` (KSG) and with
  ``mutual_info_mine``/``_classif``, ``mrmr-selection``'s mRMR and
  ``SequentialFeatureSelector`` around the downstream model (forward, 3-fold
  inner cross-validation), each at k;
- ``all``: the model on every feature.

The report compares, fold by fold on the same folds, the selector at k with
the best of KSG, mRMR and SFS, and "auto" with the best count of the path,
each as a mean difference with the standard error of Nadeau and Bengio's
corrected resampled t-test (2003; Bouckaert and Frank's for repeated k-fold,
2004): the variance of the differences times 1/J + 1/(5 - 1) over J folds.

The speed targets are measured by ``bench_selection.py --tables speed``.
"""

import argparse
import time
import warnings

import numpy as np
from common.options import parse_overrides
from common.records import append_record, read_records, records_dir
from common.selection import (
    SELECTOR_PARAMS,
    StepCounter,
    markdown,
    mine_order,
    model_for,
    paired_difference,
    selectors,
)
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
)

from sklearn_mine import MutualInfoSelector

# The records' file in the records directory (--records, see common.records).
RECORDS = "selection_tables.jsonl"

N_FOLDS = 5


def _diabetes():
    return load_diabetes(return_X_y=True)


def _breast_cancer():
    return load_breast_cancer(return_X_y=True)


def _wine():
    return load_wine(return_X_y=True)


def _star98():
    from statsmodels.datasets import star98

    data = star98.load_pandas()
    above, below = data.endog["NABOVE"], data.endog["NBELOW"]
    return data.exog.to_numpy(float), (above / (above + below)).to_numpy()


def _fair():
    from statsmodels.datasets import fair

    data = fair.load_pandas().data
    X = data.drop(columns="affairs").to_numpy(float)
    # 1000 of its 6366 rows, drawn once: a small table, as the others.
    rows = np.random.RandomState(0).choice(len(X), 1000, replace=False)
    return X[rows], (data["affairs"] > 0).to_numpy(int)[rows]


def _anes96():
    from statsmodels.datasets import anes96

    data = anes96.load_pandas().data
    # popul is logpopul's exponential: kept once, as its logarithm.
    X = data.drop(columns=["vote", "popul"]).to_numpy(float)
    return X, data["vote"].to_numpy(int)


# name: (loader, classification, k)
TABLES = {
    "diabetes": (_diabetes, False, 4),
    "breast-cancer": (_breast_cancer, True, 5),
    "wine": (_wine, True, 4),
    "star98": (_star98, False, 5),
    "fair": (_fair, True, 4),
    "anes96": (_anes96, True, 4),
}

# --quick's table.
QUICK = ["diabetes"]

SELECTORS = ("auto", "k", "path", "KSG", "MINE", "mRMR", "SFS", "all")

# The selectors that the selector at k is held to (the targets).
BASELINES = ("KSG", "mRMR", "SFS")


# This script's selector names, and bench_selection.selectors' for them.
_SELECTORS_THERE = {
    "auto": "MutualInfoSelector auto",
    "k": "MutualInfoSelector k",
    "KSG": "SelectKBest KSG",
    "MINE": "SelectKBest MINE",
    "mRMR": "mRMR",
    "SFS": "SFS",
}


def make_selector(name, classification, k, seed):
    """bench_selection's selectors on a real table, and the path (2 k)."""
    if name == "path":
        return MutualInfoSelector(2 * k, random_state=seed, **SELECTOR_PARAMS)
    return selectors(classification, k, True, seed)[_SELECTORS_THERE[name]]


def folds_of(table, repeats):
    X, y = TABLES[table][0]()
    splitter = RepeatedStratifiedKFold if TABLES[table][1] else RepeatedKFold
    return (
        X,
        y,
        list(splitter(n_splits=N_FOLDS, n_repeats=repeats, random_state=0).split(X, y)),
    )


def _score(model, X, y, train, test, features):
    features = list(features)
    model = clone(model).fit(X[train][:, features], y[train])
    return float(model.score(X[test][:, features], y[test]))


def _history(history):
    return {
        key: [list(map(int, v)) if key == "features" else v.item() for v in values]
        for key, values in history.items()
    }


def run_fold(table, fold, X, y, train, test, name):
    _, classification, k = TABLES[table]
    model = model_for(classification, True)
    record = {"table": table, "fold": fold, "selector": name}
    if name == "all":
        record["score"] = _score(model, X, y, train, test, range(X.shape[1]))
        return record
    selector = make_selector(name, classification, k, seed=fold)
    with StepCounter() as counter:
        start = time.perf_counter()
        selector.fit(X[train], y[train])
        record["seconds"] = time.perf_counter() - start
    record["steps"] = counter.steps
    support = selector.get_support(indices=True)
    record["count"] = len(support)
    if name == "path":
        order = mine_order(selector.history_)
        record["order"] = order
        record["history"] = _history(selector.history_)
        record["scores"] = [
            _score(model, X, y, train, test, order[:j])
            for j in range(1, len(order) + 1)
        ]
        return record
    if isinstance(selector, MutualInfoSelector):
        record["history"] = _history(selector.history_)
    record["score"] = _score(model, X, y, train, test, support)
    return record


def _done(path):
    return {(r["table"], r["fold"], r["selector"]) for r in read_records([path])}


def run_scores(args):
    done = _done(args.records)
    index, count = (int(v) for v in args.shard.split("/"))
    jobs = [
        (table, fold, name)
        for table in args.tables
        for fold in range(args.folds or N_FOLDS * args.repeats)
        for name in args.selectors
    ]
    for i, (table, fold, name) in enumerate(jobs):
        if i % count != index or (table, fold, name) in done:
            continue
        X, y, folds = folds_of(table, args.repeats)
        train, test = folds[fold]
        record = run_fold(table, fold, X, y, train, test, name)
        record["settings"] = SELECTOR_PARAMS
        append_record(args.records, record)
        print(
            table,
            fold,
            name,
            f"{record.get('score', max(record.get('scores', [np.nan]))):.3f}",
            f"{record.get('seconds', 0):.1f} s",
            flush=True,
        )


def _by_fold(records, table, name):
    rows = sorted(
        (r for r in records if r["table"] == table and r["selector"] == name),
        key=lambda r: r["fold"],
    )
    return {r["fold"]: r for r in rows}


def _made(history):
    """The moves a path made, in order: (set size, MI, its error, gain,
    gain's error, the shadows' bound)."""
    keys = ("n_features", "mutual_info", "standard_error", "gain")
    keys += ("gain_standard_error", "null_bound")
    return [
        tuple(history[key][i] for key in keys)
        for i, accepted in enumerate(history["accepted"])
        if accepted
    ]


def _stop_at_first_failure(moves, passes):
    count = moves[0][0]
    for move in moves[1:]:
        if not passes(*move[3:]):
            break
        count = move[0]
    return count


# Stopping rules read from a path's history_: the count each would have
# chosen (at least the first move, as min_features_to_select=1). Read from
# the path, they approximate what the rule would do inside the selector: a
# path tries a pair round where its single move fails the strict test.
RULES = {
    "strict (0.3's auto)": lambda moves: _stop_at_first_failure(
        moves, lambda g, e, b: g - 1.96 * e > 0 and g > b
    ),
    "shadows' bound only": lambda moves: _stop_at_first_failure(
        moves, lambda g, e, b: g > b
    ),
    "gain > 1 SE": lambda moves: _stop_at_first_failure(moves, lambda g, e, b: g > e),
    "gain > 0": lambda moves: _stop_at_first_failure(moves, lambda g, e, b: g > 0),
    "one-SE rule on the curve": lambda moves: min(
        n
        for n, mi, _, _, _, _ in moves
        if mi >= max(m[1] for m in moves) - max(moves, key=lambda m: m[1])[2]
    ),
}


def rules_report(records):
    rows = []
    for table in TABLES:
        paths = _by_fold(records, table, "path")
        if not paths:
            continue
        depth = min(len(r["scores"]) for r in paths.values())
        by_j = np.array([r["scores"][:depth] for r in paths.values()])
        best_j = int(np.argmax(by_j.mean(axis=0)))
        for rule, count_of in RULES.items():
            counts, chosen = [], []
            for r, scores in zip(paths.values(), by_j):
                count = min(count_of(_made(r["history"])), depth)
                counts.append(count)
                chosen.append(scores[count - 1])
            mean, error = paired_difference(chosen, by_j[:, best_j], N_FOLDS)
            rows.append(
                {
                    "table": table,
                    "rule": rule,
                    "count": f"{np.mean(counts):.1f}",
                    "score": f"{np.mean(chosen):.3f}",
                    "vs best count (SE)": f"{mean:+.3f} ({error:.3f}), "
                    f"best {best_j + 1}: {by_j[:, best_j].mean():.3f}",
                }
            )
    print("\n## Stopping rules read from the path\n")
    print(markdown(rows, list(rows[0])))


def report(paths):
    records = read_records(paths)
    tables = [t for t in TABLES if any(r["table"] == t for r in records)]
    score_rows, target_rows = [], []
    for table in tables:
        _, _, k = TABLES[table]
        runs = {name: _by_fold(records, table, name) for name in SELECTORS}
        folds = sorted(set.intersection(*(set(runs[n]) for n in runs if runs[n])))
        if not folds:
            continue

        def scores(name, folds=folds):
            return np.array([runs[name][f]["score"] for f in folds])

        for name in SELECTORS:
            if not runs[name] or name == "path":
                continue
            rows = [runs[name][f] for f in folds]
            score_rows.append(
                {
                    "table": table,
                    "selector": name,
                    "count": "all"
                    if name == "all"
                    else f"{np.mean([r['count'] for r in rows]):.1f}",
                    "score": f"{np.mean(scores(name)):.3f}",
                    "s per fit": ""
                    if name == "all"
                    else f"{np.mean([r['seconds'] for r in rows]):.2f}",
                }
            )
        paths_ = [runs["path"][f]["scores"] for f in folds] if runs["path"] else []
        best_j, by_j = None, None
        if paths_:
            depth = min(map(len, paths_))
            by_j = np.array([p[:depth] for p in paths_])
            best_j = int(np.argmax(by_j.mean(axis=0)))
            score_rows.append(
                {
                    "table": table,
                    "selector": "path, best count",
                    "count": best_j + 1,
                    "score": f"{by_j[:, best_j].mean():.3f}",
                    "s per fit": "{:.2f}".format(
                        np.mean([runs["path"][f]["seconds"] for f in folds])
                    ),
                }
            )
        if not runs["k"] or not any(runs[b] for b in BASELINES):
            continue
        best = max((b for b in BASELINES if runs[b]), key=lambda b: np.mean(scores(b)))
        n_folds = N_FOLDS
        mean, error = paired_difference(scores("k"), scores(best), n_folds)
        target_rows.append(
            {
                "table": table,
                "comparison": f"k={k} vs {best}",
                "difference (SE)": f"{mean:+.3f} ({error:.3f})",
                "met": "at least"
                if mean >= 0
                else ("within 1 SE" if mean >= -error else "no"),
            }
        )
        if by_j is not None and runs["auto"]:
            mean, error = paired_difference(scores("auto"), by_j[:, best_j], n_folds)
            target_rows.append(
                {
                    "table": table,
                    "comparison": f"auto vs best count ({best_j + 1})",
                    "difference (SE)": f"{mean:+.3f} ({error:.3f})",
                    "met": "within 1 SE" if mean >= -error else "no",
                }
            )
    print("## Downstream score, mean over the folds\n")
    print(markdown(score_rows, ["table", "selector", "count", "score", "s per fit"]))
    print("\n## Fold by fold, against the targets\n")
    print(markdown(target_rows, ["table", "comparison", "difference (SE)", "met"]))
    if any(r["selector"] == "path" for r in records):
        rules_report(records)


def against_report(paths, other):
    """MutualInfoSelector's rows ("auto", "k") of two runs' records, fold by
    fold on the folds both ran: the second's score less the first's, with
    the corrected standard error of ``paired_difference``."""
    first, second = read_records(paths), read_records([other])
    rows = []
    for table in TABLES:
        for name in ("auto", "k"):
            a, b = _by_fold(first, table, name), _by_fold(second, table, name)
            folds = sorted(set(a) & set(b))
            if not folds:
                continue
            score_a = [a[f]["score"] for f in folds]
            score_b = [b[f]["score"] for f in folds]
            mean, error = paired_difference(score_b, score_a, N_FOLDS)
            rows.append(
                {
                    "table": table,
                    "selector": name,
                    "count": f"{np.mean([a[f]['count'] for f in folds]):.1f} / "
                    f"{np.mean([b[f]['count'] for f in folds]):.1f}",
                    "score": f"{np.mean(score_a):.3f} / {np.mean(score_b):.3f}",
                    "second less first (SE)": f"{mean:+.3f} ({error:.3f})",
                    "s per fit": f"{np.mean([a[f]['seconds'] for f in folds]):.2f}"
                    f" / {np.mean([b[f]['seconds'] for f in folds]):.2f}",
                }
            )
    print(f"\n## Against {other}: first / second run, same folds\n")
    print(markdown(rows, list(rows[0])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", default=[], choices=["score"])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=TABLES)
    parser.add_argument("--selectors", nargs="+", default=SELECTORS, choices=SELECTORS)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--shard", default="0/1")
    parser.add_argument(
        "--records",
        default=None,
        metavar="DIR",
        help=f"directory of the raw records, {RECORDS} (see common.records)",
    )
    parser.add_argument("--report", nargs="*", default=None, metavar="FILE")
    parser.add_argument(
        "--against",
        default=None,
        metavar="FILE",
        help="with --report, another run's records (say, --set critic=convex), "
        "its MutualInfoSelector rows compared fold by fold with the report's",
    )
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--folds", type=int, default=None, help="only the first folds (default: all)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: score then report diabetes' first 2 folds, selectors "
        "k, path (no pair rounds, at most 100 steps a critic), KSG and all, "
        "records in a temporary directory",
    )
    args = parser.parse_args()
    if args.quick:
        args.sections, args.tables, args.repeats, args.folds = ["score"], QUICK, 1, 2
        args.selectors = ["k", "path", "KSG", "all"]
        args.set = ["max_steps=100", "interactions=False", *args.set]
        args.report = []
    SELECTOR_PARAMS.update(parse_overrides(args.set))
    args.records = records_dir(args.records, quick=args.quick) / RECORDS
    warnings.filterwarnings("ignore")
    if "score" in args.sections:
        run_scores(args)
    if args.report is not None:
        report(args.report or [args.records])
        if args.against:
            against_report(args.report or [args.records], args.against)


if __name__ == "__main__":
    main()
