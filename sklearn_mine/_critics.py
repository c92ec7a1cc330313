"""Critic networks: torch modules scoring pairs (x, y)."""

import torch
from torch import nn

__all__ = ["ConcatCritic"]

ACTIVATIONS = {
    "elu": nn.ELU,
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "softplus": nn.Softplus,
    "gelu": nn.GELU,
}


class ConcatCritic(nn.Module):
    """An MLP on the concatenated pair: :math:`t(x, y) = f([x, y])`.

    Parameters
    ----------
    n_features_x, n_features_y : int
        Widths of x and y.
    hidden_units : int, default=100
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
    """

    def __init__(
        self,
        n_features_x,
        n_features_y,
        hidden_units=100,
        hidden_layers=2,
        activation="elu",
        init_std=None,
        random_state=0,
    ):
        super().__init__()
        widths = [n_features_x + n_features_y] + [hidden_units] * hidden_layers
        layers = []
        for n_in, n_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(n_in, n_out), ACTIVATIONS[activation]()]
        layers.append(nn.Linear(widths[-1], 1))
        self.mlp = nn.Sequential(*layers)
        self._reset_parameters(init_std, random_state)

    def _reset_parameters(self, init_std, random_state):
        generator = torch.Generator().manual_seed(int(random_state))
        for layer in self.mlp:
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

    def forward(self, x, y):
        return self.mlp(torch.cat([x, y], dim=1)).squeeze(1)
