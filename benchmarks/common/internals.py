"""The package internals that some benchmarks measure, in one place.

Every other import of the benchmarks is public (``sklearn_mine``,
``sklearn_mine.datasets``, ``sklearn_mine.io``, ``sklearn_mine.plotting``).
These are not: each script below measures an internal that the public API
does not expose, and a rename inside the package is fixed here once (CI's
``.ci/bench_quick`` runs every script, so a broken name shows there).

- ``split_indices``: the estimator's own split of held-out pairs, which
  ``data.held_out_oracle`` redraws to score an ideal critic on the very pairs
  the estimate is read on (``bench_accuracy.py``, ``bench_speed.py``), and
  which ``bench_compile.py`` feeds to the net.
- ``critics``: ``ConcatCritic``, the default critic, trained in plain torch
  loops as the floor of a training step (``bench_speed.py``,
  ``bench_averaging.py``, ``bench_compile.py``), subclassed and swapped into
  the registry ``CRITICS`` to compare inputs that are not options
  (``bench_critic_inputs.py``).
- ``build_net``, ``PairDataset``: the skorch net itself, to time
  ``torch.compile`` on it (``bench_compile.py``).
- ``marginal_eval_size``, ``sample_marginal_indices``, ``dv_bound``,
  ``mine_loss``: the batches and bound of the plain loop (``bench_speed.py``).
- ``grouped``: its ``_GROUPS_PER_FIT``, the chunk of critics trained at once,
  set to each value measured (``bench_wide.py``).
- ``neighbour_table``: the local permutation's neighbours in Z, the marginal
  draws of the direct conditional bound (``bench_conditional.py``).

The permutation arithmetic (``score_vector``, ``normal_scores``,
``permutation_pvalues``, ``min_pvalue_combination``) is copied below from
``sklearn_mine/_utils/permutation.py`` as of release 0.4 rather than
imported: it is pure numpy, and the module is being moved, which would break
``bench_testing.py`` and ``bench_conditional.py`` for no change of theirs.
``bench_testing.py`` builds KSG p-values by the same construction as
``mutual_info_mine``'s; ``bench_conditional.py`` recombines the conditional
test's statistics.
"""

import numpy as np
from scipy.stats import norm

from sklearn_mine._engine import critics, grouped
from sklearn_mine._engine.batches import PairDataset, marginal_eval_size
from sklearn_mine._engine.bounds import dv_bound, mine_loss
from sklearn_mine._engine.net import build_net
from sklearn_mine._engine.sampling import sample_marginal_indices
from sklearn_mine._utils.local_permutation import neighbour_table
from sklearn_mine._utils.validation import split_indices

__all__ = [
    "PairDataset",
    "build_net",
    "critics",
    "dv_bound",
    "grouped",
    "marginal_eval_size",
    "min_pvalue_combination",
    "mine_loss",
    "neighbour_table",
    "normal_scores",
    "permutation_pvalues",
    "sample_marginal_indices",
    "score_vector",
    "split_indices",
]


def score_vector(n):
    """The normal scores of the ranks 1..n: every tie-free column's multiset."""
    return norm.ppf((np.arange(n) + 0.5) / n)


def normal_scores(X, rng):
    """Each column's ranks as normal scores, ties broken at random."""
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    n = len(X)
    scores = score_vector(n)
    out = np.empty(X.shape)
    for j in range(X.shape[1]):
        order = np.lexsort((rng.random_sample(n), X[:, j]))
        out[order, j] = scores
    return out


def permutation_pvalues(statistics):
    """Each row's first statistic against the rest: ``(1 + k) / (1 + B)``."""
    statistics = np.asarray(statistics, dtype=float)
    return (statistics >= statistics[:, :1]).sum(axis=1) / statistics.shape[1]


def min_pvalue_combination(*statistics):
    """The exact p-value of the smallest of several statistics' p-values
    (Westfall & Young's min-p; ties broken by Fisher's product)."""
    counts = []
    for values in statistics:
        values = np.asarray(values, dtype=float)
        # For each entry, the count of its row's entries at least as large.
        ordered = np.sort(values, axis=1)
        counts.append(
            np.stack(
                [
                    row.size - np.searchsorted(row, entries, side="left")
                    for row, entries in zip(ordered, values, strict=True)
                ]
            )
        )
    counts = np.stack(counts)
    smallest = counts.min(axis=0)
    fisher = np.log(counts).sum(axis=0)
    # Lexicographic: the smallest p-value, then the product.
    at_most = (smallest < smallest[:, :1]) | (
        (smallest == smallest[:, :1]) & (fisher <= fisher[:, :1])
    )
    return at_most.sum(axis=1) / smallest.shape[1]
