"""Shadow features: permuted copies that show what a move gains by luck.

A forward selection trains, in every round, shadows beside the candidates:
the selected set plus a permuted copy of a feature (a pair of them in a
pair round), which carries nothing by construction, as in Boruta (Kursa and
Rudnicki, 2010). Their gains show how much a candidate gains by training
luck alone: late in a selection, with I(S; y) large, critics that differ by
a noise column stop at different points and differ on the test rows by more
than the gain's standard error, and the best of a hundred noise candidates
then passes the test of its gain alone.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import t

__all__ = ["N_SHADOWS", "NullMoves", "add_shadows", "draw_shadows", "null_bound"]

# Shadows of each round's moves (as many again pair with them in pair
# rounds). Sixteen estimate the spread of the luck to about a fifth, at a
# sixth more critics in a round over a hundred candidates.
N_SHADOWS = 16


@dataclass(frozen=True)
class NullMoves:
    """The shadows' moves, trained beside a round's moves and never chosen.

    ``single`` beside single features, ``pairs`` beside pairs of them.
    """

    single: list = field(default_factory=list)
    pairs: list = field(default_factory=list)


def add_shadows(z, columns, n_shadows, rng):
    """Append ``n_shadows`` permuted copies of randomly drawn features to z.

    Each copy takes all the encoded columns of its feature, its rows
    permuted together, so that it keeps the feature's marginal and loses
    any relation to y and to the other features. Returns the wider z, the
    columns of every feature (the copies last) and the copies' indices.
    """
    blocks, shadow_columns = [z], []
    width = z.shape[1]
    for source in rng.randint(len(columns), size=n_shadows):
        block = z[:, columns[source]][rng.permutation(len(z))]
        shadow_columns.append(list(range(width, width + block.shape[1])))
        width += block.shape[1]
        blocks.append(block)
    shadows = list(range(len(columns), len(columns) + n_shadows))
    return np.hstack(blocks), [*columns, *shadow_columns], shadows


def draw_shadows(z, columns, rng):
    """``add_shadows`` for a forward selection: z, columns and NullMoves.

    Twice ``N_SHADOWS``: half are the single rounds' null moves, and each
    pairs with one of the other half in the pair rounds'.
    """
    z, columns, shadows = add_shadows(z, columns, 2 * N_SHADOWS, rng)
    half = len(shadows) // 2
    single = [(s,) for s in shadows[:half]]
    return z, columns, NullMoves(single, list(zip(shadows[:half], shadows[half:])))


def null_bound(gains, n_moves, confidence_level):
    """The gain that the best of ``n_moves`` candidates carrying nothing
    stays below, at ``confidence_level``, by the shadows' ``gains``.

    A one-sided Student prediction bound for one more draw from the
    shadows' distribution, at the level divided among the round's moves
    (Bonferroni): the move chosen is the best of them by training luck as
    much as by information.
    """
    n = len(gains)
    level = 1 - (1 - confidence_level) / 2 / n_moves
    spread = np.std(gains, ddof=1) * np.sqrt(1 + 1 / n)
    return float(np.mean(gains) + t.ppf(level, n - 1) * spread)
