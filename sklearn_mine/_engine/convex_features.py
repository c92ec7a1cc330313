"""The convex critics' feature maps: phi(x, y), fixed before a readout is solved.

Random Fourier features of ``[x, y]`` at several bandwidths and the
products of the squashed coordinates (:func:`random_feature_map`), with
y times the products of x's for the selector and the tests (``cubic_y``),
Fourier features of x alone at fine bandwidths, each alone and times y's
coordinates, for the tests (``x_features``), and optionally Gaussian
kernels centred on each critic's training pairs (:func:`centred_feature_map`).
All are one :class:`FeatureMap`. ``docs/convex.md`` gives the math and the
measurements behind each.
"""

import math
from typing import NamedTuple

import torch

from .convex_settings import CONVEX_SETTINGS

__all__ = [
    "FeatureMap",
    "centred_feature_map",
    "critic_map",
    "feature_count",
    "features",
    "random_feature_map",
]


class FeatureMap(NamedTuple):
    """A convex critic's fixed feature map (:func:`features`).

    ``omega`` (width, n_features) and ``bias`` (n_features,): random Fourier
    frequencies and phases of ``[x, y]``. ``cubic_y``: the last ``cubic_y``
    columns are y, and the map has y times the products of x's squashed
    coordinates (0: neither). ``x_omega`` (x_width, m) and ``x_bias``
    (m,): Fourier features of x's first ``x_width`` columns alone (all of
    x's, or X's where Z's end a conditional test's x), each alone and times
    each of y's squashed coordinates (None: none; they need ``cubic_y``).
    ``centres`` (n_critics, n_centres, width) and ``precision``
    (n_centres,): Gaussian kernels on each critic's own training pairs, of
    precision 1 / (2 h^2) (None: none).
    """

    omega: torch.Tensor
    bias: torch.Tensor
    cubic_y: int = 0
    x_omega: torch.Tensor | None = None
    x_bias: torch.Tensor | None = None
    centres: torch.Tensor | None = None
    precision: torch.Tensor | None = None

    @property
    def n_x_features(self):
        return 0 if self.x_omega is None else self.x_omega.shape[1]

    @property
    def n_centres(self):
        return 0 if self.precision is None else len(self.precision)


def _fourier(rows, columns, scales, generator):
    # Bandwidths in units of sqrt(rows) standard scores, cycled over the
    # columns: frequencies of standard deviation 1 / bandwidth.
    scale = torch.tensor(scales).repeat_interleave(math.ceil(columns / len(scales)))
    omega = torch.randn(rows, columns, generator=generator)
    omega /= scale[:columns] * math.sqrt(rows)
    return omega, 2 * math.pi * torch.rand(columns, generator=generator)


def random_feature_map(width, generator, device, cubic_y=0, x_features=0, x_width=None):
    """Random frequencies and phases for inputs of ``width`` columns.

    ``cubic_y``: with the last ``cubic_y`` columns y, the map also has the
    products of every pair of x's squashed coordinates with each of y's
    (:func:`features`); 0 for none. ``x_features``: with ``cubic_y``, this
    many Fourier features of x's first ``x_width`` columns (all of x's by
    default) at ``x_scales`` (0: none).
    """
    omega, bias = _fourier(
        width, CONVEX_SETTINGS["n_features"], CONVEX_SETTINGS["scales"], generator
    )
    x_omega = x_bias = None
    if x_features:
        if not cubic_y:
            raise ValueError("Fourier features of x alone need cubic_y, y's width.")
        x_width = width - cubic_y if x_width is None else x_width
        x_omega, x_bias = _fourier(
            x_width, x_features, CONVEX_SETTINGS["x_scales"], generator
        )
        x_omega, x_bias = x_omega.to(device), x_bias.to(device)
    return FeatureMap(omega.to(device), bias.to(device), cubic_y, x_omega, x_bias)


def centred_feature_map(joint, generator, feature_map=None, n_centres=None):
    """Random Fourier features, and kernels centred on ``n_centres`` of each
    critic's training pairs.

    ``joint``: each critic's training pairs, shape (n_critics, n, width);
    every critic's centres are the same rows of its own pairs (all of them
    where there are fewer). The kernels' bandwidths cycle through
    ``centre_scales``, in units of sqrt(width) standard scores.
    ``feature_map``: the map to add them to (:func:`random_feature_map`'s,
    drawn here by default); ``n_centres``: the settings' by default.

    Centred on the joint pairs, the kernels sit where the log density
    ratio is large: along the curve of y = f(x) + noise, which random
    Fourier features, spread evenly over frequencies, resolve only with
    many of them (KKLE: Ahuja 2019, the DV bound over an RKHS spanned by
    kernels at the samples; LSMI, Suzuki et al. 2009, the same basis).
    """
    n_critics, n, width = joint.shape
    if feature_map is None:
        feature_map = random_feature_map(width, generator, joint.device)
    k = min(n_centres or CONVEX_SETTINGS["n_centres"], n)
    rows = torch.randperm(n, generator=generator)[:k].to(joint.device)
    scales = torch.tensor(CONVEX_SETTINGS["centre_scales"], dtype=joint.dtype)
    h = scales.repeat(math.ceil(k / len(scales)))[:k] * math.sqrt(width)
    precision = (0.5 / h**2).to(joint.device)
    return feature_map._replace(centres=joint[:, rows], precision=precision)


def critic_map(feature_map, i):
    """The map of a batch's ``i``-th critic alone: its own centres, where
    the map has kernels; the shared map otherwise."""
    if feature_map.centres is not None:
        return feature_map._replace(centres=feature_map.centres[i : i + 1])
    return feature_map


def feature_count(width, cubic_y=0, centres=0, x_features=0):
    """How many features :func:`features` gives inputs of ``width`` columns
    (``cubic_y`` and ``x_features``: as :func:`random_feature_map`'s;
    ``centres``: kernels centred on this many pairs, as
    :func:`centred_feature_map`'s)."""
    n_x = width - cubic_y
    return (
        CONVEX_SETTINGS["n_features"]
        + centres
        + width * (width + 1) // 2
        + n_x * (n_x + 1) // 2 * cubic_y
        + x_features * (1 + cubic_y)
    )


def features(u, feature_map):
    """phi(u) for inputs ``u`` of shape (..., n, width): (..., n, n_features)."""
    width = u.shape[-1]
    omega, bias, n_y = feature_map.omega, feature_map.bias, feature_map.cubic_y
    n_fourier, n_centres = omega.shape[1], feature_map.n_centres
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
    n_cubic = 0
    if n_y:
        c, d = torch.triu_indices(width - n_y, width - n_y, device=u.device)
        n_cubic = len(c) * n_y
    n_x_features = feature_map.n_x_features * (1 + n_y)
    # Written into one tensor in place: these are the largest arrays of a
    # call, and each temporary copy of them costs as much as computing them.
    n_first = n_fourier + n_centres
    n_products = n_first + len(a) + n_cubic
    out = u.new_empty(*u.shape[:-1], n_products + n_x_features)
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
        cubic_terms = out[..., n_first + len(a) : n_products]
        cubic_terms.copy_((xx[..., :, None] * y[..., None, :]).flatten(-2))
    if n_x_features:
        _x_features(u, v, feature_map, out[..., n_products:])
    return out


def _x_features(u, v, feature_map, out):
    """Fourier features of x alone, then each times y's squashed
    coordinates, written into ``out`` (..., n, m (1 + n_y)).

    The log ratio of y = f(x) + noise is y f(x) / s^2 less f(x)^2 / (2 s^2),
    up to terms in y alone: a fine f (a fast sine) is a sum of fine Fourier
    features of x, which the isotropic features of [x, y], as fine in y as
    in x, resolve only with many more of them.
    """
    n_y, m = feature_map.cubic_y, feature_map.n_x_features
    x = u[..., : feature_map.x_omega.shape[0]]
    alone = out[..., :m]
    projected = torch.addmm(
        feature_map.x_bias, x.reshape(-1, x.shape[-1]), feature_map.x_omega
    )
    torch.cos(projected.reshape(alone.shape), out=alone)
    alone.mul_(math.sqrt(2.0 / m))
    y = v[..., u.shape[-1] - n_y :]
    out[..., m:].copy_((alone[..., :, None] * y[..., None, :]).flatten(-2))


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
