"""Test-session settings."""

import os

# Under pytest-xdist (``-n 2``, as CI runs the suite) each worker is a torch
# process: with torch's default of one thread per core, two workers' spinning
# threads slow each other many times over on a 2-core machine. One thread per
# worker, also for the command-line runs they start as subprocesses.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    import torch

    torch.set_num_threads(1)
