"""Reference distributions for MI-NEE: i.i.d. stand-ins for the marginals."""

import functools
import math

import torch
from scipy.stats import norm

__all__ = ["REFERENCES", "ReferenceSampler", "gaussian_reads_more", "nee_combine"]

REFERENCES = ("uniform", "gaussian", "copula")

# The uniform box is the data's range widened by this fraction on each side,
# so that held-out points just beyond the training range keep some reference
# density (D(P_X || R_X) is infinite where R_X has none).
_BOX_MARGIN = 0.05

# Rows joined and cast at a time when fitting a Gaussian reference.
_CHUNK_ROWS = 65_536

# Added to the diagonal of a fitted covariance so that constant or collinear
# columns still give a Cholesky factor.
_JITTER = 1e-6


def nee_combine(per_critic):
    """MI-NEE's combination of its three critics' values (leading dimension).

    :math:`I = D(P_{XY} \\| R) - D(P_X \\| R_X) - D(P_Y \\| R_Y)`, applied
    alike to their estimates, their scores and their pointwise log ratios.
    With the copula reference :math:`G` (a Gaussian of the pairs, not a
    product) the identity gains a term,
    :math:`I = E_P[\\log g / (g_X g_Y)] + D(P \\| G) - D(P_X \\| G_X)
    - D(P_Y \\| G_Y)`, which the caller adds (``ReferenceSampler.log_ratio``).
    """
    return per_critic[0] - per_critic[1] - per_critic[2]


class ReferenceSampler:
    """I.i.d. samples of :math:`R_X \\times R_Y`, fitted to training pairs.

    Unlike pairs from the resampling trick, the samples are independent of
    one another and of the data, which is what MI-NEE needs.

    Parameters
    ----------
    kind : {"uniform", "gaussian", "copula"}
        ``"uniform"``: uniform on the box spanned by the training data,
        widened by 5 % of its range on each side. ``"gaussian"``: the Gaussian
        with the training data's mean and covariance, fitted to x and to y
        separately. ``"copula"``: the Gaussian :math:`G` with the mean and
        covariance of the pairs ``(x, y)`` together, so that its pairs share
        the data's correlation; :meth:`log_ratio` is its pointwise mutual
        information, and its draws are pairs of :math:`G`, not of
        :math:`G_X \times G_Y` (see :func:`nee_combine`).
    x, y : torch.Tensor of shape (n, d_x) and (n, d_y)
        Training pairs; samples come on their device and in their dtype.
    """

    def __init__(self, kind, x, y):
        if kind not in REFERENCES:
            raise ValueError(
                f"Unknown reference {kind!r}; expected one of {REFERENCES}."
            )
        self.kind = kind
        if kind == "copula":
            # In float64: at high MI the joint covariance is nearly singular,
            # and its log determinant is the estimate.
            mean, chol = self._fit([x, y], torch.float64)
            d = x.shape[1]
            # Rows of the joint Cholesky factor that make x and y: one normal
            # vector z gives the pair (mean_x + L_x z, mean_y + L_y z).
            self.params_ = [(mean[:d], chol[:d]), (mean[d:], chol[d:])]
        else:
            self.params_ = [self._fit([data], data.dtype) for data in (x, y)]

    @classmethod
    def from_params(cls, kind, params):
        """A sampler with given fitted parameters, as saved from ``params_``."""
        sampler = cls.__new__(cls)
        sampler.kind = kind
        sampler.params_ = [tuple(pair) for pair in params]
        return sampler

    def _fit(self, columns, dtype):
        """Parameters of the reference of the columns ``columns`` side by side."""
        if self.kind == "uniform":
            (data,) = columns
            low, high = data.amin(dim=0), data.amax(dim=0)
            margin = _BOX_MARGIN * (high - low)
            return low - margin, high + margin + _JITTER
        mean, cov = _mean_and_covariance(columns, dtype)
        eye = torch.eye(len(mean), dtype=dtype, device=mean.device)
        if self.kind == "copula":
            # Relative to the scale, so that collinear columns (one-hot
            # categories) still give a factor whatever the units.
            jitter = _JITTER * max(float(torch.diagonal(cov).mean()), 1e-12)
        else:
            jitter = _JITTER
        return mean, torch.linalg.cholesky(cov + jitter * eye)

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
        if self.kind == "copula":
            (mean_x, rows_x), (mean_y, rows_y) = x_params, y_params
            z = torch.randn(
                (size, rows_x.shape[1]),
                generator=generator,
                device=mean_x.device,
                dtype=mean_x.dtype,
            )
            # Parameters are float64; samples come in the data's float32.
            return (
                (mean_x + z @ rows_x.T).float(),
                (mean_y + z @ rows_y.T).float(),
            )
        return (
            self._draw(x_params, size, generator),
            self._draw(y_params, size, generator),
        )

    @functools.cached_property
    def _copula_factors(self):
        # Computed once: log_ratio scores the held-out pairs every epoch.
        (mean_x, rows_x), (mean_y, rows_y) = self.params_
        # The marginals' covariances are diagonal blocks of L L^T.
        return (
            torch.cat([mean_x, mean_y]),
            torch.cat([rows_x, rows_y]),
            torch.linalg.cholesky(rows_x @ rows_x.T),
            torch.linalg.cholesky(rows_y @ rows_y.T),
        )

    def log_ratio(self, x, y):
        r""":math:`\log g(x, y) / (g_X(x) g_Y(y))` of the copula reference.

        The pointwise mutual information of the fitted Gaussian, per row; its
        mean over pairs of the data is the Gaussian part of the estimate.
        """
        (mean_x, _), (mean_y, _) = self.params_
        mean, chol, chol_x, chol_y = self._copula_factors
        d = len(mean_x)
        # In float64 (the parameters' dtype), chunk by chunk.
        out = [
            _gaussian_log_density(z - mean, chol)
            - _gaussian_log_density(z[:, :d] - mean_x, chol_x)
            - _gaussian_log_density(z[:, d:] - mean_y, chol_y)
            for z in _chunks([x, y], mean.dtype)
        ]
        return torch.cat(out).float()


def _chunks(columns, dtype):
    """The rows of ``columns`` side by side, in ``dtype``, chunk by chunk."""
    for start in range(0, len(columns[0]), _CHUNK_ROWS):
        yield torch.cat([c[start : start + _CHUNK_ROWS] for c in columns], dim=1).to(
            dtype
        )


def _mean_and_covariance(columns, dtype):
    """Mean and covariance of ``columns`` side by side, in two chunked passes.

    Chunked so that neither a joined copy of the data nor a centred one is
    ever made: a few MiB above the data, whatever n (the estimator's memory
    stays flat in n).
    """
    n = len(columns[0])
    mean = sum(chunk.sum(dim=0) for chunk in _chunks(columns, dtype)) / n
    cov = 0.0
    for chunk in _chunks(columns, dtype):
        centred = chunk - mean
        cov = cov + centred.T @ centred
    return mean, cov / max(n - 1, 1)


def gaussian_reads_more(train, valid, estimate):
    """Whether the Gaussian critic reads significantly more than ``estimate``.

    The Gaussian critic is the log density ratio of the Gaussian fitted to
    the ``train`` pairs (``ReferenceSampler("copula").log_ratio``); its mean
    over the ``valid`` pairs is the copula split's first term. When it
    exceeds an estimate from a trained critic by more than 1.96 of its own
    standard errors, that critic (or the resampled bound's cap near the log
    of the held-out pairs) falls short where a Gaussian does not: high MI of
    Gaussian-like data, which the copula split reads exactly. (The resampled
    estimate's own standard error is left out of the test: at high MI it is
    large for the very reason the test is there, the heavy tail of the
    critic's exponential over marginal pairs.)

    Parameters
    ----------
    train, valid : PairDataset
        Training and held-out pairs.
    estimate : float
        The trained critic's estimate on ``valid``.
    """
    gaussian = ReferenceSampler("copula", train.x, train.y)
    log_ratio = gaussian.log_ratio(valid.x, valid.y).double()
    gap = float(log_ratio.mean()) - estimate
    standard_error = math.sqrt(float(log_ratio.var()) / len(log_ratio))
    return gap > norm.ppf(0.975) * standard_error


def _gaussian_log_density(centred, chol):
    """Log density of N(0, L L^T) at the rows of ``centred``."""
    z = torch.linalg.solve_triangular(chol, centred.T, upper=False)
    half_log_det = torch.log(torch.diagonal(chol)).sum()
    d = chol.shape[0]
    return -0.5 * (z * z).sum(dim=0) - half_log_det - 0.5 * d * math.log(2 * math.pi)
