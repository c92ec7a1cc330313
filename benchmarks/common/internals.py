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
- ``CONVEX_SETTINGS``: the convex critics' feature map and solver settings,
  set to each value measured (``bench_convex.py``).
- ``grouped``: its ``_GROUPS_PER_FIT``, the chunk of critics trained at once,
  set to each value measured (``bench_wide.py``).
- ``neighbour_table``: the local permutation's neighbours in Z, the marginal
  draws of the direct conditional bound (``bench_conditional.py``); with
  ``local_permutations``, timed alone (``bench_convex.py``).

- ``selector_module``, ``pair_features``, ``MAX_PAIR_FEATURES``: the
  selector's choice of the features a pair round pairs, wrapped to record
  the scores it ranks them by (``bench_selection.py --tables
  pair-ranking``).

- ``score_vector``, ``normal_scores``, ``permutation_pvalues``,
  ``min_pvalue_combination``: the permutation tests' arithmetic, with which
  ``bench_testing.py`` builds KSG p-values by the same construction as
  ``mutual_info_mine``'s and ``bench_conditional.py`` recombines the
  conditional test's statistics.
"""

from sklearn_mine._engine import critics, grouped
from sklearn_mine._engine.batches import PairDataset, marginal_eval_size
from sklearn_mine._engine.bounds import dv_bound, mine_loss
from sklearn_mine._engine.convex import CONVEX_SETTINGS
from sklearn_mine._engine.net import build_net
from sklearn_mine._engine.sampling import sample_marginal_indices
from sklearn_mine._permutation.local import local_permutations, neighbour_table
from sklearn_mine._permutation.pvalues import (
    min_pvalue_combination,
    permutation_pvalues,
)
from sklearn_mine._permutation.scores import normal_scores, score_vector
from sklearn_mine._selection import _selector as selector_module
from sklearn_mine._selection._rounds import MAX_PAIR_FEATURES, pair_features
from sklearn_mine._utils.validation import split_indices

__all__ = [
    "CONVEX_SETTINGS",
    "MAX_PAIR_FEATURES",
    "PairDataset",
    "build_net",
    "critics",
    "dv_bound",
    "grouped",
    "local_permutations",
    "marginal_eval_size",
    "min_pvalue_combination",
    "mine_loss",
    "neighbour_table",
    "normal_scores",
    "pair_features",
    "permutation_pvalues",
    "sample_marginal_indices",
    "score_vector",
    "selector_module",
    "split_indices",
]
