"""A progress bar of a MINE fit, counted in gradient steps."""

import sys

from skorch.callbacks import Callback

# Plain tqdm rather than tqdm.auto: the notebook widget of tqdm.auto ignores
# ``file`` (and needs ipywidgets), while a text bar on stderr shows in a
# terminal and a notebook alike.
from tqdm import tqdm

__all__ = ["ProgressBar"]


class ProgressBar(Callback):
    """Gradient steps done out of the budget, with the latest held-out bound.

    A skorch callback for the :class:`~sklearn_mine._net.MINENet` that
    :class:`~sklearn_mine.MINEEstimator` trains: pass it in ``callbacks``. The
    bar advances by ``net.steps_per_epoch`` steps at the end of each epoch, out
    of ``net.max_epochs * net.steps_per_epoch``, and shows the bound of that
    epoch's critic on the held-out pairs. When early stopping ends training
    before the budget is spent, the bar stops short of its total.

    Parameters
    ----------
    file : file-like, default=None
        Where the bar is written; ``None`` writes to ``sys.stderr`` (looked up
        when training begins, so that a redirected stderr is honoured).
    disable : bool, default=False
        Whether to show nothing, as when the output is not a terminal.
    desc : str, default="MINE"
        Label in front of the bar.

    See Also
    --------
    MINEEstimator : Its ``callbacks`` parameter takes this callback.

    Examples
    --------
    >>> import io
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine._progress import ProgressBar
    >>> from sklearn_mine.datasets import make_gaussian
    >>> X, y, _ = make_gaussian(300, random_state=0)
    >>> buffer = io.StringIO()
    >>> est = MINEEstimator(
    ...     max_steps=100, steps_per_epoch=50, random_state=0,
    ...     callbacks=[("progress", ProgressBar(file=buffer))],
    ... ).fit(X, y)
    >>> "100/100" in buffer.getvalue()
    True
    """

    def __init__(self, file=None, disable=False, desc="MINE"):
        self.file = file
        self.disable = disable
        self.desc = desc

    def initialize(self):
        self.pbar_ = None
        self.first_epoch_ = 0
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # A warm start adds epochs to the history: count this fit's only.
        self.first_epoch_ = len(net.history)
        self.pbar_ = tqdm(
            total=net.max_epochs * net.steps_per_epoch,
            desc=self.desc,
            unit="step",
            file=sys.stderr if self.file is None else self.file,
            disable=self.disable,
            leave=True,
            dynamic_ncols=True,
        )

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self._catch_up(net)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        if self.pbar_ is None:
            return
        # Early stopping raises inside the epoch's callbacks, before this one
        # is reached, so the last epoch may not have been counted yet.
        self._catch_up(net)
        self.pbar_.close()
        self.pbar_ = None

    def _catch_up(self, net):
        if self.pbar_ is None:
            return
        epochs = len(net.history) - self.first_epoch_
        loss = net.history[-1].get("valid_loss") if epochs else None
        if epochs and loss is None:
            # Interrupted (Ctrl-C) before the epoch's held-out bound.
            epochs -= 1
        done = epochs * net.steps_per_epoch
        if done > self.pbar_.n:
            self.pbar_.update(done - self.pbar_.n)
        if loss is not None:
            # The net minimises minus the bound.
            self.pbar_.set_postfix(bound=f"{-loss:.4f}", refresh=False)
        self.pbar_.refresh()
