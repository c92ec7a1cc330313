import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sklearn_mine import MINEEstimator  # noqa: E402
from sklearn_mine.datasets import make_gaussian  # noqa: E402
from sklearn_mine.plotting import plot_history, plot_resampled  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.slow
def test_plot_history_draws_both_curves_and_labels():
    X, y, true_mi = make_gaussian(500, random_state=0)
    est = MINEEstimator(max_steps=300, steps_per_epoch=50, random_state=0).fit(X, y)
    ax = plot_history(est, true_mi=true_mi)
    ax.figure.canvas.draw()
    assert ax.get_xlabel() == "gradient steps"
    assert "nats" in ax.get_ylabel()
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["training batches", "held out"]
    held_out = ax.get_lines()[1].get_ydata()
    np.testing.assert_array_equal(held_out, est.history_["valid_bound"])
    assert "true MI" in labels


def test_plot_history_needs_a_fitted_estimator():
    with pytest.raises(ValueError, match="not fitted"):
        plot_history(MINEEstimator())


@pytest.mark.parametrize("replace, n_samples", [(False, None), (True, 2000)])
def test_plot_resampled_draws_joint_beside_resampled(replace, n_samples):
    X, y, _ = make_gaussian(400, random_state=0)
    axes = plot_resampled(X, y, replace=replace, n_samples=n_samples, random_state=0)
    axes[0].figure.canvas.draw()
    assert len(axes) == 2
    joint, resampled = (ax.collections[0].get_offsets() for ax in axes)
    assert len(joint) == 400
    assert len(resampled) == (n_samples or 400)
    for ax in axes:
        assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert "with replacement" in axes[1].get_title() or not replace


def test_plot_resampled_on_given_axes_without_contours():
    X, y, _ = make_gaussian(100, random_state=1)
    _, axes = plt.subplots(1, 2)
    out = plot_resampled(X, y, contours=False, axes=axes, random_state=0)
    assert out[0] is axes[0]
    assert len(axes[0].collections) == 1  # the scatter only
