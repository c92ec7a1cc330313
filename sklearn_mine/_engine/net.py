"""MINENet: the skorch net that trains a critic on a variational bound."""

import inspect
import math

import torch
from skorch import NeuralNet
from skorch.helper import predefined_split

from .allocator import release_freed_memory, retain_freed_memory
from .batches import BLOCKS, PAIRWISE, EvaluationBatch, TrainingBatches
from .callbacks import WeightAveraging
from .criterion import BoundCriterion
from .critics import critic_module
from .readout import bound, gaussian_term
from .reference import ReferenceSampler

__all__ = ["MINENet", "build_net", "estimator_net", "training_settings"]

# Rows scored at once when evaluating a bound without gradients: small enough
# that the critic's activations stay a few MiB.
EVAL_CHUNK = 16_384


class MINENet(NeuralNet):
    """A skorch net that trains a critic by maximising a bound on I(X; Y).

    Batches come from ``iterator_train`` (:class:`TrainingBatches`, a fixed
    number of random batches per epoch) and ``iterator_valid``
    (:class:`EvaluationBatch`, the held-out pairs with their marginal pairs);
    ``iterator_train__*`` and ``iterator_valid__*`` settings reach them. A
    batch is ``(X, layout)``: the "target" says how to read the critic's
    scores (see :class:`BoundCriterion`), not a label. The criterion turns the
    scores into a loss; :func:`~sklearn_mine._engine.readout.bound` into the
    estimate, whose negation is the validation loss. Reading a trained critic
    out (its estimate and standard error, pointwise MI) is
    :mod:`sklearn_mine._engine.readout`'s.

    Parameters
    ----------
    module : torch.nn.Module class
        The critic, called as ``module(x=..., y=...)`` and returning one score
        per row (with leading dims for several critics); for the pairwise
        layout also ``module(x=..., y=..., pairwise=True)``.
    criterion : torch.nn.Module class, default=BoundCriterion
        The bound; ``criterion__objective``, ``criterion__denominator_ema_rate``
        and ``criterion__tau`` reach it.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        As in skorch; ``optimizer__*`` settings reach it.
    reference : {"resample", "uniform", "gaussian", "copula"}, default="resample"
        Where marginal pairs come from: the resampling trick, or i.i.d.
        reference samples, in which case the module is a
        :class:`~sklearn_mine._engine.critics.NEECritic` and the estimate is MI-NEE's
        (with ``"copula"``, plus the Gaussian term of
        :func:`~sklearn_mine._engine.reference.nee_combine`).
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

    # The reference sampler that on_train_begin fits (MI-NEE's); None for a
    # net that resamples its marginal pairs and never trains: a solved
    # critic's (critic="convex").
    reference_ = None

    def __init__(
        self,
        module,
        *args,
        criterion=BoundCriterion,
        optimizer=torch.optim.Adam,
        iterator_train=TrainingBatches,
        iterator_valid=EvaluationBatch,
        reference="resample",
        pairwise=False,
        steps_per_epoch=100,
        random_state=0,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion,
            *args,
            optimizer=optimizer,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            **kwargs,
        )
        self.reference = reference
        self.pairwise = pairwise
        self.steps_per_epoch = steps_per_epoch
        self.random_state = random_state

    @property
    def uses_reference(self):
        """Whether marginal pairs are reference samples (MI-NEE), not resampled."""
        return self.reference != "resample"

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        retain_freed_memory()
        self.generator_ = torch.Generator(device=self.device).manual_seed(
            int(self.random_state)
        )
        self.reference_ = (
            ReferenceSampler(self.reference, X.x, X.y) if self.uses_reference else None
        )

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        release_freed_memory()

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(
            net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs
        )
        # Training mode once per epoch (validation_step leaves it in eval
        # mode), rather than on every step as skorch's train_step_single does.
        self._set_training(True)

    def train_step_single(self, batch, **fit_params):
        # skorch's step without its per-step mode switch (done once an epoch
        # above): for these small critics it was a tenth of a step.
        Xi, layout = batch
        if layout == PAIRWISE:
            fit_params = {**fit_params, "pairwise": True}
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, layout, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def infer(self, x, **fit_params):
        # Batches are dicts of tensors already on the device: skorch's
        # conversion of every input to a tensor has nothing to do.
        return self.module_(**x, **fit_params)

    def get_iterator(self, dataset, training=False):
        # The net's own state (its generator, its reference sampler) reaches
        # the iterators here; iterator_*__ settings come after and win.
        if training:
            kwargs = dict(
                n_steps=self.steps_per_epoch,
                generator=self.generator_,
                reference=self.reference_,
                pairwise=self.pairwise or self.criterion_.pairwise,
                batch_size=self.batch_size,
            )
            kwargs.update(self.get_params_for("iterator_train"))
            return self.iterator_train(dataset, **kwargs)
        return self.evaluation_batch(dataset)

    def evaluation_batch(self, dataset, generator=None, **overrides):
        """The held-out pairs of ``dataset`` with their marginal pairs."""
        # By default its own generator, seeded afresh: the held-out bound is
        # compared across epochs on the same marginal pairs, and the
        # readout's evaluate() after training reproduces the pairs the kept
        # critic was scored on (unless an iterator_valid__n_marginal setting
        # made them fewer).
        if generator is None:
            generator = torch.Generator(device=self.device).manual_seed(
                int(self.random_state) + 1
            )
        kwargs = dict(
            generator=generator,
            reference=self.reference_,
            block_size=self.batch_size if self.criterion_.pairwise else None,
        )
        kwargs.update(self.get_params_for("iterator_valid"))
        kwargs.update(overrides)
        return self.iterator_valid(dataset, **kwargs)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not training:
            gaussian = gaussian_term(self, X, y_true)
            return -bound(self, y_pred, y_true, gaussian).sum()
        # Critics of separate groups (or MI-NEE's three) share no parameters,
        # so the gradient of the sum trains each on its own bound.
        return self.criterion_(y_pred, y_true).sum()

    def score_batch(self, batch):
        """Scores of an evaluation batch, in chunks, without gradients."""
        self._set_training(False)
        Xi, layout = batch
        with torch.no_grad():
            if layout == BLOCKS:
                b = min(self.batch_size, len(Xi["x"]))
                return torch.stack(
                    [
                        self.module_(
                            Xi["x"][i : i + b], Xi["y"][i : i + b], pairwise=True
                        )
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
        y_pred = self.score_batch(batch)
        with torch.no_grad():
            loss = self.get_loss(y_pred, batch[1], X=batch[0], training=False)
        return {"loss": loss, "y_pred": y_pred}


def _fused_optimizer(optimizer, device):
    """``optimizer__fused=True`` where torch's fused Adam runs, else nothing.

    The fused step updates every parameter in one kernel rather than about
    ten small ones per parameter tensor: 54 against 118 microseconds a step
    for 20 per-feature critics, 68 against 187 for a critic of four layers
    of 64 (one-off timings), with the same updates up to float rounding.
    """
    fusable = (
        isinstance(optimizer, type)
        and issubclass(optimizer, (torch.optim.Adam, torch.optim.AdamW))
        and "fused" in inspect.signature(optimizer).parameters
        and torch.device(device).type in ("cpu", "cuda")
    )
    return {"optimizer__fused": True} if fusable else {}


def build_net(
    module,
    module_params,
    valid_dataset,
    callbacks,
    settings,
    *,
    reference="resample",
    pairwise=False,
    device="cpu",
    compile=False,
    verbose=0,
    random_state=0,
):
    """The MINENet that trains ``module``, whoever asks for one.

    Parameters
    ----------
    module : torch.nn.Module class
        The critic.
    module_params : dict
        Its parameters (routed as ``module__*``).
    valid_dataset : PairDataset or None
        The held-out pairs scored after each epoch.
    callbacks : list or None
        Callbacks of the net; weight averaging is prepended when
        ``settings["weight_ema_rate"]`` is not None.
    settings : mapping
        The training settings that :class:`~sklearn_mine.MINEEstimator` and
        :func:`~sklearn_mine.mutual_info_mine` share, by their names there
        (``objective``, ``tau``, ``denominator_ema_rate``, ``weight_ema_rate``,
        ``batch_size``, ``marginal_batch_size``, ``replace``, ``optimizer``,
        ``lr``, ``max_steps``, ``steps_per_epoch``). The budget of
        ``max_steps`` gradient steps is rounded up to whole epochs.
    reference, pairwise, device, compile, verbose, random_state
        As in :class:`MINENet` and :class:`skorch.NeuralNet`.
    """
    callbacks = list(callbacks or [])
    if settings["weight_ema_rate"] is not None:
        callbacks.insert(
            0, ("weight_averaging", WeightAveraging(settings["weight_ema_rate"]))
        )
    steps_per_epoch = settings["steps_per_epoch"]
    return MINENet(
        module,
        **_fused_optimizer(settings["optimizer"], device),
        **{f"module__{name}": value for name, value in module_params.items()},
        criterion__objective=settings["objective"],
        criterion__denominator_ema_rate=settings["denominator_ema_rate"],
        criterion__tau=settings["tau"],
        iterator_train__marginal_batch_size=settings["marginal_batch_size"],
        iterator_train__replace=settings["replace"],
        reference=reference,
        pairwise=pairwise,
        steps_per_epoch=steps_per_epoch,
        random_state=random_state,
        optimizer=settings["optimizer"],
        lr=settings["lr"],
        batch_size=settings["batch_size"],
        max_epochs=math.ceil(settings["max_steps"] / steps_per_epoch),
        train_split=predefined_split(valid_dataset),
        callbacks=callbacks,
        device=device,
        compile=compile,
        verbose=verbose,
    )


def training_settings(params):
    """The settings :func:`estimator_net` reads, from an estimator's parameters.

    ``params``: a :class:`~sklearn_mine.MINEEstimator`'s ``get_params()``;
    ``marginal_batch_size=None`` is read as ``batch_size``.
    """
    settings = dict(params)
    settings["marginal_batch_size"] = (
        params["marginal_batch_size"] or params["batch_size"]
    )
    return settings


def estimator_net(
    settings, shape, seeds, *, reference, device, valid_dataset=None, callbacks=None
):
    """The MINENet of a MINEEstimator's settings, for ``fit`` and for loading a file.

    Parameters
    ----------
    settings : mapping
        The estimator's parameters as :func:`training_settings` gives them
        (``critic``, ``hidden_units``, ``hidden_layers``, ``activation``,
        ``radial_features``, ``compile``, ``verbose`` and those of
        :func:`build_net`).
    shape : tuple of int
        The columns of x and of y.
    seeds : mapping
        ``critic_seed`` (the critic's initial weights) and ``batch_seed``.
    reference : str
        The resolved reference (``reference_``).
    device : str
        The resolved device (``device_``).
    valid_dataset : PairDataset or None, default=None
        The held-out pairs; None for a net that only scores.
    callbacks : list or None, default=None
        The net's callbacks.
    """
    module, extra = critic_module(settings["critic"], reference)
    module_params = dict(
        n_features_x=shape[0],
        n_features_y=shape[1],
        hidden_units=settings["hidden_units"],
        hidden_layers=settings["hidden_layers"],
        activation=settings["activation"],
        radial_features=settings["radial_features"],
        random_state=seeds["critic_seed"],
        **extra,
    )
    return build_net(
        module,
        module_params,
        valid_dataset,
        callbacks,
        settings,
        reference=reference,
        pairwise=settings["critic"] == "separable" and reference == "resample",
        device=device,
        compile=settings["compile"],
        verbose=max(int(settings["verbose"]) - 1, 0),
        random_state=seeds["batch_seed"],
    )
