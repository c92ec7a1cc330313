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
    how = "with replacement" if replace else "without replacement"
    assert axes[1].get_title() == f"resampled pairs (n' = {len(resampled)}, {how})"
    # The resampled pairs' x and y are the sample's own values: each drawn
    # once without replacement (a permutation of each column), and with
    # replacement 2000 draws of 400 values, so some drawn again.
    for k, values in enumerate((X[:, 0], y)):
        drawn = resampled[:, k]
        if replace:
            assert np.isin(drawn, values).all()
            assert len(np.unique(drawn)) < len(drawn)
        else:
            np.testing.assert_array_equal(np.sort(drawn), np.sort(values))
    # ... paired at random: the joint's correlation (rho = 0.88) is gone, to
    # sampling error (about 0.05 for 400 pairs).
    assert np.corrcoef(joint.T)[0, 1] > 0.8
    assert abs(np.corrcoef(resampled.T)[0, 1]) < 0.15


def test_plot_resampled_on_given_axes_without_contours():
    X, y, _ = make_gaussian(100, random_state=1)
    _, axes = plt.subplots(1, 2)
    out = plot_resampled(X, y, contours=False, axes=axes, random_state=0)
    assert out[0] is axes[0]
    assert len(axes[0].collections) == 1  # the scatter only


@pytest.fixture(scope="module")
def fitted_selector():
    from sklearn_mine import MutualInfoSelector

    rng = np.random.RandomState(0)
    X = rng.standard_normal((400, 3))
    y = X[:, 0] + 0.5 * rng.standard_normal(400)
    return MutualInfoSelector(
        max_steps=200, patience=2, random_state=0, min_features_to_select=0
    ).fit(X, y)


@pytest.mark.slow
def test_plot_selection_draws_each_move_with_its_interval(fitted_selector):
    from sklearn_mine.plotting import plot_selection

    history = fitted_selector.history_
    # Its precondition: the selection made a move and refused one.
    assert history["accepted"].any() and not history["accepted"].all()
    ax = plot_selection(fitted_selector, confidence_level=0.9)
    ax.figure.canvas.draw()
    made, refused = (c for c in ax.containers)
    made_y = made.lines[0].get_ydata()
    np.testing.assert_allclose(made_y, history["mutual_info"][history["accepted"]])
    # The 90 % bars: 1.645 standard errors above each point.
    top = made.lines[1][1].get_ydata()
    expected = history["mutual_info"] + 1.6449 * history["standard_error"]
    np.testing.assert_allclose(top, expected[history["accepted"]], rtol=1e-4)
    np.testing.assert_allclose(
        refused.lines[0].get_ydata(), history["mutual_info"][~history["accepted"]]
    )
    vline = [line for line in ax.get_lines() if line.get_linestyle() == ":"][0]
    assert vline.get_xdata()[0] == fitted_selector.n_features_to_select_
    assert [t.get_text() for t in ax.texts] == ["x0"]


@pytest.mark.slow
def test_plot_selection_refuses_a_bad_level_and_an_unfitted_selector(
    fitted_selector,
):
    from sklearn_mine import MutualInfoSelector
    from sklearn_mine.plotting import plot_selection

    with pytest.raises(
        ValueError, match=r"confidence_level must be in \(0, 1\); got 1.5"
    ):
        plot_selection(fitted_selector, confidence_level=1.5)
    with pytest.raises(ValueError, match="not fitted"):
        plot_selection(MutualInfoSelector())
