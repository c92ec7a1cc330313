"""MutualInfoSelector: feature selection by the joint MI of the selected set.

``_selector`` holds the estimator; ``_target`` its checks of y and of the
count to select; ``_rounds`` a round's candidate critics and its best move;
``_crossfit`` the splits, folds and their pooling; ``_shadows`` the
permuted copies that bound what a move gains by luck; ``_report`` the log
line of each round, ``history_`` and ``scores_``.
"""

from ._selector import MutualInfoSelector

__all__ = ["MutualInfoSelector"]
