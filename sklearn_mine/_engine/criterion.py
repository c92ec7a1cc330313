"""BoundCriterion: a bound on I(X; Y) as a skorch criterion."""

import torch
from torch import nn

from .batches import BLOCKS, PAIRWISE, off_diagonal
from .bounds import make_objective

__all__ = ["BoundCriterion"]


class BoundCriterion(nn.Module):
    """The training loss of a bound, and the estimate it reports.

    MINENet's criterion, reached through skorch's ``criterion__*`` routing.
    It reads a batch's scores by the batch's layout: in the rows layout
    (an int ``n_joint``) the first ``n_joint`` scores are joint pairs and the
    rest marginal pairs; in the pairwise layout the scores are a
    (..., b, b) matrix whose diagonal holds the joint pairs; in the blocks
    layout a stack of such matrices. Leading dimensions are independent
    critics, and every result keeps them.

    MINE's moving average of the denominator is the buffer ``log_ema``
    (``None`` until the first training step), so it moves with the module
    and is reset when skorch re-initialises the criterion.

    Parameters
    ----------
    objective : str, default="mine"
        The bound (see ``sklearn_mine._engine.bounds.make_objective``).
    denominator_ema_rate : float, default=0.01
        Weight of the newest batch in MINE's moving average of the
        denominator (``"mine"`` only).
    tau : float, default=5.0
        SMILE's clipping threshold (``"smile"`` only).
    """

    def __init__(self, objective="mine", denominator_ema_rate=0.01, tau=5.0):
        super().__init__()
        self.objective = objective
        self.denominator_ema_rate = denominator_ema_rate
        self.tau = tau
        self.bound_ = make_objective(objective, ema_rate=denominator_ema_rate, tau=tau)
        self.register_buffer("log_ema", None)

    @property
    def pairwise(self):
        """Whether the bound needs every x of a batch scored against every y."""
        return self.bound_.pairwise

    def split(self, scores, layout):
        """The bound's arguments from a batch's scores."""
        if self.bound_.pairwise:
            return (scores,)
        if layout == PAIRWISE:
            return torch.diagonal(scores, dim1=-2, dim2=-1), off_diagonal(scores)
        return scores[..., :layout], scores[..., layout:]

    def forward(self, scores, layout):
        """The training loss of each critic on a batch (updates ``log_ema``)."""
        loss, self.log_ema = self.bound_.loss(*self.split(scores, layout), self.log_ema)
        return loss

    def estimate(self, scores, layout):
        """The bound each critic reports on a batch."""
        estimate = self.bound_.estimate(*self.split(scores, layout))
        if layout == BLOCKS:
            estimate = estimate.mean(dim=-1)
        return estimate

    def weights(self, t_marginal):
        """Weights of marginal scores in the bound's linearisation."""
        return self.bound_.weights(t_marginal)
