"""The README's figure: MINE's training curve on the lecture's Gaussian.

The lecture's bivariate Gaussian: rho = 0.878977, n = 1000 (see the user guide).

Run: python benchmarks/readme_figure.py [--output docs/images/training_curve.png]
     python benchmarks/readme_figure.py --quick

``--quick`` (a smoke run) draws the same figure into a temporary directory,
leaving the README's image as it is.
"""

import argparse
import os
import tempfile

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sklearn_mine import MINEEstimator  # noqa: E402
from sklearn_mine.datasets import make_gaussian  # noqa: E402
from sklearn_mine.plotting import plot_history, plot_resampled  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=None, help="docs/images/training_curve.png")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.output is None:
        args.output = (
            os.path.join(tempfile.mkdtemp(), "training_curve.png")
            if args.quick
            else "docs/images/training_curve.png"
        )
    X, y, true_mi = make_gaussian(1000, random_state=0)
    est = MINEEstimator(random_state=0).fit(X, y)
    fig = plt.figure(figsize=(12, 3.6))
    grid = fig.add_gridspec(1, 3)
    pair_axes = [fig.add_subplot(grid[0, 0])]
    pair_axes.append(fig.add_subplot(grid[0, 1], sharex=pair_axes[0]))
    plot_resampled(X, y, random_state=0, axes=pair_axes)
    plot_history(est, true_mi=true_mi, ax=fig.add_subplot(grid[0, 2]))
    fig.tight_layout()
    fig.savefig(args.output, dpi=60)
    print(f"{args.output}: estimate {est.mutual_info_:.3f}, truth {true_mi:.3f}")


if __name__ == "__main__":
    main()
