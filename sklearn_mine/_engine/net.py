"""MINENet: the skorch net that trains a critic on a variational bound."""

import inspect
import math

import torch
from skorch import NeuralNet
from skorch.helper import predefined_split

from .allocator import release_freed_memory, retain_freed_memory
from .batches import BLOCKS, PAIRWISE, EvaluationBatch, TrainingBatches, off_diagonal
from .bounds import infonce_terms, log_mean_exp, resampled_standard_error
from .callbacks import WeightAveraging
from .criterion import BoundCriterion
from .reference import ReferenceSampler, nee_combine

__all__ = ["MINENet", "build_net"]

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
    scores into a loss; ``bound`` into the estimate.

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
    def _nee(self):
        return self.reference != "resample"

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        retain_freed_memory()
        self.generator_ = torch.Generator(device=self.device).manual_seed(
            int(self.random_state)
        )
        self.reference_ = (
            ReferenceSampler(self.reference, X.x, X.y) if self._nee else None
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
        return self._evaluation_batch(dataset)

    def _evaluation_batch(self, dataset, generator=None, **overrides):
        # By default its own generator, seeded afresh: the held-out bound is
        # compared across epochs on the same marginal pairs, and evaluate()
        # after training reproduces the pairs the kept critic was scored on
        # (unless an iterator_valid__n_marginal setting made them fewer).
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

    def bound(self, y_pred, layout, gaussian=None):
        """The reported estimate of each critic (one per group) on a batch.

        ``gaussian``: with the copula reference, the Gaussian term of each
        joint pair (:meth:`_gaussian_term`), whose mean joins the estimate.
        """
        estimate = self.criterion_.estimate(y_pred, layout)
        if not self._nee:
            return estimate
        # A divergence is at least 0, which the constant critic attains: a
        # critic that reads less on held-out pairs has over-fitted, and
        # counting its negative reading would add to the MI the divergences
        # it subtracts (selection by this estimate would then favour
        # over-fitted marginal critics). ``floor_divergences`` makes the
        # kept critic agree.
        estimate = nee_combine(estimate.clamp(min=0.0))
        return estimate if gaussian is None else estimate + gaussian.mean()

    def floor_divergences(self, dataset):
        """Make each MI-NEE critic that reads a negative divergence constant.

        Scored on ``dataset`` (the held-out pairs) as during training; the
        critics replaced are those :meth:`bound` already counted as 0, so the
        estimate is unchanged while scores, pointwise ratios and saved files
        agree with it. Returns the indices replaced.
        """
        if not self._nee:
            return []
        evaluation = self._evaluation_batch(dataset)
        y_pred = self._score_batch(evaluation.batch)
        with torch.no_grad():
            per_critic = self.criterion_.estimate(y_pred, evaluation.batch[1])
        replaced = [i for i, value in enumerate(per_critic.reshape(-1)) if value <= 0]
        for index in replaced:
            self.module_.make_constant(index)
        return replaced

    def _gaussian_term(self, X, n):
        """The copula reference's log ratio of the first ``n`` rows, or None."""
        if self.reference_ is None or self.reference_.kind != "copula":
            return None
        return self.reference_.log_ratio(X["x"][:n], X["y"][:n])

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not training:
            gaussian = self._gaussian_term(X, y_true)
            return -self.bound(y_pred, y_true, gaussian).sum()
        # Critics of separate groups (or MI-NEE's three) share no parameters,
        # so the gradient of the sum trains each on its own bound.
        return self.criterion_(y_pred, y_true).sum()

    def _score_batch(self, batch):
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
        y_pred = self._score_batch(batch)
        with torch.no_grad():
            loss = self.get_loss(y_pred, batch[1], X=batch[0], training=False)
        return {"loss": loss, "y_pred": y_pred}

    def evaluate(self, dataset, generator=None, baseline=None):
        """The current critic's estimate on ``dataset``, with its uncertainty.

        Marginal pairs are resampled from the dataset itself (or drawn from
        the reference distribution), with ``generator``. There are always
        ``marginal_eval_size(n)`` of them, however many an
        ``iterator_valid__n_marginal`` setting gave the evaluations during
        training; ``None`` seeds the generator as those evaluations did, so
        that without such a setting the pairs are theirs.

        With ``baseline`` (the index of one of several critics, as of a
        grouped critic), each critic is also compared with that one on the
        same pairs: the difference of their estimates, and its standard
        error from the difference of their influences. Two critics read on
        the same pairs err together, so this error is smaller than the two
        standard errors combined as if independent.

        Returns
        -------
        result : dict
            ``"estimate"`` (float), ``"standard_error"`` (float) and
            ``"log_normalizer"``: for each critic, the log of the mean of
            :math:`e^t` over the marginal pairs, which turns its scores into
            log density ratios. ``"estimates"`` and ``"standard_errors"``
            hold each critic's (each group's) own, as float64 arrays; the
            first two are their sums. With ``baseline``, also
            ``"differences"`` and ``"difference_standard_errors"``, arrays
            of each critic's estimate minus the baseline's and its error.
        """
        evaluation = self._evaluation_batch(dataset, generator, n_marginal=None)
        batch = evaluation.batch
        y_pred = self._score_batch(batch)
        with torch.no_grad():
            gaussian = self._gaussian_term(batch[0], batch[1])
            estimate = self.bound(y_pred, batch[1], gaussian)
            standard_error = self._standard_error(y_pred, evaluation, gaussian)
            log_normalizer = self._log_normalizer(y_pred, batch[1])
        estimates = estimate.reshape(-1).cpu().double().numpy()
        standard_errors = standard_error.reshape(-1).cpu().double().numpy()
        result = {
            "estimate": float(estimates.sum()),
            "standard_error": float(standard_errors.sum()),
            "log_normalizer": log_normalizer,
            "estimates": estimates,
            "standard_errors": standard_errors,
        }
        if baseline is not None:
            with torch.no_grad():
                errors = self._standard_error(y_pred, evaluation, baseline=baseline)
            result["differences"] = estimates - estimates[baseline]
            result["difference_standard_errors"] = errors.cpu().double().numpy()
        return result

    def _log_normalizer(self, y_pred, layout):
        if layout == BLOCKS:
            return log_mean_exp(off_diagonal(y_pred).flatten(-2))
        return log_mean_exp(y_pred[..., layout:])

    def _standard_error(self, y_pred, evaluation, gaussian=None, baseline=None):
        """Delta-method standard error of the estimate of each critic.

        The estimate is linearised in each held-out pair's influence: its
        joint score, minus the weights of the marginal pairs that reuse its x
        or its y (a V-statistic's projection); with a reference distribution
        the reference samples are independent and contribute their own term.
        InfoNCE's rows are treated as independent, which ignores that each y
        enters its block's other rows.
        With the copula reference, ``gaussian`` (each held-out pair's Gaussian
        term) joins the pair's influence.
        With ``baseline`` (the index of one critic along the first axis),
        the error of each critic's estimate minus the baseline's: the
        influences are linear in the scores and weights, so the difference's
        are theirs differenced pair by pair.
        """

        def contrast(values):
            return values if baseline is None else values - values[baseline]

        layout = evaluation.batch[1]
        if layout == BLOCKS:
            terms = contrast(infonce_terms(y_pred).flatten(-2))
            return terms.std(dim=-1) / math.sqrt(terms.shape[-1])
        n = layout
        t_joint, t_marginal = y_pred[..., :n], y_pred[..., n:]
        weights = self.criterion_.weights(t_marginal)
        if self._nee:
            if baseline is not None:
                raise ValueError(
                    "Critics are compared under the resampling trick only."
                )
            joint, marginal = nee_combine(t_joint), -nee_combine(weights)
            if gaussian is not None:
                joint = joint + gaussian
            return (
                joint.var() / joint.shape[-1] + marginal.var() / marginal.shape[-1]
            ).sqrt()
        return resampled_standard_error(
            contrast(t_joint), contrast(weights), evaluation.J, evaluation.K
        )

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
                        log_mean_exp(self.module_(chunk, y_reference, pairwise=True))
                        for chunk in torch.split(dataset.x, 256)
                    ],
                    dim=-1,
                )
            return y_pred - normalizer
        ratio = y_pred - log_normalizer.unsqueeze(-1)
        if not self._nee:
            return ratio
        gaussian = self._gaussian_term({"x": dataset.x, "y": dataset.y}, len(dataset))
        return nee_combine(ratio) + (0.0 if gaussian is None else gaussian)


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
