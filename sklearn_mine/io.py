"""Saving and loading a fitted MINEEstimator without running arbitrary code.

Pickle (and joblib) round trips work, but unpickling a file runs whatever
code it names: never load a pickle you did not write. :func:`dump` writes a
zip archive of JSON (parameters and fitted values) and tensors (the critic's
weights and the preprocessing), and :func:`load` reads it back with
``torch.load(weights_only=True)``, whose unpickler only rebuilds tensors and
plain containers. Loading such a file cannot execute code.
"""

import io
import json
import os
import zipfile
from typing import IO

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._engine.persistence import FITTED_VALUES, net_state, restore_net
from ._engine.readout import lower_confidence_bound
from ._estimator import MINEEstimator
from ._utils.preprocessing import NormalScores

__all__ = ["dump", "load"]

# Bumped when the layout of the archive changes; load refuses what it does
# not know. Version 2 saves the optimizer by name and the seed of score;
# version 1 files are read with the parameters renamed in 0.2.
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)

# Parameters renamed in 0.2, by their old names. Their aliases were removed
# in 0.4, but files written before then still hold them: set in version 1
# files, "deprecated" in version 2 files.
_RENAMED = {"ema_rate": "denominator_ema_rate", "averaging_rate": "weight_ema_rate"}

# The member of an estimator fitted with Z that holds its conditioning
# estimator, itself a file of this format.
_CONDITIONING = "conditioning.zip"


def _scaler_state(scaler, prefix):
    if isinstance(scaler, NormalScores):
        arrays = {"quantiles_": scaler.quantiles_, "scores_": scaler.scores_}
    else:
        arrays = {"mean_": scaler.mean_, "scale_": scaler.scale_}
    return {f"{prefix}.{k}": torch.as_tensor(np.asarray(v)) for k, v in arrays.items()}


def _restore_scaler(kind, tensors, prefix, n_features):
    scaler = NormalScores() if kind == "quantile" else StandardScaler()
    for key, value in tensors.items():
        if key.startswith(prefix + "."):
            setattr(scaler, key[len(prefix) + 1 :], value.numpy())
    scaler.n_features_in_ = n_features
    return scaler


def _optimizer_name(optimizer):
    # A class is code, which the archive does not hold: only torch's own
    # optimizers are saved, by name, and looked up again in torch.optim.
    name = getattr(optimizer, "__name__", None)
    if getattr(torch.optim, str(name), None) is not optimizer:
        raise ValueError(
            f"optimizer={optimizer!r} is not one of torch.optim's optimizers, "
            "which are the only ones dump can save; use pickle for others."
        )
    return name


def _params(fitted):
    """The estimator's parameters from a file, renamed ones updated."""
    params = dict(fitted["params"])
    for old, new in _RENAMED.items():
        value = params.pop(old, "deprecated")
        if not isinstance(value, str):
            params[new] = value
    name = params.get("optimizer", "Adam")
    optimizer = getattr(torch.optim, str(name), None)
    if not (
        isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
    ):
        raise ValueError(f"The file names an unknown optimizer {name!r}.")
    params["optimizer"] = optimizer
    # Critics saved before radial features were added had none.
    params.setdefault("radial_features", False)
    return params


def _plain(value):
    return int(value) if isinstance(value, np.integer) else value


def _to_json(value):
    """A fitted value as JSON holds it: tuples as lists, arrays as lists."""
    if isinstance(value, dict):
        return {k: np.asarray(v).tolist() for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return _plain(value)


def _from_json(value):
    """The inverse of :func:`_to_json` for the kinds of value it writes."""
    if isinstance(value, dict):
        return {k: np.asarray(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(value)
    return value


def dump(estimator: MINEEstimator, file: str | os.PathLike | IO[bytes]) -> None:
    """Write a fitted :class:`~sklearn_mine.MINEEstimator` to ``file``.

    Parameters
    ----------
    estimator : MINEEstimator
        A fitted estimator. Its ``callbacks`` are not saved (they are code);
        the loaded estimator has ``callbacks=None``.
    file : str, path-like or binary file object
        Where the zip archive is written.

    See Also
    --------
    load : Read it back.

    Examples
    --------
    >>> import io
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine.datasets import make_gaussian
    >>> from sklearn_mine.io import dump, load
    >>> X, y, _ = make_gaussian(500, random_state=0)
    >>> est = MINEEstimator(max_steps=200, random_state=0).fit(X, y)
    >>> buffer = io.BytesIO()
    >>> dump(est, buffer)
    >>> _ = buffer.seek(0)
    >>> load(buffer).score(X, y) == est.score(X, y)
    True
    """
    if not isinstance(estimator, MINEEstimator):
        raise TypeError(
            f"dump saves a MINEEstimator; got {type(estimator).__name__}. Use "
            "pickle or joblib for other objects."
        )
    check_is_fitted(estimator)
    params = estimator.get_params()
    params["callbacks"] = None
    params["optimizer"] = _optimizer_name(params["optimizer"])
    if not isinstance(params["random_state"], (int, np.integer, type(None))):
        # A RandomState instance is state, not a parameter that JSON holds;
        # score() with it was not reproducible anyway.
        params["random_state"] = None
    else:
        params["random_state"] = _plain(params["random_state"])
    net_fields, critic, reference = net_state(estimator.net_)
    fitted = {
        "format_version": FORMAT_VERSION,
        "params": params,
        **net_fields,
        "n_targets": int(estimator.y_scaler_.n_features_in_),
    }
    for name in FITTED_VALUES:
        fitted[name] = _to_json(getattr(estimator, name))
    if hasattr(estimator, "feature_names_in_"):
        fitted["feature_names_in_"] = [str(n) for n in estimator.feature_names_in_]
    # In the order files have always had: the critic first, the reference
    # distribution last.
    tensors = dict(critic)
    tensors.update(_scaler_state(estimator.x_scaler_, "x_scaler"))
    tensors.update(_scaler_state(estimator.y_scaler_, "y_scaler"))
    tensors["log_normalizer"] = estimator.log_normalizer_.detach().cpu()
    if estimator.y_reference_ is not None:
        tensors["y_reference"] = estimator.y_reference_.detach().cpu()
    tensors.update(reference)
    weights = io.BytesIO()
    torch.save(tensors, weights)
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("estimator.json", json.dumps(fitted))
        archive.writestr("tensors.pt", weights.getvalue())
        if estimator.conditioning_estimator_ is not None:
            # Fitted with Z: the chain rule's second fit, an archive of its own.
            conditioning = io.BytesIO()
            dump(estimator.conditioning_estimator_, conditioning)
            archive.writestr(_CONDITIONING, conditioning.getvalue())


def load(file: str | os.PathLike | IO[bytes], device: str = "cpu") -> MINEEstimator:
    """Read a :class:`~sklearn_mine.MINEEstimator` written by :func:`dump`.

    Only JSON and tensors are read (``torch.load(weights_only=True)``): a
    file from an untrusted source cannot run code, though it can of course
    hold a poor critic.

    Parameters
    ----------
    file : str, path-like or binary file object
        The zip archive.
    device : {"cpu", "cuda"}, default="cpu"
        Where the critic is loaded.

    Returns
    -------
    estimator : MINEEstimator
        Fitted: ``score``, ``pointwise_mutual_info`` and the fitted attributes
        are those of the saved estimator. Its ``net_`` has no training history
        (``history_`` keeps it) and cannot be trained further.

    See Also
    --------
    dump : Write the file.

    Examples
    --------
    >>> import io
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine.datasets import make_gaussian
    >>> from sklearn_mine.io import dump, load
    >>> X, y, _ = make_gaussian(500, random_state=0)
    >>> est = MINEEstimator(max_steps=200, random_state=0).fit(X, y)
    >>> buffer = io.BytesIO()
    >>> dump(est, buffer)
    >>> _ = buffer.seek(0)
    >>> loaded = load(buffer)
    >>> loaded.mutual_info_ == est.mutual_info_
    True
    """
    try:
        with zipfile.ZipFile(file) as archive:
            fitted = json.loads(archive.read("estimator.json"))
            weights = archive.read("tensors.pt")
            conditioning = None
            if _CONDITIONING in archive.namelist():
                conditioning = io.BytesIO(archive.read(_CONDITIONING))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"Not a file written by sklearn_mine.io.dump: {exc}") from exc
    if fitted.get("format_version") not in _READABLE_VERSIONS:
        raise ValueError(
            f"Unknown format version {fitted.get('format_version')!r}; this "
            f"sklearn_mine reads versions {_READABLE_VERSIONS}."
        )
    tensors = torch.load(io.BytesIO(weights), map_location=device, weights_only=True)

    estimator = MINEEstimator(**_params(fitted))
    estimator.device_ = device
    # Files of version 1 predate the seed of score (it was drawn from
    # random_state at each call, which a fixed seed now replaces) and, before
    # "auto", trained with the reference they name.
    fitted.setdefault("score_seed_", 0)
    fitted.setdefault("reference_", estimator.reference)
    # Files written before 0.4 lack the lower confidence bound, a function of
    # two values they hold.
    fitted.setdefault(
        "lower_confidence_bound_",
        lower_confidence_bound(fitted["mutual_info_"], fitted["standard_error_"]),
    )
    # Files written before 0.4 hold estimators fitted without Z.
    fitted.setdefault("n_conditioning_features_", 0)
    for name in FITTED_VALUES:
        setattr(estimator, name, _from_json(fitted[name]))
    estimator.conditioning_estimator_ = (
        None if conditioning is None else load(conditioning, device)
    )
    estimator.net_ = restore_net(estimator, fitted, tensors)
    estimator.critic_ = estimator.net_.module_
    kind = fitted["params"]["preprocessing"]
    estimator.x_scaler_ = _restore_scaler(
        kind,
        tensors,
        "x_scaler",
        fitted["n_features_in_"] + fitted["n_conditioning_features_"],
    )
    estimator.y_scaler_ = _restore_scaler(
        kind, tensors, "y_scaler", fitted["n_targets"]
    )
    estimator.log_normalizer_ = tensors["log_normalizer"]
    estimator.y_reference_ = tensors.get("y_reference")
    if "feature_names_in_" in fitted:
        estimator.feature_names_in_ = np.asarray(
            fitted["feature_names_in_"], dtype=object
        )
    return estimator
