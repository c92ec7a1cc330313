"""The retraining permutation test: critics trained on every pairing.

The body of ``independence_test(method="permutation")`` and of
:func:`conditional_independence_test`: one group of all X's columns goes
through the per-group body's test (``_per_group``), whose permuted copies
are the pairings, and its statistics become an
:class:`IndependenceTestResult`.
"""

import numpy as np
from sklearn.utils._param_validation import (
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_X_y

from ._per_group import estimate_per_group, grouped_training_parameters
from ._permutation.statistics import NEURAL_STATISTIC
from ._test_result import IndependenceTestResult
from ._utils.constants import MIN_SAMPLES
from ._utils.validation import (
    GROUPED_CRITICS,
    check_conditioning,
    check_not_constant,
    per_feature_critic,
)

__all__ = ["retraining_test"]

# A critic the call did not name (None is a value to refuse).
_NOT_GIVEN = object()


def retraining_test(X, y, n_permutations, random_state, params, Z=None, n_neighbors=5):
    """Every pair tested: critics trained on the observed and permuted pairings.

    Without ``Z``, X's rows are permuted uniformly; with it, within each
    row's ``n_neighbors`` nearest in Z (the row itself included).
    """
    X, y = check_X_y(
        X,
        y,
        dtype="numeric",
        y_numeric=True,
        multi_output=True,
        ensure_min_samples=MIN_SAMPLES,
    )
    Z = check_conditioning(Z, len(X))
    # As MINEEstimator.fit does for the split: constant data carry nothing
    # to test, and a constant column is named.
    for data, name in ((X, "X"), (y.reshape(len(y), -1), "y"), (Z, "Z")):
        if data is not None:
            check_not_constant(data, name)
    caller = (
        "independence_test(method='permutation')"
        if Z is None
        else "conditional_independence_test"
    )
    params = dict(params)
    critic = params.pop("critic", _NOT_GIVEN)
    params = grouped_training_parameters(params, caller)
    critic = _test_critic(critic, params, caller)
    # One group of all X's columns: its permuted copies are the pairings.
    result = estimate_per_group(
        X,
        y,
        discrete_features=False,
        discrete_target=False,
        groups=np.zeros(X.shape[1], dtype=int),
        random_state=random_state,
        n_jobs=None,
        n_permutations=n_permutations,
        Z=Z,
        n_neighbors=n_neighbors,
        critic=critic,
        **params,
    )
    statistics = {name: rows[0] for name, rows in result.statistics.items()}
    return IndependenceTestResult(
        statistic=float(statistics[NEURAL_STATISTIC][0]),
        pvalue=float(result.pvalues[0]),
        null_distribution=statistics[NEURAL_STATISTIC][1:],
        method="permutation" if Z is None else "local_permutation",
        statistics=statistics,
    )


def _test_critic(critic, params, caller):
    """The tests' critic: ``"convex"`` unless given (or ``_NOT_GIVEN``).

    ``critic`` is the per-group body's own argument, not a training
    parameter of the table. The convex critics (docs/convex.md) carry the
    tests at a fraction of the MLP's cost, with the same size and power on
    the benchmark families (docs/testing.md); a call that sets an MLP
    training parameter to other than its default asks for the MLP, and
    keeps the meaning it had when the MLP was the default. ``params``: the
    call's training parameters, validated and completed with their
    defaults. A test is the per-feature functions' p-values of one group,
    so the rule is theirs
    (:func:`~sklearn_mine._utils.validation.per_feature_critic`), whose
    ``"auto"`` is a test's critic left unnamed.
    """
    if critic is _NOT_GIVEN:
        critic = "auto"
    else:
        validate_parameter_constraints(
            {"critic": [StrOptions(set(GROUPED_CRITICS))]},
            {"critic": critic},
            caller_name=caller,
        )
    return per_feature_critic(critic, True, params, caller)
