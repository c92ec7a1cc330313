"""Which of a permutation test's convex critics share their marginal pairs.

A permutation test's scored columns are the normal scores of their ranks,
and a column's permuted copies hold its values in other rows: the sorted
values of a critic's columns are the same for a feature, its copies, and
every feature of the same values, a *family*, whose critics can share one
draw of marginal pairs (:func:`.convex_groups.fit_convex_groups`). A
conditional test's copies, permuted within neighbourhoods of Z, differ in
their values and are linked into one family explicitly.
"""

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["value_families"]


def value_families(z, groups, linked=()):
    """The critics that share their marginal pairs, by family: each
    family's members, and its pool of values, of shape (n_blocks, n, width).

    Groups whose columns hold the same values (rows sorted as wholes) are
    one family, its pool those values. ``linked``: lists of groups that
    must also be one family (a conditional test's group and its locally
    permuted copies, whose rows differ); such a family's pool stacks the
    distinct values of its members. Either way the pool is the same
    whichever member is the observed pairing.
    """
    by_values = {}
    for g, group in enumerate(groups):
        block = z[:, group]
        # Rows sorted as wholes: the values of the block, whatever its order.
        canonical = block[np.lexsort(block.T[::-1])]
        key = (len(group), canonical.tobytes())
        by_values.setdefault(key, ([], canonical))[0].append(g)
    # Value families joined through ``linked``: components of the graph
    # whose edges join each link's families, numbered in order of their
    # first member.
    family_of = {
        g: f for f, (members, _) in enumerate(by_values.values()) for g in members
    }
    edges = np.array(
        [(family_of[link[0]], family_of[g]) for link in linked for g in link[1:]],
        dtype=int,
    ).reshape(-1, 2)
    graph = coo_matrix(
        (np.ones(len(edges)), (edges[:, 0], edges[:, 1])),
        shape=(len(by_values), len(by_values)),
    )
    _, component = connected_components(graph, directed=False)
    out = {}
    for f, (members, canonical) in enumerate(by_values.values()):
        entry = out.setdefault(component[f], ([], []))
        entry[0].extend(members)
        entry[1].append(canonical)
    # The pool's blocks in an order of their own values, so that the pool
    # is the same array whichever member holds which values.
    return [
        (sorted(members), np.stack(sorted(blocks, key=np.ndarray.tobytes)))
        for members, blocks in out.values()
    ]
