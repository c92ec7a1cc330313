"""Checks, seeding, device and split helpers that every other room shares.

The lowest room of the package: it imports nothing of sklearn_mine's but the
torch-free constants and parameter table, so the estimator, the per-feature
function and the command line all import it downward.
"""

import math

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data

from . import parameters
from .constants import MAX_CONVEX_CLASS_ROWS, MAX_CONVEX_CLASSES, MIN_SAMPLES
from .parameters import constraints
from .stack import warn

__all__ = [
    "CONVEX_TRAINING",
    "GROUPED_CONSTRAINTS",
    "GROUPED_CRITICS",
    "TRAINING_CONSTRAINTS",
    "check_conditioning",
    "check_conditioning_form",
    "check_critic_combination",
    "check_marginal_batch_size",
    "check_n_neighbors",
    "check_not_constant",
    "check_numeric_columns",
    "class_critic",
    "constant_columns",
    "convex_for_classes",
    "draw_seed",
    "changed_mlp_training",
    "mlp_training",
    "per_feature_critic",
    "refuse_convex_with_mlp_training",
    "resolve_device",
    "split_indices",
    "validate_pairs",
]

# Held-out pairs beyond this many would make every epoch's evaluation grow
# with n, while the estimate's sampling error (about 1/sqrt(n) nats) is
# already below its optimisation error; the remaining pairs train the critic.
MAX_VALID = 50_000

# The constraints of MINEEstimator's training parameters, and of those of
# the grouped critics of mutual_info_mine (which MutualInfoSelector shares,
# less the renamed ones), from the one table of sklearn_mine._utils.parameters.
TRAINING_CONSTRAINTS = constraints("MINEEstimator")
GROUPED_CONSTRAINTS = constraints("mutual_info_mine")
# The critics of the per-group body (mutual_info_mine and the retraining
# tests): an MLP trained by gradient steps, or a random-feature critic solved
# by Newton's method (docs/convex.md).
GROUPED_CRITICS = ("concat", "convex")
# Of mutual_info_mine's training parameters, those a convex critic reads; the
# others shape the MLP and its gradient steps.
CONVEX_TRAINING = ("validation_fraction", "preprocessing", "device")


def mlp_training(names):
    """Of ``names``, those of training parameters only the MLP critics
    read, sorted (``verbose`` changes no result, so it is not one)."""
    grouped = parameters.names("mutual_info_mine")
    return sorted(set(names) & set(grouped) - {*CONVEX_TRAINING, "verbose"})


def changed_mlp_training(params, entry_point):
    """Of ``params`` (training parameters by name), those only the MLP
    critics read that are set to other than ``entry_point``'s default,
    sorted: what a convex critic would silently ignore."""
    return [
        name
        for name in mlp_training(params)
        if params[name] != parameters.default(name, entry_point)
    ]


def per_feature_critic(
    critic,
    return_pvalues,
    params,
    caller,
    classes=False,
    entry_point="mutual_info_mine",
):
    """The per-feature functions' critic, and the tests' (a test's p-value is
    one group's): ``"auto"`` resolved, and a convex critic beside MLP
    training settings other than their defaults refused.

    ``"auto"``, with every MLP training setting at its default: where the
    call asks for p-values (each feature's exact permutation test, as
    :func:`independence_test`'s), the tests' convex critics, as accurate a
    test at a fraction of the time; for a discrete target's estimates
    (``classes``), ``"auto"`` is left for :func:`class_critic` once the
    classes are counted; otherwise the MLP critics, whose estimates read
    sharp dependence closer (docs/convex.md). With an MLP setting changed,
    the MLP critics. ``params``: the call's training parameters, by name;
    ``entry_point``: whose defaults they are compared with.
    """
    mlp = changed_mlp_training(params, entry_point)
    if critic == "auto":
        if mlp or not (return_pvalues or classes):
            return "concat"
        return "convex" if return_pvalues else "auto"
    if critic == "convex" and mlp:
        refuse_convex_with_mlp_training(caller, mlp)
    return critic


def convex_for_classes(n_classes, n_rows):
    """A discrete target's critic for ``"auto"``, by its classes and rows.

    The convex critics, for at most ``MAX_CONVEX_CLASSES`` (5) classes and
    ``MAX_CONVEX_CLASS_ROWS`` (15,000) rows times classes: as good a
    ranking as the MLP critics' and a closer estimate of a class's MI, at
    a fifth to an eighth of their time on a thousand rows. Their map holds
    each feature's terms times each class, and their pairs are the rows
    times the classes, so their cost grows with both, where the MLP
    critics' budget of steps does not: they cost the same near 10,000 rows
    of two classes, 4,500 of three and 3,000 of five, and 1.5 times as
    much at ten classes on a thousand rows (docs/convex.md, "A discrete
    target").
    """
    few = n_classes <= MAX_CONVEX_CLASSES
    return "convex" if few and n_rows * n_classes <= MAX_CONVEX_CLASS_ROWS else "concat"


def class_critic(critic, y):
    """``critic``, with :func:`per_feature_critic`'s ``"auto"`` for a
    discrete target ``y`` resolved by its classes and rows
    (:func:`convex_for_classes`)."""
    if critic != "auto":
        return critic
    return convex_for_classes(len(np.unique(y)), len(y))


def refuse_convex_with_mlp_training(caller, mlp):
    """A convex critic asked for beside MLP training parameters ``mlp``:
    Newton's method reads none of them, so they are refused, not ignored."""
    raise ValueError(
        f"{caller} got critic='convex' with {mlp}: those train the MLP "
        "critics of critic='concat'; a convex critic reads only "
        f"{list(CONVEX_TRAINING)}."
    )


def resolve_device(device):
    """``"cpu"`` or ``"cuda"``: ``"auto"`` resolved, a missing GPU refused."""
    # Imported here so that the command line parses without loading torch.
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was requested but CUDA is not available.")
    return device


def draw_seed(rng):
    """An int seed drawn from a ``numpy.random.RandomState``."""
    return int(rng.randint(np.iinfo(np.int32).max))


def constant_columns(data):
    """Boolean mask of the columns of ``data`` that hold one value only."""
    data = np.asarray(data)
    return np.all(data == data[:1], axis=0)


def check_not_constant(data, name):
    """Refuse all-constant data; warn about each constant column.

    Constant data carry no information: there is nothing for a critic to
    learn, and any estimate but 0 would be noise.
    """
    constant = constant_columns(data)
    if constant.all():
        value = np.asarray(data)[0].tolist()
        value = value[0] if len(value) == 1 else value
        raise ValueError(
            f"{name} is constant: it holds {value!r} in every row. Its mutual "
            "information with anything is 0, and there is nothing for a critic "
            "to learn."
        )
    for column in np.flatnonzero(constant):
        warn(f"column {column} of {name} is constant: it carries no information.")


def split_indices(n, validation_fraction, rng):
    """Random training and held-out row indices.

    At least two pairs are held out and at least two kept for training; at
    most ``MAX_VALID`` are held out. The held-out rows are the last of one
    permutation drawn from ``rng``. (scikit-learn's ``ShuffleSplit`` takes the
    test rows from the front of its permutation: the same seed would give
    another split, and every seeded result would change with it.)
    """
    n_valid = min(max(2, math.ceil(validation_fraction * n)), MAX_VALID)
    n_train = n - n_valid
    if n_train < 2:
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves {n_train} of {n} "
            "samples for training; lower it."
        )
    order = rng.permutation(n)
    return order[:n_train], order[n_train:]


def check_marginal_batch_size(marginal_batch_size, batch_size, replace, n_train):
    """The marginal pairs per step, checked against the training pairs."""
    size = marginal_batch_size or min(batch_size, n_train)
    if not replace and size > n_train:
        raise ValueError(
            f"marginal_batch_size={size} exceeds the {n_train} training pairs, "
            "which is impossible without replacement; set replace=True or a "
            "smaller marginal_batch_size."
        )
    return size


def check_numeric_columns(X, *, discrete_features=False, input_name="X"):
    """Refuse a column of ``X`` that cannot be read as numbers, naming it.

    numpy's own error (``could not convert string to float: 'a'``) names
    neither the column nor what to do. Only columns that are not numeric
    already (text, ``category``, ``object``) are tried, so numeric input
    costs nothing; a column of numbers held as text or categories passes,
    as it would have. ``discrete_features``: whether the caller reads
    discrete features (``mutual_info_mine``), which the message then offers;
    ``input_name``: the argument ``X`` is, which the message names.
    """
    names = getattr(X, "columns", None)
    if names is not None and hasattr(X, "iloc"):
        # A DataFrame: its columns by name, the non-numeric ones only.
        columns = [
            (f"column {name!r}", X.iloc[:, j])
            for j, (name, dtype) in enumerate(zip(names, X.dtypes))
            if getattr(dtype, "kind", "O") not in "biufc"
        ]
    else:
        if issparse(X):
            return
        array = np.asarray(X)
        if array.ndim != 2 or array.dtype.kind in "biufc":
            return
        columns = [(f"column {j}", array[:, j]) for j in range(array.shape[1])]
    for label, column in columns:
        try:
            np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            remedy = (
                "ordinal-encode it (sklearn.preprocessing.OrdinalEncoder) and "
                "pass it through discrete_features as a discrete feature"
                if discrete_features
                else "encode it as numbers first (sklearn.preprocessing."
                "OrdinalEncoder or OneHotEncoder)"
            )
            # numpy's own kind of error: text is a ValueError, an object that
            # is neither text nor a number (a dict) a TypeError, as
            # scikit-learn's estimator checks expect.
            raise type(exc)(
                f"{label} of {input_name} holds values that are not numbers "
                f"({exc}); {remedy}."
            ) from None


def check_n_neighbors(n_neighbors, n_samples):
    """Refuse a neighbourhood in Z of as many rows as there are, or more.

    Such a neighbourhood holds every row: the permutation within it is no
    longer local, and the result would be that of conditioning on nothing.
    """
    if n_neighbors >= n_samples:
        raise ValueError(
            f"n_neighbors={n_neighbors} must be less than the number of rows, "
            f"{n_samples}: a neighbourhood of every row conditions on nothing; "
            "lower n_neighbors."
        )


def check_critic_combination(reference, objective, critic, marginal_batch_size):
    """Refuse the settings of MINEEstimator that cannot work together."""
    if reference not in ("resample", "auto") and objective == "infonce":
        raise ValueError(
            f"objective='infonce' scores pairs within a batch and cannot use "
            f"reference={reference!r}; use reference='resample' or 'auto'."
        )
    if critic == "convex" and (
        reference not in ("resample", "auto") or objective not in ("mine", "dv")
    ):
        raise ValueError(
            "critic='convex' is solved on the Donsker-Varadhan bound against "
            "resampled marginal pairs: it takes objective='mine' or 'dv' and "
            f"reference='resample' or 'auto', not objective={objective!r} "
            f"with reference={reference!r}."
        )
    pairwise = critic == "separable" or objective == "infonce"
    if pairwise and marginal_batch_size is not None:
        raise ValueError(
            "marginal_batch_size is unused when every pair of a batch is "
            f"scored (critic={critic!r}, objective={objective!r}); "
            "leave it None."
        )


def check_conditioning_form(Z):
    """Refuse a Z of more than two dimensions, of no columns, or of text, by name.

    scikit-learn's own errors for these (``Found array with dim 3``) name no
    argument, and Z comes beside X and y. A 1-D Z is one column.
    """
    shape = np.shape(Z)
    if len(shape) > 2:
        raise ValueError(
            f"Z has {len(shape)} dimensions (shape={shape}): it must be 1-D or "
            "2-D, one row of conditioning variables per pair."
        )
    if len(shape) == 2 and shape[1] == 0:
        raise ValueError(
            f"Z has no columns (shape={shape}): pass at least one conditioning "
            "variable, or no Z."
        )
    check_numeric_columns(
        Z if len(shape) == 2 else np.reshape(np.asarray(Z), (-1, 1)), input_name="Z"
    )


def check_conditioning(Z, n_samples, n_features=None):
    """Z as a 2-D float array of ``n_samples`` rows, or None when Z is None.

    ``n_features`` is the number of Z's columns a fitted estimator was
    fitted with (0: fitted without Z); None accepts any.
    """
    if Z is not None:
        check_conditioning_form(Z)
        Z = check_array(
            Z, dtype=[np.float64, np.float32], ensure_2d=False, input_name="Z"
        )
        Z = Z.reshape(len(Z), -1)
        if len(Z) != n_samples:
            raise ValueError(
                f"Z has {len(Z)} rows, but X and y have {n_samples}: Z must "
                "hold one row of conditioning variables per pair."
            )
    given = 0 if Z is None else Z.shape[1]
    if n_features is not None and given != n_features:
        fitted = f"with Z of {n_features} columns" if n_features else "without Z"
        passed = f"Z of {given} columns" if given else "no Z"
        raise ValueError(
            f"The estimator was fitted {fitted}, but was given {passed}: pass "
            "the same conditioning variables as in fit."
        )
    return Z


def validate_pairs(estimator, X, y, *, reset, min_samples=MIN_SAMPLES):
    """X and y of an estimator's pairs, validated as scikit-learn does.

    Returns X as float, y as a 2-D numeric array; ``reset`` as in
    :func:`sklearn.utils.validation.validate_data`.
    """
    check_numeric_columns(X)
    X, y = validate_data(
        estimator,
        X,
        y,
        reset=reset,
        multi_output=True,
        y_numeric=True,
        dtype=[np.float64, np.float32],
        ensure_min_samples=min_samples,
    )
    # y_numeric converts object arrays only: text arrays get here as text,
    # and fail with the value that cannot be read as a number.
    if y.dtype.kind not in "fiub":
        y = y.astype(np.float64)
    return X, y.reshape(len(y), -1)
