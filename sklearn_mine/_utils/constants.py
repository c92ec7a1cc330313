"""Names and limits shared by the library and the command line.

Plain Python only (no torch, scikit-learn or numpy), so that the command
line can build its parser, and answer ``--help``, without loading torch.
"""

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_MAX_STEPS",
    "LECTURE_RHO",
    "MAX_CATEGORIES",
    "MAX_CONVEX_CLASSES",
    "MAX_CONVEX_CLASS_ROWS",
    "MIN_SAMPLES",
    "OBJECTIVES",
    "PREPROCESSING",
]

# The bounds a critic can be trained on and read out by (sklearn_mine._engine.bounds).
OBJECTIVES = ("mine", "dv", "mine-f", "nwj", "js", "smile", "infonce")

# Non-linearities of the critics (sklearn_mine._engine.critics).
ACTIVATIONS = ("elu", "relu", "tanh", "softplus", "gelu")

# Per-column transforms before training (sklearn_mine._utils.preprocessing).
PREPROCESSING = ("quantile", "standard")

# Below this many pairs neither the critic nor the held-out bound means much.
MIN_SAMPLES = 10

# One-hot encoding a discrete variable with more categories than this would
# give its critic more inputs than a small MLP can use.
MAX_CATEGORIES = 256

# Most classes, and rows times classes, of a discrete target whose
# per-feature estimates and selector take the convex critics by default
# (sklearn_mine._utils.validation.convex_for_classes): where they cost the
# MLP critics' time or less (docs/convex.md, "A discrete target").
MAX_CONVEX_CLASSES = 5
MAX_CONVEX_CLASS_ROWS = 15_000

# Most gradient steps of a fit, by default.
DEFAULT_MAX_STEPS = 4000

# The correlation of the bivariate Gaussian of the lecture on MINE that this
# package started from (its true MI is -1/2 log(1 - rho^2) = 0.7405 nats).
LECTURE_RHO = 0.878977
