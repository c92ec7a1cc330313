"""Data generators that several benchmark scripts draw from."""

import numpy as np
from scipy.stats import multivariate_normal
from sklearn.utils import check_random_state

from sklearn_mine.datasets import gaussian_mi

from .internals import split_indices


def held_out_oracle(X, y, est, seed):
    """Mean log p(x, y) / (p(x) p(y)) of the held-out pairs, Gaussian fitted to all.

    The split is the estimator's own: ``fit`` draws it first from
    ``check_random_state(random_state)``.
    """
    _, valid = split_indices(len(X), est.validation_fraction, check_random_state(seed))
    Z = np.hstack([X, y.reshape(len(y), -1)])
    mean, cov = Z.mean(axis=0), np.cov(Z, rowvar=False)
    d = X.shape[1]
    z = Z[valid]
    log_ratio = (
        multivariate_normal(mean, cov).logpdf(z)
        - multivariate_normal(mean[:d], cov[:d, :d]).logpdf(z[:, :d])
        - multivariate_normal(mean[d:], cov[d:, d:]).logpdf(z[:, d:])
    )
    return log_ratio.mean()


def gaussian_features(n, rhos, rng):
    """Features x_k = rho_k y + sqrt(1 - rho_k^2) e_k: I(x_k; y) in closed form."""
    y = rng.standard_normal(n)
    noise = rng.standard_normal((n, len(rhos)))
    X = np.outer(y, rhos) + noise * np.sqrt(1 - np.asarray(rhos) ** 2)
    truth = np.array([gaussian_mi(r) if r else 0.0 for r in rhos])
    return X, y, truth


def sparse_signal(n, d, seed=0):
    """y a sum of five kinds of function of features 0-9, each scaled to unit
    spread, plus unit noise: every informative feature carries little MI."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    kinds = [lambda v: v, np.sin, np.abs, np.square, np.tanh]
    terms = [kinds[k % 5](X[:, k]) for k in range(10)]
    y = sum(t / t.std() for t in terms) + rng.standard_normal(n)
    return X, y


def top_10_recovered(scores):
    """How many of the informative features 0-9 rank in the top 10."""
    return len(set(np.argsort(-scores, kind="stable")[:10]) & set(range(10)))


def dependent_pair(family, n, rng):
    """One sample of an independence test's dependent family (``bench_uncertainty``'s
    power families, which ``bench_testing`` shares): X of shape (n, d), y."""
    # Weak enough that the tests differ at n = 200, but for the non-monotone
    # case, which every test finds there.
    x = rng.standard_normal(n)
    if family == "linear":
        return x[:, None], 0.15 * x + rng.standard_normal(n)
    if family == "non-monotone":
        return x[:, None], 0.3 * x**2 + rng.standard_normal(n)
    if family == "Student-t identity":
        # Uncorrelated, dependent through a shared scale: 2x2, df = 5.
        z = rng.standard_normal((n, 4)) / np.sqrt(rng.chisquare(5, (n, 1)) / 5)
        return z[:, :2], z[:, 2:]
    if family == "multimodal":
        # Four clusters on a ring; y is a noisy reading of the cluster's angle.
        angle = rng.integers(0, 4, n) * np.pi / 2
        X = np.column_stack([np.cos(angle), np.sin(angle)])
        X = X + 1.2 * rng.standard_normal((n, 2))
        return X, np.sin(angle + np.pi / 4) + 1.2 * rng.standard_normal(n)
    raise ValueError(family)
