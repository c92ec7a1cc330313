"""A fitted MINEEstimator's pairs as its critic reads them, and their pointwise MI.

The estimator's ``score`` and ``pointwise_mutual_info`` read new pairs
through :func:`fitted_pairs`; callers that score the same pairs many times
over, re-paired (the split test of :func:`~sklearn_mine.independence_test`),
transform them once with :func:`critic_inputs` and read each re-pairing
with :func:`critic_pointwise_mutual_info`.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from .._utils.preprocessing import transform_rows
from .._utils.validation import check_conditioning, validate_pairs
from .batches import PairDataset
from .readout import pointwise

__all__ = [
    "critic_inputs",
    "critic_pointwise_mutual_info",
    "fitted_pairs",
    "to_tensor",
]


def to_tensor(scaler, data, device, rows=None):
    """Rows ``rows`` of ``data``, transformed by ``scaler``, as one float32 tensor."""
    return torch.as_tensor(transform_rows(scaler, data, rows), device=device)


def fitted_pairs(estimator, X, y, Z=None):
    """Validated pairs as a fitted estimator's critic reads them.

    ``X`` and ``y`` are validated already; ``Z`` is checked against the
    columns ``fit`` saw and joins X's columns. Returns a
    :class:`~sklearn_mine._engine.batches.PairDataset` of float32 tensors on
    ``device_``, transformed by ``x_scaler_`` and ``y_scaler_``.
    """
    Z = check_conditioning(Z, len(X), estimator.n_conditioning_features_)
    X = X if Z is None else np.hstack([X, Z])
    if y.shape[1] != estimator.y_scaler_.n_features_in_:
        raise ValueError(
            f"y has {y.shape[1]} columns, but MINEEstimator was fitted with "
            f"{estimator.y_scaler_.n_features_in_}."
        )
    return PairDataset(
        to_tensor(estimator.x_scaler_, X, estimator.device_),
        to_tensor(estimator.y_scaler_, y, estimator.device_),
    )


def critic_inputs(estimator, X, y, Z=None):
    """Validate and transform pairs into the tensors a fitted critic reads.

    Parameters
    ----------
    estimator : MINEEstimator
        Fitted.
    X, y, Z : array-like
        As the estimator's ``pointwise_mutual_info`` takes them; one pair is
        enough, as each is scored on its own.

    Returns
    -------
    pairs : PairDataset
        ``pairs.x`` and ``pairs.y``, float32 tensors on ``device_``; with
        ``Z``, ``pairs.x`` holds ``[X, Z]``.
    """
    check_is_fitted(estimator)
    X, y = validate_pairs(estimator, X, y, reset=False, min_samples=1)
    return fitted_pairs(estimator, X, y, Z)


def critic_pointwise_mutual_info(estimator, pairs):
    """The fitted critic's pointwise MI of pairs from :func:`critic_inputs`.

    Parameters
    ----------
    estimator : MINEEstimator
        Fitted.
    pairs : PairDataset
        Pairs as :func:`critic_inputs` returns them; their ``x`` and ``y``
        may be re-paired (rows of ``y`` reordered) or repeated.

    Returns
    -------
    pmi : torch.Tensor of shape (n_pairs,)
        Pointwise mutual information of each pair, in nats, as float32 on
        ``device_``; with ``Z``, that of the critic of ``[X, Z]`` alone
        (the conditioning estimator's is not subtracted).
    """
    check_is_fitted(estimator)
    return pointwise(
        estimator.net_, pairs, estimator.log_normalizer_, estimator.y_reference_
    )
