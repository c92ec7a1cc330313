"""mutual_info_mine on a wide table, by the number of critics trained at once.

Run: python benchmarks/bench_wide.py [--features 2000] [--chunks 256 512 1024 4000]
                                     [--quick]

The table of ``bench_speed.py``'s wide case (n = 1000, y a sum of five kinds
of function of features 0-9 plus noise). ``mutual_info_mine`` trains its
critics in chunks of at most ``_GROUPS_PER_FIT`` (256); this sets that limit
to each value given and prints the seconds, how many of the 10 informative
features rank in the top 10, and the largest difference from the first
run's estimates (float32 rounding only: the batched products of a different
number of critics may round differently). ``--quick`` (a smoke run): 20
features in chunks of 8, then of 256, each critic trained for 200 steps.
"""

import argparse
import time

import numpy as np
from common.data import sparse_signal, top_10_recovered
from common.internals import grouped

from sklearn_mine import mutual_info_mine


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=2000)
    parser.add_argument("--chunks", type=int, nargs="+", default=[256, 512, 1024, 4000])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.features, args.chunks = 20, [8, 256]
    steps = {"max_steps": 200} if args.quick else {}
    X, y = sparse_signal(1000, args.features)
    # Warm up torch once so that no row pays for it.
    mutual_info_mine(X[:, :20], y, random_state=0, max_steps=50)
    print("| critics at once | seconds | informative in top 10 | largest difference |")
    print("| --- | --- | --- | --- |")
    first = None
    for size in args.chunks:
        grouped._GROUPS_PER_FIT = size
        start = time.perf_counter()
        mi = mutual_info_mine(X, y, random_state=0, **steps)
        seconds = time.perf_counter() - start
        first = mi if first is None else first
        difference = np.abs(mi - first).max()
        print(f"| {size} | {seconds:.1f} | {top_10_recovered(mi)} | {difference:.1e} |")


if __name__ == "__main__":
    main()
