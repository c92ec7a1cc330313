import contextlib
import io
import pickle

import pytest

from sklearn_mine import MINEEstimator, mutual_info_mine
from sklearn_mine.callbacks import ProgressBar
from sklearn_mine.datasets import make_gaussian


@pytest.fixture(scope="module")
def gaussian():
    X, y, _ = make_gaussian(500, random_state=0)
    return X, y


@pytest.mark.slow
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


@pytest.mark.slow
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
    # The epoch whose early stopping ended training is counted too, and the
    # bar says why it stopped short, with the step of the critic kept.
    out = buffer.getvalue()
    assert f"{est.n_steps_}/2000" in out
    best_step = est.best_epoch_ * 10
    assert f"stopped early at step {est.n_steps_}, best at step {best_step}" in out


def test_progress_bar_of_grouped_critics_says_why_it_stopped():
    X, y, _ = make_gaussian(500, n_features_x=2, rho=[0.8], random_state=0)
    buffer = io.StringIO()
    # mutual_info_mine(verbose=1) writes its bar to stderr.
    with contextlib.redirect_stderr(buffer):
        mutual_info_mine(
            X,
            y,
            max_steps=2000,
            steps_per_epoch=10,
            patience=1,
            verbose=1,
            random_state=0,
        )
    out = buffer.getvalue()
    assert "/2000" in out and "2000/2000" not in out
    assert "stopped early at step" in out and "no critic still improving" in out


def test_disabled_progress_bar_writes_nothing(gaussian):
    buffer = io.StringIO()
    MINEEstimator(
        max_steps=100,
        steps_per_epoch=50,
        random_state=0,
        callbacks=[("progress", ProgressBar(file=buffer, disable=True))],
    ).fit(*gaussian)
    assert buffer.getvalue() == ""
