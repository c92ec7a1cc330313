"""The local-linear residuals a conditional test's closed forms read."""

import numpy as np
import pytest

from sklearn_mine._permutation.local import neighbour_table
from sklearn_mine._permutation.scores import target_scores
from sklearn_mine._permutation.smoothing import (
    NEIGHBOURS_PER_PARAMETER,
    local_linear_smoother,
    smoothed_residuals,
)
from sklearn_mine._permutation.statistics import (
    closed_form_names,
    closed_form_statistics,
    linear_gaussian_mi,
)


def _neighbours(smoother):
    # Each row's neighbours in its fit, as a (n, k) table.
    n = smoother.shape[0]
    return smoother.indices.reshape(n, -1)


def _neighbourhood_mean_residuals(values, others):
    # The smoother the line replaced: each row less its neighbours' mean.
    return values - values[others].mean(axis=1)


@pytest.mark.parametrize("width", [1, 2])
def test_weights_fit_each_row_on_its_nearest_other_rows(width):
    Z = np.random.RandomState(0).standard_normal((300, width))
    smoother = local_linear_smoother(Z)
    k = NEIGHBOURS_PER_PARAMETER * (1 + width)
    assert smoother.shape == (300, 300) and smoother.nnz == 300 * k
    np.testing.assert_array_equal(
        np.sort(_neighbours(smoother), axis=1),
        np.sort(neighbour_table(Z, k + 1)[:, 1:], axis=1),
    )
    assert not smoother.diagonal().any()
    # The intercept's 1 / k each, and a slope's part that sums to 0.
    np.testing.assert_allclose(smoother.sum(axis=1), 1.0)


@pytest.mark.parametrize("width", [1, 2])
def test_a_value_linear_in_z_has_no_residual(width):
    rng = np.random.RandomState(0)
    Z = rng.standard_normal((300, width))
    values = (Z @ rng.standard_normal((width, 3)) + 1.0)[None]
    smoother = local_linear_smoother(Z)
    # Exactly: the rounding left is zeroed, so that it reads as no direction.
    assert not smoothed_residuals(values, smoother).any()
    # Precondition of the test's power: a neighbourhood mean leaves some.
    mean_residuals = _neighbourhood_mean_residuals(values[0], _neighbours(smoother))
    assert np.abs(mean_residuals).mean() > 0.01


def test_a_curve_in_z_leaves_less_than_a_neighbourhood_mean_does():
    # The mean's bias is of the first order in the slope, the line's of the
    # second: measured 0.004 against 0.014 on sin(2 z).
    z = np.random.RandomState(0).standard_normal((500, 1))
    values = np.sin(2 * z)
    smoother = local_linear_smoother(z)
    line = np.abs(smoothed_residuals(values, smoother)).mean()
    mean = np.abs(_neighbourhood_mean_residuals(values, _neighbours(smoother)))
    assert line < 0.4 * mean.mean()


def test_copies_are_smoothed_each_as_alone():
    # A stack of blocks: each copy's residuals are its own, column by column.
    rng = np.random.RandomState(0)
    z = rng.standard_normal((200, 1))
    smoother = local_linear_smoother(z)
    stack = rng.standard_normal((3, 200, 2))
    together = smoothed_residuals(stack, smoother)
    for copy, residuals in zip(stack, together, strict=True):
        for column in range(2):
            alone = smoothed_residuals(copy[:, [column]], smoother)
            np.testing.assert_allclose(residuals[:, [column]], alone, atol=1e-12)


def test_neighbours_sharing_one_z_give_their_mean():
    # A discrete Z: every neighbourhood within one value, no slope to fit.
    Z = np.repeat([0.0, 1.0], 50)[:, None]
    smoother = local_linear_smoother(Z)
    others = _neighbours(smoother)
    np.testing.assert_allclose(smoother.data, 1.0 / others.shape[1])
    assert np.all(Z[others, 0] == Z)


def test_given_a_smoother_the_closed_forms_read_the_residuals():
    rng = np.random.RandomState(0)
    z = rng.standard_normal((400, 1))
    blocks = np.stack([np.sin(2 * z) + rng.standard_normal((400, 1)) for _ in "ab"])
    y_scores = target_scores(np.cos(z[:, 0]) + rng.standard_normal(400), False)
    smoother = local_linear_smoother(z)
    read = closed_form_statistics(blocks, y_scores, z, smoother)
    residuals = smoothed_residuals(blocks, smoother)
    # y's as the blocks': its scores' residuals, and for the quadratic
    # statistic those residuals' squares beside them.
    y_residuals = smoothed_residuals(y_scores[0], smoother)
    y_quadratic = np.hstack([y_residuals, y_residuals**2 - 1.0])
    expected = closed_form_statistics(residuals, (y_residuals, y_quadratic), z)
    assert len(read) == len(closed_form_names(True)) == 3
    for got, want in zip(read[:2], expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    # The interaction statistic: X's residuals times 1, X's own scores and
    # their squares, and Z's and their squares, against y's residuals.
    weights = [np.ones_like(blocks), blocks, blocks**2 - 1.0]
    weights += [
        np.broadcast_to(z, blocks.shape),
        np.broadcast_to(z**2 - 1, blocks.shape),
    ]
    interactions = np.concatenate([residuals * w for w in weights], axis=-1)
    np.testing.assert_allclose(
        read[2], linear_gaussian_mi(interactions, y_residuals, z), rtol=1e-10
    )
    # And not the blocks themselves, nor the residuals of y's squares.
    assert not np.allclose(read[1], closed_form_statistics(blocks, y_scores, z)[1])
    y_squares_residuals = smoothed_residuals(y_scores[1], smoother)
    assert not np.allclose(
        read[1],
        closed_form_statistics(residuals, (y_residuals, y_squares_residuals), z)[1],
    )


def test_given_z_the_quadratic_statistic_sees_residuals_sharing_a_circle():
    # X - Z and y - Z the cosine and sine of one angle, plus noise: their
    # squares are correlated (about -0.4), and nothing else is. Squared
    # before the residuals on Z were taken, y's scores held 2 z e, which
    # drowned that: the quadratic statistic then read as its copies do.
    rng = np.random.RandomState(0)
    n = 500
    z = rng.standard_normal(n)
    angle = rng.uniform(0, 2 * np.pi, n)
    x = z + np.cos(angle) + 0.2 * rng.standard_normal(n)
    y = z + np.sin(angle) + 0.4 * rng.standard_normal(n)
    scores = target_scores(np.column_stack([x, z]), False)[0]
    blocks, shared = scores[None, :, :1], scores[:, 1:]
    smoother = local_linear_smoother(shared)
    y_scores = target_scores(y, False)
    observed = closed_form_statistics(blocks, y_scores, shared, smoother)[1][0]
    # X moved within runs of five rows neighbouring in Z: copies of its
    # dependence on Z without the angle y shares.
    copies = _run_copies(scores[:, :1], z, n)
    null = closed_form_statistics(copies, y_scores, shared, smoother)[1]
    # 0.053 against copies' 0.018-0.026 (0.012, as its null, before).
    assert observed > 1.5 * null.max()


def _run_copies(scores, z, n):
    # Each row's values moved within runs of five rows neighbouring in Z,
    # each row to another's: 20 copies (four shifts within the runs, five
    # ways to cut them) of X's dependence on Z without what y shares.
    order = np.argsort(z)
    copies = []
    for offset in range(5):
        runs = np.roll(order, offset).reshape(-1, 5)
        for shift in range(1, 5):
            moved = np.empty(n, dtype=int)
            moved[runs] = np.roll(runs, shift, axis=1)
            copies.append(scores[moved])
    return np.stack(copies)


def test_given_z_the_interaction_statistic_sees_a_slope_that_changes_sign():
    # X = z + e and y = z / 2 + e z + noise: y's residual on Z is about e z,
    # a slope on X's residual e that changes sign with Z, so that their
    # correlation averages to 0, as on PC's missed edges
    # (docs/conditional.md); weighted by Z's scores, it does not. Over
    # seeds 0-4 the interaction read 4.9-12.8 times its copies' largest,
    # the linear statistic below its copies' largest.
    rng = np.random.RandomState(0)
    n = 500
    z = rng.standard_normal(n)
    x = z + rng.standard_normal(n)
    y = 0.5 * z + (x - z) * z + rng.standard_normal(n)
    scores = target_scores(np.column_stack([x, z]), False)[0]
    blocks, shared = scores[None, :, :1], scores[:, 1:]
    smoother = local_linear_smoother(shared)
    y_scores = target_scores(y, False)
    observed = closed_form_statistics(blocks, y_scores, shared, smoother)
    copies = _run_copies(scores[:, :1], z, n)
    null = closed_form_statistics(copies, y_scores, shared, smoother)
    assert observed[0][0] <= null[0].max()
    # 0.208 against at most 0.016.
    assert observed[2][0] > 4 * null[2].max()
