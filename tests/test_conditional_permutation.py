"""The conditional permutation test's design: X's copies permuted given Z."""

import numpy as np
import pytest

from sklearn_mine._per_group import Table, conditional_estimates_design
from sklearn_mine._permutation.designs import local_permuter, locally_permuted_design
from sklearn_mine._permutation.local import neighbour_table
from sklearn_mine._permutation.scores import normal_scores, score_vector


def _sources(copy, scores):
    """The row of ``scores`` each row of ``copy`` came from.

    Normal scores break ties at random, so each column's values are
    distinct and a row is found by its first column's value.
    """
    where = {value: i for i, value in enumerate(scores[:, 0])}
    return np.array([where[value] for value in copy[:, 0]])


def test_conditional_design_reads_each_group_with_zs_columns_then_z_alone():
    # Features: x0 continuous (one column), x1 discrete with three categories
    # (three one-hot columns), then Z's two columns, read as continuous.
    rng = np.random.RandomState(0)
    n = 40
    X = np.column_stack([rng.randn(n), np.arange(n) % 3])
    table = Table(
        X=X,
        y=rng.randn(n),
        Z=rng.randn(n, 2),
        discrete_mask=np.array([False, True]),
        rows=np.arange(n),
        n_train=28,
        y_encoded=rng.randn(n, 1),
        rng=rng,
    )
    design = conditional_estimates_design(table, None, "quantile")
    assert design.z.shape == (n, 6)
    assert design.fitted_groups == [[0, 4, 5], [1, 2, 3, 4, 5], [4, 5]]
    assert design.conditioned
    # One group of both features keeps their columns in their order.
    design = conditional_estimates_design(table, np.array([0, 0]), "quantile")
    assert design.fitted_groups == [[0, 1, 2, 3, 4, 5], [4, 5]]


@pytest.fixture(scope="module")
def design():
    rng = np.random.RandomState(0)
    n = 120
    Z = rng.standard_normal((n, 2))
    # x0 continuous; x1 a discrete column (ties) beside a continuous one.
    X = np.column_stack(
        [
            Z[:, 0] + rng.standard_normal(n),
            rng.randint(0, 3, n),
            Z[:, 1] + rng.standard_normal(n),
        ]
    )
    groups = [[0], [1, 2]]
    neighbours = neighbour_table(Z, 5)
    wide, wide_groups, null_of = locally_permuted_design(
        X, Z, groups, 4, neighbours, np.random.RandomState(1)
    )
    return X, Z, groups, neighbours, wide, wide_groups, null_of


def test_the_design_starts_with_xs_and_zs_normal_scores(design):
    X, Z, _, _, wide, _, _ = design
    # The same seed draws the same tie-breaks: X's columns first, then Z's.
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(wide[:, :3], normal_scores(X, rng))
    np.testing.assert_array_equal(wide[:, 3:5], normal_scores(Z, rng))
    # Ties (x1's three values) broken at random: one multiset per column.
    for column in wide[:, :5].T:
        np.testing.assert_array_equal(np.sort(column), score_vector(len(X)))


def test_the_design_lays_out_given_groups_copies_then_z(design):
    _, _, groups, _, wide, wide_groups, null_of = design
    z = [3, 4]
    # 3 columns of X, 2 of Z, then 4 copies of group [0] (one column each)
    # and 4 of group [1, 2] (two columns each).
    assert wide.shape == (120, 3 + 2 + 4 * 1 + 4 * 2)
    assert wide_groups[:2] == [[0] + z, [1, 2] + z]
    assert wide_groups[2:6] == [[5] + z, [6] + z, [7] + z, [8] + z]
    assert wide_groups[6:10] == [[9, 10] + z, [11, 12] + z, [13, 14] + z, [15, 16] + z]
    assert wide_groups[-1] == z and len(wide_groups) == 11
    assert null_of == [[2, 3, 4, 5], [6, 7, 8, 9]]
    # Every copy group is as wide as its given group, plus Z.
    for g, nulls in enumerate(null_of):
        for copy in nulls:
            assert len(wide_groups[copy]) == len(groups[g]) + len(z)


def test_copies_move_each_row_within_its_z_neighbourhood(design):
    _, _, groups, neighbours, wide, wide_groups, null_of = design
    for g, group in enumerate(groups):
        scores = wide[:, group]
        sources = []
        for copy in null_of[g]:
            block = wide[:, wide_groups[copy][: len(group)]]
            source = _sources(block, scores)
            # Each row takes a whole row of X's scores (a one-hot block
            # moves together), from one of its own neighbours in Z.
            np.testing.assert_array_equal(block, scores[source])
            assert all(source[i] in neighbours[i] for i in range(len(source)))
            # A restricted permutation: nearly every row used once.
            assert len(np.unique(source)) > 0.8 * len(source)
            sources.append(source)
        # The copies are independent draws, not one permutation repeated,
        # and not the identity.
        assert len({tuple(s) for s in sources}) == len(sources)
        assert all(np.mean(s == np.arange(len(s))) < 0.5 for s in sources)


def test_copies_within_clusters_of_z_are_exact_permutations():
    # Z takes 6 values, 10 rows each; each row's neighbours are its whole
    # cluster (itself first). No row ever finds its neighbours all taken,
    # so each copy is a permutation of X's scores within every cluster.
    rng = np.random.RandomState(2)
    cluster = np.repeat(np.arange(6), 10)
    Z = cluster[:, None].astype(float)
    X = rng.standard_normal((60, 1)) + cluster[:, None]
    neighbours = np.array(
        [
            [i] + [j for j in np.flatnonzero(cluster == cluster[i]) if j != i]
            for i in range(60)
        ]
    )
    wide, wide_groups, null_of = locally_permuted_design(
        X, Z, [[0]], 3, neighbours, rng
    )
    for copy in null_of[0]:
        column = wide[:, wide_groups[copy][0]]
        np.testing.assert_array_equal(np.sort(column), np.sort(wide[:, 0]))
        for c in range(6):
            rows = cluster == c
            np.testing.assert_array_equal(np.sort(column[rows]), np.sort(wide[rows, 0]))
        assert not np.array_equal(column, wide[:, 0])


def test_the_permuter_permutes_xs_part_of_a_block_and_leaves_z_out(design):
    _, _, groups, neighbours, wide, wide_groups, _ = design
    permute = local_permuter(wide, wide_groups, neighbours, np.random.RandomState(3))
    g = 1  # the group of two columns, read with Z's two
    copies = permute(g, 5)
    # X's two columns only: Z's, which no copy moves, are the statistics'
    # fixed columns (group_pvalues).
    assert copies.shape == (5, 120, 2)
    x = wide[:, wide_groups[g][:2]]
    for copy in copies:
        source = _sources(copy, x)
        np.testing.assert_array_equal(copy, x[source])
        assert all(source[i] in neighbours[i] for i in range(120))
        assert not np.array_equal(copy, x)
    # Seeded: the same copies again from the same seed, others from another.
    again = local_permuter(wide, wide_groups, neighbours, np.random.RandomState(3))
    np.testing.assert_array_equal(again(g, 5), copies)
    other = local_permuter(wide, wide_groups, neighbours, np.random.RandomState(4))
    assert not np.array_equal(other(g, 5), copies)
