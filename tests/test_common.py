"""scikit-learn's estimator checks on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mine import (
    ConditionalResampler,
    MarginalResampler,
    MINEEstimator,
    MutualInfoSelector,
)

# A small budget keeps each of the ~40 checks to a fraction of a second; the
# checks test the API, not the accuracy.
ESTIMATORS = [
    MINEEstimator(max_steps=20, steps_per_epoch=10, hidden_units=8, random_state=0),
    MarginalResampler(random_state=0),
    ConditionalResampler(random_state=0),
    MutualInfoSelector(
        n_features_to_select=1,
        max_steps=20,
        steps_per_epoch=10,
        hidden_units=8,
        random_state=0,
    ),
]

EXPECTED_FAILED_CHECKS = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
