"""Every bound, critic and reference on hard distributions with known MI.

Run: python benchmarks/bench_bounds.py [--configs mine infonce ...]
     [--cases t- spiral ...] [--seed 0] [--set name=value ...] [--output table.md]
     python benchmarks/bench_bounds.py --coverage 50
     python benchmarks/bench_bounds.py --quick

The first form fits MINEEstimator once per (case, configuration) and prints
a Markdown table of estimate, truth, error, standard error and seconds, then
a summary per configuration: cases within 10 % of the truth, non-finite
estimates, total seconds. Configurations differ from the defaults only in
the parameters shown; ``mine`` is the defaults. ``--set`` overrides an
estimator parameter in every configuration (e.g. ``--set hidden_layers=3``).

``--quick`` (a smoke run) fits ``mine`` and ``dv`` on the 1x1 Cauchy case for
at most 300 steps, in a table.

``--coverage N`` instead fits the defaults on N fresh samples of a Gaussian
case and reports how often the 95 % interval covers the truth, with the
mean bias and the mean standard error beside the spread of the estimates.
The interval covers the draw of the held-out pairs only, so a critic short
of the optimum makes it miss more often than one time in twenty.
"""

import argparse
import math
import time
import warnings

import numpy as np
from common.options import parse_overrides

from sklearn_mine import MINEEstimator
from sklearn_mine.datasets import make_gaussian, make_student_t, spiral, transform_pair

N_SAMPLES = 5000


def _transformed(transform, seed):
    X, y, mi = make_gaussian(N_SAMPLES, rho=0.9, random_state=seed)
    X, y = transform_pair(X, y, x_transform=transform, y_transform=transform)
    return X, y, mi


def _spiral(seed):
    X, y, mi = make_gaussian(
        N_SAMPLES, n_features_x=2, n_features_y=2, rho=[0.9, 0.9], random_state=seed
    )
    return spiral(X, turns=1.0), y, mi


# name -> sampler(seed) -> (X, y, true MI); all with n = 5000 pairs.
CASES = {
    "gaussian 5x5, 5 nats": lambda seed: make_gaussian(
        N_SAMPLES,
        n_features_x=5,
        n_features_y=5,
        mi=5.0,
        cross_correlation="dense",
        random_state=seed,
    ),
    "gaussian 5x5, 0.6 nats": lambda seed: make_gaussian(
        N_SAMPLES,
        n_features_x=5,
        n_features_y=5,
        mi=0.6,
        cross_correlation="dense",
        random_state=seed,
    ),
    "student-t 2x2, df=3": lambda seed: make_student_t(
        N_SAMPLES, n_features_x=2, n_features_y=2, mi=1.0, df=3.0, random_state=seed
    ),
    "student-t 1x1, df=1 (Cauchy)": lambda seed: make_student_t(
        N_SAMPLES, rho=0.8, df=1.0, random_state=seed
    ),
    "sparse 25x25, 2 pairs": lambda seed: make_gaussian(
        N_SAMPLES,
        n_features_x=25,
        n_features_y=25,
        rho=[0.8, 0.8] + [0.0] * 23,
        random_state=seed,
    ),
    "cube of gaussian 1x1": lambda seed: _transformed("cube", seed),
    "asinh of gaussian 1x1": lambda seed: _transformed("asinh", seed),
    "normal cdf of gaussian 1x1": lambda seed: _transformed("normal_cdf", seed),
    "spiral of gaussian 2x2": _spiral,
}

# name -> MINEEstimator parameters beside the defaults.
CONFIGS = {
    "mine": {},
    # The defaults without weight averaging: what averaging buys.
    "no-averaging": {"weight_ema_rate": None},
    "dv": {"objective": "dv"},
    "nwj": {"objective": "nwj"},
    "js": {"objective": "js"},
    "smile": {"objective": "smile"},
    # The separable critic scores the b^2 pairs of a batch in one product;
    # the concatenated one would need b^2 forward passes per step.
    "infonce": {"objective": "infonce", "critic": "separable"},
    "separable": {"critic": "separable"},
    "nee-gaussian": {"reference": "gaussian"},
    "nee-uniform": {"reference": "uniform"},
}


def run_table(configs, cases, seed, overrides=None):
    rows, summary = [], {}
    for config in configs:
        summary[config] = {"ok": 0, "cases": 0, "nonfinite": 0, "seconds": 0.0}
    for case in cases:
        X, y, truth = CASES[case](1000 + seed)
        for config in configs:
            est = MINEEstimator(
                random_state=seed, **{**CONFIGS[config], **(overrides or {})}
            )
            start = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                est.fit(X, y)
            seconds = time.perf_counter() - start
            estimate = est.mutual_info_
            error = estimate - truth
            ok = abs(error) <= 0.1 * truth
            warned = any("cap" in str(w.message) for w in caught)
            entry = summary[config]
            entry["cases"] += 1
            entry["ok"] += ok
            entry["nonfinite"] += not math.isfinite(estimate)
            entry["seconds"] += seconds
            row = (
                f"| {case} | {config} | {estimate:.3f} | {truth:.3f} | "
                f"{error:+.3f} | {est.standard_error_:.3f} | "
                f"{'yes' if ok else 'no'}{' (cap warning)' if warned else ''} | "
                f"{seconds:.1f} |"
            )
            print(row, flush=True)
            rows.append(row)
    lines = [
        "| case | config | estimate | truth | error | std. error | within 10 % "
        "| fit s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "| config | within 10 % | non-finite | total fit s |",
        "| --- | --- | --- | --- |",
    ]
    for config, entry in summary.items():
        lines.append(
            f"| {config} | {entry['ok']}/{entry['cases']} | {entry['nonfinite']} "
            f"| {entry['seconds']:.0f} |"
        )
    return "\n".join(lines)


def run_coverage(trials):
    rho, n = 0.8, 2000
    estimates, errors, covered = [], [], 0
    for trial in range(trials):
        X, y, truth = make_gaussian(n, rho=rho, random_state=5000 + trial)
        est = MINEEstimator(random_state=trial).fit(X, y)
        low, high = est.confidence_interval_
        hit = low <= truth <= high
        covered += hit
        estimates.append(est.mutual_info_)
        errors.append(est.standard_error_)
        print(
            f"trial {trial:3d}: {est.mutual_info_:.4f} +/- {est.standard_error_:.4f}"
            f" {'covers' if hit else 'misses'}",
            flush=True,
        )
    estimates = np.asarray(estimates)
    return "\n".join(
        [
            f"Gaussian rho={rho}, n={n}, true MI {truth:.4f} nats, {trials} trials "
            "(fresh samples and seeds each)",
            "",
            "| coverage of the 95 % interval | mean bias | spread of estimates "
            "| mean standard error |",
            "| --- | --- | --- | --- |",
            f"| {covered}/{trials} ({covered / trials:.0%}) | "
            f"{estimates.mean() - truth:+.4f} | {estimates.std(ddof=1):.4f} | "
            f"{np.mean(errors):.4f} |",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS))
    parser.add_argument("--cases", nargs="*", default=None, help="substrings")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--coverage", type=int, default=None, metavar="TRIALS")
    parser.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument("--output", default=None, help="also write the table here")
    parser.add_argument("--quick", action="store_true", help="two fits, one case")
    args = parser.parse_args()
    if args.quick:
        args.configs, args.cases = ["mine", "dv"], ["Cauchy"]
        args.set = ["max_steps=300", *args.set]
    if args.coverage:
        table = run_coverage(args.coverage)
    else:
        cases = [
            case
            for case in CASES
            if args.cases is None or any(part in case for part in args.cases)
        ]
        table = run_table(args.configs, cases, args.seed, parse_overrides(args.set))
    print()
    print(table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
