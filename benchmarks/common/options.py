"""Command-line options and timing shared by the benchmark scripts."""

import ast
import time


def parse_overrides(pairs):
    """``["name=value", ...]`` as a dict, each value a Python literal if it
    reads as one (``batch_size=128``, ``rho=[0.9, 0.8]``), else the string
    (``reference=resample``)."""
    params = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def describe(params):
    """``MINEEstimator(name=value, ...)`` of the overrides, for a table's title."""
    return f"MINEEstimator({', '.join(f'{k}={v!r}' for k, v in params.items())})"


def timed(func, *args, **kwargs):
    """``(func(*args, **kwargs), seconds it took)``."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start
