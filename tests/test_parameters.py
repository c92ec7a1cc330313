"""Every entry point's signature and docstring agree with the table of parameters.

The training parameters are written in four signatures (MINEEstimator,
mutual_info_mine, mutual_info_mine_classif, MutualInfoSelector), each with
its own defaults; sklearn_mine._utils.parameters says what they must be.
"""

import ast
import inspect
import pydoc
import re

import pytest
import torch
from numpydoc.docscrape import NumpyDocString
from sklearn.utils._param_validation import validate_parameter_constraints

import sklearn_mine
from sklearn_mine._utils.parameters import (
    ENTRY_POINTS,
    PARAMETERS,
    constraints,
    default,
    names,
)

# Each entry point's parameters that are not training parameters. A name in
# a signature that is in neither this nor the table is a training parameter
# the table lacks.
OWN = {
    "MINEEstimator": {
        "critic",
        "reference",
        "radial_features",
        "callbacks",
        "compile",
        "random_state",
    },
    "mutual_info_mine": {
        "X",
        "y",
        "Z",
        "discrete_features",
        "copy",
        "random_state",
        "n_jobs",
        "groups",
        "return_std",
        "return_pvalues",
        "n_permutations",
        "critic",
    },
    "MutualInfoSelector": {
        "n_features_to_select",
        "direction",
        "min_features_to_select",
        "tol",
        "confidence_level",
        "discrete_features",
        "discrete_target",
        "interactions",
        "random_state",
        "n_jobs",
        "cv",
        "critic",
    },
}
OWN["mutual_info_mine_classif"] = OWN["mutual_info_mine"]


def _same(a, b):
    """Equal and of one type: 5 is not 5.0, 0 is not False."""
    return type(a) is type(b) and (a is b or a == b)


def _read_default(text):
    """The value a docstring's ``default=...`` names."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = pydoc.locate(text)
        if value is None:
            raise ValueError(f"cannot read default={text}") from None
        return value


def signature_problems(entry_point, signature):
    """What in ``signature`` disagrees with the table, as sentences."""
    problems = []
    training = names(entry_point)
    for name, parameter in signature.parameters.items():
        if name not in training and name not in OWN[entry_point]:
            problems.append(f"{name} is in the signature but not in the table")
        elif name in training and not _same(
            parameter.default, default(name, entry_point)
        ):
            problems.append(
                f"{name}={parameter.default!r} in the signature, "
                f"{default(name, entry_point)!r} in the table"
            )
    for name in training:
        if name not in signature.parameters:
            problems.append(f"{name} is in the table but not in the signature")
    return problems


def docstring_problems(entry_point, doc):
    """What in ``doc``'s Parameters section disagrees with the table."""
    documented = {p.name: p.type for p in NumpyDocString(doc)["Parameters"]}
    problems = []
    for name in names(entry_point):
        if name not in documented:
            problems.append(f"{name} is not documented")
            continue
        type_line = " ".join(documented[name].split())
        match = re.fullmatch(r"(.*), default=(.*)", type_line)
        if match is None:
            problems.append(f"{name} : {type_line} gives no default")
            continue
        type_, shown = match.groups()
        if type_ != PARAMETERS[name].type:
            problems.append(f"{name} : {type_} against {PARAMETERS[name].type}")
        try:
            value = _read_default(shown)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if not _same(value, default(name, entry_point)):
            problems.append(
                f"{name} : default={shown} in the docstring, "
                f"{default(name, entry_point)!r} in the table"
            )
    return problems


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_signature_agrees_with_the_table(entry_point):
    obj = getattr(sklearn_mine, entry_point)
    assert signature_problems(entry_point, inspect.signature(obj)) == []


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_docstring_agrees_with_the_table(entry_point):
    obj = getattr(sklearn_mine, entry_point)
    assert docstring_problems(entry_point, inspect.getdoc(obj)) == []


def _constraints_of(entry_point):
    if entry_point in ("MINEEstimator", "MutualInfoSelector"):
        return getattr(sklearn_mine, entry_point)._parameter_constraints
    from sklearn_mine._mutual_info import _CONSTRAINTS

    return _CONSTRAINTS


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_constraints_come_from_the_table(entry_point):
    validated = _constraints_of(entry_point)
    table = constraints(entry_point)
    assert {name: validated.get(name) for name in table} == table


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_defaults_meet_their_constraints(entry_point):
    values = {name: default(name, entry_point) for name in names(entry_point)}
    validate_parameter_constraints(constraints(entry_point), values, entry_point)


def test_the_optimizer_default_is_torchs_adam():
    # The table names it by its path, so that it does not import torch.
    assert default("optimizer", "mutual_info_mine") is torch.optim.Adam


def test_the_checks_see_a_changed_default_and_an_unknown_parameter():
    # The checks above must be able to fail: mutual_info_mine's signature
    # with patience=7, and a training parameter the table lacks.
    signature = inspect.signature(sklearn_mine.mutual_info_mine)
    changed = signature.replace(
        parameters=[
            p.replace(default=7) if p.name == "patience" else p
            for p in signature.parameters.values()
        ]
        + [inspect.Parameter("momentum", inspect.Parameter.KEYWORD_ONLY, default=0.9)]
    )
    assert signature_problems("mutual_info_mine", changed) == [
        "patience=7 in the signature, 6 in the table",
        "momentum is in the signature but not in the table",
    ]
    doc = inspect.getdoc(sklearn_mine.mutual_info_mine).replace(
        "patience : int or None, default=6", "patience : int or None, default=7"
    )
    assert docstring_problems("mutual_info_mine", doc) == [
        "patience : default=7 in the docstring, 6 in the table"
    ]
