"""Mutual information neural estimation (MINE) for scikit-learn."""

from ._estimator import MINEEstimator
from ._resample import MarginalResampler

__all__ = ["MINEEstimator", "MarginalResampler"]
__version__ = "0.1.0"
