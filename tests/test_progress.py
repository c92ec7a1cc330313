import io
import pickle

import pytest

from sklearn_mine import MINEEstimator
from sklearn_mine._callbacks import ProgressBar
from sklearn_mine.datasets import make_gaussian


@pytest.fixture(scope="module")
def gaussian():
    X, y, _ = make_gaussian(500, random_state=0)
    return X, y


def test_progress_bar_counts_steps_and_shows_the_bound(gaussian):
    buffer = io.StringIO()
    bar = ProgressBar(file=buffer)
    est = MINEEstimator(
        max_steps=200,
        steps_per_epoch=50,
        random_state=0,
        callbacks=[("progress", bar)],
    ).fit(*gaussian)
    out = buffer.getvalue()
    assert "200/200" in out
    assert "step" in out
    # The last postfix is the last epoch's held-out bound.
    assert f"bound={est.history_['valid_bound'][-1]:.4f}" in out
    # Closed at the end of training, and the fitted net still pickles.
    assert bar.pbar_ is None
    pickle.dumps(est)


def test_progress_bar_stops_short_when_training_stops_early(gaussian):
    buffer = io.StringIO()
    est = MINEEstimator(
        max_steps=2000,
        steps_per_epoch=10,
        patience=1,
        random_state=0,
        callbacks=[("progress", ProgressBar(file=buffer))],
    ).fit(*gaussian)
    assert est.n_steps_ < 2000
    # The epoch whose early stopping ended training is counted too.
    assert f"{est.n_steps_}/2000" in buffer.getvalue()


def test_disabled_progress_bar_writes_nothing(gaussian):
    buffer = io.StringIO()
    MINEEstimator(
        max_steps=100,
        steps_per_epoch=50,
        random_state=0,
        callbacks=[("progress", ProgressBar(file=buffer, disable=True))],
    ).fit(*gaussian)
    assert buffer.getvalue() == ""
