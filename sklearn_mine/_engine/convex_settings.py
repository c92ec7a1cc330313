"""The convex critics' settings: their feature maps' and their solver's.

One dict, read at each call, so that the benchmarks can change one
setting at a time (``benchmarks/bench_convex.py --parts settings``).
"""

__all__ = ["CONVEX_SETTINGS"]

# The feature map and the solver's settings, measured on Gaussian features
# (rho 0 to 0.95) and a non-linear table (sin, abs and square of three of
# ten features) at n = 500 and 2000, eight seeds each (docs/convex.md,
# benchmarks/bench_convex.py). Bandwidths from a quarter of to twice the
# typical distance between two pairs: features at the scale of sharp and of
# smooth dependence. The marginal pairs matter most: the readout otherwise
# learns the sample of marginal pairs it is fitted on and reads low on new
# ones. Drawn in rounds, each pairing every training x with a different
# training y, ten rounds were as accurate as thirty independent draws a
# pair at n = 500, at half the cost, and a little less at n = 2000, at a
# third. Newton's gains stop within about eight steps.
CONVEX_SETTINGS = {
    "n_features": 128,
    # Bandwidths, in units of sqrt(width) standard scores (the typical
    # distance between two pairs).
    "scales": (0.25, 0.5, 1.0, 2.0),
    # Where the coordinates' products stop growing, in standard scores
    # (None: they never do; measured against in bench_convex.py).
    "squash": 2.0,
    # Penalties, in units of 1 / n_train: the sampling noise of the
    # objective shrinks as 1 / n, and so should the penalty.
    "ridges": (1.0, 10.0, 100.0),
    # Where the marginal pairs are y's product pairs, exactly (a discrete
    # target: sampling.product_pairs), the readout cannot learn a sample of
    # them, and a weaker penalty may be chosen: on a discrete target's
    # cases the mean error fell from 0.057 to 0.044 nats (the MLP critics':
    # 0.048), the ranking of two ten-feature tables the same over 60 seeds
    # (benchmarks/results/convex_classes.md; docs/convex.md).
    "product_ridges": (0.1, 1.0, 10.0, 100.0),
    "max_iter": 8,
    # Rounds of marginal pairs, fewer where they would pass max_marginal;
    # "rounds": False draws marginal_rounds * n_train independent pairs
    # instead (measured against, in bench_convex.py).
    "marginal_rounds": 10,
    # A permutation test's family shares its marginal pairs (drawn from
    # every row), so their sampling noise is common to the observed
    # statistic and its copies, and ranks them less than it moves an
    # estimate: five rounds, half the Newton work, gave the same FDR
    # selections on the 110-feature tables and an exact size (0.044 over
    # 1600 null features; docs/convex.md).
    "family_rounds": 5,
    # A permutation test's critics also read y times the products of x's
    # coordinates (features' cubic terms): the log ratio of y = f(x) +
    # noise holds y f(x), of the third degree where f is an interaction.
    # On the XOR of two signs the test's power rose from 0.20 and 0.67 to
    # 0.93 and 1.00 at n = 200 and 500 (30 samples), the same on the six
    # families of docs/testing.md (benchmarks/results/critic_only.md).
    "family_cubic": True,
    # With the cubic terms, a permutation test's critics also read this
    # many Fourier features of x alone, each alone and times y's
    # coordinates, at x_scales (in units of sqrt(x's width) standard
    # scores), finer than the isotropic features' (0: none); each critic
    # keeps them only where they read more on its held-out pairs. On
    # y = sin(10 x) + noise the test's power rose from 0.07 and 0.03 to 0.83
    # and 0.97 at n = 200 and 500 (30 samples); read by every critic,
    # without the choice, they cost the tails family 0.63 -> 0.10 at
    # n = 500, and 16 of them found less of the sine (0.87 at n = 500)
    # and still cost (benchmarks/results/critic_only.md; docs/convex.md).
    "family_x_features": 32,
    "x_scales": (0.1, 0.2),
    # Given Z, the same features of X's own columns. Off: they found the
    # sine given Z (0.90 against 0.15 at n = 500), but PC on six 6-node
    # graphs lost 4 more true edges (F1 0.85 against 0.89) in 3.8 times
    # KCI's time against 2.3 (benchmarks/results/conditional_pc.md); with
    # the quadratic statistic's fix, 5 more (F1 0.82 against 0.88) at 3.5
    # times (conditional_x_features.md).
    "x_features_given_z": False,
    # An estimate's map (fit_chunk) also holds this many Fourier features
    # of x alone at x_scales, each alone and times y's coordinates, with
    # y times the products of x's (0: neither); each critic keeps them only
    # where they read more on its held-out pairs. A discrete target's mean
    # error over 16 cases fell from 0.084 to 0.059 nats (the MLP critics':
    # 0.048), sine curves read about half as low, at 1.4-1.8 times the
    # time; 32 of them tied with 16 within the seeds' noise and cost more
    # (benchmarks/results/convex_estimates.md; docs/convex.md).
    "x_features": 16,
    "max_marginal": 20_000,
    "rounds": True,
    # The estimates' feature map (fit_chunk) also holds Gaussian kernels
    # centred on this many training pairs (centred_feature_map; 0: none),
    # at centre_scales (in the same units as scales).
    "n_centres": 0,
    # With kernels, each critic also solves the map without them and keeps
    # whichever map and ridge read the most on its held-out pairs. Off:
    # with 128 kernels and the choice, the error on sharp one-feature
    # curves halved at the same Gaussian accuracy, but at three times the
    # time, and a convex critic's point is its time (docs/convex.md,
    # "Kernels centred on the pairs"; benchmarks/results/convex_curves.md).
    "choose_map": False,
    "centre_scales": (0.125, 0.25),
    # A selection round's critics' kernels (solve_and_compare), as n_centres
    # is the estimates'; 0: none. Off: on the sign-copy family "auto" was
    # exactly right in 6-8 of 10 seeds with 32-128 of them (6 without), at
    # 1.4-2.5 times the time (docs/convex.md, "The selector").
    "selector_centres": 0,
}
