"""Cost of weight averaging per gradient step: AveragedModel's update against
torch's update functions applied to the parameter lists directly.

Run: python benchmarks/bench_averaging.py [--steps N] [--repeat R] [--quick]

The default critic (2 x 50 ELU units, 5 + 5 inputs) takes Adam steps on
batches of 512 rows; each row of the table adds one way of averaging the
weights after every step. The fastest of ``--repeat`` alternating runs is
kept. Why sklearn_mine._engine.callbacks.WeightAveraging calls torch's update
functions itself rather than ``AveragedModel.update_parameters``.
"""

import argparse
import time

import torch
from common.internals import critics
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="50 steps, one run")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.repeat = 50, 1

    critic = critics.ConcatCritic(5, 5, hidden_units=50)
    averaged = AveragedModel(critic, multi_avg_fn=get_ema_multi_avg_fn(0.99))
    params, average = list(critic.parameters()), list(averaged.parameters())
    ema = get_ema_multi_avg_fn(0.99)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(512, 5, generator=generator)
    y = torch.randn(512, 5, generator=generator)
    optimizer = torch.optim.Adam(critic.parameters())

    def step():
        loss = critic(x, y).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    ways = {
        "no averaging": lambda: None,
        "AveragedModel.update_parameters": lambda: averaged.update_parameters(critic),
        "get_ema_multi_avg_fn on the lists": lambda: ema(average, params, 0),
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(args.repeat):
        for name, average_step in ways.items():
            start = time.perf_counter()
            for _ in range(args.steps):
                step()
                average_step()
            best[name] = min(best[name], (time.perf_counter() - start) / args.steps)
    base = best["no averaging"]
    print("| averaging | us per step | added us per step |")
    print("| --- | --- | --- |")
    for name, seconds in best.items():
        print(f"| {name} | {1e6 * seconds:.0f} | {1e6 * (seconds - base):.0f} |")


if __name__ == "__main__":
    main()
