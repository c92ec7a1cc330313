"""MINENet: the skorch net that trains a critic on a variational bound."""

import torch
from skorch import NeuralNet

from ._bounds import OBJECTIVES
from ._resample import sample_marginal_indices

__all__ = ["MINENet"]


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
    rows are joint pairs drawn without replacement, the rest marginal pairs
    from the resampling trick. One gather per tensor, no per-sample collation.
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
            joint, _ = sample_marginal_indices(
                n, self.batch_size, replace=False, generator=self.generator
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
        t_joint, t_marginal = y_pred[:n_joint], y_pred[n_joint:]
        loss_fn, estimate_fn = OBJECTIVES[self.objective]
        if not training:
            return -estimate_fn(t_joint, t_marginal)
        loss, self.log_ema_ = loss_fn(t_joint, t_marginal, self.log_ema_, self.ema_rate)
        return loss

    def evaluate(self, dataset, generator):
        """The reported bound of the current critic on ``dataset``.

        Marginal pairs are resampled from the dataset itself with
        ``generator``, as for the held-out pairs during training.
        """
        batch = next(iter(_EvaluationBatch(dataset, generator)))
        return -float(self.validation_step(batch)["loss"])
