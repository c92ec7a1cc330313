"""Grouped training: many small critics in one network, each stopped on its own.

``GroupEarlyStopping`` keeps and freezes each group's critic by its own
held-out bound; ``train_critics`` trains a :class:`GroupedCritic` over
groups of columns; ``chunk_groups`` and ``chunk_columns`` split wide tables
into trainings of a few hundred critics.
"""

import math
from copy import deepcopy
from dataclasses import dataclass

import numpy as np
import torch
from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed
from skorch.callbacks import Callback

from .batches import PairDataset, marginal_eval_size
from .callbacks import ProgressBar
from .grouped_critic import GroupedCritic
from .net import build_net
from .readout import bound, evaluate

__all__ = [
    "GroupEarlyStopping",
    "SuccessiveHalving",
    "chunk_columns",
    "chunk_groups",
    "fit_groups",
    "train_critics",
]

# Most critics trained in one grouped network (see fit_groups).
_GROUPS_PER_FIT = 256


@dataclass(frozen=True)
class SuccessiveHalving:
    """Screening of a training's critics by their held-out bounds so far.

    At epochs ``first_rung``, twice that, four times, ..., the critics still
    training whose best held-out bound ranks in the lower half of theirs are
    frozen as they are (Jamieson and Talwalkar's successive halving, 2016),
    but never below ``keep`` of them; ``protected`` groups are never
    screened. Training ends when the critics left have each met their
    patience: critics that trail the best ones no longer hold a training
    open by late, small records of their own.
    """

    first_rung: int
    keep: int
    protected: tuple = ()

    def __post_init__(self):
        if self.first_rung < 1:
            raise ValueError(f"first_rung must be at least 1; got {self.first_rung}.")

    def is_rung(self, epoch):
        rung, rest = divmod(epoch, self.first_rung)
        # A power of two times the first rung.
        return rest == 0 and rung >= 1 and rung & (rung - 1) == 0

    def screened(self, best, active):
        """The active groups to freeze at a rung, by their ``best`` bounds."""
        candidates = [g for g in np.flatnonzero(active) if g not in self.protected]
        n_kept = max(self.keep, math.ceil(len(candidates) / 2))
        if len(candidates) <= n_kept:
            return []
        # A stable sort, so that ties keep the groups' order.
        order = np.argsort(-best[candidates], kind="stable")
        return [candidates[i] for i in order[n_kept:]]


class GroupEarlyStopping(Callback):
    """Early stopping and best-critic keeping for each group of a grouped critic.

    After each epoch the held-out bound of every group is compared with that
    group's best so far; improved groups have their parameter slices copied.
    A group that has not improved for ``patience`` epochs is frozen: later
    improvements are ignored, so its result is what it would have been had it
    trained alone. Frozen groups are no longer computed
    (:meth:`~sklearn_mine._engine.critics.GroupedCritic.restrict`), so a step costs
    what the groups still training cost. Training stops once every group is
    frozen, and the best slices are loaded back at the end. Parameters of the
    module must have the groups as their leading dimension.

    Parameters
    ----------
    patience : int or None
        Epochs without improvement before a group is frozen; ``None`` never
        freezes.
    screening : SuccessiveHalving or None, default=None
        Also freezes, at its rungs, the groups that trail the others.
    """

    def __init__(self, patience, screening=None):
        self.patience = patience
        self.screening = screening

    def on_train_begin(self, net, **kwargs):
        n_groups = net.module_.index.shape[0]
        self.best_ = np.full(n_groups, -np.inf)
        self.best_epoch_ = np.zeros(n_groups, dtype=int)
        self.misses_ = np.zeros(n_groups, dtype=int)
        self.frozen_ = np.zeros(n_groups, dtype=bool)
        self.best_state_ = deepcopy(net.module_.state_dict())
        self.current_ = None
        net.module_.restrict(None)

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if training:
            return
        estimate = bound(net, y_pred, batch[1])
        self.current_ = estimate.cpu().numpy().astype(float)

    def on_epoch_end(self, net, **kwargs):
        current = self.current_
        improved = (current > self.best_) & ~self.frozen_
        self.best_[improved] = current[improved]
        self.best_epoch_[improved] = len(net.history)
        self.misses_[improved] = 0
        self.misses_[~improved & ~self.frozen_] += 1
        if improved.any():
            mask = torch.as_tensor(improved, device=self.best_state_["index"].device)
            for name, value in net.module_.state_dict().items():
                if name != "index":
                    self.best_state_[name][mask] = value[mask]
        net.history.record("valid_bounds", current.tolist())
        newly_frozen = np.zeros_like(self.frozen_)
        if self.patience is not None:
            newly_frozen |= self.misses_ >= self.patience
        if self.screening is not None and self.screening.is_rung(len(net.history)):
            newly_frozen[self.screening.screened(self.best_, ~self.frozen_)] = True
        newly_frozen &= ~self.frozen_
        self.frozen_ |= newly_frozen
        if self.frozen_.all():
            raise KeyboardInterrupt
        if newly_frozen.any():
            # Frozen groups are no longer computed: a step costs what the
            # groups still training cost.
            net.module_.restrict(np.flatnonzero(~self.frozen_))

    def on_train_end(self, net, **kwargs):
        net.module_.restrict(None)
        net.module_.load_state_dict(self.best_state_)


def chunk_columns(z, groups):
    """The columns of z that ``groups`` use, and the groups re-indexed to them."""
    used = sorted({c for group in groups for c in group})
    position = {c: i for i, c in enumerate(used)}
    return z[:, used], [[position[c] for c in group] for group in groups]


def train_critics(
    z,
    groups,
    y,
    seeds,
    n_train,
    batch_seed,
    params,
    starts=None,
    selection_pairs=None,
    screening=None,
):
    """One grouped critic per group, trained with per-group early stopping.

    ``z`` holds the columns of these groups only, rows in split order: the
    first ``n_train`` train, the rest are the held-out pairs that select
    each group's kept critic. ``groups`` index into z's columns; they may
    overlap. ``starts``, one per group, either None (a fresh critic from its
    seed) or the arguments of :meth:`GroupedCritic.start_from`.
    ``selection_pairs``: the marginal pairs of the held-out bounds that
    choose each critic's epoch; ``None``, as many as
    :func:`~sklearn_mine._engine.readout.evaluate` scores after training.
    ``screening``: a :class:`SuccessiveHalving` of the critics, or None.
    Returns the trained net and the held-out pairs.
    """
    device = params["device"]
    z = torch.as_tensor(z, device=device)
    y = torch.as_tensor(y, device=device)
    train_ds = PairDataset(z[:n_train], y[:n_train])
    valid_ds = PairDataset(z[n_train:], y[n_train:])
    critic_params = dict(
        groups=groups,
        n_features_x=z.shape[1],
        n_features_y=y.shape[1],
        hidden_units=params["hidden_units"],
        hidden_layers=params["hidden_layers"],
        activation=params["activation"],
        seeds=seeds,
    )
    callbacks = [
        (
            "group_early_stopping",
            GroupEarlyStopping(params["patience"], screening),
        )
    ]
    if params["verbose"]:
        callbacks.append(("progress", ProgressBar(desc=f"{len(groups)} critics")))
    net = build_net(
        GroupedCritic,
        critic_params,
        valid_ds,
        callbacks,
        params,
        device=device,
        random_state=batch_seed,
    )
    if selection_pairs is not None:
        net.set_params(iterator_valid__n_marginal=selection_pairs)
    # skorch's fit is initialize then partial_fit: critics that start from
    # others' weights get them in between.
    net.initialize()
    for g, start in enumerate(starts or []):
        if start is not None:
            net.module_.start_from(g, *start)
    net.partial_fit(train_ds, None)
    return net, valid_ds


def chunk_groups(n_groups, n_jobs):
    """The groups of each training, as arrays of indices.

    Wide tables train in chunks of at most ``_GROUPS_PER_FIT`` critics, one
    after the other (or side by side with n_jobs): a step over thousands of
    critics costs more per critic than one over a few hundred, whose
    activations stay in cache (benchmarks/bench_wide.py: a 1000 x 2000 table
    in 71-83 s in chunks of 256 to 1024, 94 s in one network). Results
    depend on the chunks only through float32 rounding in the batched
    products.
    """
    n_chunks = min(
        max(effective_n_jobs(n_jobs), math.ceil(n_groups / _GROUPS_PER_FIT)),
        n_groups,
    )
    return np.array_split(np.arange(n_groups), n_chunks)


def fit_groups(z, groups, y, n_train, seeds, n_jobs, params, all_pairs=False):
    """The held-out estimate of each group's kept critic, in chunked trainings.

    ``z`` and ``y`` are encoded, rows in split order (the first ``n_train``
    train); ``seeds`` is ``(critic_seed, batch_seed)``: every critic starts
    from the same seed and the batches have their own, so a group's result
    depends neither on the other groups nor on the chunks of ``n_jobs``.
    Returns a dict of float64 arrays, one value per group: ``"estimates"``
    and ``"standard_errors"`` on the held-out pairs, and with ``all_pairs``
    also ``"all_pairs"``, the same bound over every pair (the statistic of
    a permutation test, which needs no held-out pairs to be exact).
    """
    critic_seed, batch_seed = seeds
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_chunk)(
            *chunk_columns(z, [groups[g] for g in chunk]),
            y,
            [critic_seed] * len(chunk),
            n_train,
            batch_seed,
            params,
            all_pairs,
        )
        for chunk in chunk_groups(len(groups), n_jobs)
    )
    return {
        key: np.concatenate([result[key] for result in results]) for key in results[0]
    }


def _fit_chunk(z, groups, y, seeds, n_train, batch_seed, params, all_pairs):
    """Held-out bound of the kept critic of each group, in one training."""
    # Each critic's epoch is chosen on as many marginal pairs as held-out
    # pairs, not the ten times as many of the reported estimate (evaluated
    # below): the epochs are compared on the same pairs, and the larger set
    # costs a third or more of a wide fit. Never fewer than 3000 (or the ten
    # times as many, if that is fewer): a small table's held-out set costs
    # next to nothing to score ten times over, and choosing on fewer moved
    # results (docs/performance.md). The selector keeps the larger set
    # (sklearn_mine._selection._fold.train_and_test_chunk).
    n_valid = len(z) - n_train
    selection_pairs = max(n_valid, min(marginal_eval_size(n_valid), 3000))
    net, valid_ds = train_critics(
        z,
        groups,
        y,
        seeds,
        n_train,
        batch_seed,
        params,
        selection_pairs=selection_pairs,
    )
    # The kept critics on the held-out pairs they were chosen on, with all
    # the marginal pairs (for tables of up to 1000 rows, the bounds recorded
    # at their best epochs), and their standard errors.
    result = evaluate(net, valid_ds)
    out = {
        "estimates": result["estimates"],
        "standard_errors": result["standard_errors"],
    }
    if all_pairs:
        device = params["device"]
        every = PairDataset(
            torch.as_tensor(z, device=device), torch.as_tensor(y, device=device)
        )
        out["all_pairs"] = evaluate(net, every)["estimates"]
    return out
