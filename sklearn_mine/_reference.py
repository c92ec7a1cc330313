"""Reference distributions for MI-NEE: i.i.d. stand-ins for the marginals."""

import torch

__all__ = ["REFERENCES", "ReferenceSampler", "nee_combine"]

REFERENCES = ("uniform", "gaussian")

# The uniform box is the data's range widened by this fraction on each side,
# so that held-out points just beyond the training range keep some reference
# density (D(P_X || R_X) is infinite where R_X has none).
_BOX_MARGIN = 0.05

# Added to the diagonal of a fitted covariance so that constant or collinear
# columns still give a Cholesky factor.
_JITTER = 1e-6


def nee_combine(per_critic):
    """MI-NEE's combination of its three critics' values (leading dimension).

    :math:`I = D(P_{XY} \\| R) - D(P_X \\| R_X) - D(P_Y \\| R_Y)`, applied
    alike to their estimates, their scores and their pointwise log ratios.
    """
    return per_critic[0] - per_critic[1] - per_critic[2]


class ReferenceSampler:
    """I.i.d. samples of :math:`R_X \\times R_Y`, fitted to training pairs.

    Unlike pairs from the resampling trick, the samples are independent of
    one another and of the data, which is what MI-NEE needs.

    Parameters
    ----------
    kind : {"uniform", "gaussian"}
        ``"uniform"``: uniform on the box spanned by the training data,
        widened by 5 % of its range on each side. ``"gaussian"``: the Gaussian
        with the training data's mean and covariance, fitted to x and to y
        separately.
    x, y : torch.Tensor of shape (n, d_x) and (n, d_y)
        Training pairs; samples come on their device and in their dtype.
    """

    def __init__(self, kind, x, y):
        if kind not in REFERENCES:
            raise ValueError(
                f"Unknown reference {kind!r}; expected one of {REFERENCES}."
            )
        self.kind = kind
        self.params_ = [self._fit(data) for data in (x, y)]

    @classmethod
    def from_params(cls, kind, params):
        """A sampler with given fitted parameters, as saved from ``params_``."""
        sampler = cls.__new__(cls)
        sampler.kind = kind
        sampler.params_ = [tuple(pair) for pair in params]
        return sampler

    def _fit(self, data):
        if self.kind == "uniform":
            low, high = data.amin(dim=0), data.amax(dim=0)
            margin = _BOX_MARGIN * (high - low)
            return low - margin, high + margin + _JITTER
        mean = data.mean(dim=0)
        centred = data - mean
        cov = centred.T @ centred / max(len(data) - 1, 1)
        eye = torch.eye(data.shape[1], dtype=data.dtype, device=data.device)
        return mean, torch.linalg.cholesky(cov + _JITTER * eye)

    def _draw(self, params, size, generator):
        a, b = params
        shape = (size, a.shape[0])
        if self.kind == "uniform":
            u = torch.rand(shape, generator=generator, device=a.device, dtype=a.dtype)
            return a + (b - a) * u
        z = torch.randn(shape, generator=generator, device=a.device, dtype=a.dtype)
        return a + z @ b.T

    def sample(self, size, generator):
        """``size`` independent pairs ``(x', y')``, drawn with ``generator``."""
        x_params, y_params = self.params_
        return (
            self._draw(x_params, size, generator),
            self._draw(y_params, size, generator),
        )
