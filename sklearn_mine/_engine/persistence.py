"""A fitted MINEEstimator's net in a saved archive: what is kept, and the net rebuilt.

:mod:`sklearn_mine.io` writes an estimator as JSON (its parameters and the
plain fitted values, :data:`FITTED_VALUES`) and tensors by name. Of the net,
the archive holds what this module hands over: the seed of its batches, the
critic's parameters as ``fit`` built it (the net's ``module__*`` parameters,
without the prefix), the critic's weights (``critic.*``) and, with MI-NEE's
references, the reference distribution's parameters (``reference.{i}.{j}``).
:func:`restore_net` rebuilds the net ``fit`` built from them, initialised but
not trained: it scores, holds no history and cannot be trained further.
"""

from .net import estimator_net, training_settings
from .reference import ReferenceSampler

__all__ = ["FITTED_VALUES", "net_state", "restore_net"]

# The fitted attributes that are plain values (numbers and strings, a tuple
# of them, a dict of arrays), which the archive writes as JSON. The rest of
# the fitted state is objects and tensors: the net and its critic
# (restore_net rebuilds them), the scalers, log_normalizer_, y_reference_,
# device_ and, where X had column names, feature_names_in_.
FITTED_VALUES = (
    "mutual_info_",
    "standard_error_",
    "confidence_interval_",
    "lower_confidence_bound_",
    "history_",
    "best_epoch_",
    "n_steps_",
    "reference_",
    "score_seed_",
    "n_features_in_",
    "n_conditioning_features_",
)


def net_state(net):
    """What the archive holds of a fitted net.

    Parameters
    ----------
    net : MINENet
        The fitted net (``net_``).

    Returns
    -------
    fields : dict
        The archive's JSON fields of the net, in the archive's order:
        ``"net"`` (``{"random_state": seed of the batches}``) and
        ``"module_params"``.
    critic : dict of torch.Tensor
        The critic's weights on the CPU, by ``"critic."`` and their name.
    reference : dict of torch.Tensor
        The reference distribution's parameters on the CPU, by
        ``"reference.{i}.{j}"``; empty with the resampling trick.
    """
    module_params = {
        key[len("module__") :]: value
        for key, value in net.get_params().items()
        if key.startswith("module__")
    }
    fields = {"net": {"random_state": net.random_state}, "module_params": module_params}
    critic = {
        f"critic.{k}": v.detach().cpu() for k, v in net.module_.state_dict().items()
    }
    reference = {}
    if net.reference_ is not None:
        for i, pair in enumerate(net.reference_.params_):
            for j, tensor in enumerate(pair):
                reference[f"reference.{i}.{j}"] = tensor.detach().cpu()
    return fields, critic, reference


def restore_net(estimator, fields, tensors):
    """The net of a saved estimator, around the saved critic's weights.

    Parameters
    ----------
    estimator : MINEEstimator
        The estimator being loaded, whose parameters, ``reference_`` and
        ``device_`` are set.
    fields : mapping
        The archive's JSON fields, those of :func:`net_state` among them.
    tensors : mapping of str to torch.Tensor
        The archive's tensors, those of :func:`net_state` among them.

    Returns
    -------
    net : MINENet
        Initialised with the saved critic (and reference distribution), ready
        to score but not to train.
    """
    module_params = fields["module_params"]
    shape = (module_params["n_features_x"], module_params["n_features_y"])
    seeds = dict(
        critic_seed=module_params["random_state"],
        batch_seed=fields["net"]["random_state"],
    )
    net = estimator_net(
        training_settings(estimator.get_params()),
        shape,
        seeds,
        reference=estimator.reference_,
        device=estimator.device_,
    )
    net.initialize()
    net.module_.load_state_dict(
        {
            key[len("critic.") :]: value
            for key, value in tensors.items()
            if key.startswith("critic.")
        }
    )
    net.reference_ = None
    if net.uses_reference:
        # Training would have fitted the reference distribution to the
        # training pairs, which the archive does not hold: its parameters do.
        params = [
            (tensors[f"reference.{i}.0"], tensors[f"reference.{i}.1"]) for i in range(2)
        ]
        net.reference_ = ReferenceSampler.from_params(net.reference, params)
    return net
