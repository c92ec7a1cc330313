"""The conditional test's size with and without each row among its own neighbours.

Issue 42's leading hypothesis for the conditional test's conservative size on
the chain: each row is among its own ``n_neighbors`` nearest in Z, so about
a fifth of the rows keep their own X in every local permutation, and the
copies sit too close to the observed X. This runs
``conditional_independence_test`` (its defaults: convex critics, 99 copies,
``n_neighbors=5``) on 300 data sets of 500 triples of the chain and of the
common cause (``make_chain``, ``make_common_cause(rho=0)``, data seeds 0 to
N - 1), as it is (``self``) and with the neighbour table replaced by the five
nearest *other* rows (``noself``, by patching ``_per_group.neighbour_table``:
an alternative measured, not an option of the package), or with the
critics' copies drawn without the row itself and the closed-form
statistics' null with it (``mixed``, by patching
``_per_group.locally_permuted_design``), and prints the rejection rate at
0.05 of the test, of its critic's statistic alone and of the closed forms
alone (their min-p over the critics' 1 + 99 pairings). ``residual`` and
``residual-noself`` (with the neighbours of ``self`` and ``noself``)
replace the closed-form statistics by those of X's and y's residuals on Z
(each less its mean over its 10 nearest other rows in Z), a generalised
covariance measure's reading, by patching ``closed_form_statistics``;
``residual-linear`` does the same with a local-linear smoother (each less
the least-squares line through its 10 nearest other rows in Z, read at its
own Z), whose bias is second order where the mean's is first.
``--per-parameter N`` sets the shipped smoother's neighbours per
parameter of its line (``self`` and the other variants that keep the
package's closed forms), to measure the choice of 5.
``norepeat`` keeps the neighbours of ``self`` but makes every copy a
permutation: the rows that repeated an index (the restricted permutation's
fallback) take the indices no row took, matched in the order of Z's first
column, by patching the designs' ``local_permutations`` (a matching for
one column of Z only).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_local_neighbours.py VARIANT
        [--datasets N] [--power] [--per-parameter N] [--quick]

``--power`` runs two dependent families instead (a common cause with
rho = 0.2 and a non-linear collider), so that the rates are power: what a
variant that mends the size costs. ``--quick`` runs three data sets a
family (a smoke run).
"""

import argparse
import time
import warnings
from functools import partial

import numpy as np
import torch

import sklearn_mine._per_group as per_group
import sklearn_mine._permutation.smoothing as smoothing
from sklearn_mine import conditional_independence_test
from sklearn_mine._permutation.pvalues import (
    min_pvalue_combination,
    permutation_pvalues,
)
from sklearn_mine.datasets import make_chain, make_collider, make_common_cause

VARIANTS = [
    "self",
    "noself",
    "mixed",
    "residual",
    "residual-noself",
    "residual-linear",
    "norepeat",
]

# The smoother of the residual variants: the mean of the nearest other rows
# in Z.
_SMOOTHER_NEIGHBOURS = 10


def _others(table, Z, k):
    """Each row's ``k`` nearest other rows in Z: the table's ``k + 1``
    nearest, the row itself (first) dropped."""
    return table(Z, k + 1)[:, 1:]


def _local_mean(values, others):
    """Each row's values less their mean over its ``others`` rows."""
    return values - np.take(values, others, axis=-2).mean(axis=-2)


def _residualise_closed_forms(table, kind="mean"):
    """The closed forms of X's and y's residuals on Z, as a generalised
    covariance measure reads them (Shah and Peters 2020): each row's X
    and y less their mean over its 10 nearest other rows in Z, then the
    linear and quadratic Gaussian MI of the residuals. Z's columns leave
    the block (the smoother has taken their part); the block of Z alone
    reads 0. Patched into both places the test computes them; one column
    of Z (the statistics' ``shared`` columns), so its scores have Z's
    neighbours. The variants predate the interaction statistic, which
    reads 0 here: a constant ties every pairing, and leaves the min-p of
    the other two as it was."""
    from sklearn_mine._permutation import pvalues, statistics

    def residual_statistics(blocks, y_scores, shared=None, smoother=None):
        # The package's own smoother (``smoother``) is replaced by this one.
        count = len(blocks)
        if shared is None:
            # A conditional test's only block without Z beside it: Z's own.
            return np.zeros(count), np.zeros(count)
        z = shared[:, :1]
        if kind == "linear":
            # The package's smoother (the same 10 neighbours for one column
            # of Z), without its partialling of Z's scores.
            line = smoothing.local_linear_smoother(z)
            residual = partial(smoothing.smoothed_residuals, smoother=line)
        else:
            others = _others(table, z, _SMOOTHER_NEIGHBOURS)
            residual = partial(_local_mean, others=others)
        x = residual(blocks)
        linear_y, quadratic_y = (residual(v) for v in y_scores)
        squares = np.concatenate([x, x**2 - (x**2).mean(axis=1, keepdims=True)], -1)
        return (
            statistics.linear_gaussian_mi(x, linear_y),
            statistics.linear_gaussian_mi(squares, quadratic_y),
            np.zeros(count),
        )

    statistics.closed_form_statistics = residual_statistics
    pvalues.closed_form_statistics = residual_statistics


def _without_repeats(table):
    """Local permutations without the fallback's repeated indices.

    Each draw's rows that took an index an earlier row of the array also
    took (the fallback's repeats, 6-11 % of the rows) take instead the
    indices no row took, matched in the order of Z's first column: each
    such row gets an unused index near it in a 1-D Z. The draws are then
    permutations. Patched into both places the test draws them; the
    neighbour table is patched to keep Z's scores for the matching.
    """
    from sklearn_mine._permutation import designs

    draw, kept = designs.local_permutations, {}

    def neighbours_keeping_z(Z, k):
        kept["z"] = np.asarray(Z, dtype=float).reshape(len(Z), -1)[:, 0]
        return table(Z, k)

    def permutations(neighbours, count, rng):
        # The fallback's repeats as tigramite draws them, then matched.
        K, z = draw(neighbours, count, rng), kept["z"]
        n = K.shape[1]
        for k in K:
            first = np.zeros(n, dtype=bool)
            first[np.unique(k, return_index=True)[1]] = True
            repeated = np.flatnonzero(~first)
            unused = np.setdiff1d(np.arange(n), k)
            k[repeated[np.argsort(z[repeated])]] = unused[np.argsort(z[unused])]
        return K

    per_group.neighbour_table = neighbours_keeping_z
    designs.local_permutations = permutations


def main():
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=VARIANTS)
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--power", action="store_true", help="dependent families: the rates are power"
    )
    parser.add_argument(
        "--per-parameter",
        type=int,
        help="neighbours of the shipped smoother's line per parameter "
        "(smoothing.NEIGHBOURS_PER_PARAMETER, patched; default: the package's)",
    )
    args = parser.parse_args()
    if args.per_parameter is not None:
        smoothing.NEIGHBOURS_PER_PARAMETER = args.per_parameter
    label = args.variant
    if args.per_parameter is not None:
        label += f", {args.per_parameter} a parameter"
    variant, n_sets = args.variant, 3 if args.quick else args.datasets
    table = per_group.neighbour_table
    if variant in ("noself", "residual-noself"):
        per_group.neighbour_table = lambda Z, k: _others(table, Z, k)
    if variant == "mixed":
        design = per_group.locally_permuted_design

        def critics_without_self(X, Z, groups, count, neighbours, rng):
            others = _others(table, Z, neighbours.shape[1])
            return design(X, Z, groups, count, others, rng)

        per_group.locally_permuted_design = critics_without_self
    if variant.startswith("residual"):
        _residualise_closed_forms(
            table, "linear" if variant == "residual-linear" else "mean"
        )
    if variant == "norepeat":
        _without_repeats(table)
    families = [
        ("chain", make_chain, {}),
        ("common cause", make_common_cause, {"rho": 0.0}),
    ]
    if args.power:
        families = [
            ("common cause, rho = 0.2", make_common_cause, {"rho": 0.2}),
            ("collider, non-linear", make_collider, {"nonlinear": True}),
        ]
    rate = "power" if args.power else "size"
    print(
        f"| neighbours | family | {rate} | critic alone | closed forms alone | "
        "s a test |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, sampler, params in families:
        rejected, critic, closed_forms = [], [], []
        start = time.perf_counter()
        for seed in range(n_sets):
            X, y, Z, _ = sampler(500, random_state=seed, **params)
            result = conditional_independence_test(
                X, y, Z.reshape(500, -1), random_state=seed
            )
            rejected.append(result.pvalue <= 0.05)
            neural = result.statistics["neural"][None]
            critic.append(permutation_pvalues(neural)[0] <= 0.05)
            closed = [result.statistics[k][None] for k in ("linear", "quadratic")]
            closed_forms.append(min_pvalue_combination(*closed)[0] <= 0.05)
        seconds = (time.perf_counter() - start) / n_sets
        print(
            f"| {label} | {name} | {np.mean(rejected):.3f} | "
            f"{np.mean(critic):.3f} | {np.mean(closed_forms):.3f} | {seconds:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
