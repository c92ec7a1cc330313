"""Mutual information neural estimation (MINE) for scikit-learn."""

import importlib

__all__ = [
    "ConditionalResampler",
    "MINEEstimator",
    "IndependenceTestResult",
    "MarginalResampler",
    "MutualInfoSelector",
    "conditional_independence_test",
    "independence_test",
    "mutual_info_mine",
    "mutual_info_mine_classif",
    "register_causal_learn_test",
]
__version__ = "0.5.0.dev0"

# Public names are imported on first use (PEP 562), so that importing the
# package, as the command line does before parsing its arguments, does not
# load torch.
_LOCATIONS = {
    "ConditionalResampler": "._conditional_resample",
    "conditional_independence_test": "._conditional",
    "MINEEstimator": "._estimator",
    "MarginalResampler": "._resample",
    "MutualInfoSelector": "._selection",
    "IndependenceTestResult": "._independence",
    "independence_test": "._independence",
    "mutual_info_mine": "._mutual_info",
    "mutual_info_mine_classif": "._mutual_info",
    "register_causal_learn_test": "._causal_learn",
}


def __getattr__(name):
    if name in _LOCATIONS:
        value = getattr(importlib.import_module(_LOCATIONS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
