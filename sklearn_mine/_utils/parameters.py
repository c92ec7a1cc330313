"""The training parameters: one table of their constraints, defaults and docs.

MINEEstimator, mutual_info_mine, mutual_info_mine_classif and
MutualInfoSelector train critics with the same settings. Each entry point
writes its defaults literally in its own signature, as scikit-learn does;
this table says what they must be, and ``tests/test_parameters.py`` holds
every signature and every docstring to it. The constraints of each entry
point and the docs of these parameters are read from here
(:mod:`sklearn_mine._utils.docstrings` renders the docs).

Torch is not imported: the optimizer's default is named by its import path
and resolved by :func:`default`, so that the command line can read the
constraints without loading torch.
"""

import importlib
import inspect
from dataclasses import dataclass
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .constants import ACTIVATIONS, DEFAULT_MAX_STEPS, OBJECTIVES, PREPROCESSING

__all__ = [
    "ENTRY_POINTS",
    "PARAMETERS",
    "TrainingParameter",
    "constraints",
    "default",
    "description",
    "names",
]

ENTRY_POINTS = (
    "MINEEstimator",
    "mutual_info_mine",
    "mutual_info_mine_classif",
    "MutualInfoSelector",
)

# The per-feature functions and the selector train grouped critics, and
# share most of their wording.
_GROUPED = ENTRY_POINTS[1:]


class _Importable:
    """A default named by its import path (``torch.optim.Adam``)."""

    def __init__(self, path):
        self.path = path

    def resolve(self):
        module, name = self.path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)

    def __repr__(self):
        return self.path


@dataclass(frozen=True)
class TrainingParameter:
    """One training parameter.

    ``type`` is the numpydoc type, before its ``default=``. ``defaults``
    maps each entry point that takes the parameter to its default there.
    ``constraints`` and ``doc`` are either one value for all of them or a
    mapping whose keys are entry points, ``"grouped"`` (the three entry
    points of grouped critics) or ``"others"``, looked up in that order.
    """

    type: str
    defaults: dict
    constraints: object
    doc: object

    def lookup(self, field, entry_point):
        """``constraints`` or ``doc`` at ``entry_point``."""
        if entry_point not in self.defaults:
            raise KeyError(f"{entry_point} has no parameter of this name")
        value = getattr(self, field)
        if not isinstance(value, dict):
            return value
        keys = [entry_point, "grouped", "others"]
        if entry_point not in _GROUPED:
            keys.remove("grouped")
        return next(value[key] for key in keys if key in value)


# A default that repeats the entry point's before it.
_AS_BEFORE = object()


def _defaults(estimator, functions=_AS_BEFORE, selector=_AS_BEFORE):
    """Defaults by entry point.

    ``functions`` is the default of both per-feature functions.
    """
    functions = estimator if functions is _AS_BEFORE else functions
    selector = functions if selector is _AS_BEFORE else selector
    return dict(zip(ENTRY_POINTS, (estimator, functions, functions, selector)))


def _everywhere(value):
    """The same default at every entry point."""
    return dict.fromkeys(ENTRY_POINTS, value)


def _options(names):
    return "{" + ", ".join(f'"{name}"' for name in names) + "}"


_DEVICES = ("cpu", "cuda", "auto")
_RATE = Interval(Real, 0, 1, closed="right")
_AT_LEAST_ONE = Interval(Integral, 1, None, closed="left")

# In the order of MINEEstimator's signature (its own parameters aside).
PARAMETERS = {
    "objective": TrainingParameter(
        _options(OBJECTIVES),
        _everywhere("mine"),
        [StrOptions(set(OBJECTIVES))],
        {
            "MINEEstimator": """
                The bound trained and reported. ``"dv"``: the Donsker-Varadhan
                bound with its plain (biased) minibatch gradient. ``"mine"``:
                the DV bound with MINE's bias-corrected gradient (a moving
                average of the denominator, rate ``denominator_ema_rate``).
                ``"mine-f"`` or ``"nwj"`` (two names of one bound):
                :math:`E_P[t] - E_Q[e^{t-1}]`, looser but with unbiased
                gradients. ``"js"``: the critic is trained as a classifier of
                joint against marginal pairs (Jensen-Shannon) and read out by
                DV. ``"smile"``: JS training, read out by DV with the marginal
                scores clipped to ``[-tau, tau]`` (lower variance, some bias
                at high MI). ``"infonce"``: scores every x of a batch against
                every y; low variance, but never above ``log(batch_size)``,
                and a warning is issued when the estimate is near that cap.
                See the user guide's "Which bound" page for measurements.
                (The command line's ``--objective``.)
                """,
            "grouped": """
                The bound trained and reported, as in :class:`MINEEstimator`.
                ``"infonce"`` scores every pair of a batch through each critic:
                about ``batch_size`` times slower per step.
                """,
        },
    ),
    "tau": TrainingParameter(
        "float",
        _everywhere(5.0),
        [Interval(Real, 0, None, closed="neither")],
        """SMILE's clipping threshold (``objective="smile"`` only).""",
    ),
    "hidden_units": TrainingParameter(
        "int",
        _defaults(64, 16),
        # The upper limit turns an absurd value into an error rather than an
        # allocation of many GiB.
        [Interval(Integral, 1, 4096, closed="both")],
        {
            "MINEEstimator": """
                Width of each hidden layer of the critic (and of the embeddings
                of the separable critic).
                """,
            "grouped": "Width of the hidden layers of each feature's critic.",
            "MutualInfoSelector": """
                Width of the hidden layers of each candidate set's critic.
                """,
        },
    ),
    "hidden_layers": TrainingParameter(
        "int",
        _defaults(4, 2),
        # The grouped critic needs a hidden layer, where MINEEstimator's may
        # be linear.
        {
            "MINEEstimator": [Interval(Integral, 0, 64, closed="both")],
            "grouped": [Interval(Integral, 1, 64, closed="both")],
        },
        {
            "MINEEstimator": """
                Number of hidden layers of the critic. Four layers of 64 read
                multimodal and spiral dependence closer to the truth than
                shallower critics, as accurately on Gaussian-like data and at
                a modest cost on a CPU (see ``docs/hard.md``).
                """,
            "grouped": "Hidden layers of each critic (at least 1).",
        },
    ),
    "activation": TrainingParameter(
        _options(ACTIVATIONS),
        _everywhere("elu"),
        [StrOptions(set(ACTIVATIONS))],
        "Non-linearity of the hidden layers.",
    ),
    "batch_size": TrainingParameter(
        "int",
        _defaults(1024, 256),
        [_AT_LEAST_ONE],
        {
            "MINEEstimator": """
                Joint pairs per gradient step (capped at the number of
                training pairs). On a CPU a step's cost is mostly fixed, so a
                large step costs little more than a small one, and its
                gradient (DV's log-mean-exp included) is less noisy: large
                steps reach the sharp density ratios of mixtures and spirals
                within the step budget (see ``docs/hard.md``).
                """,
            "grouped": "Joint pairs per gradient step, shared by all critics.",
        },
    ),
    "marginal_batch_size": TrainingParameter(
        "int or None",
        _everywhere(None),
        [_AT_LEAST_ONE, None],
        "Marginal pairs per gradient step; ``None`` uses the joint batch size.",
    ),
    "replace": TrainingParameter(
        "bool",
        _everywhere(False),
        ["boolean"],
        """
        Whether the marginal pairs of a step are resampled with replacement.
        Without it, ``marginal_batch_size`` cannot exceed the training pairs.
        """,
    ),
    "optimizer": TrainingParameter(
        "torch.optim.Optimizer class",
        _everywhere(_Importable("torch.optim.Adam")),
        [type],
        "The optimizer of the critics' weights, with learning rate ``lr``.",
    ),
    "lr": TrainingParameter(
        "float",
        _defaults(4e-3, 1e-2),
        [Interval(Real, 0, None, closed="neither")],
        "The optimizer's learning rate.",
    ),
    "denominator_ema_rate": TrainingParameter(
        "float",
        _everywhere(0.01),
        [_RATE],
        """
        Weight of the newest batch in MINE's exponential moving average of the
        DV bound's denominator :math:`E_Q[e^t]` (``objective="mine"`` only).
        """,
    ),
    "weight_ema_rate": TrainingParameter(
        "float or None",
        _defaults(0.01, 0.04),
        [_RATE, None],
        """
        Weight of the newest step in an exponential moving average of each
        critic's weights; the averaged critic is the one scored on the
        held-out pairs and kept (Polyak averaging, which cancels the jitter of
        the steps). ``None`` scores the weights of the last step of each
        epoch.
        """,
    ),
    "max_steps": TrainingParameter(
        "int",
        _everywhere(DEFAULT_MAX_STEPS),
        [_AT_LEAST_ONE],
        {
            "others": "Most gradient steps, rounded up to whole epochs.",
            "MutualInfoSelector": """
                Most gradient steps of one round's training, rounded up to
                whole epochs.
                """,
        },
    ),
    "steps_per_epoch": TrainingParameter(
        "int",
        _defaults(100, 25),
        [_AT_LEAST_ONE],
        "Gradient steps between two evaluations of the held-out bounds.",
    ),
    "patience": TrainingParameter(
        "int or None",
        _defaults(5, 6, 12),
        [_AT_LEAST_ONE, None],
        {
            "MINEEstimator": """
                Epochs without a better held-out bound before training stops.
                ``None`` trains for ``max_steps``. Either way the critic with
                the best held-out bound is kept.
                """,
            "grouped": """
                Epochs without a better held-out bound before a feature's
                critic is frozen; training stops when all are. ``None`` trains
                for ``max_steps``.
                """,
            "MutualInfoSelector": """
                Epochs without a better held-out bound before a critic is
                frozen. Twice :func:`mutual_info_mine`'s: after the first
                round a critic starts from its parent and must learn what its
                new column adds from zero weights, a small change read on half
                the held-out pairs. 12 found the informative set more often
                than 6 or 20, at a cost between theirs (see
                ``docs/selection.md``).
                """,
        },
    ),
    "validation_fraction": TrainingParameter(
        "float",
        _everywhere(0.3),
        [Interval(Real, 0, 1, closed="neither")],
        {
            "MINEEstimator": """
                Fraction of the pairs held out from training to select and
                score the critic; at most 50,000 pairs are held out, whatever
                the fraction.
                """,
            "grouped": """
                Fraction of the samples held out to select and score the
                critics; at most 50,000 samples are held out.
                """,
            "MutualInfoSelector": """
                Fraction of the samples held out, half to choose and half to
                test (at least two in each half); unused with ``cv``. On a few
                hundred rows the halves limit the choices, and a larger
                fraction can choose better (see ``docs/selection.md``).
                """,
        },
    ),
    "preprocessing": TrainingParameter(
        _options(PREPROCESSING),
        _everywhere("quantile"),
        [StrOptions(set(PREPROCESSING))],
        {
            "MINEEstimator": """
                Per-column transform of X and y before training (MI is
                invariant to it). ``"quantile"``: each column through its
                empirical CDF to a standard normal, which makes heavy tails
                and saturating transforms harmless. ``"standard"``: zero mean
                and unit variance only.
                """,
            "grouped": """
                Transform of each continuous feature and of a continuous
                target before training, as in :class:`MINEEstimator` (MI is
                invariant to it).
                """,
        },
    ),
    "device": TrainingParameter(
        _options(_DEVICES),
        _everywhere("cpu"),
        [StrOptions(set(_DEVICES))],
        """Where the critics train; ``"auto"`` picks CUDA when available.""",
    ),
    "verbose": TrainingParameter(
        "int",
        _everywhere(0),
        ["verbose"],
        {
            "MINEEstimator": """
                0: silent. 1: a progress bar of the gradient steps on stderr,
                with the latest held-out bound. 2 or more: also skorch's line
                per epoch.
                """,
            "grouped": """
                Whether to show a progress bar of the gradient steps on stderr
                (one per chunk of features when ``n_jobs`` splits them).
                """,
            "MutualInfoSelector": """
                1 logs one line per round at the INFO level, with
                :mod:`logging` (the logger ``"sklearn_mine._selection"``, under
                ``"sklearn_mine"``; ``logging.basicConfig(level=logging.INFO)``
                shows it); 2 also shows progress bars on stderr.
                """,
        },
    ),
}


def names(entry_point):
    """The training parameters that ``entry_point`` takes, in table order."""
    return tuple(name for name, p in PARAMETERS.items() if entry_point in p.defaults)


def default(name, entry_point):
    """The default of ``name`` at ``entry_point`` (KeyError if it has none)."""
    value = PARAMETERS[name].defaults[entry_point]
    return value.resolve() if isinstance(value, _Importable) else value


def constraints(entry_point):
    """scikit-learn constraints of ``entry_point``'s training parameters."""
    return {
        name: PARAMETERS[name].lookup("constraints", entry_point)
        for name in names(entry_point)
    }


def description(name, entry_point):
    """The doc of ``name`` at ``entry_point``: its type line and its text.

    The type line is the numpydoc ``type, default=...``; the text has no
    indent of its own.
    """
    parameter = PARAMETERS[name]
    value = parameter.defaults[entry_point]
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    text = inspect.cleandoc(parameter.lookup("doc", entry_point))
    return f"{parameter.type}, default={shown}", text
