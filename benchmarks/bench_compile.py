"""Does torch.compile speed up MINE's training steps? One run, side by side.

Run: python benchmarks/bench_compile.py [--quick]

Trains the default critic on the 5x5 dense Gaussian (n = 5000) for 2000 steps
through MINENet, eager and with skorch's ``compile=True``, then 2000 more steps
on the already-compiled net, and prints the seconds of each. The answer decides
whether MINEEstimator offers a ``compile`` option (docs/performance.md).
``--quick`` (a smoke run) takes 50 steps each and compiles with dynamo's
``eager`` backend: the default backend's first call compiles C++ for tens of
seconds, which a smoke run does not need to measure.
"""

import argparse
import time

import numpy as np
import torch
from common.internals import PairDataset, build_net, critics, split_indices

from sklearn_mine import MINEEstimator
from sklearn_mine.datasets import make_gaussian


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    steps = 50 if args.quick else 2000
    # skorch passes compile__* to torch.compile.
    backend = {"compile__backend": "eager"} if args.quick else {}
    X, y, _ = make_gaussian(
        5000,
        n_features_x=5,
        n_features_y=5,
        mi=0.6,
        cross_correlation="dense",
        random_state=0,
    )
    x = torch.as_tensor(((X - X.mean(0)) / X.std(0)).astype(np.float32))
    y = torch.as_tensor(((y - y.mean(0)) / y.std(0)).astype(np.float32))
    train, valid = split_indices(len(x), 0.3, np.random.RandomState(0))
    train_ds, valid_ds = (
        PairDataset(x[train], y[train]),
        PairDataset(x[valid], y[valid]),
    )
    defaults = MINEEstimator().get_params()
    print(f"| critic | first {steps} steps (s) | next {steps} steps (s) |")
    print("| --- | --- | --- |")
    for compiled in (False, True):
        settings = {**defaults, "max_steps": steps, "marginal_batch_size": None}
        net = build_net(
            critics.ConcatCritic,
            dict(n_features_x=5, n_features_y=5, hidden_units=defaults["hidden_units"]),
            valid_ds,
            [],
            settings,
            device="cpu",
            random_state=0,
        )
        net.set_params(compile=compiled, **(backend if compiled else {}))
        start = time.perf_counter()
        net.fit(train_ds, None)
        first = time.perf_counter() - start
        start = time.perf_counter()
        net.partial_fit(train_ds, None)
        second = time.perf_counter() - start
        label = "torch.compile" if compiled else "eager"
        print(f"| {label} | {first:.2f} | {second:.2f} |")


if __name__ == "__main__":
    main()
