"""What the critic's inputs do on the hard-dependence suite.

Run: python benchmarks/bench_critic_inputs.py [--seeds 0] [--cases SUBSTR ...]
                                              [--inputs NAME ...] [--quick]

Fits ``MINEEstimator(reference="resample", batch_size=256, lr=2e-3,
hidden_units=50, hidden_layers=2)`` (the steps and critic of version 0.1, on
which the inputs were compared) on cases of
``bench_hard.py`` with the concatenated critic fed one of:

- ``plain``: ``[x, y]`` (``radial_features=False``);
- ``radial``: ``[x, y, |x|^2, |y|^2]``, the squared norms centred and scaled
  (``radial_features=True``, the library's default);
- ``squares``: ``[x, y, x^2 - 1, y^2 - 1]``, every coordinate squared;
- ``fourier``: ``[x, y, sin(B [x, y]), cos(B [x, y])]`` for 32 random
  frequencies ``B`` drawn from N(0, 1) (random Fourier features, Tancik et
  al., 2020).

The last two are not options of the library: they are defined here, as
critics that subclass :class:`~sklearn_mine._engine.critics.ConcatCritic`, to
measure them against the radial features that were adopted. ``--quick`` (a
smoke run) fits every input on the lecture's case, seed 0, n = 1000.
"""

import argparse
import time
import warnings

import torch
from common.hard_cases import CASES, N_SAMPLES, within
from common.internals import critics

from sklearn_mine import MINEEstimator

N_FREQUENCIES = 32


class _ExtraInputsCritic(critics.ConcatCritic):
    """ConcatCritic on ``[x, y, features(x, y)]``."""

    kind = None

    def __init__(self, n_features_x, n_features_y, radial_features=False, **kwargs):
        d = n_features_x + n_features_y
        extra = d if self.kind == "squares" else 2 * N_FREQUENCIES
        super().__init__(n_features_x + extra, n_features_y, **kwargs)
        generator = torch.Generator().manual_seed(0)
        frequencies = torch.randn(d, N_FREQUENCIES, generator=generator)
        self.register_buffer("frequencies", frequencies)

    def forward(self, x, y, pairwise=False):
        if pairwise:
            return critics.pairwise_by_rows(self, x, y)
        v = torch.cat([x, y], dim=1)
        if self.kind == "squares":
            extra = [v * v - 1]
        else:
            z = v @ self.frequencies
            extra = [torch.sin(z), torch.cos(z)]
        return self.mlp(torch.cat([v, *extra], dim=1)).squeeze(1)


class _Squares(_ExtraInputsCritic):
    kind = "squares"


class _Fourier(_ExtraInputsCritic):
    kind = "fourier"


INPUTS = {"plain": None, "radial": None, "squares": _Squares, "fourier": _Fourier}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--cases", nargs="*", default=None, help="substrings")
    parser.add_argument("--inputs", nargs="+", default=list(INPUTS), choices=INPUTS)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_samples = N_SAMPLES
    if args.quick:
        args.seeds, args.cases, n_samples = args.seeds[:1], ["lecture"], 1000
    names = [n for n in CASES if not args.cases or any(c in n for c in args.cases)]
    print("| case | seed | truth | " + " | ".join(args.inputs) + " |")
    print("| --- | --- | --- |" + " --- |" * len(args.inputs))
    hits = dict.fromkeys(args.inputs, 0)
    original = critics.CRITICS["concat"]
    for name in names:
        for seed in args.seeds:
            X, y, truth = CASES[name][1](n_samples, 1000 + seed)
            cells = []
            for inputs in args.inputs:
                critics.CRITICS["concat"] = INPUTS[inputs] or original
                est = MINEEstimator(
                    reference="resample",
                    radial_features=inputs == "radial",
                    batch_size=256,
                    lr=2e-3,
                    hidden_units=50,
                    hidden_layers=2,
                    random_state=seed,
                )
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est.fit(X, y)
                seconds = time.perf_counter() - start
                critics.CRITICS["concat"] = original
                ok = within(est.mutual_info_, truth)
                hits[inputs] += ok
                mark = "" if ok else " (NO)"
                cells.append(f"{est.mutual_info_:.3f}{mark}, {seconds:.1f} s")
            row = f"| {name} | {seed} | {truth:.3f} | " + " | ".join(cells) + " |"
            print(row, flush=True)
    total = len(names) * len(args.seeds)
    print()
    for inputs, n in hits.items():
        print(f"- {inputs}: {n} of {total} within 10 %")


if __name__ == "__main__":
    main()
