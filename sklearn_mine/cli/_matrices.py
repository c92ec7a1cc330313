"""A table's checked columns as the numeric arrays the public face takes.

``codes_matrix`` and ``target_values`` feed ``mutual_info_mine``, which encodes
discrete columns itself; ``to_matrix`` feeds the estimator and the tests of
independence, which take discrete columns one-hot encoded.
"""

import numpy as np

from ._errors import InputError, first_line

__all__ = ["codes_matrix", "target_values", "to_matrix"]


def _discrete_codes(series):
    """Integer codes of a discrete column, in the order of its sorted values."""
    from .._utils.encoding import ordinal_codes

    try:
        return ordinal_codes(series.to_numpy(), f"column {series.name!r}")
    except ValueError as exc:
        raise InputError(first_line(exc)) from exc


def codes_matrix(frame, names, kinds):
    """The columns ``names`` as floats, discrete ones as codes; and which are.

    For ``mutual_info_mine``, which one-hot encodes the discrete ones itself.
    """
    discrete = np.array([kinds[name] == "discrete" for name in names])
    X = np.column_stack(
        [
            _discrete_codes(frame[name])
            if kinds[name] == "discrete"
            else frame[name].to_numpy(dtype=np.float64)
            for name in names
        ]
    ).astype(np.float64)
    return X, discrete


def target_values(frame, targets, kinds):
    """The target(s) as floats, or one discrete column's codes; and which."""
    discrete = [name for name in targets if kinds[name] == "discrete"]
    if discrete and len(targets) > 1:
        raise InputError(
            f"target column {discrete[0]!r} is categorical: with several "
            "targets each must be numeric (or use --joint, or a single target)"
        )
    if discrete:
        return _discrete_codes(frame[targets[0]]), True
    y = frame[targets].to_numpy(dtype=np.float64)
    return (y[:, 0] if len(targets) == 1 else y), False


def to_matrix(frame, names, kinds):
    """Numeric matrix of the columns ``names``, discrete ones one-hot encoded."""
    from .._utils.encoding import one_hot

    blocks = []
    for name in names:
        if kinds[name] == "discrete":
            # One indicator column per category: the critic must see the
            # categories as such, not their codes as numbers.
            try:
                blocks.append(one_hot(frame[name].to_numpy(), f"column {name!r}"))
            except ValueError as exc:
                raise InputError(first_line(exc)) from exc
        else:
            blocks.append(frame[[name]].to_numpy(dtype=np.float64))
    return np.hstack(blocks).astype(np.float64)
