"""The shared parameter section of mutual_info_mine's two docstrings."""

__all__ = ["with_parameters_doc"]

_PARAMETERS_DOC = """
    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Feature matrix.
    y : array-like of shape (n_samples,)Y_SHAPE
        Y_DOC
    discrete_features : {'auto', bool, array-like}, default='auto'
        If bool, whether all features are discrete or all continuous. If
        array, a boolean mask of shape (n_features,) or the indices of the
        discrete features. 'auto' is False for dense X and True for sparse X.
        Discrete features are one-hot encoded: their values are categories,
        never numbers.
    copy : bool, default=True
        Kept for the signature of scikit-learn's function: X is never
        modified, whatever its value.
    random_state : int, RandomState instance or None, default=None
        Seeds the held-out split, the critics' initial weights and the batches.
        An int gives the same result on every call, for any ``n_jobs``, and
        the same value for a feature whichever other columns are passed
        beside it (up to float32 rounding): every critic starts from the same
        seed and stops on its own.
    n_jobs : int, default=None
        Number of jobs the feature groups are split across, through joblib
        (so any joblib backend, such as dask or ray, can run them). ``None``
        means 1 unless in a :func:`joblib.parallel_backend` context.
    groups : array-like of shape (n_features,), default=None
        A group label per feature; one MI is estimated per group, between the
        group's features jointly and y, in the sorted order of the labels.
        ``None`` puts each feature in a group of its own.
    return_std : bool, default=False
        Whether to return each estimate's standard error too.
    objective : {"mine", "dv", "mine-f", "nwj", "js", "smile", "infonce"}, \
            default="mine"
        The bound trained and reported, as in :class:`MINEEstimator`.
        ``"infonce"`` scores every pair of a batch through each critic: about
        ``batch_size`` times slower per step.
    tau : float, default=5.0
        SMILE's clipping threshold (``objective="smile"`` only).
    hidden_units : int, default=16
        Width of the hidden layers of each feature's critic.
    hidden_layers : int, default=2
        Hidden layers of each feature's critic.
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity of the critics.
    batch_size : int, default=256
        Joint pairs per gradient step, shared by all critics.
    marginal_batch_size : int, default=None
        Marginal pairs per step; ``None`` uses the joint batch size.
    replace : bool, default=False
        Whether marginal pairs are resampled with replacement.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        The optimizer of the critics' weights.
    lr : float, default=1e-2
        The optimizer's learning rate.
    denominator_ema_rate : float, default=0.01
        Rate of MINE's moving average of the denominator (``objective="mine"``
        only), as in :class:`MINEEstimator`.
    weight_ema_rate : float or None, default=0.04
        Weight of the newest step in a moving average of the critics'
        weights, which is what is scored and kept, as in
        :class:`MINEEstimator`; ``None`` scores the last step's weights.
    max_steps : int, default=4000
        Most gradient steps, rounded up to whole epochs.
    steps_per_epoch : int, default=25
        Gradient steps between two evaluations of the held-out bounds.
    patience : int or None, default=6
        Epochs without a better held-out bound before a feature's critic is
        frozen; training stops when all are. ``None`` trains for ``max_steps``.
    validation_fraction : float, default=0.3
        Fraction of the samples held out to select and score the critics; at
        most 50,000 samples are held out.
    preprocessing : {"quantile", "standard"}, default="quantile"
        Transform of each continuous feature and of a continuous target before
        training, as in :class:`MINEEstimator` (MI is invariant to it).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where the critics train.
    verbose : int, default=0
        Whether to show a progress bar of the gradient steps on stderr (one
        per chunk of features when ``n_jobs`` splits them).
    ema_rate : float, default="deprecated"
        Deprecated since 0.2 and removed in 0.4: use ``denominator_ema_rate``.
    averaging_rate : float or None, default="deprecated"
        Deprecated since 0.2 and removed in 0.4: use ``weight_ema_rate``.

    Returns
    -------
    mi : ndarray of shape (n_features,) or (n_groups,)
        Estimated mutual information between each feature (or group) and the
        target, in nats. A negative estimate is replaced by 0.
    std : ndarray of shape (n_features,) or (n_groups,)
        Only with ``return_std=True``: the standard error of each estimate,
        by the delta method over draws of the held-out pairs, as
        :class:`MINEEstimator`'s ``standard_error_`` (0 for a constant
        feature). On scikit-learn's diabetes table it was 0.9 to 2.0 times
        the spread of the estimates over ten values of ``random_state``
        (``docs/uncertainty.md``): a rerun with another seed moves an
        estimate by about this much or less.
"""


def with_parameters_doc(y_shape, y_doc):
    """Fill a docstring's ``{parameters}`` line with the shared section.

    ``y_shape`` completes the shape of y and ``y_doc`` describes it.
    """

    def decorate(func):
        func.__doc__ = func.__doc__.replace(
            "    {parameters}\n",
            _PARAMETERS_DOC.replace("Y_SHAPE", y_shape)
            .replace("Y_DOC", y_doc)
            .lstrip("\n"),
        )
        return func

    return decorate
