"""Speed and memory of MINE fits, side by side with their floors, in one process.

Run: python benchmarks/bench_speed.py [--quick] [--output FILE.md]

For each case: fit seconds, peak memory above the memory in use before the fit
(resident set size, sampled every few milliseconds), the estimate and the truth.
Rows:
- ``MINEEstimator`` with its defaults (early stopping);
- ``MINEEstimator`` for a fixed number of steps (``patience=None``);
- a plain torch loop doing the same steps, batch size, critic, bound and
  held-out evaluations: the floor for a Python training loop;
- ``mutual_info_mine`` against ``mutual_info_regression`` (KSG) on a
  per-feature task.
Ratios against the plain loop (fastest of ``--repeat`` alternating runs of
each), and of n = 1,000,000 against n = 10,000, are printed under the table,
with the time to accuracy of the defaults on the 5x5 case beside what an ideal
critic reads on the same held-out pairs.
Then the cases where users wait, each beside scikit-learn's KSG
(``mutual_info_regression``) in the same run, in a second table:
- scikit-learn's diabetes table (442 x 10), per feature, and
  ``SelectKBest(k=4)`` + ``RidgeCV`` in 5-fold ``cross_val_score``;
- a wide table, n = 1000 x d = 2000 (``--wide``), y a sum of five kinds of
  function of 10 of the features plus noise: seconds, and how many of the 10
  rank in each estimator's top 10;
- 20 Gaussian features x 10,000 rows (the first table's MAE row, here the
  fastest of three runs of each, as the diabetes row);
- the 5x5 dense Gaussian (n = 5000) with the defaults on ten data seeds:
  how many are within 0.05 nats in under 1.5 s.
``--quick`` shrinks every case to run in about a minute (CI runs it; its
timings are printed, never asserted).
"""

import argparse
import copy
import ctypes
import gc
import math
import os
import threading
import time
import warnings

import numpy as np
import torch
from common.data import (
    gaussian_features,
    held_out_oracle,
    sparse_signal,
    top_10_recovered,
)
from common.internals import (
    critics,
    dv_bound,
    marginal_eval_size,
    mine_loss,
    sample_marginal_indices,
)
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectKBest, mutual_info_regression
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine.datasets import gaussian_mi, make_gaussian

PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def _release_freed_memory():
    # Memory freed by earlier cases stays in the process (glibc keeps it for
    # reuse) and would hide a new peak below it: hand it back first.
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakMemory:
    """Peak resident memory above the level at entry, polled in a thread."""

    def __enter__(self):
        _release_freed_memory()
        self.start = _rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        self.above = self.peak - self.start


def measure(func):
    with PeakMemory() as memory:
        start = time.perf_counter()
        value = func()
        seconds = time.perf_counter() - start
    return value, seconds, memory.above


def plain_loop(X, y, *, steps, seed=0):
    """MINE in a hand-written loop: the defaults' critic, bound, batches and
    weight averaging (the averaged critic is the one scored)."""
    defaults = MINEEstimator().get_params()
    batch_size = defaults["batch_size"]
    steps_per_epoch = defaults["steps_per_epoch"]
    X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
    y = y.reshape(len(y), -1)
    y = ((y - y.mean(0)) / y.std(0)).astype(np.float32)
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(X))
    n_valid = max(2, math.ceil(defaults["validation_fraction"] * len(X)))
    train, valid = order[n_valid:], order[:n_valid]
    x_t, y_t = torch.as_tensor(X[train]), torch.as_tensor(y[train])
    x_v, y_v = torch.as_tensor(X[valid]), torch.as_tensor(y[valid])
    critic = critics.ConcatCritic(
        X.shape[1],
        y.shape[1],
        hidden_units=defaults["hidden_units"],
        hidden_layers=defaults["hidden_layers"],
        activation=defaults["activation"],
        radial_features=defaults["radial_features"],
        random_state=seed,
    )
    # Fused, as the estimator runs Adam: the rows compare overheads, not
    # optimizer kernels.
    optimizer = torch.optim.Adam(critic.parameters(), lr=defaults["lr"], fused=True)
    averaged = copy.deepcopy(critic)
    params, average = list(critic.parameters()), list(averaged.parameters())
    generator = torch.Generator().manual_seed(seed)
    n = len(x_t)
    b = min(batch_size, n)
    J, K = sample_marginal_indices(
        len(x_v), marginal_eval_size(len(x_v)), replace=True, generator=generator
    )
    log_ema, best = None, -math.inf
    for step in range(steps):
        joint = torch.randint(n, (b,), generator=generator)
        Jm, Km = sample_marginal_indices(n, b, replace=False, generator=generator)
        t = critic(x_t[torch.cat([joint, Jm])], y_t[torch.cat([joint, Km])])
        rate = defaults["denominator_ema_rate"]
        loss, log_ema = mine_loss(t[:b], t[b:], log_ema, rate)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            weight = max(defaults["weight_ema_rate"], 1 / (step + 1))
            torch._foreach_lerp_(average, params, weight)
        if (step + 1) % steps_per_epoch == 0:
            with torch.no_grad():
                t_joint = averaged(x_v, y_v)
                t_marginal = averaged(x_v[J], y_v[K])
                best = max(best, dv_bound(t_joint, t_marginal).item())
    return best


def gaussian(n, d, mi, seed=0):
    if d == 1:
        return make_gaussian(n, mi=mi, random_state=seed)
    return make_gaussian(
        n,
        n_features_x=d,
        n_features_y=d,
        mi=mi,
        cross_correlation="dense",
        random_state=seed,
    )


def rows_for_pairs(label, X, y, truth, steps, repeat):
    rows = []
    est = MINEEstimator(random_state=0)
    _, s, m = measure(lambda: est.fit(X, y))
    rows.append(
        (label, "MINEEstimator (defaults)", est.n_steps_, s, m, est.mutual_info_)
    )
    # The two are timed alternately, `repeat` times, and the fastest of each
    # kept (as timeit does): on a shared machine one run of either can be
    # slowed by 30 % or more by other work.
    fixed_s, plain_s, fixed_m, plain_m = [], [], 0, 0
    for _ in range(repeat):
        # One resampled critic, as the plain loop trains ("auto" might train
        # a second).
        est = MINEEstimator(
            random_state=0, max_steps=steps, patience=None, reference="resample"
        )
        _, s, m = measure(lambda: est.fit(X, y))
        fixed_s.append(s)
        fixed_m = max(fixed_m, m)
        value, s, m = measure(lambda: plain_loop(X, y, steps=steps))
        plain_s.append(s)
        plain_m = max(plain_m, m)
    fixed = (
        label,
        "MINEEstimator (fixed steps)",
        steps,
        min(fixed_s),
        fixed_m,
        est.mutual_info_,
    )
    plain = (label, "plain torch loop", steps, min(plain_s), plain_m, value)
    return rows + [fixed, plain], fixed[3] / plain[3]


def ksg_and_mine(X, y, seed=0, repeat=1):
    """(seconds, scores) of KSG and of mutual_info_mine, in that order; the
    fastest of ``repeat`` alternating runs of each."""
    seconds = {mutual_info_regression: [], mutual_info_mine: []}
    for _ in range(repeat):
        for func in seconds:
            start = time.perf_counter()
            scores = func(X, y, random_state=seed)
            seconds[func].append((time.perf_counter() - start, scores))
    return [min(runs, key=lambda run: run[0]) for runs in seconds.values()]


def correlated_features(n_features):
    """bench_mutual_info's Gaussian features (correlations 0 to 0.95), n = 10,000."""
    rhos = np.linspace(0, 0.95, n_features)
    return gaussian_features(10_000, rhos, np.random.RandomState(0))


def user_cases(quick, wide):
    """The second table: (case, KSG s, mutual_info_mine s, ratio, note)."""
    rows, notes = [], []
    X, y = load_diabetes(return_X_y=True)
    (ksg_s, _), (mine_s, _) = ksg_and_mine(X, y, repeat=3)
    rows.append(("diabetes 442 x 10, per feature (fastest of 3)", ksg_s, mine_s, ""))
    if not quick:
        seconds, r2 = [], []
        for func in (mutual_info_regression, mutual_info_mine):
            pipe = make_pipeline(SelectKBest(func, k=4), RidgeCV())
            start = time.perf_counter()
            r2.append(cross_val_score(pipe, X, y, cv=5).mean())
            seconds.append(time.perf_counter() - start)
        rows.append(
            (
                "diabetes, SelectKBest(k=4) + RidgeCV, 5-fold CV",
                *seconds,
                f"mean R^2 {r2[0]:.3f} (KSG), {r2[1]:.3f} (MINE)",
            )
        )
    d = 200 if quick else wide
    X, y = sparse_signal(1000, d)
    (ksg_s, ksg), (mine_s, mine) = ksg_and_mine(X, y)
    rows.append(
        (
            f"wide 1000 x {d}, signal in 10 features",
            ksg_s,
            mine_s,
            f"top 10 holds {top_10_recovered(ksg)} (KSG), "
            f"{top_10_recovered(mine)} (MINE) of the 10",
        )
    )
    if not quick:
        # The first table's row again, timed as the diabetes row is: single
        # timings of a two-second fit move by a third on this machine.
        X, y, truth = correlated_features(20)
        (ksg_s, ksg), (mine_s, mine) = ksg_and_mine(X, y, repeat=3)
        rows.append(
            (
                "20 features x 10,000 rows (fastest of 3)",
                ksg_s,
                mine_s,
                f"MAE {np.abs(ksg - truth).mean():.4f} (KSG), "
                f"{np.abs(mine - truth).mean():.4f} (MINE) nats",
            )
        )
        hits, seconds, errors = 0, [], []
        for seed in range(10):
            X, y, truth = gaussian(5000, 5, 0.6, seed=seed)
            est = MINEEstimator(random_state=seed)
            start = time.perf_counter()
            est.fit(X, y)
            seconds.append(time.perf_counter() - start)
            errors.append(est.mutual_info_ - truth)
            hits += abs(errors[-1]) <= 0.05 and seconds[-1] < 1.5
        notes.append(
            f"5x5 dense Gaussian, defaults, data seeds 0-9: {hits} of 10 within "
            f"0.05 nats in under 1.5 s; seconds "
            + " ".join(f"{s:.2f}" for s in seconds)
            + "; errors "
            + " ".join(f"{e:+.3f}" for e in errors)
        )
    return rows, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=None, help="also write the table here")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="timings of the overhead rows, fastest kept (default 3, quick 1)",
    )
    parser.add_argument(
        "--wide",
        type=int,
        default=2000,
        help="features of the wide case (default 2000; quick 200)",
    )
    args = parser.parse_args()
    quick = args.quick
    repeat = args.repeat or (1 if quick else 3)
    steps = 300 if quick else 2000
    big = 100_000 if quick else 1_000_000

    # Warm up torch so that no row pays for first-call costs (a fit this
    # short warns that it stopped while still improving: expected here).
    X, y, _ = gaussian(1000, 1, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MINEEstimator(max_steps=100, random_state=0).fit(X, y)
    plain_loop(X, y, steps=100)

    rows, notes = [], []
    # The lecture's bivariate Gaussian (rho = 0.878977, n = 1000).
    X, y, truth = gaussian(1000, 1, gaussian_mi(0.878977))
    new, overhead = rows_for_pairs(
        "bivariate Gaussian, n=1000", X, y, truth, steps, repeat
    )
    rows += [r + (truth,) for r in new]
    notes.append(f"overhead (bivariate Gaussian): {overhead:.2f}x the plain loop")
    X, y, truth = gaussian(5000, 5, 0.6)
    new, overhead = rows_for_pairs(
        "5x5 dense Gaussian, n=5000", X, y, truth, steps, repeat
    )
    rows += [r + (truth,) for r in new]
    notes.append(f"overhead (5x5 case): {overhead:.2f}x the plain loop")
    # Time to accuracy: the defaults' row, beside what an ideal critic reads
    # on the same held-out pairs (their draw alone can put a fit outside
    # 0.05 nats; bench_accuracy.py runs ten data seeds).
    _, _, _, seconds_5x5, _, estimate_5x5 = new[0]
    ideal = held_out_oracle(X, y, MINEEstimator(random_state=0), 0)
    notes.append(
        f"time to accuracy (5x5 case, defaults): {seconds_5x5:.2f} s, error "
        f"{estimate_5x5 - truth:+.3f} nats; an ideal critic reads "
        f"{ideal - truth:+.3f} on the same held-out pairs"
    )

    seconds = {}
    for n in (10_000, big):
        X, y, truth = gaussian(n, 1, 0.5)
        # One resampled critic, as the plain loop trains ("auto" might train
        # a second).
        est = MINEEstimator(
            random_state=0, max_steps=steps, patience=None, reference="resample"
        )
        _, s, m = measure(lambda: est.fit(X, y))
        seconds[n] = s
        label = f"1-D Gaussian, n={n:,}"
        rows.append(
            (label, "MINEEstimator (fixed steps)", steps, s, m, est.mutual_info_, truth)
        )
    notes.append(
        f"flat in n: n={big:,} costs {seconds[big] / seconds[10_000]:.2f}x n=10,000"
    )

    # 10-D X against 1-D y, the dependence rotated across all of X's features.
    X, y, truth = make_gaussian(
        big, n_features_x=10, mi=0.5, cross_correlation="dense", random_state=0
    )
    est = MINEEstimator(
        random_state=0, max_steps=steps, patience=None, reference="resample"
    )
    _, s, m = measure(lambda: est.fit(X, y))
    rows.append(
        (
            f"10-D X, n={big:,}",
            "MINEEstimator (fixed steps)",
            steps,
            s,
            m,
            est.mutual_info_,
            truth,
        )
    )
    notes.append(
        f"memory: peak {m / 2**20:.0f} MiB above baseline = {m / X.nbytes:.2f}x "
        f"the input array ({X.nbytes / 2**20:.0f} MiB)"
    )

    n_features = 5 if quick else 20
    X, y, truth = correlated_features(n_features)
    label = f"{n_features} features, n=10,000 (MAE)"
    for name, func in [
        ("mutual_info_mine", mutual_info_mine),
        ("mutual_info_regression", mutual_info_regression),
    ]:
        mi, s, m = measure(lambda: func(X, y, random_state=0))
        rows.append((label, name, "", s, m, np.abs(mi - truth).mean(), 0.0))

    lines = [
        f"torch threads: {torch.get_num_threads()}; quick: {quick}",
        "",
        "| case | method | steps | fit s | peak MiB | estimate | truth |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for case, method, n_steps, s, m, estimate, truth in rows:
        lines.append(
            f"| {case} | {method} | {n_steps} | {s:.2f} | {m / 2**20:.0f} | "
            f"{estimate:.4f} | {truth:.4f} |"
        )
    lines += [""] + [f"- {note}" for note in notes]
    rows, notes = user_cases(quick, args.wide)
    lines += [
        "",
        "| case | KSG s | mutual_info_mine s | ratio | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for case, ksg_s, mine_s, note in rows:
        lines.append(
            f"| {case} | {ksg_s:.2f} | {mine_s:.2f} | {mine_s / ksg_s:.1f}x | {note} |"
        )
    lines += [""] + [f"- {note}" for note in notes]
    table = "\n".join(lines)
    print(table)
    if args.output:
        with open(args.output, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
