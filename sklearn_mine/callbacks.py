"""Callbacks for the skorch net that a MINEEstimator trains, as ``skorch.callbacks``.

Pass them in :class:`~sklearn_mine.MINEEstimator`'s ``callbacks``, alone or
as ``(name, callback)`` tuples. The class is defined in the training engine,
which uses it itself (``verbose=1`` adds one); this module is where users
import it from.
"""

from ._engine.callbacks import ProgressBar

__all__ = ["ProgressBar"]
