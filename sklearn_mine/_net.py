"""MINENet: the skorch net that trains a critic on a variational bound."""

import math
from copy import deepcopy

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.helper import predefined_split

from ._bounds import OBJECTIVES
from ._resample import sample_marginal_indices

__all__ = ["GroupEarlyStopping", "MINENet", "build_net", "split_indices"]

# Rows scored at once when evaluating a bound without gradients: small enough
# that the critic's activations stay a few MiB.
EVAL_CHUNK = 16_384

# Held-out pairs beyond this many would make every epoch's evaluation grow
# with n, while the estimate's sampling error (about 1/sqrt(n) nats) is
# already below its optimisation error; the remaining pairs train the critic.
MAX_VALID = 50_000


class PairDataset(torch.utils.data.Dataset):
    """Joint pairs held as two tensors, ready to be sliced in memory.

    Parameters
    ----------
    x : torch.Tensor of shape (n, d_x)
    y : torch.Tensor of shape (n, d_y)
    """

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class _TrainingBatches:
    """``n_steps`` random batches per pass: joint pairs, then marginal pairs.

    Each batch is ``({"x": ..., "y": ...}, n_joint)``: the first ``n_joint``
    rows are joint pairs drawn uniformly, the rest marginal pairs from the
    resampling trick. One gather per tensor, no per-sample collation.
    """

    def __init__(
        self, dataset, batch_size, marginal_batch_size, replace, n_steps, generator
    ):
        self.dataset = dataset
        n = len(dataset)
        self.batch_size = min(batch_size, n)
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.n_steps = n_steps
        self.generator = generator

    def __iter__(self):
        n = len(self.dataset)
        x, y = self.dataset.x, self.dataset.y
        for _ in range(self.n_steps):
            # Joint pairs are an ordinary minibatch, drawn with replacement:
            # O(batch) whatever n, where distinct indices cost a sort.
            joint = torch.randint(
                n,
                (self.batch_size,),
                generator=self.generator,
                device=self.generator.device,
            )
            J, K = sample_marginal_indices(
                n,
                self.marginal_batch_size,
                replace=self.replace,
                generator=self.generator,
            )
            batch = {"x": x[torch.cat([joint, J])], "y": y[torch.cat([joint, K])]}
            yield batch, self.batch_size

    def __len__(self):
        return self.n_steps


def marginal_eval_size(n):
    """Number of marginal pairs for evaluating a bound on n joint pairs.

    Several times n (the seed's n' >> n) cuts the variance of the log term,
    the noisier one, for the price of one forward pass.
    """
    return max(n, min(10 * n, 100_000))


class _EvaluationBatch:
    """All pairs of a dataset against a fixed set of resampled marginal pairs.

    The marginal indices are drawn once, when the iterator is made, so that the
    bound is compared across epochs on the same pairs.
    """

    def __init__(self, dataset, generator):
        self.dataset = dataset
        n = len(dataset)
        J, K = sample_marginal_indices(
            n, marginal_eval_size(n), replace=True, generator=generator
        )
        joint = torch.arange(n, device=J.device)
        self.batch = (
            {
                "x": dataset.x[torch.cat([joint, J])],
                "y": dataset.y[torch.cat([joint, K])],
            },
            n,
        )

    def __iter__(self):
        yield self.batch

    def __len__(self):
        return 1


class MINENet(NeuralNet):
    """A skorch net that trains a critic by maximising a bound on I(X; Y).

    Batches are ``({"x", "y"}, n_joint)``: the module scores every row, the
    first ``n_joint`` scores are on joint pairs, the rest on marginal pairs,
    and ``get_loss`` turns them into a bound. The "target" of a batch is thus
    the number of joint rows, not a label.

    Parameters
    ----------
    module : torch.nn.Module class
        The critic, called as ``module(x=..., y=...)`` and returning one score
        per row.
    objective : {"dv", "mine", "mine-f"}, default="mine"
        The bound trained and reported (see ``sklearn_mine._bounds``).
    ema_rate : float, default=0.01
        Rate of MINE's moving average of the denominator.
    marginal_batch_size : int, default=None
        Marginal pairs per step; ``None`` uses ``batch_size``.
    replace : bool, default=False
        Whether the marginal indices of a step are drawn with replacement.
    steps_per_epoch : int, default=100
        Gradient steps between two evaluations of the held-out bound.
    random_state : int, default=0
        Seed of the batch and resampling draws.
    **kwargs
        Passed to :class:`skorch.NeuralNet`.
    """

    def __init__(
        self,
        module,
        *args,
        criterion=None,
        objective="mine",
        ema_rate=0.01,
        marginal_batch_size=None,
        replace=False,
        steps_per_epoch=100,
        random_state=0,
        **kwargs,
    ):
        super().__init__(module, criterion, *args, **kwargs)
        self.objective = objective
        self.ema_rate = ema_rate
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.steps_per_epoch = steps_per_epoch
        self.random_state = random_state

    def initialize_criterion(self):
        # The loss is a bound computed from the critic's scores in get_loss;
        # there is no criterion module to build.
        self.criterion_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self.log_ema_ = None
        self.generator_ = torch.Generator(device=self.device).manual_seed(
            int(self.random_state)
        )

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(
            net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs
        )
        # Training mode once per epoch (validation_step leaves it in eval
        # mode), rather than on every step as skorch's train_step_single does.
        self._set_training(True)

    def train_step_single(self, batch, **fit_params):
        # Batches are dicts of tensors already on the device, so the module is
        # called directly: skorch's per-step mode switch and tensor conversion
        # were a tenth of a step for these small critics.
        Xi, n_joint = batch
        y_pred = self.module_(**Xi)
        loss = self.get_loss(y_pred, n_joint, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def get_iterator(self, dataset, training=False):
        if training:
            marginal = self.marginal_batch_size or self.batch_size
            return _TrainingBatches(
                dataset,
                self.batch_size,
                marginal,
                self.replace,
                self.steps_per_epoch,
                self.generator_,
            )
        return _EvaluationBatch(dataset, self.generator_)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        n_joint = y_true
        t_joint, t_marginal = y_pred[..., :n_joint], y_pred[..., n_joint:]
        loss_fn, estimate_fn = OBJECTIVES[self.objective]
        if not training:
            return -estimate_fn(t_joint, t_marginal).sum()
        loss, self.log_ema_ = loss_fn(t_joint, t_marginal, self.log_ema_, self.ema_rate)
        # Critics of separate groups share no parameters, so the gradient of
        # the sum trains each on its own bound.
        return loss.sum()

    def validation_step(self, batch, **fit_params):
        # Held-out sets can hold hundreds of thousands of pairs: score them in
        # chunks so that the critic's activations stay small.
        self._set_training(False)
        Xi, n_joint = batch
        n_rows = len(Xi["x"])
        with torch.no_grad():
            y_pred = torch.cat(
                [
                    self.infer({k: v[i : i + EVAL_CHUNK] for k, v in Xi.items()})
                    for i in range(0, n_rows, EVAL_CHUNK)
                ],
                dim=-1,
            )
            loss = self.get_loss(y_pred, n_joint, X=Xi, training=False)
        return {"loss": loss, "y_pred": y_pred}

    def evaluate(self, dataset, generator):
        """The reported bound of the current critic on ``dataset``.

        Marginal pairs are resampled from the dataset itself with
        ``generator``, as for the held-out pairs during training.
        """
        batch = next(iter(_EvaluationBatch(dataset, generator)))
        return -float(self.validation_step(batch)["loss"])


class GroupEarlyStopping(Callback):
    """Early stopping and best-critic keeping for each group of a grouped critic.

    After each epoch the held-out bound of every group is compared with that
    group's best so far; improved groups have their parameter slices copied.
    A group that has not improved for ``patience`` epochs is frozen: later
    improvements are ignored, so its result is what it would have been had it
    trained alone. Training stops once every group is frozen, and the best
    slices are loaded back at the end. Parameters of the module must have the
    groups as their leading dimension.

    Parameters
    ----------
    patience : int or None
        Epochs without improvement before a group is frozen; ``None`` never
        freezes.
    """

    def __init__(self, patience):
        self.patience = patience

    def on_train_begin(self, net, **kwargs):
        n_groups = net.module_.index.shape[0]
        self.best_ = np.full(n_groups, -np.inf)
        self.best_epoch_ = np.zeros(n_groups, dtype=int)
        self.misses_ = np.zeros(n_groups, dtype=int)
        self.frozen_ = np.zeros(n_groups, dtype=bool)
        self.best_state_ = deepcopy(net.module_.state_dict())
        self.current_ = None

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if training:
            return
        _, estimate_fn = OBJECTIVES[net.objective]
        n_joint = batch[1]
        estimate = estimate_fn(y_pred[:, :n_joint], y_pred[:, n_joint:])
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
        if self.patience is not None:
            self.frozen_ |= self.misses_ >= self.patience
            if self.frozen_.all():
                raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        net.module_.load_state_dict(self.best_state_)


def build_net(
    module,
    module_params,
    valid_dataset,
    callbacks,
    *,
    objective,
    ema_rate,
    batch_size,
    marginal_batch_size,
    replace,
    lr,
    max_steps,
    steps_per_epoch,
    device,
    verbose,
    random_state,
    compile=False,
):
    """A MINENet training ``module`` with Adam, validated on ``valid_dataset``.

    The budget of ``max_steps`` gradient steps is rounded up to whole epochs
    of ``steps_per_epoch``.
    """
    return MINENet(
        module,
        **{f"module__{name}": value for name, value in module_params.items()},
        objective=objective,
        ema_rate=ema_rate,
        marginal_batch_size=marginal_batch_size,
        replace=replace,
        steps_per_epoch=steps_per_epoch,
        random_state=random_state,
        optimizer=torch.optim.Adam,
        lr=lr,
        batch_size=batch_size,
        max_epochs=math.ceil(max_steps / steps_per_epoch),
        train_split=predefined_split(valid_dataset),
        callbacks=callbacks,
        device=device,
        compile=compile,
        verbose=verbose,
    )


def split_indices(n, validation_fraction, rng):
    """Random training and held-out row indices.

    At least two pairs are held out and at least two kept for training; at
    most ``MAX_VALID`` are held out.
    """
    n_valid = min(max(2, math.ceil(validation_fraction * n)), MAX_VALID)
    n_train = n - n_valid
    if n_train < 2:
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves {n_train} of {n} "
            "samples for training; lower it."
        )
    order = rng.permutation(n)
    return order[:n_train], order[n_train:]


def check_marginal_batch_size(marginal_batch_size, batch_size, replace, n_train):
    """The marginal pairs per step, checked against the training pairs."""
    size = marginal_batch_size or min(batch_size, n_train)
    if not replace and size > n_train:
        raise ValueError(
            f"marginal_batch_size={size} exceeds the {n_train} training pairs, "
            "which is impossible without replacement; set replace=True or a "
            "smaller marginal_batch_size."
        )
    return size
