"""Training extras of MINENet as skorch callbacks.

Side by side: the weight averaging whose critic is scored and kept, and
the progress bar.
"""

import math
import sys

import torch
from skorch.callbacks import Callback, EarlyStopping
from torch.optim.swa_utils import (
    AveragedModel,
    get_ema_multi_avg_fn,
    get_swa_multi_avg_fn,
)

# Plain tqdm rather than tqdm.auto: the notebook widget of tqdm.auto ignores
# ``file`` (and needs ipywidgets), while a text bar on stderr shows in a
# terminal and a notebook alike.
from tqdm import tqdm

__all__ = [
    "ProgressBar",
    "WeightAveraging",
    "cut_short_message",
    "estimator_callbacks",
]


class WeightAveraging(Callback):
    """Score and keep an exponential moving average of the critic's weights.

    Adam's steps on a bound estimated from minibatches leave the critic's
    weights jittering around the optimum, and each held-out evaluation sees
    one draw of that jitter. Averaging the weights over the last
    ``1 / rate`` steps or so (Polyak averaging) cancels much of it: the
    averaged critic sits nearer the centre and scores a higher held-out bound.

    The average is a :class:`torch.optim.swa_utils.AveragedModel`. It starts
    as the plain mean of the steps so far (torch's SWA update) and becomes an
    exponential one (torch's EMA update) after ``1 / rate`` steps, so that the
    initial weights do not linger in it. The updates are torch's
    (``get_swa_multi_avg_fn``, ``get_ema_multi_avg_fn``), applied to the
    parameter lists directly rather than through
    ``AveragedModel.update_parameters``, which walks the module and groups its
    tensors on every step: measured on the default critic, that added about
    117 us to a 767 us step, against 10 us for the update itself
    (``benchmarks/bench_averaging.py --steps 2000``).

    Training itself is unchanged: the gradient steps act on the current
    weights. Before the held-out pairs are scored, the averaged weights are
    put in the module, so that the held-out bound, early stopping and the
    critic kept at the best epoch all see the average; the current weights
    are put back when the next epoch begins.

    Parameters
    ----------
    rate : float
        Weight of the newest step in the average, in (0, 1]; 1 makes the
        average the current weights.

    Examples
    --------
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine.datasets import make_gaussian
    >>> X, y, true_mi = make_gaussian(n_samples=1000, rho=0.8, random_state=0)
    >>> est = MINEEstimator(weight_ema_rate=0.01, max_steps=500, random_state=0)
    >>> est = est.fit(X, y)
    >>> abs(est.mutual_info_ - true_mi) < 0.15
    True
    """

    def __init__(self, rate):
        self.rate = rate

    def on_train_begin(self, net, **kwargs):
        # A compiled critic is averaged through the module it wraps, which
        # holds the same parameters and deep-copies cleanly.
        module = getattr(net.module_, "_orig_mod", net.module_)
        self.params_ = list(module.parameters())
        self.averaged_ = AveragedModel(module)
        self.average_ = list(self.averaged_.parameters())
        self.current_ = None
        self.n_updates_ = 0
        # torch's update functions are closures: made once here, and dropped
        # when training ends, since they would stop the fitted net pickling.
        self._updates = (get_swa_multi_avg_fn(), get_ema_multi_avg_fn(1 - self.rate))

    def _average(self):
        # The first step's weights, then their plain mean while 1/n exceeds
        # the rate, then the moving average.
        n = self.n_updates_
        swa, ema = self._updates
        if n == 1:
            with torch.no_grad():
                for average, param in zip(self.average_, self.params_):
                    average.copy_(param)
        elif n * self.rate < 1:
            swa(self.average_, self.params_, n - 1)
        else:
            ema(self.average_, self.params_, n)

    def on_train_end(self, net, **kwargs):
        self.averaged_.n_averaged.fill_(self.n_updates_)
        self._updates = None

    def on_epoch_begin(self, net, **kwargs):
        self._restore()

    def on_batch_end(self, net, training=False, **kwargs):
        if not training:
            return
        self.n_updates_ += 1
        self._average()

    def on_batch_begin(self, net, training=False, **kwargs):
        # The first held-out batch of an epoch: swap the average in. It stays
        # in through on_epoch_end, where the best critic is copied, and after
        # training ends.
        if training or self.current_ is not None or self.n_updates_ == 0:
            return
        with torch.no_grad():
            self.current_ = [p.detach().clone() for p in self.params_]
            for param, average in zip(self.params_, self.average_):
                param.copy_(average)

    def _restore(self):
        if self.current_ is None:
            return
        with torch.no_grad():
            for param, current in zip(self.params_, self.current_):
                param.copy_(current)
        self.current_ = None


class ProgressBar(Callback):
    """Gradient steps done out of the budget, with the latest held-out bound.

    A skorch callback for the :class:`~sklearn_mine._engine.net.MINENet` that
    :class:`~sklearn_mine.MINEEstimator` trains: pass it in ``callbacks``
    (import it from :mod:`sklearn_mine.callbacks`). The
    bar advances by ``net.steps_per_epoch`` steps at the end of each epoch, out
    of ``net.max_epochs * net.steps_per_epoch``, and shows the bound of that
    epoch's critic on the held-out pairs. When early stopping ends training
    before the budget is spent, the bar stops short of its total and says so:
    "stopped early at step N, best at step M".

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
    >>> from sklearn_mine.callbacks import ProgressBar
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
        if self.pbar_.n < self.pbar_.total:
            self.pbar_.set_postfix_str(
                f"{self.pbar_.postfix}, {self._stop_note(net)}", refresh=False
            )
        self.pbar_.close()
        self.pbar_ = None

    def _stop_note(self, net):
        epochs = net.history[self.first_epoch_ :]
        if epochs and "valid_bounds" in epochs[0]:
            # Group early stopping: each critic has its own best epoch.
            return f"stopped early at step {self.pbar_.n}: no critic still improving"
        losses = [epoch.get("valid_loss", float("inf")) for epoch in epochs]
        best = (losses.index(min(losses)) + 1) * net.steps_per_epoch
        return f"stopped early at step {self.pbar_.n}, best at step {best}"

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


def estimator_callbacks(patience, callbacks, verbose):
    """MINEEstimator's early stopping, and the callbacks of its net.

    Early stopping keeps the critic of the best held-out bound and stops
    ``patience`` epochs after it (never, for ``None``); the user's
    ``callbacks`` follow; ``verbose`` adds a :class:`ProgressBar` unless one
    named ``"progress"`` is there.

    Returns
    -------
    early_stopping : skorch.callbacks.EarlyStopping
    callbacks : list
    """
    early_stopping = EarlyStopping(
        monitor="valid_loss",
        patience=patience if patience is not None else math.inf,
        threshold=0.0,
        threshold_mode="abs",
        load_best=True,
    )
    callbacks = [("early_stopping", early_stopping), *(callbacks or [])]
    # verbose=1 shows a bar of the gradient steps; skorch's table of every
    # epoch only from verbose=2, as the two would interleave.
    if verbose and not any(
        isinstance(cb, tuple) and cb[0] == "progress" for cb in callbacks
    ):
        callbacks.append(("progress", ProgressBar()))
    return early_stopping, callbacks


def cut_short_message(patience, max_steps, n_steps, best_epoch, n_epochs):
    """A warning that ``max_steps`` ran out too soon after the best epoch, or None.

    Early stopping had not yet waited ``patience`` epochs past the best, so
    the critic may still have been improving.
    """
    if patience is None or n_steps < max_steps or n_epochs - best_epoch >= patience:
        return None
    return (
        f"The held-out bound last improved at epoch {best_epoch} of "
        f"{n_epochs}, fewer than patience={patience} epochs before "
        f"max_steps={max_steps} ran out: training may have stopped "
        "short of the critic's optimum, and the estimate may be low. Raise "
        "max_steps."
    )
