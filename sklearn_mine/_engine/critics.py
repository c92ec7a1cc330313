"""Critic networks: torch modules scoring pairs (x, y)."""

import torch
from torch import nn

from .convex import FeatureMap, feature_count, features, random_feature_map

__all__ = [
    "ConcatCritic",
    "ConvexCritic",
    "NEECritic",
    "SeparableCritic",
    "critic_module",
    "radial_feature",
]

# The module of each of sklearn_mine._utils.constants.ACTIVATIONS.
ACTIVATION_MODULES = {
    "elu": nn.ELU,
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
    "gelu": nn.GELU,
}

IN_PLACE_ACTIVATIONS = {"elu", "relu"}


def _mlp(n_in, n_out, hidden_units, hidden_layers, activation):
    widths = [n_in] + [hidden_units] * hidden_layers
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), ACTIVATION_MODULES[activation]()]
    layers.append(nn.Linear(widths[-1], n_out))
    return nn.Sequential(*layers)


def radial_feature(v):
    """Each row's squared norm, centred and scaled as a chi-square's.

    ``(|v|^2 - d) / sqrt(2 d)`` for rows ``v`` of width ``d``: mean 0 and
    variance 1 when ``v`` is standard normal, as the preprocessed inputs
    roughly are. Shape (n, 1).
    """
    d = v.shape[-1]
    return ((v * v).sum(dim=-1, keepdim=True) - d) / (2 * d) ** 0.5


def _with_radial(v):
    """``[v, radial_feature(v)]``."""
    return torch.cat([v, radial_feature(v)], dim=1)


class _RadialMLP(nn.Module):
    """An MLP on ``[v, radial_feature(v)]`` (MI-NEE's marginal critics)."""

    def __init__(self, n_in, hidden_units, hidden_layers, activation):
        super().__init__()
        self.mlp = _mlp(n_in + 1, 1, hidden_units, hidden_layers, activation)

    def forward(self, v):
        return self.mlp(_with_radial(v))


def _reset_linear_layers(module, init_std, generator):
    for layer in module.modules():
        if not isinstance(layer, nn.Linear):
            continue
        if init_std is None:
            # torch's default for Linear, drawn from our generator.
            nn.init.kaiming_uniform_(layer.weight, a=5**0.5, generator=generator)
            bound = layer.weight.shape[1] ** -0.5
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        else:
            nn.init.normal_(layer.weight, std=init_std, generator=generator)
            nn.init.zeros_(layer.bias)


def pairwise_by_rows(critic, x, y):
    """Scores of every x against every y by scoring all n * m rows.

    ``critic(x, y)`` scores rows, with any leading dims; the result has shape
    ``(..., n, m)``. Costs n * m forward passes of the critic.
    """
    n, m = len(x), len(y)
    xs = x.unsqueeze(1).expand(n, m, x.shape[1]).reshape(n * m, x.shape[1])
    ys = y.unsqueeze(0).expand(n, m, y.shape[1]).reshape(n * m, y.shape[1])
    return critic(xs, ys).unflatten(-1, (n, m))


class ConcatCritic(nn.Module):
    """An MLP on the concatenated pair: :math:`t(x, y) = f([x, y])`.

    The most flexible critic; scoring every x of a batch against every y costs
    one forward pass per pair.

    Parameters
    ----------
    n_features_x, n_features_y : int
        Widths of x and y.
    hidden_units : int, default=50
        Width of each hidden layer.
    hidden_layers : int, default=2
        Number of hidden layers.
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity after each hidden layer.
    init_std : float or None, default=None
        Standard deviation of the normal distribution the weights are drawn
        from (biases start at 0). ``None`` keeps torch's default initialisation.
    random_state : int, default=0
        Seed of the initial weights. The weights come from a private generator,
        so the global torch seed neither affects them nor is consumed by them.
    radial_features : bool, default=False
        Whether the MLP also sees :func:`radial_feature` of x and of y, the
        squared norm of each side: ``f([x, y, |x|^2, |y|^2])`` (centred and
        scaled).
    """

    def __init__(
        self,
        n_features_x,
        n_features_y,
        hidden_units=50,
        hidden_layers=2,
        activation="elu",
        init_std=None,
        random_state=0,
        radial_features=False,
    ):
        super().__init__()
        self.radial_features = radial_features
        self.mlp = _mlp(
            n_features_x + n_features_y + 2 * radial_features,
            1,
            hidden_units,
            hidden_layers,
            activation,
        )
        generator = torch.Generator().manual_seed(int(random_state))
        _reset_linear_layers(self, init_std, generator)

    def forward(self, x, y, pairwise=False):
        """Scores of the rows (x_i, y_i); with ``pairwise``, of every x_i, y_j."""
        if pairwise:
            return pairwise_by_rows(self, x, y)
        columns = [x, y]
        if self.radial_features:
            columns += [radial_feature(x), radial_feature(y)]
        return self.mlp(torch.cat(columns, dim=1)).squeeze(1)


class SeparableCritic(nn.Module):
    """An inner product of embeddings: :math:`t(x, y) = g(x)^\\top h(y)`.

    ``g`` and ``h`` are MLPs with ``hidden_units`` outputs. Less flexible than
    :class:`ConcatCritic`, but the scores of every x of a batch against every
    y are one matrix product, so a batch of b joint pairs gives b(b - 1)
    marginal pairs almost for free.

    Parameters
    ----------
    n_features_x, n_features_y : int
        Widths of x and y.
    hidden_units : int, default=50
        Width of each hidden layer and of the embeddings.
    hidden_layers : int, default=2
        Number of hidden layers of ``g`` and of ``h``.
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity after each hidden layer.
    random_state : int, default=0
        Seed of the initial weights (torch's default initialisation, drawn
        from a private generator).
    radial_features : bool, default=False
        Whether ``g`` and ``h`` also see the squared norm of their input
        (:func:`radial_feature`).
    """

    def __init__(
        self,
        n_features_x,
        n_features_y,
        hidden_units=50,
        hidden_layers=2,
        activation="elu",
        random_state=0,
        radial_features=False,
    ):
        super().__init__()
        self.radial_features = radial_features
        self.g = _mlp(
            n_features_x + radial_features,
            hidden_units,
            hidden_units,
            hidden_layers,
            activation,
        )
        self.h = _mlp(
            n_features_y + radial_features,
            hidden_units,
            hidden_units,
            hidden_layers,
            activation,
        )
        generator = torch.Generator().manual_seed(int(random_state))
        _reset_linear_layers(self, None, generator)

    def forward(self, x, y, pairwise=False):
        """Scores of the rows (x_i, y_i); with ``pairwise``, of every x_i, y_j.

        Pairwise, one matrix product of the embeddings: shape (n, m).
        """
        if self.radial_features:
            x, y = _with_radial(x), _with_radial(y)
        if pairwise:
            return self.g(x) @ self.h(y).T
        return (self.g(x) * self.h(y)).sum(dim=1)


class NEECritic(nn.Module):
    """The three critics of MI-NEE, scoring each row three ways.

    MI-NEE (Chan et al., 2019) writes
    :math:`I(X; Y) = D(P_{XY} \\| R_X \\times R_Y) - D(P_X \\| R_X)
    - D(P_Y \\| R_Y)` for reference distributions :math:`R_X, R_Y` that can
    be sampled independently, and estimates each divergence with its own
    critic. Row ``r`` of the output holds the joint critic's score of
    ``(x_r, y_r)``, then x's critic's score of ``x_r``, then y's of ``y_r``.

    Parameters
    ----------
    n_features_x, n_features_y : int
        Widths of x and y.
    hidden_units : int, default=50
        Width of each hidden layer of every critic.
    hidden_layers : int, default=2
        Number of hidden layers of every critic.
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity after each hidden layer.
    critic : {"concat", "separable"}, default="concat"
        Form of the joint critic.
    random_state : int, default=0
        Seed of the initial weights.
    radial_features : bool, default=False
        Whether every critic also sees the squared norm of its inputs
        (:func:`radial_feature`).
    """

    def __init__(
        self,
        n_features_x,
        n_features_y,
        hidden_units=50,
        hidden_layers=2,
        activation="elu",
        critic="concat",
        random_state=0,
        radial_features=False,
    ):
        super().__init__()
        shape = dict(
            hidden_units=hidden_units,
            hidden_layers=hidden_layers,
            activation=activation,
            random_state=random_state,
            radial_features=radial_features,
        )
        self.joint = CRITICS[critic](n_features_x, n_features_y, **shape)
        if radial_features:
            layers = (hidden_units, hidden_layers, activation)
            self.x_critic = _RadialMLP(n_features_x, *layers)
            self.y_critic = _RadialMLP(n_features_y, *layers)
        else:
            # Plain MLPs, as files saved before radial features hold them.
            self.x_critic = _mlp(
                n_features_x, 1, hidden_units, hidden_layers, activation
            )
            self.y_critic = _mlp(
                n_features_y, 1, hidden_units, hidden_layers, activation
            )
        generator = torch.Generator().manual_seed(int(random_state) + 1)
        _reset_linear_layers(self.x_critic, None, generator)
        _reset_linear_layers(self.y_critic, None, generator)

    def forward(self, x, y):
        return torch.stack(
            [
                self.joint(x, y),
                self.x_critic(x).squeeze(1),
                self.y_critic(y).squeeze(1),
            ]
        )

    def make_constant(self, index):
        """Turn critic ``index`` (0 joint, 1 x's, 2 y's) into the zero critic.

        Its output layer's weights and bias are zeroed, so it scores every
        pair 0 (and, for the separable joint critic, y's embedding is 0). A
        constant critic's divergence bound is exactly 0.
        """
        critic = (self.joint, self.x_critic, self.y_critic)[index]
        output = [m for m in critic.modules() if isinstance(m, nn.Linear)][-1]
        with torch.no_grad():
            output.weight.zero_()
            output.bias.zero_()


class ConvexCritic(nn.Module):
    r"""A solved critic: :math:`t(x, y) = w^\top \phi([x, y])`.

    :math:`\phi` is the fixed feature map of ``_engine/convex.py`` (random
    Fourier features at four bandwidths and the products of the squashed
    coordinates), drawn from ``random_state``; ``readout`` (w) is zero until
    :func:`~sklearn_mine._engine.convex.solve_module` solves it by Newton's
    method on the Donsker-Varadhan bound (``docs/convex.md``). The MLP
    critics' shape parameters are taken and unused, so that
    ``MINEEstimator`` builds every critic alike.
    """

    def __init__(
        self,
        n_features_x,
        n_features_y,
        hidden_units=None,
        hidden_layers=None,
        activation=None,
        random_state=0,
        radial_features=False,
    ):
        super().__init__()
        width = n_features_x + n_features_y
        generator = torch.Generator().manual_seed(int(random_state))
        feature_map = random_feature_map(width, generator, "cpu")
        # Buffers: saved with the readout, and moved with the module.
        self.register_buffer("omega", feature_map.omega)
        self.register_buffer("bias", feature_map.bias)
        self.readout = nn.Parameter(torch.zeros(feature_count(width)))

    def forward(self, x, y):
        feature_map = FeatureMap(self.omega, self.bias)
        return features(torch.cat([x, y], dim=-1), feature_map) @ self.readout


CRITICS = {
    "concat": ConcatCritic,
    "separable": SeparableCritic,
    "convex": ConvexCritic,
}


def critic_module(critic, reference):
    """The critic class and its extra parameters for a critic and a reference.

    ``reference="resample"`` trains ``critic`` itself; any other reference
    trains MI-NEE's three critics, whose joint critic is ``critic``.
    """
    if reference == "resample":
        return CRITICS[critic], {}
    return NEECritic, {"critic": critic}
