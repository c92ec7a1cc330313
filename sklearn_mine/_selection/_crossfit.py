"""The selector's rows: one split or a cross-fit's folds, and their pooling.

Every fold's held-out rows are halved: the first half stops each critic's
training and chooses each round's move, the second, seen by neither, tests
it.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import torch
from sklearn.model_selection import KFold, check_cv

from .._utils.validation import split_indices

__all__ = [
    "CriticReadings",
    "Fold",
    "encoding_order",
    "make_folds",
    "make_splits",
    "pool_folds",
]

# Each half of the held-out pairs needs two pairs at least: one pair's
# resampled marginal is the pair itself, and its bound is 0 whatever the
# critic.
MIN_HALF = 2


@dataclass(frozen=True)
class Fold:
    """One fold's critic inputs ``z`` and target ``y``, rows in split order.

    The first ``n_train`` rows train, the next ``n_choose`` choose, the rest
    test.
    """

    z: np.ndarray
    y: np.ndarray
    n_train: int
    n_choose: int

    @property
    def n_test(self):
        return len(self.z) - self.n_train - self.n_choose

    def tensors(self, device):
        """``z`` and ``y`` as float32 tensors on ``device``, y of two axes:
        what the convex critics solve on."""
        z = torch.as_tensor(np.asarray(self.z), dtype=torch.float32, device=device)
        y = torch.as_tensor(np.asarray(self.y), dtype=torch.float32, device=device)
        return z, y.reshape(len(y), -1)


@dataclass
class CriticReadings:
    """What a round's critics read, one entry per candidate set.

    ``choice``: the estimates on the choosing rows; ``estimates`` and
    ``errors``, ``gains`` over the baseline set and ``gain_errors``: on the
    testing rows; ``critics``: each candidate's trained weights, one per
    fold; ``baseline``: the baseline set's (estimate, error) on the testing
    rows; ``ranking``: None, or where a screen left some sets untrained
    (``_screen.py``), the choice of the cheap critics that read them all.
    """

    choice: np.ndarray
    estimates: np.ndarray
    errors: np.ndarray
    gains: np.ndarray
    gain_errors: np.ndarray
    critics: list
    baseline: tuple
    ranking: np.ndarray | None = None


def _halve(train, held_out):
    half = len(held_out) // 2
    return train, held_out[:half], held_out[half:]


def _single_split(n, validation_fraction, rng):
    """Training rows, rows that choose each round's move, rows that test it."""
    train, valid = split_indices(n, validation_fraction, rng)
    short = 2 * MIN_HALF - len(valid)
    if short > 0:
        train, valid = train[:-short], np.concatenate([train[-short:], valid])
    return _halve(train, valid)


def make_splits(X, y, cv, validation_fraction, rng):
    """Each fold's training, choosing and testing rows.

    One split without ``cv``. An int k: k folds of a shuffled ``KFold``
    seeded from ``rng``, every row testing once. Any other ``cv``, as
    scikit-learn's ``check_cv`` reads it (a splitter or an iterable of
    (train, test) pairs): its folds as they are, the test rows halved in
    the order it gives them.
    """
    n = len(X)
    if cv is None:
        return [_single_split(n, validation_fraction, rng)]
    if isinstance(cv, Integral):
        if n // cv < 2 * MIN_HALF:
            raise ValueError(
                f"cv={cv} leaves {n // cv} held-out samples in a fold of the "
                f"{n}; each fold needs {2 * MIN_HALF} at least: lower cv."
            )
        folds = KFold(cv, shuffle=True, random_state=rng).split(np.empty(n))
    else:
        folds = check_cv(cv).split(X, y)
    splits = [_halve(np.asarray(train), np.asarray(test)) for train, test in folds]
    for k, (_, choose, test) in enumerate(splits):
        if len(choose) + len(test) < 2 * MIN_HALF:
            raise ValueError(
                f"Fold {k} of cv holds out {len(choose) + len(test)} samples; "
                f"each fold needs {2 * MIN_HALF} at least."
            )
    return splits


def encoding_order(splits, n):
    """The rows in the order to encode them: the first fold's, then the rest.

    A splitter's fold need not use every row; the rows it leaves out follow,
    so that every fold finds its rows among the encoded ones.
    """
    first = np.concatenate(splits[0])
    if len(first) == n:
        return first
    return np.concatenate([first, np.setdiff1d(np.arange(n), first)])


def make_folds(z, y, splits, order):
    """Each split's rows of ``z`` and ``y`` (encoded in ``order``), as a Fold."""
    position = np.empty(len(order), dtype=np.intp)
    position[order] = np.arange(len(order))
    folds = []
    for k, (train, choose, test) in enumerate(splits):
        n_rows = len(train) + len(choose) + len(test)
        if k == 0:
            # The encoding's order starts with this fold's rows: no copy.
            fold_z, fold_y = z[:n_rows], y[:n_rows]
        else:
            rows = position[np.concatenate([train, choose, test])]
            fold_z, fold_y = z[rows], y[rows]
        folds.append(Fold(fold_z, fold_y, len(train), len(choose)))
    return folds


def pool_folds(readings, folds):
    """One round's readings over the folds of a cross-fit, as one.

    An estimate is its folds' test rows' mean, and its variance the sum of
    the folds' variances, each weighted by its share of the rows squared:
    each fold's test is taken as independent of the others' (the critics,
    trained on overlapping rows, are taken as given, as cross-fitting does),
    as it is when the test rows are disjoint (KFold's). The choice averages
    the folds' choosing rows alike. Each candidate's critics: one per fold.
    """
    weights = [(fold.n_choose, fold.n_test) for fold in folds]
    choose, test = (np.asarray(w, dtype=float) / np.sum(w) for w in zip(*weights))

    def mean(values, w=test):
        return np.tensordot(w, np.asarray(values), axes=1)

    def error(values):
        return np.sqrt(np.tensordot(test**2, np.asarray(values) ** 2, axes=1))

    def stacked(name):
        return [getattr(r, name) for r in readings]

    estimates, errors = zip(*stacked("baseline"))
    return CriticReadings(
        choice=mean(stacked("choice"), choose),
        estimates=mean(stacked("estimates")),
        errors=error(stacked("errors")),
        gains=mean(stacked("gains")),
        gain_errors=error(stacked("gain_errors")),
        critics=[
            [critic for fold_critics in per_fold for critic in fold_critics]
            for per_fold in zip(*stacked("critics"))
        ],
        baseline=(float(mean(estimates)), float(error(errors))),
    )
