"""GroupedCritic: one small critic per group of features, trained as one network."""

import torch
from torch import nn

from .critics import ACTIVATION_MODULES, IN_PLACE_ACTIVATIONS, pairwise_by_rows

__all__ = ["GroupedCritic"]


# Rows a grouped critic scores at once without gradients: 256 critics of 16
# hidden units then make activations of 4 MiB. torch's batched products give
# each row the same result in any chunk of this size (not in chunks of one
# row, nor always of a few).
_SCORING_ROWS = 256


class GroupedCritic(nn.Module):
    """One small MLP per group of x's columns, all evaluated together.

    Critic ``g`` scores :math:`t_g(x_{G_g}, y)`, where :math:`G_g` is the
    ``g``-th group of columns of x. Each layer is one batched matrix product
    over the groups, so a step costs a few large kernels rather than one small
    network per group. Groups share no parameters.

    Parameters
    ----------
    groups : list of list of int
        Columns of x in each group. Groups narrower than the widest are padded
        with a column of zeros, whose weights stay at zero.
    n_features_x : int
        Number of columns of x.
    n_features_y : int
        Width of y.
    hidden_units : int, default=32
        Width of each hidden layer of every critic.
    hidden_layers : int, default=2
        Number of hidden layers of every critic (at least 1).
    activation : {"elu", "relu", "tanh", "softplus", "gelu"}, default="elu"
        Non-linearity after each hidden layer.
    seeds : list of int, default=None
        Seed of each critic's initial weights; ``None`` seeds critic ``g``
        with ``g``. A critic's weights depend on its own seed only, so a group
        trained with others or alone starts from the same weights.

    Notes
    -----
    Called as ``critic(x, y)``, returns scores of shape (n_groups, n_rows).
    """

    def __init__(
        self,
        groups,
        n_features_x,
        n_features_y,
        hidden_units=32,
        hidden_layers=2,
        activation="elu",
        seeds=None,
    ):
        super().__init__()
        if hidden_layers < 1:
            raise ValueError("GroupedCritic needs at least one hidden layer.")
        n_groups = len(groups)
        width = max(len(group) for group in groups)
        # Column n_features_x of the padded input is all zeros.
        index = torch.full((n_groups, width), n_features_x, dtype=torch.long)
        for g, group in enumerate(groups):
            index[g, : len(group)] = torch.as_tensor(group, dtype=torch.long)
        self.register_buffer("index", index)
        # In place where torch offers it (ELU, ReLU): the activations are the
        # step's largest tensors, and their backward needs only the output.
        activation_class = ACTIVATION_MODULES[activation]
        self.activation = (
            activation_class(inplace=True)
            if activation in IN_PLACE_ACTIVATIONS
            else activation_class()
        )
        h = hidden_units
        self.weight_x = nn.Parameter(torch.empty(n_groups, width, h))
        self.weight_y = nn.Parameter(torch.empty(n_groups, n_features_y, h))
        self.bias_in = nn.Parameter(torch.empty(n_groups, 1, h))
        self.weights = nn.ParameterList(
            [
                nn.Parameter(torch.empty(n_groups, h, h))
                for _ in range(hidden_layers - 1)
            ]
        )
        self.biases = nn.ParameterList(
            [
                nn.Parameter(torch.empty(n_groups, 1, h))
                for _ in range(hidden_layers - 1)
            ]
        )
        self.weight_out = nn.Parameter(torch.empty(n_groups, h, 1))
        self.bias_out = nn.Parameter(torch.empty(n_groups, 1, 1))
        self.active_ = None
        self.group_sizes_ = [len(group) for group in groups]
        seeds = range(n_groups) if seeds is None else seeds
        with torch.no_grad():
            for g, (group, seed) in enumerate(zip(groups, seeds)):
                self._reset_group(g, len(group), n_features_y, int(seed))

    def _reset_group(self, g, n_columns, n_features_y, seed):
        # torch's default for Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
        # weights and biases alike, from the group's own generator.
        generator = torch.Generator().manual_seed(seed)

        def uniform(tensor, fan_in):
            bound = fan_in**-0.5
            tensor.uniform_(-bound, bound, generator=generator)

        fan_in = n_columns + n_features_y
        # Only the group's own rows are drawn: drawing the padding too would
        # make its weights depend on the widest group beside it.
        self.weight_x[g, n_columns:] = 0.0
        uniform(self.weight_x[g, :n_columns], fan_in)
        uniform(self.weight_y[g], fan_in)
        uniform(self.bias_in[g], fan_in)
        hidden = self.weight_out.shape[1]
        for weight, bias in zip(self.weights, self.biases):
            uniform(weight[g], hidden)
            uniform(bias[g], hidden)
        uniform(self.weight_out[g], hidden)
        uniform(self.bias_out[g], hidden)

    def group_state(self, g):
        """Critic ``g``'s parameters: a dict of its slices, detached copies.

        Its ``"weight_x"`` has one row per column of its group, in order.
        """
        state = {
            name: param[g].detach().clone() for name, param in self.named_parameters()
        }
        state["weight_x"] = state["weight_x"][: self.group_sizes_[g]]
        return state

    def start_from(self, g, state, rows):
        """Start critic ``g`` from another critic's parameters.

        ``state`` is a :meth:`group_state` of a critic of the same sizes but
        for its columns; ``rows`` gives, for each column of group ``g``, the
        row of ``state["weight_x"]`` it takes, or None for a column that
        critic did not see, whose weights start at zero. A critic given one
        more column so starts as the function the other critic computes.
        """
        with torch.no_grad():
            for name, param in self.named_parameters():
                if name != "weight_x":
                    param[g] = state[name]
                    continue
                param[g] = 0.0
                for i, row in enumerate(rows):
                    if row is not None:
                        param[g, i] = state["weight_x"][row]

    def restrict(self, groups=None):
        """Compute only ``groups`` (indices) from now on; ``None``: all of them.

        Early stopping restricts a grouped critic to the groups still
        training: a step then costs in proportion to those groups, and the
        others score 0 (no gradient reaches them). A group's own scores are
        the same whichever other groups are computed beside it.
        """
        self.active_ = (
            None
            if groups is None
            else torch.as_tensor(groups, dtype=torch.long, device=self.index.device)
        )

    def forward(self, x, y, pairwise=False):
        """Scores of shape (n_groups, n); with ``pairwise``, (n_groups, n, m)."""
        if pairwise:
            return pairwise_by_rows(self, x, y)
        if not torch.is_grad_enabled() and len(x) > _SCORING_ROWS:
            # Held-out sets are scored in chunks of rows: thousands of rows
            # x hundreds of critics x hidden units would make activations of
            # tens of MiB, each a fresh mapping from the system (see
            # _allocator). A fixed number of rows, so that a group's scores
            # do not depend on how many groups are computed beside it.
            return torch.cat(
                [
                    self(x[i : i + _SCORING_ROWS], y[i : i + _SCORING_ROWS])
                    for i in range(0, len(x), _SCORING_ROWS)
                ],
                dim=1,
            )
        parameters = dict(
            index=self.index,
            weight_x=self.weight_x,
            weight_y=self.weight_y,
            bias_in=self.bias_in,
            weights=list(self.weights),
            biases=list(self.biases),
            weight_out=self.weight_out,
            bias_out=self.bias_out,
        )
        if self.active_ is None:
            return self._scores(x, y, **parameters)

        def select(tensor):
            return tensor.index_select(0, self.active_)

        scores = self._scores(
            x,
            y,
            **{
                name: [select(t) for t in value]
                if isinstance(value, list)
                else select(value)
                for name, value in parameters.items()
            },
        )
        # Groups not computed score 0: a constant, so their bound is 0 and
        # no gradient reaches their weights.
        full = scores.new_zeros(self.index.shape[0], scores.shape[1])
        return full.index_copy(0, self.active_, scores)

    def _scores(
        self,
        x,
        y,
        index,
        weight_x,
        weight_y,
        bias_in,
        weights,
        biases,
        weight_out,
        bias_out,
    ):
        # torch multiplies a batch of one matrix with other kernels than a
        # batch of several, and their rounding differs; a group's scores must
        # not depend on how many groups share its chunk (n_jobs) or are still
        # training, so a lone group is computed as a batch of two copies.
        single = index.shape[0] == 1

        def g(tensor):
            return tensor.repeat(2, *(1,) * (tensor.dim() - 1)) if single else tensor

        padded = torch.nn.functional.pad(x, (0, 1))
        x_groups = padded[:, g(index)].transpose(0, 1)  # (groups, rows, width)
        # The first layer as one product of [x_group, y] with [W_x; W_y]:
        # a separate product for y and a sum would be two more passes over
        # the (groups, rows, hidden) activations, the step's largest tensors.
        inputs = torch.cat([x_groups, y.expand(x_groups.shape[0], *y.shape)], dim=2)
        h = torch.baddbmm(g(bias_in), inputs, torch.cat([g(weight_x), g(weight_y)], 1))
        h = self.activation(h)
        for weight, bias in zip(weights, biases):
            h = self.activation(torch.baddbmm(g(bias), h, g(weight)))
        # The output layer as a product and a sum over the hidden units, not a
        # batched product with one column: torch's bmm runs such
        # matrix-vector products, forward and backward, at a fraction of its
        # speed (half the CPU time of a synthetic step of 256 critics of 2 x
        # 16 units; docs/performance.md).
        scores = (h * g(weight_out).transpose(1, 2)).sum(-1) + g(bias_out).squeeze(-1)
        return scores[:1] if single else scores
