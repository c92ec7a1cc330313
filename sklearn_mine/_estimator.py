"""MINEEstimator: mutual information by a neural critic, as a scikit-learn estimator."""

import math

import numpy as np
import torch
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._engine import readout
from ._engine.batches import PairDataset
from ._engine.bounds import near_cap_message
from ._engine.callbacks import cut_short_message, estimator_callbacks
from ._engine.convex import solve_module
from ._engine.critics import CRITICS
from ._engine.inputs import (
    critic_inputs,
    critic_pointwise_mutual_info,
    fitted_pairs,
    to_tensor,
)
from ._engine.net import estimator_net, training_settings
from ._engine.reference import REFERENCES, gaussian_reads_more
from ._utils.constants import DEFAULT_MAX_STEPS
from ._utils.docstrings import with_pairs_doc, with_training_parameters
from ._utils.preprocessing import fit_marginal_transform
from ._utils.stack import warn
from ._utils.validation import (
    TRAINING_CONSTRAINTS,
    check_conditioning,
    check_critic_combination,
    check_marginal_batch_size,
    check_not_constant,
    draw_seed,
    resolve_device,
    split_indices,
    validate_pairs,
)

__all__ = ["MINEEstimator"]


# The docstring's Parameters section lists the estimator's own parameters;
# those of training (objective, hidden_units, lr, ...) are written once, in
# sklearn_mine/_utils/parameters.py, and inserted in the signature's order.
@with_training_parameters("MINEEstimator")
class MINEEstimator(BaseEstimator):
    """Mutual information I(X; Y) estimated by a neural critic (MINE).

    A critic network :math:`t(x, y)` is trained to maximise a variational lower
    bound on the mutual information between the vector X and the vector y;
    the bound of the trained critic, evaluated on pairs held out from
    training, is the estimate.

    Parameters
    ----------
    critic : {"concat", "separable", "convex"}, default="concat"
        ``"concat"``: an MLP on ``[x, y]``. ``"separable"``:
        :math:`g(x)^\\top h(y)`, which scores all pairs of a batch in one
        matrix product, so that each step uses the batch's ``b(b - 1)``
        marginal pairs instead of ``marginal_batch_size`` resampled ones.
        ``"convex"``: a linear readout of fixed random features of
        ``[x, y]``, solved by a few Newton steps on the Donsker-Varadhan bound
        rather than trained (``docs/convex.md``): no gradient steps, so the
        training parameters (``hidden_units`` to ``patience``, ``callbacks``,
        ``compile``) do not apply; it takes ``objective`` "mine" or "dv" and
        ``reference`` "resample" or "auto" (which then stays "resample").
    reference : {"auto", "resample", "copula", "uniform", "gaussian"}, \
            default="auto"
        Where the samples of the product of the marginals come from.
        ``"resample"``: the resampling trick (MINE). Its held-out bound cannot
        show much more than the log of the number of held-out pairs.
        ``"copula"``: the Gaussian-copula split,
        :math:`I = E_P[\\log g / (g_X g_Y)] + D(P \\| G) - D(P_X \\| G_X)
        - D(P_Y \\| G_Y)` for the Gaussian :math:`G` with the training pairs'
        mean and covariance (of their normal scores): the first term in closed
        form, the divergences by three critics on i.i.d. samples of
        :math:`G` (MI-NEE [2]_). Exact on Gaussian-like data at any MI, but
        not a lower bound, and weaker than resampling where the data lie near
        a curve or a surface, far from any Gaussian. ``"auto"``: resampling,
        then the copula split, kept instead, when the Gaussian critic (the
        closed-form first term on the held-out pairs) reads more than the
        trained critic by more than 1.96 of its standard errors: high MI of
        Gaussian-like data. ``"uniform"`` or ``"gaussian"``: MI-NEE with a
        product reference :math:`R_X \\times R_Y` (uniform on the training
        data's box, or Gaussians fitted to x and to y),
        :math:`D(P_{XY} \\| R_X \\times R_Y) - D(P_X \\| R_X) - D(P_Y \\| R_Y)`.
        With these three references a critic whose held-out divergence is
        negative (an over-fitted one) counts 0, the value of the constant
        critic it is replaced by. Only ``"auto"`` and ``"resample"`` with
        ``"infonce"``.
    radial_features : bool, default=True
        Whether the critic also sees the squared norm of x and of y (of their
        normal scores, centred and scaled): :math:`t(x, y) = f(x, y, |x|^2,
        |y|^2)`. Dependence through a shared scale (elliptical distributions
        such as the multivariate Student-t, which can be uncorrelated yet
        dependent) and through radii (rings, spirals) lies in these two
        numbers, which an MLP on the coordinates alone finds slowly or not at
        all; on other data they are two more inputs. See the user guide's
        "Hard dependence" page.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra callbacks for the skorch net. When ``reference="auto"`` moves to
        the copula split, a second critic is trained after the first, and
        the same callbacks see both trainings.
    compile : bool, default=False
        Whether to ``torch.compile`` the critic (through skorch). Compiling
        takes tens of seconds the first time (seconds once torch's cache is
        warm) and makes steps only slightly faster on a CPU: worth it for
        long fits only (see ``docs/performance.md``).
    random_state : int, RandomState instance or None, default=None
        Seeds the held-out split, the critic's initial weights, every batch
        and the marginal pairs of ``score``. An int makes ``fit`` reproducible
        bit for bit; a RandomState instance is drawn from once, in ``fit``.

    Attributes
    ----------
    mutual_info_ : float
        Estimate of I(X; y) in nats: the bound of the kept critic on the
        held-out pairs. Can be slightly negative when X and y are independent.
        Fitted with ``Z``: the estimate of :math:`I(X; y \\mid Z)`, the
        chain rule's difference of two such bounds (and likewise its error,
        interval and lower bound).
    standard_error_ : float
        Standard error of ``mutual_info_`` over draws of the held-out pairs,
        by the delta method on each held-out pair's influence. It is computed
        for the fitted critic; the critic's own variability (its initial
        weights, the batches, which pairs trained it) is not added to it, yet
        estimates over fresh draws of data and ``random_state`` spread about
        as much as this standard error says: the estimator's whole
        variability lies within it (see ``docs/uncertainty.md``). It cannot
        cover bias: a critic short of the true density ratio makes the bound
        low by an amount no spread reveals.
    confidence_interval_ : tuple of float
        The 95 % normal interval ``mutual_info_ +/- 1.96 standard_error_``.
        Where the critic falls short of the true density ratio, the bound is
        low and the interval can lie wholly below the truth.
    lower_confidence_bound_ : float
        The one-sided 95 % lower confidence bound ``mutual_info_ - 1.645
        standard_error_`` (1.645: the normal 95 % quantile). The statement
        to rely on is "the MI is at least ``lower_confidence_bound_``". With
        a critic at the true density ratio it holds with probability 95 %
        over draws of the held-out pairs (a little less for the optimism of
        choosing the epoch on them); a critic short of the ratio lowers the
        estimate and the bound with it, so the statement holds more often,
        not less. It rests on the estimate being a lower bound, as it is
        with ``reference_="resample"``; the copula split and MI-NEE's
        references are not lower bounds, and can read above the truth (see
        ``docs/uncertainty.md``).
    net_ : MINENet
        The fitted skorch net.
    critic_ : torch.nn.Module
        The kept critic, ``net_.module_``.
    history_ : dict of ndarray
        Per epoch: ``"epoch"``, ``"step"`` (gradient steps so far),
        ``"train_bound"`` (mean over the epoch's batches) and ``"valid_bound"``
        (held-out).
    best_epoch_ : int
        Epoch whose critic was kept.
    n_steps_ : int
        Gradient steps taken.
    x_scaler_, y_scaler_ : transformer
        The per-column transforms of X and of y fitted by ``preprocessing``
        (:class:`~sklearn_mine._utils.preprocessing.NormalScores` or
        :class:`~sklearn.preprocessing.StandardScaler`); ``score`` and
        ``pointwise_mutual_info`` apply them to new pairs.
    reference_ : str
        The reference the kept critic was trained with: ``reference``, with
        ``"auto"`` resolved to ``"resample"`` or ``"copula"``.
    device_ : str
        The device the critic lives on, ``device`` resolved (``"cpu"`` or
        ``"cuda"``).
    log_normalizer_ : torch.Tensor
        :math:`\\log E_{P_X \\times P_Y}[e^t]` of the kept critic on the
        held-out pairs (one per critic; three with MI-NEE), which turns its
        scores into pointwise mutual information.
    y_reference_ : torch.Tensor or None
        With ``objective="infonce"``, the block of held-out y against which
        ``pointwise_mutual_info`` normalises each x's scores; else ``None``.
    score_seed_ : int
        Seed of the marginal pairs ``score`` draws, fixed at ``fit`` so that
        ``score`` gives the same value on every call.
    n_features_in_ : int
        Number of features of X seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features of X, defined only when X has string column names.
    n_conditioning_features_ : int
        Number of columns of Z seen during ``fit``; 0 when fitted without Z.
    conditioning_estimator_ : MINEEstimator or None
        Fitted with ``Z``: the clone fitted on ``(Z, y)``, whose estimate of
        :math:`I(Z; y)` is subtracted; the critic of this estimator
        (``net_``, ``critic_``, ``history_``) reads ``[X, Z]``. None when
        fitted without Z.

    See Also
    --------
    MarginalResampler : The resampling trick used for the marginal pairs.
    conditional_independence_test : A test of X independent of y given Z.

    Notes
    -----
    With :math:`n` joint pairs and :math:`n'` marginal pairs
    :math:`(x_{J_j}, y_{K_j})` from the resampling trick, the DV bound [1]_ is

    .. math::

        I(X; Y) \\ge \\frac{1}{n} \\sum_{i=1}^n t(x_i, y_i)
        - \\log \\frac{1}{n'} \\sum_{j=1}^{n'} e^{t(x_{J_j}, y_{K_j})}.

    X and y are transformed column by column (``preprocessing``); MI is
    invariant to that. Read on the
    training pairs the bound overestimates, so the estimate is read on
    held-out pairs. Choosing the best epoch on those same pairs makes it
    slightly optimistic.

    References
    ----------
    .. [1] M. I. Belghazi, A. Baratin, S. Rajeswar, S. Ozair, Y. Bengio,
       A. Courville and R. D. Hjelm, "Mutual Information Neural Estimation",
       ICML 2018.
    .. [2] C. Chan, A. Al-Bashabsheh, H. P. Huang, M. Lim, D. S. H. Tam and
       C. Zhao, "Neural Entropic Estimation: A faster path to mutual
       information estimation", arXiv:1905.12957, 2019.

    Examples
    --------
    >>> from sklearn_mine import MINEEstimator
    >>> from sklearn_mine.datasets import make_gaussian
    >>> X, y, true_mi = make_gaussian(n_samples=1000, rho=0.8, random_state=0)
    >>> est = MINEEstimator(max_steps=1000, random_state=0).fit(X, y)
    >>> round(true_mi, 2)
    0.51
    >>> abs(est.mutual_info_ - true_mi) < 0.15
    True
    """

    _parameter_constraints: dict = {
        **TRAINING_CONSTRAINTS,
        "critic": [StrOptions(set(CRITICS))],
        "reference": [StrOptions({"auto", "resample", *REFERENCES})],
        "radial_features": ["boolean"],
        "callbacks": [list, None],
        "compile": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        objective="mine",
        tau=5.0,
        critic="concat",
        reference="auto",
        hidden_units=64,
        hidden_layers=4,
        activation="elu",
        radial_features=True,
        batch_size=1024,
        marginal_batch_size=None,
        replace=False,
        optimizer=torch.optim.Adam,
        lr=4e-3,
        denominator_ema_rate=0.01,
        weight_ema_rate=0.01,
        max_steps=DEFAULT_MAX_STEPS,
        steps_per_epoch=100,
        patience=5,
        validation_fraction=0.3,
        preprocessing="quantile",
        callbacks=None,
        device="cpu",
        compile=False,
        verbose=0,
        random_state=None,
    ):
        self.objective = objective
        self.tau = tau
        self.critic = critic
        self.reference = reference
        self.hidden_units = hidden_units
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.radial_features = radial_features
        self.batch_size = batch_size
        self.marginal_batch_size = marginal_batch_size
        self.replace = replace
        self.optimizer = optimizer
        self.lr = lr
        self.denominator_ema_rate = denominator_ema_rate
        self.weight_ema_rate = weight_ema_rate
        self.max_steps = max_steps
        self.steps_per_epoch = steps_per_epoch
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.preprocessing = preprocessing
        self.callbacks = callbacks
        self.device = device
        self.compile = compile
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    @with_pairs_doc
    def fit(self, X: ArrayLike, y: ArrayLike, Z: ArrayLike = None) -> "MINEEstimator":
        """Train the critic on X and y and estimate their mutual information.

        With ``Z``, estimate the conditional mutual information
        :math:`I(X; Y \\mid Z) = I([X, Z]; Y) - I(Z; Y)` instead (the chain
        rule): the critic is trained on ``[X, Z]`` and ``y``, and
        ``conditioning_estimator_``, a clone, on ``Z`` and ``y``, on the same
        split of the pairs; ``mutual_info_``, its error and ``score`` are then
        the differences (docs/conditional.md).

        Parameters
        ----------
        {pairs}
        {conditioning}

        Returns
        -------
        self : MINEEstimator
            The fitted estimator; the estimate is ``mutual_info_``.
        """
        X, y = validate_pairs(self, X, y, reset=True)
        Z = check_conditioning(Z, len(X))
        if Z is not None:
            check_not_constant(Z, "Z")
        check_critic_combination(
            self.reference, self.objective, self.critic, self.marginal_batch_size
        )
        check_not_constant(X, "X")
        check_not_constant(y, "y")
        settings = training_settings(self.get_params())
        rng = check_random_state(self.random_state)
        self.device_ = resolve_device(self.device)
        self.n_conditioning_features_ = 0 if Z is None else Z.shape[1]
        self.conditioning_estimator_ = None
        if Z is not None:
            # One seed for both fits: their held-out pairs are then the same
            # rows, so the two estimates' errors partly cancel.
            seed = draw_seed(rng)
            rng = check_random_state(seed)
            conditioning = clone(self).set_params(random_state=seed)
            self.conditioning_estimator_ = conditioning.fit(Z, y)
            X = np.hstack([X, Z])

        self.x_scaler_ = fit_marginal_transform(X, self.preprocessing)
        self.y_scaler_ = fit_marginal_transform(y, self.preprocessing)
        train, valid = split_indices(len(X), self.validation_fraction, rng)
        # One float32 copy of the data, in split order: the two sets are views.
        order = np.concatenate([train, valid])
        x = to_tensor(self.x_scaler_, X, self.device_, order)
        y_ = to_tensor(self.y_scaler_, y, self.device_, order)
        n_train = len(train)
        train_ds = PairDataset(x[:n_train], y_[:n_train])
        valid_ds = PairDataset(x[n_train:], y_[n_train:])
        if self.reference in ("resample", "auto"):
            settings["marginal_batch_size"] = check_marginal_batch_size(
                self.marginal_batch_size, self.batch_size, self.replace, len(train_ds)
            )
        # Drawn in this order, so that seeded fits stay the same.
        seeds = dict(critic_seed=draw_seed(rng), batch_seed=draw_seed(rng))
        self.score_seed_ = draw_seed(rng)
        shape = (X.shape[1], y.shape[1])
        self.reference_ = "resample" if self.reference == "auto" else self.reference
        self._train(settings, shape, train_ds, valid_ds, seeds)
        # InfoNCE cannot use the copula split, whatever the Gaussian reads.
        if (
            self.reference == "auto"
            and self.objective != "infonce"
            and self.critic != "convex"
            and gaussian_reads_more(train_ds, valid_ds, self.mutual_info_)
        ):
            self.reference_ = "copula"
            self._train(settings, shape, train_ds, valid_ds, seeds)
        message = cut_short_message(
            self.patience,
            self.max_steps,
            self.n_steps_,
            self.best_epoch_,
            len(self.history_["epoch"]),
        )
        if message is not None:
            # fit's wrapper, then fit.
            warn(message, ConvergenceWarning)
        if self.objective == "infonce":
            self._warn_near_cap(min(self.batch_size, len(valid_ds)))
        elif self.reference_ == "resample":
            self._warn_near_cap(len(valid_ds))
        if Z is not None:
            self._subtract(self.conditioning_estimator_)
        return self

    def _subtract(self, conditioning):
        """The chain rule: this fit's estimate less ``conditioning``'s."""
        # The two estimates share their held-out pairs, and their errors are
        # positively correlated; adding the variances ignores that covariance,
        # so the interval errs wide (docs/conditional.md measures it).
        error = math.hypot(self.standard_error_, conditioning.standard_error_)
        self._set_estimate(self.mutual_info_ - conditioning.mutual_info_, error)

    def _set_estimate(self, estimate, error):
        for name, value in readout.estimate_values(estimate, error).items():
            setattr(self, name, value)

    def _train(self, settings, shape, train_ds, valid_ds, seeds):
        """Train a critic with ``reference_`` and read out its estimate."""
        early_stopping, callbacks = estimator_callbacks(
            self.patience, self.callbacks, self.verbose
        )
        self.net_ = estimator_net(
            settings,
            shape,
            seeds,
            reference=self.reference_,
            device=self.device_,
            valid_dataset=valid_ds,
            callbacks=callbacks,
        )
        if self.critic == "convex":
            # Solved, not trained: no epochs, no steps (docs/convex.md).
            self.net_.initialize()
            solve_module(self.net_.module_, train_ds, valid_ds, seeds["batch_seed"])
            self.history_ = {
                key: np.array([])
                for key in ("epoch", "step", "train_bound", "valid_bound")
            }
            self.best_epoch_ = self.n_steps_ = 0
        else:
            self.net_.fit(train_ds, None)
            self.history_ = readout.training_history(self.net_, self.steps_per_epoch)
            self.best_epoch_ = int(early_stopping.best_epoch_)
            self.n_steps_ = int(self.history_["epoch"][-1]) * self.steps_per_epoch
        readout.floor_divergences(self.net_, valid_ds)
        self.critic_ = self.net_.module_
        # The kept critic on the held-out pairs it was chosen on: the value
        # recorded for its epoch, now with its standard error.
        result = readout.evaluate(self.net_, valid_ds)
        self._set_estimate(result["estimate"], result["standard_error"])
        self.log_normalizer_ = result["log_normalizer"]
        # InfoNCE's critic is defined up to a function of x: each x's scores
        # are normalised against a block of held-out y for pointwise MI.
        self.y_reference_ = None
        if self.objective == "infonce":
            self.y_reference_ = valid_ds.y[: self.batch_size].clone()

    def _warn_near_cap(self, n_pairs):
        message = near_cap_message(
            self.mutual_info_, n_pairs, infonce=self.objective == "infonce"
        )
        if message is not None:
            warn(message)

    @with_pairs_doc
    def score(self, X: ArrayLike, y: ArrayLike, Z: ArrayLike = None) -> float:
        """The fitted critic's bound on new pairs, in nats.

        Marginal pairs are resampled from the given pairs (with replacement,
        several times as many as there are pairs) with a generator seeded by
        ``score_seed_``, so that the same pairs always get the same score.
        Higher is better: a critic closer to the true density ratio gives a
        tighter bound, so model selection picks it.

        Parameters
        ----------
        {pairs}
        {conditioning}

        Returns
        -------
        score : float
            The bound of ``objective`` on these pairs; with ``Z``, the bound
            on ``([X, Z], y)`` less ``conditioning_estimator_``'s on
            ``(Z, y)``.
        """
        check_is_fitted(self)
        X, y = validate_pairs(self, X, y, reset=False)
        dataset = fitted_pairs(self, X, y, Z)
        generator = torch.Generator(device=self.device_).manual_seed(self.score_seed_)
        score = readout.evaluate(self.net_, dataset, generator)["estimate"]
        if self.conditioning_estimator_ is not None:
            score -= self.conditioning_estimator_.score(Z, y)
        return score

    @with_pairs_doc
    def pointwise_mutual_info(
        self, X: ArrayLike, y: ArrayLike, Z: ArrayLike = None
    ) -> np.ndarray:
        """The critic's estimate of each pair's pointwise mutual information.

        :math:`\\log \\frac{p(x, y)}{p(x) p(y)}`, read from the critic as
        :math:`t(x, y) - \\log E_{P_X \\times P_Y}[e^t]` (the normaliser
        computed on the held-out pairs at the end of ``fit``): the log density
        ratio at which the DV bound is tight. Its mean over held-out joint
        pairs is ``mutual_info_``. Exact only as far as the critic is: trust it
        where the data are dense. With MI-NEE, the three critics' ratios are
        combined. InfoNCE's critic is defined only up to a function of x, so
        there each x's scores are normalised by the log mean of
        :math:`e^{t(x, y_j)}` over a block of held-out y instead.

        With ``Z``, the pointwise conditional mutual information
        :math:`\\log \\frac{p(x, y \\mid z)}{p(x \\mid z) p(y \\mid z)}`,
        that of ``([x, z], y)`` less that of ``(z, y)``.

        Parameters
        ----------
        {pairs}
        {conditioning}

        Returns
        -------
        pmi : ndarray of shape (n_samples,)
            Pointwise mutual information of each pair, in nats.
        """
        pmi = critic_pointwise_mutual_info(self, critic_inputs(self, X, y, Z))
        pmi = pmi.cpu().numpy().astype(np.float64)
        if self.conditioning_estimator_ is not None:
            pmi -= self.conditioning_estimator_.pointwise_mutual_info(Z, y)
        return pmi

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        return tags
