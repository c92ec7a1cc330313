"""Successive halving of a grouped training's critics (the selector's pair
rounds)."""

import numpy as np
import pytest

from sklearn_mine._engine.grouped import SuccessiveHalving, train_critics
from sklearn_mine._per_group import grouped_training_parameters


def test_rungs_double_from_the_first():
    halving = SuccessiveHalving(first_rung=8, keep=2)
    rungs = [epoch for epoch in range(1, 100) if halving.is_rung(epoch)]
    assert rungs == [8, 16, 32, 64]


def test_the_lower_half_is_screened_but_never_the_protected_nor_below_keep():
    best = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 0.0])
    halving = SuccessiveHalving(first_rung=8, keep=2, protected=(5,))
    # Five candidates (group 5 is protected): the best three are kept.
    assert sorted(halving.screened(best, np.ones(6, dtype=bool))) == [1, 3]
    # Of the three still active, two are kept (ceil(3 / 2)); with keep=3, all.
    active = np.array([True, False, True, False, True, True])
    assert halving.screened(best, active) == [4]
    assert SuccessiveHalving(8, keep=3).screened(best[:5], active[:5]) == []


def test_a_screened_training_freezes_the_trailing_critics_at_its_rungs():
    rng = np.random.RandomState(0)
    n = 600
    z = rng.standard_normal((n, 6)).astype(np.float32)
    # Only column 0 tells y.
    y = (z[:, :1] + 0.3 * rng.standard_normal((n, 1))).astype(np.float32)
    params = grouped_training_parameters(
        {"steps_per_epoch": 5, "max_steps": 100, "patience": None}, "test"
    )
    params["device"] = "cpu"
    halving = SuccessiveHalving(first_rung=4, keep=1)
    net, _ = train_critics(
        z, [[c] for c in range(6)], y, [0] * 6, 400, 0, params, screening=halving
    )
    stopping = dict(net.callbacks_)["group_early_stopping"]
    # Epochs 4 (3 of 6 kept), 8 (2), 16 (1): the informative critic alone
    # trains to the last step, the others froze at a rung, and none of them
    # improved after it.
    assert len(net.history) == 20
    np.testing.assert_array_equal(stopping.frozen_, [False] + [True] * 5)
    assert np.all(stopping.best_epoch_[1:] <= 16)
    assert stopping.best_[0] > 0.5 > np.max(stopping.best_[1:])


@pytest.mark.parametrize("first_rung", [0, -1])
def test_rungs_start_after_an_epoch(first_rung):
    with pytest.raises(
        ValueError, match=f"first_rung must be at least 1; got {first_rung}"
    ):
        SuccessiveHalving(first_rung=first_rung, keep=1)
