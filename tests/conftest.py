"""Test-session settings."""

import os

import pytest

# Under pytest-xdist (``-n 2``, as CI runs the suite) each worker is a torch
# process: with torch's default of one thread per core, two workers' spinning
# threads slow each other many times over on a 2-core machine. One thread per
# worker, also for the command-line runs they start as subprocesses.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    import torch

    torch.set_num_threads(1)


# The docstring examples that train for seconds (1.5-12 s of CPU each), by
# the name of the object they document: marked slow like the heavy tests,
# so that the quick run (-m "not slow") leaves them to the full one.
SLOW_DOCTESTS = {
    "IndependenceTestResult",
    "MINEEstimator",
    "MutualInfoSelector",
    "ProgressBar",
    "WeightAveraging",
    "conditional_independence_test",
    "independence_test",
    "make_mixture",
    "mutual_info_mine",
    "mutual_info_mine_classif",
    "plot_history",
    "plot_selection",
    "register_causal_learn_test",
}


def pytest_collection_modifyitems(config, items):
    # Called with every collected item, the package's doctests included.
    for item in items:
        if (
            isinstance(item, pytest.DoctestItem)
            and item.name.rsplit(".", 1)[-1] in SLOW_DOCTESTS
        ):
            item.add_marker(pytest.mark.slow)
