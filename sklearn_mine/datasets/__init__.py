"""Samplers of pairs (X, y) whose mutual information is known in closed form.

Each sampler returns ``(X, y, true_mi)`` with ``true_mi`` in nats. They serve
the tests, the benchmarks and the documentation. ``LECTURE_RHO`` (0.878977)
is the correlation of the bivariate Gaussian of the lecture on MINE that this
package started from, the samplers' default.

Harder distributions have no closed form but an exact log density ratio, and
so a Monte Carlo truth to a small standard error: ``gaussian_mixture_mi``
gives the mutual information between the blocks of a Gaussian mixture,
``make_gaussian_mixture`` samples any such mixture, ``make_mixture`` named
multimodal shapes (rings, grid, waves, cross, curve) and ``make_inliers``
Gaussian pairs diluted by independent noise. ``make_uniform_noise`` adds
bounded uniform noise to a uniform variable, with a closed form.

Samplers of triples ``(X, y, Z, true_cmi)`` know the conditional mutual
information I(X; y | Z) instead: ``make_conditional_gaussian``,
``make_common_cause``, ``make_chain`` and ``make_collider``, with
``gaussian_cmi`` for any Gaussian covariance.
"""

from .._utils.constants import LECTURE_RHO
from ._conditional import (
    gaussian_cmi,
    make_chain,
    make_collider,
    make_common_cause,
    make_conditional_gaussian,
)
from ._gaussian import gaussian_mi, make_gaussian
from ._mixtures import gaussian_mixture_mi, make_gaussian_mixture, make_mixture
from ._noise import make_inliers, make_uniform_noise
from ._student_t import make_student_t, student_t_mi
from ._transforms import SPIRAL_RADIUS, TRANSFORMS, spiral, transform_pair

__all__ = [
    "LECTURE_RHO",
    "SPIRAL_RADIUS",
    "TRANSFORMS",
    "gaussian_cmi",
    "gaussian_mi",
    "gaussian_mixture_mi",
    "make_chain",
    "make_collider",
    "make_common_cause",
    "make_conditional_gaussian",
    "make_gaussian",
    "make_gaussian_mixture",
    "make_inliers",
    "make_mixture",
    "make_student_t",
    "make_uniform_noise",
    "spiral",
    "student_t_mi",
    "transform_pair",
]
