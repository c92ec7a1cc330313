"""register_causal_learn_test: the conditional test as causal-learn's CI test."""

import json

from ._conditional import conditional_independence_test
from ._independence import independence_test

__all__ = ["register_causal_learn_test"]


def register_causal_learn_test(name="mine", **params):
    """Register :func:`conditional_independence_test` as a causal-learn CI test.

    After this one call, causal-learn's constraint-based searches take the
    test by name: ``pc(data, 0.05, "mine")``. Each query "is column ``i``
    independent of column ``j`` given the columns ``S``" runs
    :func:`conditional_independence_test` on those columns, or, with ``S``
    empty, :func:`independence_test` with ``method="permutation"``; its
    p-value is cached by causal-learn's own cache, keyed by the query.
    causal-learn is not a requirement of this package: it is imported here.

    Parameters
    ----------
    name : str, default="mine"
        The name the searches take as ``indep_test``.
    **params
        Parameters of :func:`conditional_independence_test` (such as
        ``n_permutations``, ``random_state`` or training parameters), for
        every query. Keywords a search passes on to its test (``pc(data,
        0.05, "mine", n_permutations=49)``) override them.

    Returns
    -------
    test_class : type
        The registered subclass of causal-learn's ``CIT_Base``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mine import register_causal_learn_test
    >>> test_class = register_causal_learn_test(
    ...     "mine_quick", n_permutations=19, random_state=0)
    >>> rng = np.random.RandomState(0)
    >>> z = rng.standard_normal(300)
    >>> data = np.column_stack([z + 0.5 * rng.standard_normal(300),
    ...                         z + 0.5 * rng.standard_normal(300), z])
    >>> from causallearn.utils.cit import CIT
    >>> test = CIT(data, "mine_quick")
    >>> 0.0 < test(0, 1, [2]) <= 1.0
    True
    """
    try:
        from causallearn.utils.cit import CIT_Base, register_ci_test
    except ImportError as exc:
        raise ImportError(
            "register_causal_learn_test needs causal-learn: pip install causal-learn"
        ) from exc

    class MINEConditionalTest(CIT_Base):
        """:func:`conditional_independence_test` behind causal-learn's CI-test API."""

        def __init__(self, data, cache_path=None, **kwargs):
            super().__init__(data, cache_path=cache_path)
            self.params = params | kwargs
            # causal-learn refuses a cache written with other parameters.
            key = json.dumps(self.params, sort_keys=True, default=repr)
            self.check_cache_method_consistent(name, key)
            self.assert_input_data_is_valid()

        def __call__(self, X, Y, condition_set=None):
            Xs, Ys, conditioning, key = self.get_formatted_XYZ_and_cachekey(
                X, Y, condition_set
            )
            if key not in self.pvalue_cache:
                x, y = self.data[:, Xs], self.data[:, Ys[0]]
                if conditioning:
                    z = self.data[:, conditioning]
                    result = conditional_independence_test(x, y, z, **self.params)
                else:
                    # The unconditional test takes no neighbourhood.
                    params = {
                        k: v for k, v in self.params.items() if k != "n_neighbors"
                    }
                    result = independence_test(x, y, method="permutation", **params)
                self.pvalue_cache[key] = result.pvalue
            return self.pvalue_cache[key]

    MINEConditionalTest.__name__ = MINEConditionalTest.__qualname__ = (
        "MINEConditionalTest"
    )
    register_ci_test(name, MINEConditionalTest)
    return MINEConditionalTest
