"""Batches of pairs: the joint pairs in memory, and what a step or an evaluation draws.

Batches are slices of tensors already in memory, not per-sample
``Dataset.__getitem__`` plus collation: that path made skorch 4x slower than
a plain torch loop here.
"""

import torch

from .sampling import sample_marginal_indices

__all__ = [
    "BLOCKS",
    "PAIRWISE",
    "EvaluationBatch",
    "PairDataset",
    "TrainingBatches",
    "marginal_eval_size",
    "off_diagonal",
]


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


class TrainingBatches:
    """``n_steps`` random batches per pass: MINENet's ``iterator_train``.

    In the rows layout each batch is ``({"x": ..., "y": ...}, n_joint)``: the
    first ``n_joint`` rows are joint pairs drawn uniformly, the rest marginal
    pairs, from the resampling trick or from a reference distribution. In the
    pairwise layout a batch is ``({"x": ..., "y": ...}, PAIRWISE)``: joint
    pairs only, whose every x is scored against every y.
    One gather per tensor, no per-sample collation.

    Parameters
    ----------
    dataset : PairDataset
        The training pairs.
    batch_size : int
        Joint pairs per batch (capped at the number of pairs).
    marginal_batch_size : int or None, default=None
        Marginal pairs per batch; ``None`` uses ``batch_size``.
    replace : bool, default=False
        Whether the marginal indices of a batch may repeat.
    n_steps : int, default=100
        Batches per pass.
    generator : torch.Generator
        Source of every draw.
    reference : ReferenceSampler or None, default=None
        Draws the marginal pairs instead of the resampling trick (MI-NEE).
    pairwise : bool, default=False
        Whether batches are in the pairwise layout.
    """

    def __init__(
        self,
        dataset,
        batch_size,
        *,
        marginal_batch_size=None,
        replace=False,
        n_steps=100,
        generator,
        reference=None,
        pairwise=False,
    ):
        self.dataset = dataset
        n = len(dataset)
        self.batch_size = min(batch_size, n)
        self.marginal_batch_size = marginal_batch_size or self.batch_size
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

    Several times n (MINE's n' >> n) cuts the variance of the log term,
    the noisier one, for the price of one forward pass.
    """
    return max(n, min(10 * n, 100_000))


class EvaluationBatch:
    """All pairs of a dataset, with the marginal pairs to score them against.

    MINENet's ``iterator_valid``: one batch, the whole held-out set.
    ``batch_size`` is there for the signature of skorch's iterators (so that
    an ``iterator_valid__batch_size`` setting is not an error) and unused.

    Rows layout: the joint pairs, then ``n_marginal`` marginal pairs
    (``None``: ``marginal_eval_size(n)``), resampled from the dataset (``J``
    and ``K`` keep their indices) or drawn from ``reference``. Blocks layout
    (``block_size`` given): the joint pairs cut into blocks of
    ``block_size``, each scored pairwise; a remainder smaller than a block is
    left out, so that every block has the same cap.
    """

    def __init__(
        self,
        dataset,
        batch_size=None,
        *,
        generator,
        reference=None,
        block_size=None,
        n_marginal=None,
    ):
        self.dataset = dataset
        n = len(dataset)
        x, y = dataset.x, dataset.y
        self.J = self.K = None
        if block_size is not None:
            b = min(block_size, n)
            used = n // b * b
            self.batch = {"x": x[:used], "y": y[:used]}, BLOCKS
            return
        m = marginal_eval_size(n) if n_marginal is None else n_marginal
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


def off_diagonal(scores):
    """The b(b - 1) marginal pairs of (..., b, b) pairwise scores, flattened."""
    b = scores.shape[-1]
    off = ~torch.eye(b, dtype=torch.bool, device=scores.device)
    return scores[..., off]
