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
an alternative measured, not an option of the package), and prints the
rejection rate at 0.05 of the test and of its critic's statistic alone.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_local_neighbours.py {self,noself}
        [--datasets N] [--quick]

``--quick`` runs three data sets a family (a smoke run).
"""

import argparse
import time
import warnings

import numpy as np
import torch

import sklearn_mine._per_group as per_group
from sklearn_mine import conditional_independence_test
from sklearn_mine._permutation.pvalues import permutation_pvalues
from sklearn_mine.datasets import make_chain, make_common_cause


def main():
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=["self", "noself"])
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    variant, n_sets = args.variant, 3 if args.quick else args.datasets
    if variant == "noself":
        table = per_group.neighbour_table
        per_group.neighbour_table = lambda Z, k: table(Z, k + 1)[:, 1:]
    families = [
        ("chain", make_chain, {}),
        ("common cause", make_common_cause, {"rho": 0.0}),
    ]
    print("| neighbours | family | size | critic alone | s a test |")
    print("| --- | --- | --- | --- | --- |")
    for name, sampler, params in families:
        rejected, critic = [], []
        start = time.perf_counter()
        for seed in range(n_sets):
            X, y, Z, _ = sampler(500, random_state=seed, **params)
            result = conditional_independence_test(
                X, y, Z.reshape(500, -1), random_state=seed
            )
            rejected.append(result.pvalue <= 0.05)
            neural = result.statistics["neural"][None]
            critic.append(permutation_pvalues(neural)[0] <= 0.05)
        seconds = (time.perf_counter() - start) / n_sets
        print(
            f"| {variant} | {name} | {np.mean(rejected):.3f} | "
            f"{np.mean(critic):.3f} | {seconds:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
