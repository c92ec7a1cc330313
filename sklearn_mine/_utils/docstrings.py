"""Docstrings' Parameters sections, completed from the table of parameters.

A public docstring documents its entry point's own parameters; the training
parameters' entries are written once, in
:mod:`sklearn_mine._utils.parameters`, and inserted here in the order of
the signature, as numpydoc's validation asks.
"""

import inspect
import re

from .parameters import PARAMETERS, description, names

__all__ = ["with_pairs_doc", "with_parameters_doc", "with_training_parameters"]

# The parameters of mutual_info_mine's two docstrings that are not training
# parameters, and their Returns section.
_PARAMETERS_DOC = """
    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Feature matrix.
    y : array-like of shape (n_samples,)Y_SHAPE
        Y_DOC
    Z : array-like of shape (n_samples,) or (n_samples, n_conditioning), \
default=None
        Conditioning variables, row by row with X: each feature's
        conditional mutual information :math:`I(X_j; y \\mid Z)` is estimated
        instead, by the chain rule :math:`I([X_j, Z]; y) - I(Z; y)` (each
        feature's critic reads Z's columns beside its own, and one more
        critic reads Z's alone; ``docs/conditional.md``). Z's columns are
        continuous. With ``return_pvalues=True``, each feature's copies are
        permuted within its 5 nearest neighbours in Z, as
        :func:`conditional_independence_test` does: a test of
        :math:`X_j \\perp y \\mid Z`, whose two p-values combine as
        that test's do (Westfall and Young's min-p over the critics'
        pairings, not Bonferroni's twice the smaller).
    discrete_features : {'auto', bool, array-like}, default='auto'
        If bool, whether all features are discrete or all continuous. If
        array, a boolean mask of shape (n_features,) or the indices of the
        discrete features. 'auto' is False for dense X and True for sparse X.
        Discrete features are one-hot encoded: their values are categories,
        never numbers.
    copy : bool, default=True
        Kept for the signature of scikit-learn's function: X is never
        modified, whatever its value.
    random_state : int, RandomState instance or None, default=None
        Seeds the held-out split, the critics' initial weights and the batches.
        An int gives the same result on every call, for any ``n_jobs``, and
        the same value for a feature whichever other columns are passed
        beside it (up to float32 rounding): every critic starts from the same
        seed and stops on its own.
    n_jobs : int, default=None
        Number of jobs the feature groups are split across, through joblib
        (so any joblib backend, such as dask or ray, can run them). ``None``
        means 1 unless in a :func:`joblib.parallel_backend` context.
    groups : array-like of shape (n_features,), default=None
        A group label per feature; one MI is estimated per group, between the
        group's features jointly and y, in the sorted order of the labels.
        ``None`` puts each feature in a group of its own.
    return_std : bool, default=False
        Whether to return each estimate's standard error too.
    return_pvalues : bool, default=False
        Whether to return each feature's (each group's) p-value of
        independence from y too, so that the function serves
        :class:`~sklearn.feature_selection.SelectFdr`,
        :class:`~sklearn.feature_selection.SelectFpr` and
        :class:`~sklearn.feature_selection.SelectFwe` (through
        :func:`functools.partial`). Each p-value is that of an exact
        permutation test (see ``docs/testing.md``): the features enter as
        the normal scores of their ranks (ties broken at random), and
        ``n_permutations`` permuted score vectors, shared by all features of
        one column, train beside them in the same grouped network. A
        feature's critic statistic is ranked among its permuted copies';
        its Gaussian-copula MI, and that of its scores with their squares,
        among 1999 permutations of their own (min-p of the two); the p-value
        is twice the smaller (Bonferroni). Each p-value is valid on its own,
        at any sample size; the estimates are then those of the ranks.
    n_permutations : int, default=99
        With ``return_pvalues=True``: the permuted copies, each a critic.
        A feature that only its critic finds has a p-value of at least
        ``2 / (1 + n_permutations)`` (given Z, ``1 / (1 + n_permutations)``),
        one that a closed-form statistic finds at least 0.001.
        Benjamini-Hochberg at level ``q`` over ``m`` features selects ``k``
        of them only if their p-values are at most ``q * k / m``: for
        features only the critics find, raise
        ``n_permutations`` as ``m / (q * k)`` grows.
    critic : {"auto", "concat", "convex"}, default="auto"
        ``"concat"``: each feature's critic is an MLP on ``[x_j, y]``,
        trained by gradient steps with the training parameters below.
        ``"convex"``: a linear readout of fixed random Fourier features of
        ``[x_j, y]`` and of their coordinates' products, solved by a few
        Newton steps on the Donsker-Varadhan bound (concave in the readout),
        its ridge chosen by the held-out bound; the training parameters
        below then do not apply, but ``validation_fraction``,
        ``preprocessing`` and ``device``, and one of them set to other than
        its default is refused. Many times faster, as accurate on smooth
        dependence, less on sharp or high-frequency dependence
        (``docs/convex.md``). ``"auto"``, with every training parameter
        below at its default: ``"convex"`` with ``return_pvalues=True``
        (the tests' critics: the same selections at a fifth of the time,
        ``docs/testing.md``), and for a discrete target of at most 5
        classes and 15,000 rows times classes
        (:func:`mutual_info_mine_classif`: as good a ranking at a fifth of
        the time or less on a thousand rows); ``"concat"`` otherwise.

    Returns
    -------
    mi : ndarray of shape (n_features,) or (n_groups,)
        Estimated mutual information between each feature (or group) and the
        target, in nats. A negative estimate is replaced by 0.
    std : ndarray of shape (n_features,) or (n_groups,)
        Only with ``return_std=True``: the standard error of each estimate,
        by the delta method over draws of the held-out pairs, as
        :class:`MINEEstimator`'s ``standard_error_`` (0 for a constant
        feature). A rerun with another ``random_state`` moves an estimate by
        about this much or less (see ``docs/uncertainty.md``).
    pvalues : ndarray of shape (n_features,) or (n_groups,)
        Only with ``return_pvalues=True``: each feature's (group's) p-value
        of independence from y, in ``[0.001, 1]`` (1 for a constant
        feature).
"""

_INDENT = " " * 4
_HEADER = f"{_INDENT}Parameters\n{_INDENT}----------\n"
# The end of a section: a blank line before the next header and its dashes.
_NEXT_SECTION = re.compile(rf"\n(?=\n{_INDENT}\S[^\n]*\n{_INDENT}-+\n)")


def _entry(name, entry_point):
    """The numpydoc entry of a training parameter at ``entry_point``."""
    type_line, text = description(name, entry_point)
    body = "".join(f"{2 * _INDENT}{line}\n" for line in text.splitlines())
    return f"{_INDENT}{name} : {type_line}\n{body}"


def _split_entries(section):
    """A Parameters section's entries, by parameter name, in order."""
    entries = {}
    for line in section.splitlines(keepends=True):
        if line.startswith(_INDENT) and not line[len(_INDENT)].isspace():
            name = line.split(" : ")[0].strip()
            entries[name] = ""
        entries[name] += line
    return entries


def fill_training_parameters(doc, entry_point, signature):
    """``doc`` with the training parameters of ``signature`` documented.

    Their entries join those of the docstring's Parameters section, all in
    the order of ``signature``; an entry the docstring writes itself for a
    training parameter is refused, as it would be a second copy.
    """
    start = doc.index(_HEADER) + len(_HEADER)
    match = _NEXT_SECTION.search(doc, start)
    end = match.start() + 1 if match else len(doc)
    entries = _split_entries(doc[start:end])
    copies = set(entries) & set(PARAMETERS)
    if copies:
        raise ValueError(f"{sorted(copies)} are documented in the table of parameters")
    training = set(names(entry_point))
    for name in signature.parameters:
        if name in training:
            entries[name] = _entry(name, entry_point)
    order = list(signature.parameters)
    # Entries of names the signature lacks ("x_scaler_, y_scaler_") go last,
    # for numpydoc's validation to report.
    ordered = sorted(
        entries, key=lambda name: order.index(name) if name in order else len(order)
    )
    return doc[:start] + "".join(entries[name] for name in ordered) + doc[end:]


def with_training_parameters(entry_point):
    """Complete a class's or function's Parameters section from the table."""

    def decorate(obj):
        obj.__doc__ = fill_training_parameters(
            obj.__doc__, entry_point, inspect.signature(obj)
        )
        return obj

    return decorate


def with_parameters_doc(y_shape, y_doc):
    """Fill a docstring's ``{parameters}`` line with the per-feature section.

    The section of the parameters that are not training parameters (shared
    by mutual_info_mine's two docstrings), then the training parameters of
    the function, named by its ``__name__``, from the table. ``y_shape``
    completes the shape of y and ``y_doc`` describes it.
    """

    def decorate(func):
        section = (
            _PARAMETERS_DOC.replace("Y_SHAPE", y_shape)
            .replace("Y_DOC", y_doc)
            .lstrip("\n")
        )
        func.__doc__ = func.__doc__.replace(f"{_INDENT}{{parameters}}\n", section)
        return with_training_parameters(func.__name__)(func)

    return decorate


# X and y of every method and function that takes paired samples.
_PAIRS_DOC = """\
X : array-like of shape (n_samples, n_features)
    Samples of the first variable.
y : array-like of shape (n_samples,) or (n_samples, n_targets)
    Samples of the second variable, paired row by row with X.
"""

# Z of MINEEstimator's methods, which take a conditioning variable beside
# the pairs.
_CONDITIONING_DOC = """\
Z : array-like of shape (n_samples,) or (n_samples, n_conditioning), \
default=None
    Samples of the conditioning variable, row by row with X and y. The
    fitted estimator's ``score`` and ``pointwise_mutual_info`` need it
    exactly when ``fit`` was given one.
"""

_PAIRS_LINE = re.compile(r"^( *)\{pairs\}\n", re.M)
_CONDITIONING_LINE = re.compile(r"^( *)\{conditioning\}\n", re.M)


def _filler(doc):
    def entries(match):
        indent = match.group(1)
        return "".join(indent + line + "\n" for line in doc.splitlines())

    return entries


def with_pairs_doc(func):
    """Fill a docstring's ``{pairs}`` line with the entries of X and y.

    A ``{conditioning}`` line, where there is one, gets the entry of Z.
    """
    func.__doc__, count = _PAIRS_LINE.subn(_filler(_PAIRS_DOC), func.__doc__)
    if count != 1:
        raise ValueError(f"{func.__qualname__}'s docstring has no {{pairs}} line.")
    func.__doc__ = _CONDITIONING_LINE.sub(_filler(_CONDITIONING_DOC), func.__doc__)
    return func
