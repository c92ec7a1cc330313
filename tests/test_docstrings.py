"""Every public docstring validates with numpydoc."""

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

PUBLIC = [
    "sklearn_mine.MINEEstimator",
    "sklearn_mine.MINEEstimator.fit",
    "sklearn_mine.MINEEstimator.score",
    "sklearn_mine.MINEEstimator.pointwise_mutual_info",
    "sklearn_mine.MarginalResampler",
    "sklearn_mine.MarginalResampler.fit",
    "sklearn_mine.MarginalResampler.fit_resample",
    "sklearn_mine.mutual_info_mine",
    "sklearn_mine.MutualInfoSelector",
    "sklearn_mine.MutualInfoSelector.fit",
    "sklearn_mine.mutual_info_mine_classif",
    "sklearn_mine.independence_test",
    "sklearn_mine.conditional_independence_test",
    "sklearn_mine.ConditionalResampler",
    "sklearn_mine.ConditionalResampler.fit",
    "sklearn_mine.ConditionalResampler.fit_resample",
    "sklearn_mine.register_causal_learn_test",
    "sklearn_mine.IndependenceTestResult",
    "sklearn_mine.datasets.make_gaussian",
    "sklearn_mine.datasets.make_student_t",
    "sklearn_mine.datasets.gaussian_mi",
    "sklearn_mine.datasets.student_t_mi",
    "sklearn_mine.datasets.transform_pair",
    "sklearn_mine.datasets.spiral",
    "sklearn_mine.datasets.gaussian_mixture_mi",
    "sklearn_mine.datasets.make_gaussian_mixture",
    "sklearn_mine.datasets.make_mixture",
    "sklearn_mine.datasets.make_inliers",
    "sklearn_mine.datasets.make_uniform_noise",
    "sklearn_mine.datasets.gaussian_cmi",
    "sklearn_mine.datasets.make_conditional_gaussian",
    "sklearn_mine.datasets.make_common_cause",
    "sklearn_mine.datasets.make_chain",
    "sklearn_mine.datasets.make_collider",
    "sklearn_mine.callbacks.ProgressBar",
    "sklearn_mine.io.dump",
    "sklearn_mine.io.load",
    "sklearn_mine.plotting.plot_history",
    "sklearn_mine.plotting.plot_resampled",
    "sklearn_mine.plotting.plot_selection",
]

# Checks left out, as scikit-learn leaves them out: a See Also section and
# an extended summary are not required, return values may be named. Methods
# need no Examples section; classes and functions do.
IGNORED = {"SA01", "ES01", "RT02", "GL08"}
METHOD_IGNORED = IGNORED | {"EX01"}


def test_every_public_name_is_listed():
    import sklearn_mine
    import sklearn_mine.callbacks
    import sklearn_mine.datasets
    import sklearn_mine.io
    import sklearn_mine.plotting

    for module in (
        sklearn_mine,
        sklearn_mine.callbacks,
        sklearn_mine.datasets,
        sklearn_mine.io,
        sklearn_mine.plotting,
    ):
        for name in module.__all__:
            # Constants (datasets.LECTURE_RHO) have no docstring of their
            # own: their module's docstring describes them.
            if callable(getattr(module, name)):
                assert f"{module.__name__}.{name}" in PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_validates(name):
    result = numpydoc_validate.validate(name)
    is_method = name.count(".") == 2 and name.split(".")[1][0].isupper()
    ignored = METHOD_IGNORED if is_method else IGNORED
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in ignored
    ]
    assert not errors, f"{name}:\n" + "\n".join(errors)
