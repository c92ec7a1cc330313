"""MINENet: the skorch net that trains a critic on a variational bound."""

import math
from copy import deepcopy

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.helper import predefined_split

from ._averaging import WeightAveraging
from ._bounds import (
    infonce_terms,
    log_mean_exp,
    make_objective,
    resampled_standard_error,
)
from ._reference import ReferenceSampler
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
    """``n_steps`` random batches per pass.

    In the rows layout each batch is ``({"x": ..., "y": ...}, n_joint)``: the
    first ``n_joint`` rows are joint pairs drawn uniformly, the rest marginal
    pairs, from the resampling trick or from a reference distribution. In the
    pairwise layout a batch is ``({"x": ..., "y": ...}, PAIRWISE)``: joint
    pairs only, whose every x is scored against every y. One gather per
    tensor, no per-sample collation.
    """

    def __init__(
        self,
        dataset,
        batch_size,
        marginal_batch_size,
        replace,
        n_steps,
        generator,
        reference=None,
        pairwise=False,
    ):
        self.dataset = dataset
        n = len(dataset)
        self.batch_size = min(batch_size, n)
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.n_steps = n_steps
        self.generator = generator
        self.reference = reference
        self.pairwise = pairwise

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
            if self.pairwise:
                yield {"x": x[joint], "y": y[joint]}, PAIRWISE
                continue
            if self.reference is not None:
                x_ref, y_ref = self.reference.sample(
                    self.marginal_batch_size, self.generator
                )
                batch = {
                    "x": torch.cat([x[joint], x_ref]),
                    "y": torch.cat([y[joint], y_ref]),
                }
            else:
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


# Targets of batches that are not in the rows layout: a (..., b, b) score
# matrix of one batch, or a (..., B, b, b) stack of B blocks of held-out pairs.
PAIRWISE = "pairwise"
BLOCKS = "blocks"


def marginal_eval_size(n):
    """Number of marginal pairs for evaluating a bound on n joint pairs.

    Several times n (the seed's n' >> n) cuts the variance of the log term,
    the noisier one, for the price of one forward pass.
    """
    return max(n, min(10 * n, 100_000))


class _EvaluationBatch:
    """All pairs of a dataset, with the marginal pairs to score them against.

    Rows layout: the joint pairs, then ``marginal_eval_size(n)`` marginal
    pairs, resampled from the dataset (``J`` and ``K`` keep their indices) or
    drawn from ``reference``. Blocks layout (``block_size`` given): the joint
    pairs cut into blocks of ``block_size``, each scored pairwise; a remainder
    smaller than a block is left out, so that every block has the same cap.
    """

    def __init__(self, dataset, generator, reference=None, block_size=None):
        self.dataset = dataset
        n = len(dataset)
        x, y = dataset.x, dataset.y
        self.J = self.K = None
        if block_size is not None:
            b = min(block_size, n)
            used = n // b * b
            self.batch = {"x": x[:used], "y": y[:used]}, BLOCKS
            return
        m = marginal_eval_size(n)
        if reference is not None:
            x_ref, y_ref = reference.sample(m, generator)
            self.batch = {"x": torch.cat([x, x_ref]), "y": torch.cat([y, y_ref])}, n
            return
        self.J, self.K = sample_marginal_indices(
            n, m, replace=True, generator=generator
        )
        joint = torch.arange(n, device=self.J.device)
        self.batch = (
            {"x": x[torch.cat([joint, self.J])], "y": y[torch.cat([joint, self.K])]},
            n,
        )

    def __iter__(self):
        yield self.batch

    def __len__(self):
        return 1


def _off_diagonal(scores):
    """The b(b - 1) marginal pairs of (..., b, b) pairwise scores, flattened."""
    b = scores.shape[-1]
    off = ~torch.eye(b, dtype=torch.bool, device=scores.device)
    return scores[..., off]


class MINENet(NeuralNet):
    """A skorch net that trains a critic by maximising a bound on I(X; Y).

    In the rows layout batches are ``({"x", "y"}, n_joint)``: the module
    scores every row, the first ``n_joint`` scores are on joint pairs, the
    rest on marginal pairs, and ``get_loss`` turns them into a bound. The
    "target" of a batch is thus the number of joint rows, not a label. In the
    pairwise layout the module's ``pairwise`` method scores every x of a batch
    against every y; joint pairs are the diagonal.

    Parameters
    ----------
    module : torch.nn.Module class
        The critic, called as ``module(x=..., y=...)`` and returning one score
        per row (with leading dims for several critics); for the pairwise
        layout it also has ``pairwise(x, y)``.
    objective : str, default="mine"
        The bound trained and reported (see ``sklearn_mine._bounds``).
    ema_rate : float, default=0.01
        Rate of MINE's moving average of the denominator.
    tau : float, default=5.0
        SMILE's clipping threshold.
    marginal_batch_size : int, default=None
        Marginal pairs per step; ``None`` uses ``batch_size``.
    replace : bool, default=False
        Whether the marginal indices of a step are drawn with replacement.
    reference : {"resample", "uniform", "gaussian"}, default="resample"
        Where marginal pairs come from: the resampling trick, or i.i.d.
        reference samples, in which case the module is a
        :class:`~sklearn_mine._critics.NEECritic` and the estimate is MI-NEE's.
    pairwise : bool, default=False
        Whether training batches are scored pairwise (every x against every
        y). Forced by pairwise objectives (InfoNCE).
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
        tau=5.0,
        marginal_batch_size=None,
        replace=False,
        reference="resample",
        pairwise=False,
        steps_per_epoch=100,
        random_state=0,
        **kwargs,
    ):
        super().__init__(module, criterion, *args, **kwargs)
        self.objective = objective
        self.ema_rate = ema_rate
        self.tau = tau
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.reference = reference
        self.pairwise = pairwise
        self.steps_per_epoch = steps_per_epoch
        self.random_state = random_state

    def initialize_criterion(self):
        # The loss is a bound computed from the critic's scores in get_loss:
        # the objective takes the place of a criterion module.
        self.criterion_ = None
        self.objective_ = make_objective(
            self.objective, ema_rate=self.ema_rate, tau=self.tau
        )
        return self

    @property
    def _nee(self):
        return self.reference != "resample"

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self.log_ema_ = None
        self.generator_ = torch.Generator(device=self.device).manual_seed(
            int(self.random_state)
        )
        self.reference_ = (
            ReferenceSampler(self.reference, X.x, X.y) if self._nee else None
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
        Xi, layout = batch
        if layout == PAIRWISE:
            y_pred = self.module_.pairwise(**Xi)
        else:
            y_pred = self.module_(**Xi)
        loss = self.get_loss(y_pred, layout, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def _pairwise_training(self):
        return self.pairwise or self.objective_.pairwise

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
                reference=self.reference_,
                pairwise=self._pairwise_training(),
            )
        return self._evaluation_batch(dataset)

    def _evaluation_batch(self, dataset, generator=None):
        # By default its own generator, seeded afresh: the held-out bound is
        # compared across epochs on the same marginal pairs, and evaluate()
        # after training reproduces the pairs the kept critic was scored on.
        if generator is None:
            generator = torch.Generator(device=self.device).manual_seed(
                int(self.random_state) + 1
            )
        block_size = self.batch_size if self.objective_.pairwise else None
        return _EvaluationBatch(dataset, generator, self.reference_, block_size)

    def _objective_args(self, y_pred, layout):
        """The objective's arguments from a batch's scores."""
        if self.objective_.pairwise:
            return (y_pred,)
        if layout == PAIRWISE:
            return torch.diagonal(y_pred, dim1=-2, dim2=-1), _off_diagonal(y_pred)
        return y_pred[..., :layout], y_pred[..., layout:]

    def _combine(self, per_critic):
        # MI-NEE: I = D(P_XY || R) - D(P_X || R_X) - D(P_Y || R_Y).
        if self._nee:
            return per_critic[0] - per_critic[1] - per_critic[2]
        return per_critic

    def bound(self, y_pred, layout):
        """The reported estimate of each critic (one per group) on a batch."""
        estimate = self.objective_.estimate(*self._objective_args(y_pred, layout))
        if layout == BLOCKS:
            estimate = estimate.mean(dim=-1)
        return self._combine(estimate)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not training:
            return -self.bound(y_pred, y_true).sum()
        loss, self.log_ema_ = self.objective_.loss(
            *self._objective_args(y_pred, y_true), self.log_ema_
        )
        # Critics of separate groups (or MI-NEE's three) share no parameters,
        # so the gradient of the sum trains each on its own bound.
        return loss.sum()

    def _score_batch(self, batch):
        """Scores of an evaluation batch, in chunks, without gradients."""
        self._set_training(False)
        Xi, layout = batch
        with torch.no_grad():
            if layout == BLOCKS:
                b = min(self.batch_size, len(Xi["x"]))
                return torch.stack(
                    [
                        self.module_.pairwise(Xi["x"][i : i + b], Xi["y"][i : i + b])
                        for i in range(0, len(Xi["x"]), b)
                    ],
                    dim=-3,
                )
            # Held-out sets can hold hundreds of thousands of pairs: score
            # them in chunks so that the critic's activations stay small.
            return torch.cat(
                [
                    self.module_(**{k: v[i : i + EVAL_CHUNK] for k, v in Xi.items()})
                    for i in range(0, len(Xi["x"]), EVAL_CHUNK)
                ],
                dim=-1,
            )

    def validation_step(self, batch, **fit_params):
        y_pred = self._score_batch(batch)
        with torch.no_grad():
            loss = self.get_loss(y_pred, batch[1], X=batch[0], training=False)
        return {"loss": loss, "y_pred": y_pred}

    def evaluate(self, dataset, generator=None):
        """The current critic's estimate on ``dataset``, with its uncertainty.

        Marginal pairs are resampled from the dataset itself (or drawn from
        the reference distribution), with ``generator``; ``None`` draws the
        same pairs as the held-out evaluation during training.

        Returns
        -------
        result : dict
            ``"estimate"`` (float), ``"standard_error"`` (float) and
            ``"log_normalizer"``: for each critic, the log of the mean of
            :math:`e^t` over the marginal pairs, which turns its scores into
            log density ratios.
        """
        evaluation = self._evaluation_batch(dataset, generator)
        batch = evaluation.batch
        y_pred = self._score_batch(batch)
        with torch.no_grad():
            estimate = self.bound(y_pred, batch[1])
            standard_error = self._standard_error(y_pred, evaluation)
            log_normalizer = self._log_normalizer(y_pred, batch[1])
        return {
            "estimate": float(estimate.sum()),
            "standard_error": float(standard_error.sum()),
            "log_normalizer": log_normalizer,
        }

    def _log_normalizer(self, y_pred, layout):
        if layout == BLOCKS:
            return log_mean_exp(_off_diagonal(y_pred).flatten(-2))
        return log_mean_exp(y_pred[..., layout:])

    def _standard_error(self, y_pred, evaluation):
        """Delta-method standard error of the estimate of each critic.

        The estimate is linearised in each held-out pair's influence: its
        joint score, minus the weights of the marginal pairs that reuse its x
        or its y (a V-statistic's projection); with a reference distribution
        the reference samples are independent and contribute their own term.
        InfoNCE's rows are treated as independent, which ignores that each y
        enters its block's other rows.
        """
        layout = evaluation.batch[1]
        if layout == BLOCKS:
            terms = infonce_terms(y_pred).flatten(-2)
            return terms.std(dim=-1) / math.sqrt(terms.shape[-1])
        n = layout
        t_joint, t_marginal = y_pred[..., :n], y_pred[..., n:]
        weights = self.objective_.weights(t_marginal)
        if self._nee:
            sign = torch.tensor([1.0, -1.0, -1.0], device=y_pred.device)
            joint = (sign[:, None] * t_joint).sum(dim=0)
            marginal = -(sign[:, None] * weights).sum(dim=0)
            return (
                joint.var() / joint.shape[-1] + marginal.var() / marginal.shape[-1]
            ).sqrt()
        return resampled_standard_error(t_joint, weights, evaluation.J, evaluation.K)

    def pointwise(self, dataset, log_normalizer, y_reference=None):
        """Each pair's estimated log density ratio, from the critic's scores.

        ``log_normalizer`` is subtracted from the scores; with
        ``y_reference``, each x's scores are instead normalised by the log
        mean of :math:`e^{t(x, y_j)}` over those y, which InfoNCE's critic
        (defined up to a function of x) needs.
        """
        y_pred = self._score_batch(({"x": dataset.x, "y": dataset.y}, len(dataset)))
        if y_reference is not None:
            with torch.no_grad():
                normalizer = torch.cat(
                    [
                        log_mean_exp(self.module_.pairwise(chunk, y_reference))
                        for chunk in torch.split(dataset.x, 256)
                    ],
                    dim=-1,
                )
            return y_pred - normalizer
        ratio = y_pred - log_normalizer.unsqueeze(-1)
        if self._nee:
            return ratio[0] - ratio[1] - ratio[2]
        return ratio


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
        estimate = net.bound(y_pred, batch[1])
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
    tau=5.0,
    reference="resample",
    pairwise=False,
    compile=False,
    averaging_rate=None,
):
    """A MINENet training ``module`` with Adam, validated on ``valid_dataset``.

    The budget of ``max_steps`` gradient steps is rounded up to whole epochs
    of ``steps_per_epoch``. With ``averaging_rate``, the critic scored and
    kept is a moving average of the weights (:class:`WeightAveraging`).
    """
    if averaging_rate is not None:
        callbacks = [("weight_averaging", WeightAveraging(averaging_rate)), *callbacks]
    return MINENet(
        module,
        **{f"module__{name}": value for name, value in module_params.items()},
        objective=objective,
        ema_rate=ema_rate,
        tau=tau,
        marginal_batch_size=marginal_batch_size,
        replace=replace,
        reference=reference,
        pairwise=pairwise,
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
