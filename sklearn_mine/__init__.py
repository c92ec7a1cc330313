"""Mutual information neural estimation (MINE) for scikit-learn."""

from ._estimator import MINEEstimator
from ._mutual_info import mutual_info_mine, mutual_info_mine_classif
from ._resample import MarginalResampler

__all__ = [
    "MINEEstimator",
    "MarginalResampler",
    "mutual_info_mine",
    "mutual_info_mine_classif",
]
__version__ = "0.1.0"
