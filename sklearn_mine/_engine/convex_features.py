"""The convex critics' feature maps: phi(x, y), fixed before a readout is solved.

Random Fourier features of ``[x, y]`` at several bandwidths and the
products of the squashed coordinates (:func:`random_feature_map`), with
y times the products of x's for the selector and the tests (``cubic_y``),
and optionally Gaussian kernels centred on each critic's training pairs
(:func:`centred_feature_map`). ``docs/convex.md`` gives the math and the
measurements behind each.
"""

import math
from typing import NamedTuple

import torch

from .convex_settings import CONVEX_SETTINGS

__all__ = [
    "CentredMap",
    "centred_feature_map",
    "critic_map",
    "feature_count",
    "features",
    "random_feature_map",
]


class CentredMap(NamedTuple):
    """Random Fourier features and Gaussian kernels centred on training
    pairs, one set of centres a critic.

    ``omega`` and ``bias``: :func:`random_feature_map`'s; ``centres``: shape
    (n_critics, n_centres, width); ``precision``: each kernel's
    1 / (2 h^2), shape (n_centres,); ``cubic_y``: as
    :func:`random_feature_map`'s.
    """

    omega: torch.Tensor
    bias: torch.Tensor
    centres: torch.Tensor
    precision: torch.Tensor
    cubic_y: int = 0


def random_feature_map(width, generator, device, cubic_y=0):
    """Random frequencies and phases for inputs of ``width`` columns.

    ``cubic_y``: with the last ``cubic_y`` columns y, the map also has the
    products of every pair of x's squashed coordinates with each of y's
    (:func:`features`); 0 for none.
    """
    n, scales = CONVEX_SETTINGS["n_features"], CONVEX_SETTINGS["scales"]
    scale = torch.tensor(scales).repeat_interleave(math.ceil(n / len(scales)))[:n]
    omega = torch.randn(width, n, generator=generator) / (scale * math.sqrt(width))
    bias = 2 * math.pi * torch.rand(n, generator=generator)
    if cubic_y:
        return omega.to(device), bias.to(device), cubic_y
    return omega.to(device), bias.to(device)


def centred_feature_map(joint, generator, feature_map=None, n_centres=None):
    """Random Fourier features, and kernels centred on ``n_centres`` of each
    critic's training pairs.

    ``joint``: each critic's training pairs, shape (n_critics, n, width);
    every critic's centres are the same rows of its own pairs (all of them
    where there are fewer). The kernels' bandwidths cycle through
    ``centre_scales``, in units of sqrt(width) standard scores.
    ``feature_map``: the random features to add them to
    (:func:`random_feature_map`'s, drawn here by default); ``n_centres``:
    the settings' by default.

    Centred on the joint pairs, the kernels sit where the log density
    ratio is large: along the curve of y = f(x) + noise, which random
    Fourier features, spread evenly over frequencies, resolve only with
    many of them (KKLE: Ahuja 2019, the DV bound over an RKHS spanned by
    kernels at the samples; LSMI, Suzuki et al. 2009, the same basis).
    """
    n_critics, n, width = joint.shape
    if feature_map is None:
        feature_map = random_feature_map(width, generator, joint.device)
    omega, bias, *cubic = feature_map
    k = min(n_centres or CONVEX_SETTINGS["n_centres"], n)
    rows = torch.randperm(n, generator=generator)[:k].to(joint.device)
    scales = torch.tensor(CONVEX_SETTINGS["centre_scales"], dtype=joint.dtype)
    h = scales.repeat(math.ceil(k / len(scales)))[:k] * math.sqrt(width)
    precision = (0.5 / h**2).to(joint.device)
    return CentredMap(omega, bias, joint[:, rows], precision, *cubic)


def critic_map(feature_map, i):
    """The map of a batch's ``i``-th critic alone: its own centres, where
    the map has kernels; the shared map otherwise."""
    if isinstance(feature_map, CentredMap):
        return feature_map._replace(centres=feature_map.centres[i : i + 1])
    return feature_map


def feature_count(width, cubic_y=0, centres=0):
    """How many features :func:`features` gives inputs of ``width`` columns
    (``cubic_y``: as :func:`random_feature_map`'s; ``centres``: kernels
    centred on this many pairs, as :func:`centred_feature_map`'s)."""
    n_x = width - cubic_y
    return (
        CONVEX_SETTINGS["n_features"]
        + centres
        + width * (width + 1) // 2
        + n_x * (n_x + 1) // 2 * cubic_y
    )


def features(u, feature_map):
    """phi(u) for inputs ``u`` of shape (..., n, width): (..., n, n_features)."""
    width = u.shape[-1]
    n_centres = 0
    if isinstance(feature_map, CentredMap):
        omega, bias = feature_map.omega, feature_map.bias
        n_centres = len(feature_map.precision)
        cubic = (feature_map.cubic_y,) if feature_map.cubic_y else ()
    else:
        omega, bias, *cubic = feature_map
    n_fourier = omega.shape[1]
    # The products of the inputs' coordinates (squares included): a
    # Gaussian dependence's log ratio is a quadratic form of them. Each
    # coordinate is first squashed, s tanh(u / s): near-linear within s
    # standard scores, where most pairs lie, bounded beyond, so that a
    # rare extreme marginal pair cannot carry a score that swamps the log
    # term (unsquashed, the worst of 160 estimates read 0.6 nats low, 0.19
    # squashed; docs/convex.md).
    a, b = torch.triu_indices(width, width, device=u.device)
    # With a cubic map, y times the products of x's coordinates: the log
    # ratio of y = f(x) + noise holds y f(x), which for an interaction of
    # two x's is of the third degree (MutualInfoSelector's rounds).
    n_y = cubic[0] if cubic else 0
    n_cubic = 0
    if n_y:
        c, d = torch.triu_indices(width - n_y, width - n_y, device=u.device)
        n_cubic = len(c) * n_y
    # Written into one tensor in place: these are the largest arrays of a
    # call, and each temporary copy of them costs as much as computing them.
    n_first = n_fourier + n_centres
    out = u.new_empty(*u.shape[:-1], n_first + len(a) + n_cubic)
    fourier = out[..., :n_fourier]
    projected = torch.addmm(bias, u.reshape(-1, width), omega)
    torch.cos(projected.reshape(fourier.shape), out=fourier)
    fourier.mul_(math.sqrt(2.0 / n_fourier))
    if n_centres:
        _kernels(u, feature_map, out[..., n_fourier:n_first])
    squash = CONVEX_SETTINGS["squash"]
    v = u if squash is None else squash * torch.tanh(u / squash)
    quadratic = out[..., n_first : n_first + len(a)]
    torch.mul(v[..., a], v[..., b], out=quadratic)
    if n_cubic:
        xx, y = v[..., c] * v[..., d], v[..., width - n_y :]
        cubic_terms = out[..., n_first + len(a) :]
        cubic_terms.copy_((xx[..., :, None] * y[..., None, :]).flatten(-2))
    return out


def _kernels(u, feature_map, out):
    """exp(-|u - c|^2 / (2 h^2)) of ``u`` (n_critics, n, width) for each
    critic's centres, written into ``out`` (n_critics, n, n_centres)."""
    centres, precision = feature_map.centres, feature_map.precision
    # |u|^2 + |c|^2 - 2 u.c: one batched product, as the Fourier features'.
    squared = torch.baddbmm(
        (u * u).sum(-1, keepdim=True) + (centres * centres).sum(-1)[:, None, :],
        u,
        centres.transpose(1, 2),
        alpha=-2.0,
    )
    torch.exp(squared.clamp_(min=0.0).mul_(-precision), out=out)
